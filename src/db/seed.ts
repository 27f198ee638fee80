import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from './handle.ts';
import type { ModuleManifest, SeedContext } from '../server/module.ts';

export interface SeedResult {
  seeded: boolean;
  password?: string;
}

/**
 * Seeds the demo county — each module its part, in list order, in one transaction — but only into a database where
 * nothing has ever happened (an empty audit log): existing data is never touched.
 */
export async function seedDemo(db: Db, modules: readonly ModuleManifest[], options: { password?: string } = {}): Promise<SeedResult> {
  const password = options.password ?? randomBytes(9).toString('base64url');
  return db.transaction(async (tx) => {
    // Serialises concurrent first starts on PostgreSQL; the emptiness check below then sees the winner's rows.
    await tx.execute(sql`select pg_advisory_xact_lock(7710001)`);
    const rows = (await tx.execute(sql`select exists (select 1 from audit_log) as used`)) as unknown as { rows: { used: boolean }[] };
    if (rows.rows[0]?.used) return { seeded: false };
    const ctx: SeedContext = { password, countyId: null };
    for (const m of modules) if (m.seed) await m.seed(tx, ctx);
    return { seeded: true, password };
  });
}
