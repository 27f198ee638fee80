// The village's register of residents: officials keep it; lists show masked fields; a full view is audited; only the
// person and the officials of their village and above read a record.
import { venturesOf } from './ventures.ts';
import { createHash, randomInt } from 'node:crypto';
import { and, asc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, forbidden, notFound, Problem } from '../../server/problems.ts';
import { authorize, getUnit, grantVillageResidency, holdsPermissionAnywhere, OFFICIAL_ROLES, requireActor, revokeVillageResidency, type Actor } from '../governance/index.ts';
import { residents, type ResidentStatus } from './schema.ts';

type Resident = typeof residents.$inferSelect;

export interface ResidentInput {
  villageId: string;
  fullName: string;
  household?: string;
  birthYear: number;
  phone?: string;
  status: ResidentStatus;
  statusSince?: string | null;
  returnedFrom?: string | null;
  occupation?: string;
  skills?: string[];
  userId?: string | null;
  consent: true;
}

/** "杨志明" → "杨*明", "Li" → "L*": enough for an official to tell rows apart, not to identify a stranger. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** "13812345678" → "138****5678". */
export const maskPhone = (phone: string) => (phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone ? '****' : '');

/** "1990" → "30s" in 2026: the age band lists show instead of the birth year. */
export function ageBand(birthYear: number, now = new Date()): string {
  const age = now.getUTCFullYear() - birthYear;
  if (age < 18) return 'under18';
  if (age >= 70) return '70plus';
  return `${Math.floor(age / 10) * 10}s`;
}

/** What a list shows: masked identity, the facts a programme needs. */
export function maskedResident(r: Resident) {
  return {
    id: r.id,
    villageId: r.villageId,
    name: maskName(r.fullName),
    phone: maskPhone(r.phone),
    ageBand: ageBand(r.birthYear),
    status: r.status,
    statusSince: r.statusSince,
    returnedFrom: r.returnedFrom,
    occupation: r.occupation,
    enrolled: r.userId !== null,
  };
}

/** The full record (the person, or an official of their village and above). */
export function fullResident(r: Resident) {
  return {
    ...maskedResident(r),
    name: r.fullName,
    phone: r.phone,
    household: r.household,
    birthYear: r.birthYear,
    skills: r.skills,
    userId: r.userId,
    consentAt: r.consentAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

async function villageOf(db: Db, villageId: string) {
  const unit = await getUnit(db, villageId);
  if (unit.level !== 'village') throw badRequest('body/villageId', 'Residents are registered in a village');
  return unit;
}

/** The columns an official writes, checked: a returnee says where they came back from. */
function recordFields(input: Omit<ResidentInput, 'villageId' | 'consent'>) {
  if (input.status === 'returned' && !input.returnedFrom?.trim()) throw badRequest('body/returnedFrom', 'Say where a returnee came back from');
  return {
    fullName: input.fullName,
    household: input.household ?? '',
    birthYear: input.birthYear,
    phone: input.phone ?? '',
    status: input.status,
    statusSince: input.statusSince ?? null,
    returnedFrom: input.status === 'returned' ? input.returnedFrom!.trim() : null,
    occupation: input.occupation ?? '',
    skills: input.skills ?? [],
  };
}

export async function registerResident(db: Db, actor: Actor | null, input: ResidentInput) {
  const village = await villageOf(db, input.villageId);
  const who = await authorize(db, actor, 'people.residents.manage', { unitId: village.id });
  const fields = recordFields(input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(residents)
      .values({
        countyId: who.countyId,
        villageId: village.id,
        townshipId: village.parentId!,
        ...fields,
        userId: input.userId ?? null,
        consentAt: new Date(),
      })
      .returning();
    // The audit row names the record, never the person's data.
    await recordAudit(tx, who, { action: 'people.resident.register', entity: 'people_resident', entityId: row.id, details: { villageId: village.id, status: row.status } });
    // A record linked to an account makes its person a verified resident of the village (vote, propose).
    if (row.userId) await grantVillageResidency(tx, who, row.userId, row.villageId, 'people.resident.register');
    return fullResident(row);
  });
}

export async function updateResident(db: Db, actor: Actor | null, id: string, input: Omit<ResidentInput, 'villageId' | 'consent'>) {
  const current = await loadForOfficial(db, actor, id, 'people.residents.manage');
  const who = requireActor(actor);
  const fields = recordFields(input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(residents)
      .set({
        ...fields,
        // Left out, the link to the person's account stays; null unlinks it.
        userId: input.userId === undefined ? current.userId : input.userId,
        updatedAt: new Date(),
      })
      .where(and(eq(residents.countyId, current.countyId), eq(residents.id, id)))
      .returning();
    await recordAudit(tx, who, {
      action: 'people.resident.update',
      entity: 'people_resident',
      entityId: id,
      details: { status: row.status, statusChanged: current.status !== row.status || undefined, accountChanged: current.userId !== row.userId || undefined },
    });
    // Residency follows the link: a new account becomes a resident of the village, an unlinked one stops being one.
    if (current.userId !== row.userId) {
      if (current.userId) await revokeVillageResidency(tx, who, current.userId, row.villageId, 'people.resident.update');
      if (row.userId) await grantVillageResidency(tx, who, row.userId, row.villageId, 'people.resident.update');
    }
    return fullResident(row);
  });
}

async function loadRow(db: Db, countyId: string, id: string) {
  const [row] = await db.select().from(residents).where(and(eq(residents.countyId, countyId), eq(residents.id, id)));
  if (!row) throw notFound('Resident');
  return row;
}

async function loadForOfficial(db: Db, actor: Actor | null, id: string, permission: string) {
  const who = requireActor(actor);
  const row = await loadRow(db, who.countyId, id);
  await authorize(db, who, permission, { unitId: row.villageId });
  return row;
}

/** The full record, for the person or an official in scope; every full view leaves an audit row. */
export async function viewResident(db: Db, actor: Actor | null, id: string) {
  const who = requireActor(actor);
  const row = await loadRow(db, who.countyId, id);
  if (row.userId !== who.id) await authorize(db, who, 'people.residents.read', { unitId: row.villageId });
  await recordAudit(db, who, { action: 'people.resident.view', entity: 'people_resident', entityId: id, details: { own: row.userId === who.id || undefined } });
  return { ...fullResident(row), ventures: await venturesOf(db, who.countyId, row.userId) };
}

/** The signed-in person's own record, or null when no village has registered them. */
export async function myResidentRow(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const [row] = await db.select().from(residents).where(and(eq(residents.countyId, who.countyId), eq(residents.userId, who.id)));
  return row ?? null;
}

/** The units an official's grants cover: an official sees residents whose village or township or county is one of them. */
export function scopeFilter(actor: Actor, village: AnyPgColumn, township: AnyPgColumn): SQL {
  const units = actor.grants.filter((g) => OFFICIAL_ROLES.includes(g.role as (typeof OFFICIAL_ROLES)[number]) && g.unitId).map((g) => g.unitId!);
  if (units.length === 0) return sql`false`;
  if (units.includes(actor.countyId)) return sql`true`;
  const list = sql.join(units.map((u) => sql`${u}`), sql`, `);
  return or(sql`${village} in (${list})`, sql`${township} in (${list})`)!;
}

/** The register as an official sees it: masked rows of the villages in their scope. */
export async function listResidents(db: Db, actor: Actor | null, filter: { villageId?: string; status?: ResidentStatus }) {
  const who = requireActor(actor);
  if (!holdsPermissionAnywhere(who, 'people.residents.read')) throw forbidden('Only village, township and county officials read the register');
  if (filter.villageId) await authorize(db, who, 'people.residents.read', { unitId: filter.villageId });
  const rows = await db
    .select()
    .from(residents)
    .where(
      and(
        eq(residents.countyId, who.countyId),
        scopeFilter(who, residents.villageId, residents.townshipId),
        filter.villageId ? eq(residents.villageId, filter.villageId) : undefined,
        filter.status ? eq(residents.status, filter.status) : undefined,
      ),
    )
    .orderBy(asc(residents.villageId), asc(residents.household), asc(residents.createdAt))
    .limit(1000);
  return rows.map(maskedResident);
}

/** Public figures for a village: how many live here, work away, came back. No person is named. */
export async function villageSummary(db: Db, villageId: string) {
  const unit = await getUnit(db, villageId);
  const rows = await db
    .select({ status: residents.status, n: sql<number>`count(*)::int` })
    .from(residents)
    .where(eq(residents.villageId, unit.id))
    .groupBy(residents.status);
  const count = (s: ResidentStatus) => rows.find((r) => r.status === s)?.n ?? 0;
  return { villageId: unit.id, living: count('living'), workingAway: count('working_away'), returned: count('returned') };
}

// ---- enrolment: the official hands the person a one-time code; the person redeems it with their own account ----

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I/L to misread
const CODE_DAYS = 14;
const hashCode = (code: string) => createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest('hex');

const newCode = () => Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
const shownCode = (code: string) => `${code.slice(0, 5)}-${code.slice(5)}`;
/** The page that redeems a code: the official prints it (or its QR code) for the person to open on their phone. */
export const enrolLink = (code: string) => `/people/enrol?code=${encodeURIComponent(code)}`;

/** Writes fresh codes for the given un-enrolled rows (each replaces its row's previous code), audited, in one transaction. */
async function issueCodes(db: Db, who: Actor, rows: Resident[], via: 'resident' | 'household') {
  const expiresAt = new Date(Date.now() + CODE_DAYS * 86_400_000);
  const issued = rows.map((row) => ({ row, code: newCode() }));
  await db.transaction(async (tx) => {
    for (const { row, code } of issued) {
      await tx
        .update(residents)
        .set({ inviteHash: hashCode(code), inviteExpiresAt: expiresAt, updatedAt: new Date() })
        .where(and(eq(residents.countyId, row.countyId), eq(residents.id, row.id), isNull(residents.userId)));
      await recordAudit(tx, who, { action: 'people.resident.invite', entity: 'people_resident', entityId: row.id, details: { expiresAt: expiresAt.toISOString(), via } });
    }
  });
  return issued.map(({ row, code }) => ({ residentId: row.id, name: maskName(row.fullName), code: shownCode(code), link: enrolLink(shownCode(code)), expiresAt: expiresAt.toISOString() }));
}

/** A new enrolment code for a resident not yet linked to an account (the previous one stops working). Shown once. */
export async function inviteResident(db: Db, actor: Actor | null, id: string) {
  const row = await loadForOfficial(db, actor, id, 'people.residents.manage');
  const who = requireActor(actor);
  if (row.userId) throw conflict('already_enrolled', 'This resident is already linked to an account');
  const [issued] = await issueCodes(db, who, [row], 'resident');
  return issued;
}

/** One sheet per household: a code for every member of the household not yet enrolled (officials of the village). */
export async function inviteHousehold(db: Db, actor: Actor | null, input: { villageId: string; household: string }) {
  const village = await villageOf(db, input.villageId);
  const who = await authorize(db, actor, 'people.residents.manage', { unitId: village.id });
  const rows = await db
    .select()
    .from(residents)
    .where(and(eq(residents.countyId, who.countyId), eq(residents.villageId, village.id), eq(residents.household, input.household), isNull(residents.userId)))
    .orderBy(asc(residents.createdAt));
  if (rows.length === 0) throw new Problem(404, 'no_members_to_invite', 'No member of this household is waiting for a code', { field: 'body/household' });
  return { household: input.household, members: await issueCodes(db, who, rows, 'household') };
}

/** The signed-in person redeems their code: their account becomes the record's, and they act as its resident. */
export async function enrol(db: Db, actor: Actor | null, code: string) {
  const who = requireActor(actor);
  if (await myResidentRow(db, who)) throw conflict('already_enrolled', 'Your account is already linked to a resident record');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(residents)
      .set({ userId: who.id, inviteHash: null, inviteExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(residents.countyId, who.countyId), eq(residents.inviteHash, hashCode(code)), gt(residents.inviteExpiresAt, new Date()), isNull(residents.userId)))
      .returning();
    if (!row) throw new Problem(404, 'invalid_code', 'This code is unknown, used or expired; ask your village official for a new one', { field: 'body/code' });
    await recordAudit(tx, who, { action: 'people.resident.enrol', entity: 'people_resident', entityId: row.id, details: { villageId: row.villageId } });
    // The code came from the village's official: the person is now a verified resident of the village.
    await grantVillageResidency(tx, who, who.id, row.villageId, 'people.resident.enrol');
    return fullResident(row);
  });
}

// ---- exports: aggregated figures for officials; rows only for the county admin, with a stated purpose (audited) ----

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const csv = (rows: unknown[][]) => `\ufeff${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

export async function exportResidents(db: Db, actor: Actor | null, input: { purpose?: string }) {
  const who = requireActor(actor);
  if (!holdsPermissionAnywhere(who, 'people.residents.read')) throw forbidden('Only officials export the register');
  const rows = await db
    .select()
    .from(residents)
    .where(and(eq(residents.countyId, who.countyId), scopeFilter(who, residents.villageId, residents.townshipId)))
    .orderBy(asc(residents.villageId), asc(residents.household), asc(residents.createdAt));
  if (!input.purpose) {
    // Counts per village, status and age band: nobody is named, nor can be singled out by a contact.
    const counts = new Map<string, number>();
    for (const r of rows) {
      const key = [r.villageId, r.status, ageBand(r.birthYear)].join('|');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const names = new Map<string, string>();
    for (const id of new Set(rows.map((r) => r.villageId))) names.set(id, (await getUnit(db, id)).nameZh);
    const body = [...counts].map(([key, n]) => {
      const [villageId, status, band] = key.split('|');
      return [names.get(villageId), status, band, n];
    });
    await recordAudit(db, who, { action: 'people.resident.export', entity: 'people_resident', details: { aggregated: true, rows: body.length } });
    return { filename: 'residents-summary.csv', data: csv([['village', 'status', 'age_band', 'people'], ...body]) };
  }
  // Rows: the county admin only, and the purpose is kept with the audit row.
  await authorize(db, who, 'people.residents.export_rows', { unitId: who.countyId });
  await recordAudit(db, who, { action: 'people.resident.export', entity: 'people_resident', details: { aggregated: false, rows: rows.length, purpose: input.purpose } });
  return {
    filename: 'residents.csv',
    data: csv([
      ['village_id', 'household', 'name', 'birth_year', 'phone', 'status', 'status_since', 'returned_from', 'occupation', 'skills', 'consent_at'],
      ...rows.map((r) => [r.villageId, r.household, r.fullName, r.birthYear, r.phone, r.status, r.statusSince, r.returnedFrom, r.occupation, r.skills.join('、'), r.consentAt.toISOString()]),
    ]),
  };
}
