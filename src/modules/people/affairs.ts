// The village notice board (村务公开): notices the village's officials post, and the village's accounts — income and
// spending by item, a period at a time — drafted by the officials, then published for residents and locked.
// Everything published is public, as a village's board is; drafts only the officials of the village and above see.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, notFound, refusedTransition, transition } from '../../server/problems.ts';
import { authorize, getUnit, requireActor, type Actor } from '../governance/index.ts';
import {
  ACCOUNT_CATEGORIES,
  accountEntries,
  accountPeriods,
  notices,
  type AccountCategory,
  type AccountDirection,
  type NoticeCategory,
} from './schema.ts';

const MANAGE = 'people.affairs.manage';

async function villageUnit(db: Db, villageId: string, field = 'params/id') {
  const unit = await getUnit(db, villageId);
  if (unit.level !== 'village') throw badRequest(field, 'The notice board belongs to a village');
  return unit;
}

/** Whether the signed-in person keeps this village's board (an official of the village or above). */
async function keeps(db: Db, actor: Actor | null, villageId: string) {
  if (!actor) return false;
  try {
    await authorize(db, actor, MANAGE, { unitId: villageId });
    return true;
  } catch {
    return false;
  }
}

// ---- notices ----

type NoticeRow = typeof notices.$inferSelect;
const noticeView = (n: NoticeRow) => ({
  id: n.id,
  villageId: n.villageId,
  category: n.category,
  title: n.title,
  body: n.body,
  pinned: n.pinned,
  status: n.status,
  postedAt: n.postedAt.toISOString(),
  withdrawnAt: n.withdrawnAt?.toISOString() ?? null,
  withdrawnReason: n.withdrawnReason,
});

/** The board: pinned notices first, then the newest; its keepers also see what they withdrew. */
export async function listNotices(db: Db, actor: Actor | null, villageId: string) {
  const unit = await villageUnit(db, villageId);
  const canManage = await keeps(db, actor, unit.id);
  const rows = await db
    .select()
    .from(notices)
    .where(and(eq(notices.villageId, unit.id), canManage ? undefined : eq(notices.status, 'published')))
    .orderBy(sql`${notices.status} = 'withdrawn'`, desc(notices.pinned), desc(notices.postedAt))
    .limit(200);
  return { villageId: unit.id, villageName: unit.nameZh, canManage, notices: rows.map(noticeView) };
}

export async function postNotice(db: Db, actor: Actor | null, villageId: string, input: { category: NoticeCategory; title: string; body: string; pinned?: boolean }) {
  const unit = await villageUnit(db, villageId);
  const who = await authorize(db, actor, MANAGE, { unitId: unit.id });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notices)
      .values({ countyId: who.countyId, villageId: unit.id, category: input.category, title: input.title, body: input.body, pinned: input.pinned ?? false, postedBy: who.id })
      .returning();
    await recordAudit(tx, who, { action: 'people.notice.post', entity: 'people_notice', entityId: row.id, details: { villageId: unit.id, category: row.category, title: row.title } });
    return noticeView(row);
  });
}

/** Takes a notice off the board, with the reason (kept, and shown to the board's keepers). */
export async function withdrawNotice(db: Db, actor: Actor | null, id: string, reason: string) {
  const who = requireActor(actor);
  const [current] = await db.select().from(notices).where(and(eq(notices.countyId, who.countyId), eq(notices.id, id)));
  if (!current) throw notFound('Notice');
  await authorize(db, who, MANAGE, { unitId: current.villageId });
  return db.transaction(async (tx) => {
    const row = await transition(
      () =>
        tx
          .update(notices)
          .set({ status: 'withdrawn', withdrawnAt: new Date(), withdrawnReason: reason })
          .where(and(eq(notices.countyId, who.countyId), eq(notices.id, id), eq(notices.status, 'published')))
          .returning(),
      async () => (await tx.select({ status: notices.status }).from(notices).where(and(eq(notices.countyId, who.countyId), eq(notices.id, id))))[0]?.status,
      (now) => ({ detail: `This notice is already ${now}` }),
      'Notice',
    );
    await recordAudit(tx, who, { action: 'people.notice.withdraw', entity: 'people_notice', entityId: id, details: { villageId: row.villageId, from: 'published', to: 'withdrawn', reason } });
    return noticeView(row);
  });
}

// ---- accounts ----

type PeriodRow = typeof accountPeriods.$inferSelect;
type EntryRow = typeof accountEntries.$inferSelect;

function totals(entries: Pick<EntryRow, 'direction' | 'category' | 'amountFen'>[]) {
  const sum = (d: AccountDirection) => entries.filter((e) => e.direction === d).reduce((t, e) => t + e.amountFen, 0);
  const byCategory = (d: AccountDirection) =>
    ACCOUNT_CATEGORIES[d]
      .map((category) => ({ category: category as AccountCategory, amountFen: entries.filter((e) => e.category === category).reduce((t, e) => t + e.amountFen, 0) }))
      .filter((c) => c.amountFen > 0);
  const incomeFen = sum('income');
  const expenseFen = sum('expense');
  return { incomeFen, expenseFen, balanceFen: incomeFen - expenseFen, income: byCategory('income'), expense: byCategory('expense') };
}

const periodView = (p: PeriodRow) => ({
  id: p.id,
  villageId: p.villageId,
  period: p.period,
  note: p.note,
  status: p.status,
  publishedAt: p.publishedAt?.toISOString() ?? null,
});

/** A village's periods with their totals: the published ones for everyone, drafts too for the board's keepers. */
export async function listPeriods(db: Db, actor: Actor | null, villageId: string) {
  const unit = await villageUnit(db, villageId);
  const canManage = await keeps(db, actor, unit.id);
  const periods = await db
    .select()
    .from(accountPeriods)
    .where(and(eq(accountPeriods.villageId, unit.id), canManage ? undefined : eq(accountPeriods.status, 'published')))
    .orderBy(desc(accountPeriods.period));
  const sums = periods.length
    ? await db
        .select({ periodId: accountEntries.periodId, direction: accountEntries.direction, category: accountEntries.category, amountFen: sql<number>`sum(${accountEntries.amountFen})::bigint`.mapWith(Number) })
        .from(accountEntries)
        .innerJoin(accountPeriods, and(eq(accountPeriods.countyId, accountEntries.countyId), eq(accountPeriods.id, accountEntries.periodId)))
        .where(eq(accountPeriods.villageId, unit.id))
        .groupBy(accountEntries.periodId, accountEntries.direction, accountEntries.category)
    : [];
  return {
    villageId: unit.id,
    villageName: unit.nameZh,
    canManage,
    periods: periods.map((p) => {
      const t = totals(sums.filter((s) => s.periodId === p.id));
      return { ...periodView(p), incomeFen: t.incomeFen, expenseFen: t.expenseFen, balanceFen: t.balanceFen };
    }),
  };
}

export async function openPeriod(db: Db, actor: Actor | null, villageId: string, input: { period: string; note?: string }) {
  const unit = await villageUnit(db, villageId);
  const who = await authorize(db, actor, MANAGE, { unitId: unit.id });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(accountPeriods)
      .values({ countyId: who.countyId, villageId: unit.id, period: input.period, note: input.note ?? '', createdBy: who.id })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('period_exists', `The accounts of ${input.period} are already open`, { field: 'body/period' });
    await recordAudit(tx, who, { action: 'people.accounts.open', entity: 'people_account_period', entityId: row.id, details: { villageId: unit.id, period: row.period } });
    return { ...periodView(row), incomeFen: 0, expenseFen: 0, balanceFen: 0 };
  });
}

async function loadPeriod(db: Db, id: string) {
  const [row] = await db.select().from(accountPeriods).where(eq(accountPeriods.id, id));
  if (!row) throw notFound('Accounts');
  return row;
}

/** A period's lines and totals by head. A draft is only for the board's keepers (to anyone else it does not exist). */
export async function getPeriod(db: Db, actor: Actor | null, id: string) {
  const p = await loadPeriod(db, id);
  const canManage = await keeps(db, actor, p.villageId);
  if (p.status !== 'published' && !canManage) throw notFound('Accounts');
  const unit = await getUnit(db, p.villageId);
  const entries = await db
    .select()
    .from(accountEntries)
    .where(and(eq(accountEntries.countyId, p.countyId), eq(accountEntries.periodId, p.id)))
    .orderBy(desc(accountEntries.direction), asc(accountEntries.occurredOn), asc(accountEntries.createdAt));
  return {
    ...periodView(p),
    villageName: unit.nameZh,
    canManage,
    ...totals(entries),
    entries: entries.map((e) => ({ id: e.id, direction: e.direction, category: e.category, item: e.item, amountFen: e.amountFen, occurredOn: e.occurredOn })),
  };
}

/**
 * Locks the period row for the rest of the transaction and refuses unless it is a draft: an entry added or removed
 * while someone publishes either lands before the publication or is refused, never after it.
 */
async function lockDraft(tx: Db, p: PeriodRow) {
  const [now] = await tx
    .select({ status: accountPeriods.status })
    .from(accountPeriods)
    .where(and(eq(accountPeriods.countyId, p.countyId), eq(accountPeriods.id, p.id)))
    .for('update');
  if (now.status !== 'draft') throw refusedTransition('Published accounts are locked; record a correction in a later period', now.status);
}

export async function addEntry(
  db: Db,
  actor: Actor | null,
  periodId: string,
  input: { direction: AccountDirection; category: AccountCategory; item: string; amountFen: number; occurredOn: string },
) {
  const p = await loadPeriod(db, periodId);
  const who = await authorize(db, actor, MANAGE, { unitId: p.villageId });
  if (!(ACCOUNT_CATEGORIES[input.direction] as readonly string[]).includes(input.category)) throw badRequest('body/category', `Not a head of ${input.direction}`);
  return db.transaction(async (tx) => {
    await lockDraft(tx, p);
    const [row] = await tx
      .insert(accountEntries)
      .values({ countyId: p.countyId, periodId: p.id, direction: input.direction, category: input.category, item: input.item, amountFen: input.amountFen, occurredOn: input.occurredOn, createdBy: who.id })
      .returning();
    await recordAudit(tx, who, {
      action: 'people.accounts.entry_add',
      entity: 'people_account_period',
      entityId: p.id,
      details: { villageId: p.villageId, period: p.period, entryId: row.id, direction: row.direction, category: row.category, item: row.item, amountFen: row.amountFen },
    });
    return { id: row.id, direction: row.direction, category: row.category, item: row.item, amountFen: row.amountFen, occurredOn: row.occurredOn };
  });
}

export async function removeEntry(db: Db, actor: Actor | null, entryId: string) {
  const who = requireActor(actor);
  const [e] = await db.select().from(accountEntries).where(and(eq(accountEntries.countyId, who.countyId), eq(accountEntries.id, entryId)));
  if (!e) throw notFound('Entry');
  const p = await loadPeriod(db, e.periodId);
  await authorize(db, who, MANAGE, { unitId: p.villageId });
  await db.transaction(async (tx) => {
    await lockDraft(tx, p);
    await tx.delete(accountEntries).where(and(eq(accountEntries.countyId, e.countyId), eq(accountEntries.id, e.id)));
    await recordAudit(tx, who, {
      action: 'people.accounts.entry_remove',
      entity: 'people_account_period',
      entityId: p.id,
      details: { villageId: p.villageId, period: p.period, entryId: e.id, direction: e.direction, category: e.category, item: e.item, amountFen: e.amountFen },
    });
  });
}

/** Publishes a draft for the village to read; from then on its lines are locked. */
export async function publishPeriod(db: Db, actor: Actor | null, id: string) {
  const p = await loadPeriod(db, id);
  const who = await authorize(db, actor, MANAGE, { unitId: p.villageId });
  await db.transaction(async (tx) => {
    await transition(
      () =>
        tx
          .update(accountPeriods)
          .set({ status: 'published', publishedAt: new Date(), publishedBy: who.id })
          .where(and(eq(accountPeriods.countyId, p.countyId), eq(accountPeriods.id, id), eq(accountPeriods.status, 'draft')))
          .returning(),
      async () => (await tx.select({ status: accountPeriods.status }).from(accountPeriods).where(and(eq(accountPeriods.countyId, p.countyId), eq(accountPeriods.id, id))))[0]?.status,
      (now) => ({ detail: `These accounts are already ${now}` }),
      'Accounts',
    );
    const [sum] = await tx
      .select({ income: sql<number>`coalesce(sum(case when direction = 'income' then amount_fen end), 0)::bigint`.mapWith(Number), expense: sql<number>`coalesce(sum(case when direction = 'expense' then amount_fen end), 0)::bigint`.mapWith(Number) })
      .from(accountEntries)
      .where(and(eq(accountEntries.countyId, p.countyId), eq(accountEntries.periodId, id)));
    await recordAudit(tx, who, { action: 'people.accounts.publish', entity: 'people_account_period', entityId: id, details: { villageId: p.villageId, period: p.period, from: 'draft', to: 'published', incomeFen: sum.income, expenseFen: sum.expense } });
  });
  return getPeriod(db, who, id);
}
