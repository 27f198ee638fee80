// Stock set aside for another module's sale (a live flash offer): taken from a variant's available stock with a
// conditional UPDATE, so it is never sold twice, and given back when that sale no longer needs it.
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { conflict } from '../../server/problems.ts';
import { marketVariants } from './schema.ts';

/** Takes `qty` units of the variant out of the market's available stock; 409 `out_of_stock` when there are fewer. */
export async function setAsideStock(tx: Db, variantId: string, qty: number): Promise<void> {
  const [row] = await tx
    .update(marketVariants)
    .set({ stock: sql`${marketVariants.stock} - ${qty}` })
    .where(and(eq(marketVariants.id, variantId), gte(marketVariants.stock, qty)))
    .returning({ id: marketVariants.id });
  if (!row) throw conflict('out_of_stock', 'Not enough stock for this quota', { field: 'quota' });
}

/** Gives units set aside back to the variant's available stock. */
export async function returnStock(tx: Db, variantId: string, qty: number): Promise<void> {
  if (qty <= 0) return;
  await tx.update(marketVariants).set({ stock: sql`${marketVariants.stock} + ${qty}` }).where(eq(marketVariants.id, variantId));
}
