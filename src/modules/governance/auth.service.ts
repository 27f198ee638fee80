import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { namedQuery, type Db } from '../../db/handle.ts';
import { Problem } from '../../server/problems.ts';
import { recordAudit } from '../../server/audit.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';
import type { Actor, Grant } from './permissions.ts';
import { adminUnits, roleGrants, sessions, users } from './schema.ts';

export interface LoginPolicy {
  sessionHours: number;
  maxFailures: number;
  lockoutMinutes: number;
}

export interface SessionOpened {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

async function grantsOf(db: Db, userId: string): Promise<Grant[]> {
  return db
    .select({ id: roleGrants.id, role: roleGrants.role, unitId: roleGrants.unitId, orgId: roleGrants.orgId })
    .from(roleGrants)
    .where(eq(roleGrants.userId, userId));
}

async function openSession(tx: Db, user: typeof users.$inferSelect, policy: LoginPolicy): Promise<SessionOpened> {
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(Date.now() + policy.sessionHours * 3600_000);
  await tx.insert(sessions).values({ tokenHash: hashToken(token), userId: user.id, csrfToken, expiresAt });
  const actor: Actor = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    countyId: user.countyId,
    locale: user.locale,
    grants: await grantsOf(tx, user.id),
  };
  return { token, csrfToken, expiresAt, actor };
}

async function theCounty(db: Db): Promise<string> {
  const [county] = await db.select({ id: adminUnits.id }).from(adminUnits).where(eq(adminUnits.level, 'county')).limit(1);
  if (!county) throw new Problem(503, 'not_ready', 'The county has not been set up yet');
  return county.id;
}

export async function registerBuyer(
  db: Db,
  input: { username: string; password: string; displayName: string },
  policy: LoginPolicy,
): Promise<SessionOpened> {
  const passwordHash = await hashPassword(input.password);
  const countyId = await theCounty(db);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
    if (taken) throw new Problem(409, 'username_taken', 'This username is taken', { field: 'body/username' });
    const [user] = await tx
      .insert(users)
      .values({ countyId, username: input.username, displayName: input.displayName, passwordHash })
      .returning();
    await recordAudit(tx, { id: user.id, countyId }, { action: 'user.register', entity: 'user', entityId: user.id });
    return openSession(tx, user, policy);
  });
}

/** One answer for a wrong password, an unknown user and a locked account, so none tells an attacker more. */
const wrongCredentials = () =>
  new Problem(401, 'invalid_credentials', 'Wrong username or password (after repeated failures an account is locked for a while)');

/**
 * Claims one password check for the user in a single conditional UPDATE, before the password is checked, so
 * concurrent attempts cannot check more passwords than the policy allows. The claim that reaches the limit
 * locks the account at once; if its password is right the login lifts the lock again. An expired lock starts
 * a fresh count. Null: the account is locked and no password may be checked.
 */
async function claimPasswordCheck(db: Db, userId: string, policy: LoginPolicy): Promise<{ failures: number; locking: boolean } | null> {
  const expired = sql`${users.lockedUntil} <= now()`;
  const failures = sql`case when ${expired} then 1 else ${users.failedLogins} + 1 end`;
  const [row] = await db
    .update(users)
    .set({
      failedLogins: failures,
      lockedUntil: sql`case when ${failures} >= ${policy.maxFailures} then now() + make_interval(secs => ${policy.lockoutMinutes * 60}) else null end`,
    })
    .where(and(eq(users.id, userId), or(isNull(users.lockedUntil), expired)))
    .returning({ failures: users.failedLogins, lockedUntil: users.lockedUntil });
  return row ? { failures: row.failures, locking: row.lockedUntil !== null } : null;
}

export async function login(db: Db, input: { username: string; password: string }, policy: LoginPolicy): Promise<SessionOpened> {
  const [user] = await db.select().from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
  const claim = user ? await claimPasswordCheck(db, user.id, policy) : null;
  if (!user || !claim) {
    // The same work as a real check, so an unknown or locked account takes as long as a wrong password.
    await verifyPassword(await decoyPasswordHash(), input.password);
    throw wrongCredentials();
  }
  const ok = !user.disabled && (await verifyPassword(user.passwordHash, input.password));
  const actorRef = { id: user.id, countyId: user.countyId };
  if (!ok) {
    await db.transaction(async (tx) => {
      await recordAudit(tx, actorRef, {
        action: claim.locking ? 'user.locked_out' : 'user.login_failed',
        entity: 'user',
        entityId: user.id,
        details: claim.locking ? { failures: claim.failures, lockoutMinutes: policy.lockoutMinutes } : { failures: claim.failures },
      });
    });
    throw wrongCredentials();
  }
  const now = new Date();
  return db.transaction(async (tx) => {
    await tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), lt(sessions.expiresAt, now)));
    await recordAudit(tx, actorRef, { action: 'user.login', entity: 'user', entityId: user.id });
    return openSession(tx, user, policy);
  });
}

const LOAD_SESSION = `
  select u.id, u.username, u.display_name, u.county_id, u.locale, s.csrf_token,
         coalesce((select json_agg(json_build_object('id', g.id, 'role', g.role, 'unitId', g.unit_id, 'orgId', g.org_id))
                   from role_grants g where g.user_id = u.id), '[]'::json) as grants
  from sessions s join users u on u.id = s.user_id
  where s.token_hash = $1 and s.expires_at > now() and not u.disabled`;

export async function loadSession(db: Db, token: string): Promise<{ actor: Actor; csrfToken: string } | null> {
  // One prepared round trip on every authenticated request: the session, its user and the user's grants together.
  const [row] = await namedQuery<{ id: string; username: string; display_name: string; county_id: string; locale: string; csrf_token: string; grants: Grant[] | string }>(
    db,
    'terrace_load_session',
    LOAD_SESSION,
    [hashToken(token)],
  );
  if (!row) return null;
  return {
    csrfToken: row.csrf_token,
    actor: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      countyId: row.county_id,
      locale: row.locale,
      grants: typeof row.grants === 'string' ? JSON.parse(row.grants) : row.grants,
    },
  };
}

export async function logout(db: Db, actor: Actor, token: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
    await recordAudit(tx, actor, { action: 'user.logout', entity: 'user', entityId: actor.id });
  });
}
