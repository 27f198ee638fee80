// Enrolment by phone number alone: the village official has put the person's phone on the register (with their
// consent); the person, signed in with their own account, types that number, receives a one-time code by SMS, and
// types it back. Proving the number is theirs links them to the register's record and makes them a verified resident.
// The first step answers the same whether or not the number is on a register, so it tells nobody who is registered.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { enqueueJob, type JobDefinition } from '../../server/jobs.ts';
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

/** Sends the code: POST `{ to, template, params }`, as the notifications' SMS channel does. The error names neither. */
async function sendSms(gateway: string, to: string, code: string) {
  const res = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to, template: 'people.enrol_code', params: { code, minutes: CODE_MINUTES } }),
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  if (!res?.ok) throw new Error(`The SMS gateway did not take the message (${res ? `HTTP ${res.status}` : 'no answer'})`);
}

const newCode = () => String(randomInt(1_000_000)).padStart(6, '0');

/**
 * Sends a challenge's code by SMS, in the job queue (off the request, retried with backoff when the gateway is
 * down). The run's data names the challenge and the register's record only: the code is made here, its hash stored
 * on the challenge, and it goes nowhere but to the gateway (not in the run, its error, the audit or a log). A newer
 * request replaces the challenge's id, so a run for an older one sends nothing.
 */
export const sendEnrolCodeJob: JobDefinition<{ challengeId: string; residentId: string }> = {
  name: 'people.send-enrol-code',
  maxAttempts: 3,
  async run({ challengeId, residentId }, ctx) {
    const countyId = ctx.countyId!;
    const [resident] = await ctx.db.select({ phone: residents.phone }).from(residents).where(and(eq(residents.countyId, countyId), eq(residents.id, residentId), isNull(residents.userId)));
    if (!resident?.phone) return { sent: false };
    const code = newCode();
    const [challenge] = await ctx.db
      .update(phoneChallenges)
      .set({ codeHash: sha(code).toString('hex'), expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000) })
      .where(and(eq(phoneChallenges.countyId, countyId), eq(phoneChallenges.id, challengeId), sql`${phoneChallenges.expiresAt} > now()`))
      .returning({ id: phoneChallenges.id, userId: phoneChallenges.userId });
    if (!challenge) return { sent: false };
    await sendSms(smsGateway(), normalPhone(resident.phone), code);
    return ctx.finish(async (tx) => {
      await recordAudit(tx, { id: null, countyId }, { action: 'people.resident.enrol_code_sent', entity: 'people_resident', entityId: residentId, details: { userId: challenge.userId, jobId: ctx.jobId } });
      return { sent: true };
    });
  },
};

/**
 * Step one: a code for the number, by SMS (a job) when the number waits on a register of the county. The answer is
 * the same either way; a new request replaces the account's previous code.
 */
export async function requestPhoneCode(db: Db, actor: Actor | null, rawPhone: string) {
  const who = requireActor(actor);
  if (await myResidentRow(db, who)) throw conflict('already_enrolled', 'Your account is already linked to a resident record');
  smsGateway();
  const phone = normalPhone(rawPhone);
  const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
  await db.transaction(async (tx) => {
    const [waiting] = await waitingWith(tx, who.countyId, phone);
    // Until the job sends one, the challenge holds the hash of a code nobody knows (also for a number on no register).
    const values = { id: uuidv7(), phoneHash: sha(phone).toString('hex'), codeHash: sha(newCode()).toString('hex'), attempts: 0, expiresAt };
    const [challenge] = await tx
      .insert(phoneChallenges)
      .values({ countyId: who.countyId, userId: who.id, ...values })
      .onConflictDoUpdate({ target: [phoneChallenges.countyId, phoneChallenges.userId], set: values })
      .returning({ id: phoneChallenges.id });
    await recordAudit(tx, who, { action: 'people.resident.enrol_code_requested', entity: 'people_phone_challenge', entityId: challenge.id });
    if (waiting) await enqueueJob(tx, sendEnrolCodeJob, { challengeId: challenge.id, residentId: waiting.id }, { countyId: who.countyId, requestedBy: who.id });
  });
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
