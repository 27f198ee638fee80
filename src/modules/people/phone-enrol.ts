// Enrolment by phone number alone: the village official has put the person's phone on the register (with their
// consent); the person, signed in with their own account, types that number, receives a one-time code by SMS, and
// types it back. Proving the number is theirs links them to the register's record and makes them a verified resident.
// The first step answers the same whether or not the number is on a register, so it tells nobody who is registered.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { conflict, Problem } from '../../server/problems.ts';
import { grantVillageResidency, requireActor, type Actor } from '../governance/index.ts';
import { fullResident, myResidentRow } from './residents.ts';
import { phoneChallenges, residents } from './schema.ts';

const CODE_MINUTES = 10;
export const MAX_CODE_ATTEMPTS = 5;

/** "+86 138-0578-1203" → "13805781203": the digits, without China's country code. */
export const normalPhone = (phone: string) => phone.replace(/[^0-9]/g, '').replace(/^0086|^86(?=1\d{10}$)/, '');
const sha = (s: string) => createHash('sha256').update(s).digest();
const digitsOf = (column: typeof residents.phone) => sql`regexp_replace(${column}, '[^0-9]', '', 'g')`;

const invalidCode = () => new Problem(404, 'invalid_code', 'This code is wrong or expired, or the number is not on your village’s register; ask for a new code', { field: 'body/code' });

/** Un-enrolled register rows of the county that carry this number (a household may share one). */
function waitingWith(db: Db, countyId: string, phone: string) {
  return db
    .select()
    .from(residents)
    .where(and(eq(residents.countyId, countyId), isNull(residents.userId), sql`${digitsOf(residents.phone)} in (${phone}, ${`86${phone}`})`));
}

/** The county's SMS gateway (the one notifications use), or a 409 saying to use a code instead (not a fault of the server). */
function smsGateway() {
  const gateway = process.env.SMS_GATEWAY_URL;
  if (!gateway) throw new Problem(409, 'sms_unavailable', 'This county sends no text messages yet; ask your village official for an enrolment code');
  return gateway;
}

/** Sends the code: POST `{ to, template, params }`, as the notifications' SMS channel does. */
async function sendSms(gateway: string, to: string, code: string) {
  const res = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to, template: 'people.enrol_code', params: { code, minutes: CODE_MINUTES } }),
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  if (!res?.ok) throw new Problem(502, 'sms_failed', 'The text message could not be sent; try again in a moment');
}

/**
 * Step one: a code for the number, by SMS when the number waits on a register of the county. The answer is the
 * same either way; a new request replaces the account's previous code.
 */
export async function requestPhoneCode(db: Db, actor: Actor | null, rawPhone: string) {
  const who = requireActor(actor);
  if (await myResidentRow(db, who)) throw conflict('already_enrolled', 'Your account is already linked to a resident record');
  const gateway = smsGateway();
  const phone = normalPhone(rawPhone);
  const onRegister = (await waitingWith(db, who.countyId, phone)).length > 0;
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
  const values = { phoneHash: sha(phone).toString('hex'), codeHash: sha(code).toString('hex'), attempts: 0, expiresAt };
  await db.transaction(async (tx) => {
    await tx
      .insert(phoneChallenges)
      .values({ countyId: who.countyId, userId: who.id, ...values })
      .onConflictDoUpdate({ target: [phoneChallenges.countyId, phoneChallenges.userId], set: values });
  });
  if (onRegister) {
    try {
      await sendSms(gateway, phone, code);
    } catch (error) {
      await db.delete(phoneChallenges).where(and(eq(phoneChallenges.countyId, who.countyId), eq(phoneChallenges.userId, who.id)));
      throw error;
    }
  }
  return { expiresAt: expiresAt.toISOString() };
}

/** Step two: the code back. Right, the person's account becomes the record's; wrong, one of five attempts is used. */
export async function confirmPhoneCode(db: Db, actor: Actor | null, rawPhone: string, code: string) {
  const who = requireActor(actor);
  if (await myResidentRow(db, who)) throw conflict('already_enrolled', 'Your account is already linked to a resident record');
  const phone = normalPhone(rawPhone);
  const mine = and(eq(phoneChallenges.countyId, who.countyId), eq(phoneChallenges.userId, who.id));
  // Claim an attempt first, so parallel guesses cannot try more codes than allowed.
  const [claimed] = await db
    .update(phoneChallenges)
    .set({ attempts: sql`${phoneChallenges.attempts} + 1` })
    .where(and(mine, sql`${phoneChallenges.attempts} < ${MAX_CODE_ATTEMPTS}`, sql`${phoneChallenges.expiresAt} > now()`))
    .returning();
  if (!claimed) throw invalidCode();
  const right = timingSafeEqual(Buffer.from(claimed.codeHash, 'hex'), sha(code.trim())) && timingSafeEqual(Buffer.from(claimed.phoneHash, 'hex'), sha(phone));
  if (!right) throw invalidCode();
  return db.transaction(async (tx) => {
    // Used once: the code goes whatever follows.
    const [used] = await tx.delete(phoneChallenges).where(and(mine, eq(phoneChallenges.id, claimed.id))).returning();
    if (!used) throw invalidCode();
    const rows = await waitingWith(tx, who.countyId, phone);
    if (rows.length === 0) throw invalidCode();
    if (rows.length > 1) throw conflict('phone_shared', 'Several people on the register share this number; ask your village official for your own enrolment code', { field: 'body/phone' });
    const [row] = await tx
      .update(residents)
      .set({ userId: who.id, inviteHash: null, inviteExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(residents.countyId, who.countyId), eq(residents.id, rows[0].id), isNull(residents.userId)))
      .returning();
    if (!row) throw invalidCode();
    await recordAudit(tx, who, { action: 'people.resident.enrol_phone', entity: 'people_resident', entityId: row.id, details: { villageId: row.villageId } });
    await grantVillageResidency(tx, who, who.id, row.villageId, 'people.resident.enrol_phone');
    return fullResident(row);
  });
}
