// The village notice board's HTTP surface: notices and the village's published accounts (村务公开).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent, OPTIONAL_SESSION, SESSION } from '../../server/openapi.ts';
import * as affairs from './affairs.ts';
import { day, fen, idParams, text } from './route-schemas.ts';
import { ACCOUNT_DIRECTIONS, ACCOUNT_PERIOD_PATTERN, ACCOUNT_PERIOD_STATUSES, ALL_ACCOUNT_CATEGORIES, NOTICE_CATEGORIES, NOTICE_STATUSES } from './schema.ts';

const notice = z.object({
  id: z.uuid(),
  villageId: z.uuid(),
  category: z.enum(NOTICE_CATEGORIES),
  title: z.string(),
  body: z.string(),
  pinned: z.boolean(),
  status: z.enum(NOTICE_STATUSES),
  postedAt: z.string(),
  withdrawnAt: z.string().nullable(),
  withdrawnReason: z.string().nullable(),
});
const period = z.object({
  id: z.uuid(),
  villageId: z.uuid(),
  period: z.string(),
  note: z.string(),
  status: z.enum(ACCOUNT_PERIOD_STATUSES),
  publishedAt: z.string().nullable(),
  incomeFen: z.number(),
  expenseFen: z.number(),
  balanceFen: z.number(),
});
const category = z.enum(ALL_ACCOUNT_CATEGORIES);
const entry = z.object({ id: z.uuid(), direction: z.enum(ACCOUNT_DIRECTIONS), category, item: z.string(), amountFen: z.number(), occurredOn: z.string() });
const byHead = z.array(z.object({ category, amountFen: z.number() }));
const periodDetail = period.extend({ villageName: z.string(), canManage: z.boolean(), income: byHead, expense: byHead, entries: z.array(entry) });
const board = { villageId: z.uuid(), villageName: z.string(), canManage: z.boolean() };

export const affairsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['people'];

  app.get(
    '/people/villages/:id/notices',
    {
      schema: {
        tags,
        operationId: 'villageNotices',
        security: OPTIONAL_SESSION,
        summary: 'A village’s notice board: pinned first, then the newest (public; its officials also see withdrawn notices)',
        params: idParams,
        response: { 200: z.object({ ...board, notices: z.array(notice) }) },
      },
    },
    async (request) => affairs.listNotices(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/villages/:id/notices',
    {
      schema: {
        tags,
        operationId: 'postNotice',
        security: SESSION,
        summary: 'Post a notice on the village’s board (officials of the village and above)',
        params: idParams,
        body: z.strictObject({ category: z.enum(NOTICE_CATEGORIES), title: text(120, 2), body: text(20_000, 2), pinned: z.boolean().optional() }),
        response: { 201: notice },
      },
    },
    async (request, reply) => reply.code(201).send(await affairs.postNotice(app.db, request.actor, request.params.id, request.body)),
  );
  app.post(
    '/people/notices/:id/withdraw',
    {
      schema: {
        tags,
        operationId: 'withdrawNotice',
        security: SESSION,
        summary: 'Take a notice off the board, saying why (officials); it stays on record',
        params: idParams,
        body: z.strictObject({ reason: text(500, 2) }),
        response: { 200: notice },
      },
    },
    async (request) => affairs.withdrawNotice(app.db, request.actor, request.params.id, request.body.reason),
  );

  app.get(
    '/people/villages/:id/accounts',
    {
      schema: {
        tags,
        operationId: 'villageAccounts',
        security: OPTIONAL_SESSION,
        summary: 'A village’s accounts, a period at a time, with income, spending and balance in fen (public once published; drafts for its officials)',
        params: idParams,
        response: { 200: z.object({ ...board, periods: z.array(period) }) },
      },
    },
    async (request) => affairs.listPeriods(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/villages/:id/accounts',
    {
      schema: {
        tags,
        operationId: 'openAccountPeriod',
        security: SESSION,
        summary: 'Open a draft of a period’s accounts, a month ("2026-10") or a quarter ("2026-Q4") (officials)',
        params: idParams,
        body: z.strictObject({ period: z.string().trim().regex(ACCOUNT_PERIOD_PATTERN, 'A month like 2026-10 or a quarter like 2026-Q4'), note: text(2000).optional() }),
        response: { 201: period },
      },
    },
    async (request, reply) => reply.code(201).send(await affairs.openPeriod(app.db, request.actor, request.params.id, request.body)),
  );
  app.get(
    '/people/accounts/:id',
    {
      schema: {
        tags,
        operationId: 'getAccountPeriod',
        security: OPTIONAL_SESSION,
        summary: 'A period’s accounts: every line, and totals by head (public once published)',
        params: idParams,
        response: { 200: periodDetail },
      },
    },
    async (request) => affairs.getPeriod(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/accounts/:id/entries',
    {
      schema: {
        tags,
        operationId: 'addAccountEntry',
        security: SESSION,
        summary: 'Add a line of income or spending to a draft (officials); published accounts are locked',
        params: idParams,
        body: z.strictObject({ direction: z.enum(ACCOUNT_DIRECTIONS), category, item: text(200, 2), amountFen: fen.min(1), occurredOn: day }),
        response: { 201: entry },
      },
    },
    async (request, reply) => reply.code(201).send(await affairs.addEntry(app.db, request.actor, request.params.id, request.body)),
  );
  app.delete(
    '/people/account-entries/:id',
    { schema: { tags, operationId: 'removeAccountEntry', security: SESSION, summary: 'Remove a line from a draft (officials)', params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await affairs.removeEntry(app.db, request.actor, request.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/people/accounts/:id/publish',
    { schema: { tags, operationId: 'publishAccountPeriod', security: SESSION, summary: 'Publish a draft for the village to read; its lines are then locked (officials)', params: idParams, response: { 200: periodDetail } } },
    async (request) => affairs.publishPeriod(app.db, request.actor, request.params.id),
  );
};
