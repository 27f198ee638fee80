// Depots and the fleet: created, changed and retired by the county's logistics operators, every change audited.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, notFound } from '../../server/problems.ts';
import { getCountyTree, type Actor } from '../governance/index.ts';
import { operator } from './access.ts';
import { depots, vehicles, type DepotKind, type VehicleKind } from './schema.ts';

export interface DepotInput {
  name: string;
  kind: DepotKind;
  unitId: string;
  lon: number;
  lat: number;
  opensMin?: number;
  closesMin?: number;
}

export interface VehicleInput {
  depotId: string;
  name: string;
  kind: VehicleKind;
  capacityKg: number;
  speedKmh: number;
  batteryWh?: number | null;
  whPerKm?: number | null;
  whPerKmKg?: number | null;
  massKg?: number | null;
  reloadMin?: number;
}

export type Depot = typeof depots.$inferSelect;
export type Vehicle = typeof vehicles.$inferSelect;

export async function listDepots(db: Db, actor: Actor | null) {
  const who = await operator(db, actor);
  return db.select().from(depots).where(eq(depots.countyId, who.countyId)).orderBy(asc(depots.createdAt));
}

export async function listVehicles(db: Db, actor: Actor | null) {
  const who = await operator(db, actor);
  return db.select().from(vehicles).where(eq(vehicles.countyId, who.countyId)).orderBy(asc(vehicles.createdAt));
}

/** A hub serves the county; a township depot a township of it. */
async function checkUnit(db: Db, countyId: string, kind: DepotKind, unitId: string) {
  const tree = await getCountyTree(db);
  const ok = kind === 'hub' ? unitId === countyId && tree.county.id === countyId : tree.townships.some((t) => t.id === unitId);
  if (!ok) throw badRequest('body/unitId', kind === 'hub' ? 'A hub serves the county itself' : 'Not a township of this county');
}

function checkHours(opens: number, closes: number) {
  if (opens >= closes) throw badRequest('body/closesMin', 'The depot closes before it opens');
}

export async function createDepot(db: Db, actor: Actor | null, input: DepotInput) {
  const who = await operator(db, actor);
  await checkUnit(db, who.countyId, input.kind, input.unitId);
  checkHours(input.opensMin ?? 420, input.closesMin ?? 1140);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(depots).values({ ...input, countyId: who.countyId }).returning();
    await recordAudit(tx, who, { action: 'logistics.depot.create', entity: 'logistics_depot', entityId: row.id, details: { name: row.name, kind: row.kind } });
    return row;
  });
}

export async function updateDepot(db: Db, actor: Actor | null, id: string, patch: Partial<DepotInput> & { active?: boolean }) {
  const who = await operator(db, actor);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(depots).where(and(eq(depots.countyId, who.countyId), eq(depots.id, id))).for('update');
    if (!before) throw notFound('Depot');
    const next = { ...before, ...patch };
    if (patch.kind !== undefined || patch.unitId !== undefined) await checkUnit(tx, who.countyId, next.kind, next.unitId);
    checkHours(next.opensMin, next.closesMin);
    const [row] = await tx.update(depots).set(patch).where(and(eq(depots.countyId, who.countyId), eq(depots.id, id))).returning();
    await recordAudit(tx, who, { action: 'logistics.depot.update', entity: 'logistics_depot', entityId: id, details: { changed: Object.keys(patch) } });
    return row;
  });
}

function checkDrone(v: Pick<VehicleInput, 'kind' | 'batteryWh' | 'whPerKm' | 'whPerKmKg' | 'massKg'>) {
  if (v.kind !== 'drone') return;
  for (const f of ['batteryWh', 'whPerKm', 'massKg'] as const) if (!(Number(v[f]) > 0)) throw badRequest(`body/${f}`, 'A drone needs it (above zero)');
  if (!(Number(v.whPerKmKg) >= 0)) throw badRequest('body/whPerKmKg', 'A drone needs it (zero or more)');
}

async function checkDepot(db: Db, countyId: string, depotId: string) {
  const [d] = await db.select({ id: depots.id }).from(depots).where(and(eq(depots.countyId, countyId), eq(depots.id, depotId), eq(depots.active, true)));
  if (!d) throw badRequest('body/depotId', 'Not an active depot of this county');
}

export async function createVehicle(db: Db, actor: Actor | null, input: VehicleInput) {
  const who = await operator(db, actor);
  checkDrone(input);
  await checkDepot(db, who.countyId, input.depotId);
  const values = input.kind === 'van' ? { ...input, batteryWh: null, whPerKm: null, whPerKmKg: null, massKg: null } : input;
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(vehicles).values({ ...values, countyId: who.countyId }).returning();
    await recordAudit(tx, who, { action: 'logistics.vehicle.create', entity: 'logistics_vehicle', entityId: row.id, details: { name: row.name, kind: row.kind } });
    return row;
  });
}

export async function updateVehicle(db: Db, actor: Actor | null, id: string, patch: Partial<Omit<VehicleInput, 'kind'>> & { active?: boolean }) {
  const who = await operator(db, actor);
  if (patch.depotId) await checkDepot(db, who.countyId, patch.depotId);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(vehicles).where(and(eq(vehicles.countyId, who.countyId), eq(vehicles.id, id))).for('update');
    if (!before) throw notFound('Vehicle');
    checkDrone({ ...before, ...patch });
    const [row] = await tx.update(vehicles).set(patch).where(and(eq(vehicles.countyId, who.countyId), eq(vehicles.id, id))).returning();
    await recordAudit(tx, who, { action: 'logistics.vehicle.update', entity: 'logistics_vehicle', entityId: id, details: { changed: Object.keys(patch) } });
    return row;
  });
}
