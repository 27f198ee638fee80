// A real county's first start: the county, its townships and villages from a file, and its first administrator.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { queryRows, type Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { Problem } from '../../server/problems.ts';
import { hashPassword } from './passwords.ts';
import { RESET_LINK_HOURS } from './password.service.ts';
import { adminUnits, passwordResets, roleGrants, setupTokens, users } from './schema.ts';
import { pinyinName } from './seed.ts';
import { readUnitsFile, type UnitRow } from './units-file.ts';

/** How long a setup code printed on the console works. */
export const SETUP_TOKEN_HOURS = 24;
/** The hash an administrator made by the setup command has until they set their password: no password matches it. */
const NO_PASSWORD = '!no-password-set';

const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');

/** True while the database has no county: the web client then shows its first-run page. */
export async function setupNeeded(db: Db): Promise<boolean> {
  const [county] = await db.select({ id: adminUnits.id }).from(adminUnits).where(eq(adminUnits.level, 'county')).limit(1);
  return !county;
}

/**
 * A new one-time setup code, for the console of the server that starts on a database without a county (null when a
 * county exists). Each start makes its own; any unexpired one works, and setting up the county spends them all.
 */
export async function issueSetupToken(db: Db): Promise<string | null> {
  if (!(await setupNeeded(db))) return null;
  const token = randomBytes(24).toString('base64url');
  await db.insert(setupTokens).values({ tokenHash: sha256(token), expiresAt: new Date(Date.now() + SETUP_TOKEN_HOURS * 3600_000) });
  return token;
}

const alreadySetUp = () => new Problem(409, 'already_set_up', 'This instance already has its county');
const badToken = () =>
  new Problem(403, 'setup_token_invalid', 'The setup code is wrong or has expired (the server prints a new one when it starts)', { field: 'token' });

export interface SetupInput {
  countyName: string;
  countyPinyin?: string;
  adminUsername: string;
  adminDisplayName: string;
  /** Set by the administrator on the first-run page; the setup command leaves it out and makes a reset link instead. */
  adminPassword?: string;
  /** The spreadsheet of townships and villages (XLSX or CSV). */
  file: Buffer;
}

export interface SetupResult {
  countyId: string;
  countyName: string;
  townships: number;
  villages: number;
  adminId: string;
  adminUsername: string;
  /** The setup command only: the path where the administrator sets their own password (works once, for a day). */
  passwordPath?: string;
}

/** What a units file would set up: each township with its villages (how many placed on the map), in file order. */
export interface SetupPreview {
  rows: number;
  townships: { name: string; pinyin: string; villages: number; located: number; sample: string[] }[];
}

async function checkToken(db: Db, via: { token: string } | 'command') {
  if (via === 'command') return;
  const [valid] = await queryRows<{ ok: boolean }>(db, sql`select true as ok from setup_tokens where token_hash = ${sha256(via.token)} and expires_at > now()`);
  if (!valid) throw badToken();
}

/** Every row checked as setup checks it: a bad row is the same 422 with the whole report. */
async function checkedRows(file: Buffer) {
  const { rows, report, total } = await readUnitsFile(file);
  if (report.length)
    throw new Problem(422, 'import_invalid', `${new Set(report.map((r) => r.row)).size} of ${total} rows have problems; nothing was set up`, {
      field: 'file',
      rows: total,
      report,
    });
  return rows;
}

/**
 * The dry run: what setting up with this file would create, or its row report; nothing is written and the code is
 * not spent (it is checked, so that only the person at the console can have files parsed here).
 */
export async function previewSetup(db: Db, file: Buffer, via: { token: string } | 'command'): Promise<SetupPreview> {
  if (!(await setupNeeded(db))) throw alreadySetUp();
  await checkToken(db, via);
  const rows = await checkedRows(file);
  const byTownship = new Map<string, UnitRow[]>();
  for (const r of rows) byTownship.set(r.township, [...(byTownship.get(r.township) ?? []), r]);
  return {
    rows: rows.length,
    townships: [...byTownship].map(([name, mine]) => ({
      name,
      pinyin: mine.find((r) => r.townshipPinyin)?.townshipPinyin ?? pinyinName(name),
      villages: mine.length,
      located: mine.filter((r) => r.lon !== null && r.lat !== null).length,
      sample: mine.slice(0, 3).map((r) => r.village),
    })),
  };
}

/**
 * Sets up the county, once. From the web (`token` given) the console's setup code is required; the setup command
 * (someone at the server's shell) needs none. Every row of the file is checked first: any bad row is a 422 with the
 * whole report and nothing written; otherwise everything is written in one transaction with its audit rows.
 */
export async function setUpCounty(db: Db, input: SetupInput, via: { token: string } | 'command'): Promise<SetupResult> {
  if (!(await setupNeeded(db))) throw alreadySetUp();
  await checkToken(db, via);
  const rows = await checkedRows(input.file);
  const passwordHash = input.adminPassword === undefined ? NO_PASSWORD : await hashPassword(input.adminPassword);

  return db.transaction(async (tx) => {
    // The same lock as the demo seed: two setups (or a setup and a seed) at once cannot both create a county.
    await tx.execute(sql`select pg_advisory_xact_lock(7710001)`);
    if (!(await setupNeeded(tx))) throw alreadySetUp();
    if (via !== 'command') {
      const spent = await tx.delete(setupTokens).where(sql`${setupTokens.tokenHash} = ${sha256(via.token)} and ${setupTokens.expiresAt} > now()`).returning();
      if (!spent.length) throw badToken();
    }
    await tx.delete(setupTokens);
    const countyId = await insertUnits(tx, input, rows);
    const [admin] = await tx
      .insert(users)
      .values({ countyId, username: input.adminUsername, displayName: input.adminDisplayName, passwordHash })
      .returning({ id: users.id });
    await tx.insert(roleGrants).values({ countyId, userId: admin.id, role: 'county_admin', unitId: countyId });
    const townships = new Set(rows.map((r) => r.township)).size;
    const by = { id: null, countyId };
    await recordAudit(tx, by, {
      action: 'setup.county',
      entity: 'admin_unit',
      entityId: countyId,
      details: { townships, villages: rows.length, via: via === 'command' ? 'command' : 'web' },
    });
    await recordAudit(tx, by, { action: 'user.create', entity: 'user', entityId: admin.id, details: { role: 'county_admin', firstAdministrator: true } });
    let passwordPath: string | undefined;
    if (input.adminPassword === undefined) {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + RESET_LINK_HOURS * 3600_000);
      await tx.insert(passwordResets).values({ tokenHash: sha256(token), userId: admin.id, createdBy: admin.id, expiresAt });
      await recordAudit(tx, by, { action: 'user.password_reset_link', entity: 'user', entityId: admin.id, details: { expiresAt: expiresAt.toISOString() } });
      passwordPath = `/reset-password?token=${token}`;
    }
    return {
      countyId,
      countyName: input.countyName,
      townships,
      villages: rows.length,
      adminId: admin.id,
      adminUsername: input.adminUsername,
      passwordPath,
    };
  });
}

/** The county, then each township (placed at the mean of its villages' positions), then the villages. */
async function insertUnits(tx: Db, input: SetupInput, rows: UnitRow[]): Promise<string> {
  const countyId = uuidv7();
  const located = rows.filter((r) => r.lon !== null && r.lat !== null);
  const mean = (list: UnitRow[], key: 'lon' | 'lat') => (list.length ? list.reduce((s, r) => s + r[key]!, 0) / list.length : null);
  await tx.insert(adminUnits).values({
    id: countyId,
    countyId,
    level: 'county',
    path: [countyId],
    nameZh: input.countyName,
    namePinyin: input.countyPinyin || pinyinName(input.countyName),
    lon: mean(located, 'lon'),
    lat: mean(located, 'lat'),
  });
  const townshipIds = new Map<string, string>();
  for (const name of new Set(rows.map((r) => r.township))) {
    const mine = rows.filter((r) => r.township === name);
    const here = mine.filter((r) => r.lon !== null && r.lat !== null);
    const id = uuidv7();
    townshipIds.set(name, id);
    await tx.insert(adminUnits).values({
      id,
      countyId,
      parentId: countyId,
      level: 'township',
      path: [countyId, id],
      nameZh: name,
      namePinyin: mine.find((r) => r.townshipPinyin)?.townshipPinyin ?? pinyinName(name),
      lon: mean(here, 'lon'),
      lat: mean(here, 'lat'),
    });
  }
  const villages = rows.map((r) => {
    const parentId = townshipIds.get(r.township)!;
    const id = uuidv7();
    return {
      id,
      countyId,
      parentId,
      level: 'village' as const,
      path: [countyId, parentId, id],
      nameZh: r.village,
      namePinyin: r.villagePinyin ?? pinyinName(r.village),
      lon: r.lon,
      lat: r.lat,
      listingBatch: r.listingBatch,
    };
  });
  for (let i = 0; i < villages.length; i += 500) await tx.insert(adminUnits).values(villages.slice(i, i + 500));
  return countyId;
}
