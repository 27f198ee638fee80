// Delivery requests: a parcel for a village's drop point on a day, with its weight and time window.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, notFound, refusedTransition } from '../../server/problems.ts';
import { getCountyTree, type Actor } from '../governance/index.ts';
import { operator } from './access.ts';
import { requests } from './schema.ts';

export interface RequestInput {
  villageId: string;
  serviceDate: string;
  weightKg: number;
  windowStartMin: number;
  windowEndMin: number;
  recipient?: string;
  note?: string;
}

/** The county's villages by id, with their names and drop points. */
export async function villagesById(db: Db) {
  const tree = await getCountyTree(db);
  return new Map(tree.townships.flatMap((t) => t.villages.map((v) => [v.id, { ...v, townshipZh: t.nameZh }] as const)));
}

export async function listRequests(db: Db, actor: Actor | null, q: { date?: string }) {
  const who = await operator(db, actor);
  const where = q.date ? and(eq(requests.countyId, who.countyId), eq(requests.serviceDate, q.date)) : eq(requests.countyId, who.countyId);
  const [rows, villages] = await Promise.all([db.select().from(requests).where(where).orderBy(asc(requests.windowStartMin), asc(requests.createdAt)), villagesById(db)]);
  return rows.map((r) => ({ ...r, villageName: villages.get(r.villageId)?.nameZh ?? '' }));
}

async function dropPoint(db: Db, villageId: string) {
  const v = (await villagesById(db)).get(villageId);
  if (!v) throw badRequest('body/villageId', 'Not a village of this county');
  if (v.lon == null || v.lat == null) throw badRequest('body/villageId', 'The village has no coordinates in the Atlas');
  return { lon: v.lon, lat: v.lat };
}

function checkWindow(start: number, end: number) {
  if (start >= end) throw badRequest('body/windowEndMin', 'The window closes before it opens');
}

export async function createRequest(db: Db, actor: Actor | null, input: RequestInput) {
  const who = await operator(db, actor);
  checkWindow(input.windowStartMin, input.windowEndMin);
  const point = await dropPoint(db, input.villageId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(requests)
      .values({ ...input, ...point, countyId: who.countyId, createdBy: who.id })
      .returning();
    await recordAudit(tx, who, { action: 'logistics.request.create', entity: 'logistics_request', entityId: row.id, details: { villageId: row.villageId, serviceDate: row.serviceDate, weightKg: row.weightKg } });
    return row;
  });
}

export async function updateRequest(db: Db, actor: Actor | null, id: string, patch: Partial<RequestInput> & { status?: 'open' | 'cancelled' }) {
  const who = await operator(db, actor);
  const point = patch.villageId ? await dropPoint(db, patch.villageId) : {};
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(requests).where(and(eq(requests.countyId, who.countyId), eq(requests.id, id))).for('update');
    if (!before) throw notFound('Delivery request');
    if (before.status === 'cancelled' && patch.status !== 'open') throw refusedTransition('This request was cancelled; reopen it first', 'cancelled');
    checkWindow(patch.windowStartMin ?? before.windowStartMin, patch.windowEndMin ?? before.windowEndMin);
    const [row] = await tx
      .update(requests)
      .set({ ...patch, ...point })
      .where(and(eq(requests.countyId, who.countyId), eq(requests.id, id)))
      .returning();
    const action = patch.status === 'cancelled' ? 'logistics.request.cancel' : 'logistics.request.update';
    await recordAudit(tx, who, { action, entity: 'logistics_request', entityId: id, details: { changed: Object.keys(patch) } });
    return row;
  });
}
