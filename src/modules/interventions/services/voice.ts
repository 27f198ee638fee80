import { and, asc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { queryRows, type Db } from '../../../db/handle.ts';
import { badRequest, conflict, forbidden, notFound } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../../governance/index.ts';
import { interventionComments, interventions } from '../schema.ts';
import { OFFICIAL_ROLES } from './common.ts';
import { load, loadVisible } from './proposals.ts';
import { voteSummary } from './reading.ts';
import { covers, isResidentOf } from './standing.ts';

// ---- residents' voice ----

export async function vote(db: Db, actor: Actor | null, id: string, stance: 'support' | 'oppose') {
  const who = requireActor(actor);
  const p = await loadVisible(db, who, id);
  if (!isResidentOf(who, p.villageId)) throw forbidden('Only residents of the proposal’s village vote on it');
  await db.transaction(async (tx) => {
    // One statement: the vote lands (or changes) only while the proposal is still under review.
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`insert into intervention_votes (id, county_id, intervention_id, user_id, village_id, stance)
          select ${uuidv7()}::uuid, i.county_id, i.id, ${who.id}::uuid, i.village_id, ${stance} from interventions i
          where i.county_id = ${p.countyId}::uuid and i.id = ${id}::uuid and i.status in ('submitted', 'village_approved', 'township_reviewed')
          on conflict (county_id, intervention_id, user_id) do update set stance = excluded.stance, updated_at = now()
          returning id`,
    );
    if (!rows.length) throw conflict('voting_closed', 'Voting is closed: the review of this proposal is finished');
    await recordAudit(tx, who, { action: 'intervention.vote', entity: 'intervention', entityId: id, details: { stance } });
  });
  return { votes: await voteSummary(db, id), myVote: stance };
}

export async function listComments(db: Db, actor: Actor | null, id: string) {
  const p = await loadVisible(db, actor, id);
  const moderator = !!actor && covers(actor, p, OFFICIAL_ROLES);
  const rows = (
    await db.select().from(interventionComments).where(eq(interventionComments.interventionId, id)).orderBy(asc(interventionComments.createdAt), asc(interventionComments.id))
  ).map((c) => ({ id: c.id, parent_id: c.parentId, body: c.body, hidden: c.hidden, moderation_reason: c.moderationReason, created_at: c.createdAt, author: c.authorName, author_id: c.authorId }));
  return {
    mayModerate: moderator,
    mayComment: !!actor && (isResidentOf(actor, p.villageId) || moderator),
    items: rows.map((c) => ({
      id: c.id,
      parentId: c.parent_id,
      author: c.author,
      mine: c.author_id === actor?.id,
      body: c.hidden && !moderator && c.author_id !== actor?.id ? '' : c.body,
      hidden: c.hidden,
      moderationReason: c.moderation_reason,
      createdAt: new Date(c.created_at).toISOString(),
    })),
  };
}

export async function addComment(db: Db, actor: Actor | null, id: string, input: { body: string; parentId?: string }) {
  const who = requireActor(actor);
  const p = await loadVisible(db, who, id);
  if (p.status === 'draft') throw conflict('not_open', 'Comments open once the proposal is submitted');
  if (!isResidentOf(who, p.villageId) && !covers(who, p, OFFICIAL_ROLES)) throw forbidden('Residents of the village and its officials comment here');
  if (input.parentId) {
    const [parent] = await db.select({ id: interventionComments.id }).from(interventionComments).where(and(eq(interventionComments.id, input.parentId), eq(interventionComments.interventionId, id)));
    if (!parent) throw badRequest('body/parentId', 'No such comment on this proposal');
  }
  return db.transaction(async (tx) => {
    const [c] = await tx.insert(interventionComments).values({ countyId: p.countyId, interventionId: id, parentId: input.parentId ?? null, authorId: who.id, authorName: who.displayName, body: input.body }).returning({ id: interventionComments.id });
    await recordAudit(tx, who, { action: 'intervention.comment', entity: 'intervention_comment', entityId: c.id, details: { interventionId: id } });
    return c;
  });
}

export async function moderateComment(db: Db, actor: Actor | null, commentId: string, input: { hidden: boolean; reason?: string }) {
  const who = requireActor(actor);
  const [c] = await db.select().from(interventionComments).where(eq(interventionComments.id, commentId));
  if (!c) throw notFound('Comment');
  const p = await load(db, c.interventionId);
  await authorize(db, who, 'interventions.moderate', { unitId: p.villageId });
  if (input.hidden && !input.reason) throw badRequest('body/reason', 'Say why the comment is hidden');
  await db.transaction(async (tx) => {
    await tx
      .update(interventionComments)
      .set({ hidden: input.hidden, moderationReason: input.hidden ? input.reason! : null, moderatedBy: who.id })
      .where(eq(interventionComments.id, commentId));
    await recordAudit(tx, who, { action: input.hidden ? 'intervention.comment.hide' : 'intervention.comment.show', entity: 'intervention_comment', entityId: commentId, details: { reason: input.reason } });
  });
}
