import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { conflict, notFound } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { inns, rooms, seasonalRates, type RoomType } from '../schema.ts';
import { checkStay } from './dates.ts';
import { innRow, publicRoom, roomRow } from './inns.ts';

// ---- rooms and rates ----

export interface RoomInput {
  name: string;
  nameEn?: string | null;
  type: RoomType;
  capacity: number;
  beds?: string;
  description?: string;
  nightlyFen: number;
  weekendFen?: number | null;
}

export async function addRoom(db: Db, actor: Actor | null, innId: string, input: RoomInput) {
  const inn = await innRow(db, innId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: rooms.id }).from(rooms).where(and(eq(rooms.innId, innId), eq(rooms.name, input.name)));
    if (taken) throw conflict('room_name_taken', 'The inn already has a room of this name', { field: 'body/name' });
    const [room] = await tx
      .insert(rooms)
      .values({ ...input, nameEn: input.nameEn || null, innId, countyId: inn.countyId, icalToken: randomBytes(18).toString('base64url') })
      .returning();
    await recordAudit(tx, who, { action: 'room.create', entity: 'inn_room', entityId: room.id, details: { innId } });
    return publicRoom(room);
  });
}

export async function updateRoom(db: Db, actor: Actor | null, roomId: string, patch: Partial<RoomInput>) {
  const { inn } = await roomRow(db, roomId);
  if (patch.nameEn === '') patch = { ...patch, nameEn: null };
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  return db.transaction(async (tx) => {
    if (patch.name !== undefined) {
      const [taken] = await tx.select({ id: rooms.id }).from(rooms).where(and(eq(rooms.innId, inn.id), eq(rooms.name, patch.name)));
      if (taken && taken.id !== roomId) throw conflict('room_name_taken', 'The inn already has a room of this name', { field: 'body/name' });
    }
    const [room] = await tx.update(rooms).set(patch).where(eq(rooms.id, roomId)).returning();
    await recordAudit(tx, who, { action: 'room.update', entity: 'inn_room', entityId: roomId, details: { fields: Object.keys(patch) } });
    return publicRoom(room);
  });
}

export async function addSeasonalRate(
  db: Db,
  actor: Actor | null,
  roomId: string,
  input: { name?: string; startDate: string; endDate: string; nightlyFen: number; weekendFen?: number | null },
) {
  const { inn } = await roomRow(db, roomId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  checkStay(input.startDate, input.endDate, { allowPast: true });
  return db.transaction(async (tx) => {
    const [rate] = await tx.insert(seasonalRates).values({ ...input, roomId, countyId: inn.countyId }).returning();
    await recordAudit(tx, who, { action: 'room.rate', entity: 'inn_room', entityId: roomId, details: { rateId: rate.id } });
    return rate;
  });
}

/** Removes a seasonal rate; the room's own prices apply to its nights again. */
export async function removeSeasonalRate(db: Db, actor: Actor | null, rateId: string) {
  const [rate] = await db.select().from(seasonalRates).where(eq(seasonalRates.id, rateId));
  if (!rate) throw notFound('Seasonal rate');
  const { inn } = await roomRow(db, rate.roomId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  await db.transaction(async (tx) => {
    await tx.delete(seasonalRates).where(eq(seasonalRates.id, rateId));
    await recordAudit(tx, who, { action: 'room.rate_remove', entity: 'inn_room', entityId: rate.roomId, details: { rateId, startDate: rate.startDate, endDate: rate.endDate } });
  });
}
