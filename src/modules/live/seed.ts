import type { Db } from '../../db/handle.ts';
import { listOrganizations } from '../governance/index.ts';
import { listProducts } from '../market/index.ts';
import { liveSessionProducts, liveSessions } from './schema.ts';
import { newStreamKey } from './sessions.ts';

/** One scheduled session of the demo tea cooperative, tomorrow at 10:00 Beijing time, with its products. */
export async function seedDemoSession(tx: Db, countyId: string, coopName = '杨家堂银猴茶叶专业合作社') {
  const [coop] = (await listOrganizations(tx, {})).filter((o) => o.name === coopName);
  if (!coop) return;
  const { items } = await listProducts(tx, { orgId: coop.id, limit: 3, offset: 0 });
  const tomorrow = new Date(Date.now() + 86_400_000);
  const scheduledAt = new Date(`${tomorrow.toISOString().slice(0, 10)}T02:00:00Z`);
  const [session] = await tx
    .insert(liveSessions)
    .values({ countyId, orgId: coop.id, title: '杨家堂茶园直播：明前银猴开采（演示）', titleEn: 'Live from the Yangjiatang tea gardens: the first Silver Monkey picking (demo)', scheduledAt, streamKey: newStreamKey() })
    .returning();
  if (items.length) {
    await tx.insert(liveSessionProducts).values(items.map((p, position) => ({ countyId, sessionId: session.id, productId: p.id, position })));
  }
}
