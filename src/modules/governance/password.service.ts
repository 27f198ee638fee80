import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { notFound, Problem } from '../../server/problems.ts';
import { hashToken } from './auth.service.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { authorize, requireActor, type Actor } from './permissions.ts';
import { passwordResets, sessions, users } from './schema.ts';

/** How long a reset link works. */
export const RESET_LINK_HOURS = 24;

/** A user changes their own password: the current one is required, and every other session of theirs ends. */
export async function changePassword(db: Db, actor: Actor | null, sessionToken: string | null, input: { currentPassword: string; newPassword: string }) {
  const who = requireActor(actor);
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, who.id));
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw new Problem(400, 'wrong_current_password', 'The current password is not right', { field: 'body/currentPassword' });
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, who.id));
    const keep = sessionToken ? ne(sessions.tokenHash, hashToken(sessionToken)) : undefined;
    const ended = await tx.delete(sessions).where(and(eq(sessions.userId, who.id), keep)).returning({ t: sessions.tokenHash });
    await recordAudit(tx, who, { action: 'user.password_change', entity: 'user', entityId: who.id, details: { otherSessionsEnded: ended.length } });
  });
}

/**
 * An administrator of the user's county makes a one-time reset link; only the token's hash is stored. Earlier
 * unused links for that user stop working.
 */
export async function createPasswordReset(db: Db, actor: Actor | null, userId: string) {
  const [user] = await db.select({ id: users.id, countyId: users.countyId }).from(users).where(eq(users.id, userId));
  if (!user) throw notFound('User');
  const who = await authorize(db, actor, 'users.manage', { unitId: user.countyId });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + RESET_LINK_HOURS * 3600_000);
  await db.transaction(async (tx) => {
    await tx.update(passwordResets).set({ usedAt: new Date() }).where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
    await tx.insert(passwordResets).values({ tokenHash: hashToken(token), userId, createdBy: who.id, expiresAt });
    await recordAudit(tx, who, { action: 'user.password_reset_link', entity: 'user', entityId: userId, details: { expiresAt: expiresAt.toISOString() } });
  });
  return { path: `/reset-password?token=${token}`, expiresAt: expiresAt.toISOString() };
}

/** Whoever holds a valid link sets a new password, once: the link is spent and every session of the user ends. */
export async function resetPassword(db: Db, input: { token: string; newPassword: string }) {
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    // Claimed in one conditional UPDATE, so two uses of one link cannot both succeed.
    const [link] = await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.tokenHash, hashToken(input.token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())))
      .returning({ userId: passwordResets.userId });
    if (!link) throw new Problem(400, 'reset_link_invalid', 'This reset link has expired or was already used', { field: 'body/token' });
    const [user] = await tx
      .update(users)
      .set({ passwordHash, failedLogins: 0, lockedUntil: null })
      .where(eq(users.id, link.userId))
      .returning({ id: users.id, countyId: users.countyId });
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    await recordAudit(tx, { id: user.id, countyId: user.countyId }, { action: 'user.password_reset', entity: 'user', entityId: user.id });
  });
}
