import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as payments from './service.ts';
import * as refunds from './refunds.ts';
import { refundView } from './replies.ts';
import { binary, PUBLIC, SESSION } from '../../server/openapi.ts';
import * as settlement from './settlement.ts';

// ---- replies: what each route answers (the serializer and the OpenAPI document use them) ----
const getPaymentForPayerReply = z.object({
  id: z.string(),
  purpose: z.string(),
  referenceId: z.string(),
  amountFen: z.number(),
  refundedFen: z.number(),
  description: z.string(),
  provider: z.string(),
  status: z.enum(['pending', 'paid', 'failed', 'refunded']),
  returnUrl: z.string(),
  refunds: z.array(refundView),
});
const handleCallbackReply = z.object({
  paymentId: z.string(),
  applied: z.boolean(),
  duplicate: z.boolean(),
  status: z.enum(['pending', 'paid', 'failed', 'refunded']),
});
const sandboxCompleteReply = handleCallbackReply.extend({ callback: z.enum(['none', 'delivered', 'lost']) });
const refundPayment201Reply = z.object({
  paymentId: z.string(),
  refundId: z.string(),
  refundedFen: z.number(),
  status: z.enum(['pending', 'paid', 'failed', 'refunded']),
  refundStatus: z.literal('pending').meta({ description: 'The provider is asked by a job; follow it on GET /payments/:id' }),
});
const countyRefund = refundView.extend({
  paymentId: z.string(),
  lastError: z.string().nullable(),
  payment: z.object({ purpose: z.string(), referenceId: z.string(), description: z.string(), provider: z.string(), amountFen: z.number() }),
});


const idParams = z.strictObject({ id: z.uuid() });

// ---- settlement ----
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date YYYY-MM-DD');
/** This month so far, in the county's time (China Standard Time). */
const thisMonth = () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01`, to: today };
};
const periodQuery = z.strictObject({ from: day.optional(), to: day.optional() });
const periodOf = (q: z.infer<typeof periodQuery>) => ({ from: q.from ?? thisMonth().from, to: q.to ?? thisMonth().to });
const sums = z.object({ payments: z.number(), grossFen: z.number(), refunds: z.number(), refundsFen: z.number(), feeFen: z.number(), netFen: z.number(), paidOutFen: z.number(), owedFen: z.number() });
const statementReply = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  feeBps: z.number(),
  rows: z.array(sums.extend({ orgId: z.string(), name: z.string(), kind: z.string() })),
  totals: sums,
});
const orgStatementReply = statementReply.extend({
  org: z.object({ id: z.string(), name: z.string() }),
  lines: z.array(z.object({ at: z.string(), kind: z.enum(['sale', 'refund', 'payout']), purpose: z.string(), description: z.string(), amountFen: z.number() })),
});
const orgParams = z.strictObject({ orgId: z.uuid() });

/** Payments: the payment page's data, the sandbox's buttons, providers' callbacks, refunds. */
export const paymentRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/payments/:id', { schema: { tags: ['payments'], summary: 'A payment, for its payer', params: idParams, operationId: 'getPaymentForPayer', security: SESSION, response: { 200: getPaymentForPayerReply } } }, async (request) =>
    payments.getPaymentForPayer(app.db, request.actor, request.params.id),
  );

  app.post(
    '/payments/:id/sandbox',
    {
      schema: {
        tags: ['payments'],
        summary: 'Sandbox payment page: pay or fail (sends the signed provider callback; callback "lose" simulates a lost notification)',
        params: idParams,
        body: z.strictObject({ outcome: z.enum(['succeeded', 'failed']), callback: z.enum(['deliver', 'lose']).default('deliver') }), operationId: 'sandboxComplete', security: SESSION, response: { 200: sandboxCompleteReply },
      },
    },
    async (request) => payments.sandboxComplete(app.db, request.actor, request.params.id, request.body.outcome, request.body.callback),
  );

  app.post(
    '/payments/:id/refunds',
    {
      schema: {
        tags: ['payments'],
        summary: 'Refund part or all of a payment',
        params: idParams,
        body: z.strictObject({ amountFen: z.number().int().positive(), reason: z.string().trim().min(1).max(500) }), operationId: 'refundPayment', security: SESSION, response: { 201: refundPayment201Reply },
      },
    },
    async (request, reply) => {
      const result = await refunds.refundPayment(app.db, request.actor, request.params.id, request.body.amountFen, request.body.reason);
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/payments/refunds',
    {
      schema: {
        tags: ['payments'],
        summary: "The county's refunds for its administrator: failed first, then those being sent",
        querystring: z.strictObject({ status: z.enum(['pending', 'succeeded', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        operationId: 'listRefunds',
        security: SESSION,
        response: { 200: z.array(countyRefund) },
      },
    },
    async (request) => refunds.listRefunds(app.db, request.actor, request.query),
  );

  app.post(
    '/payments/refunds/:id/retry',
    { schema: { tags: ['payments'], summary: 'Send a failed refund again (county administrator)', params: idParams, operationId: 'retryRefund', security: SESSION, response: { 200: refundView } } },
    async (request) => refunds.retryRefund(app.db, request.actor, request.params.id),
  );

  app.get(
    '/payments/settlement',
    { schema: { tags: ['payments'], summary: "What each seller of the county is owed for a period (default: this month)", querystring: periodQuery, operationId: 'countyStatement', security: SESSION, response: { 200: statementReply } } },
    async (request) => settlement.countyStatement(app.db, request.actor, periodOf(request.query)),
  );
  app.get(
    '/payments/settlement/export',
    { schema: { tags: ['payments'], summary: "The county's settlement statement as an XLSX workbook", querystring: periodQuery, operationId: 'exportCountyStatement', security: SESSION, response: { 200: binary(XLSX) } } },
    async (request, reply) => {
      const statement = await settlement.countyStatement(app.db, request.actor, periodOf(request.query));
      const file = await settlement.statementWorkbook(statement);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="settlement-${statement.period.from}-${statement.period.to}.xlsx"`).send(file);
    },
  );
  app.get(
    '/payments/settlement/orgs/:orgId',
    { schema: { tags: ['payments'], summary: "One seller's statement for a period, with its lines (its members, the county's officials)", params: orgParams, querystring: periodQuery, operationId: 'orgStatement', security: SESSION, response: { 200: orgStatementReply } } },
    async (request) => settlement.orgStatement(app.db, request.actor, request.params.orgId, periodOf(request.query)),
  );
  app.get(
    '/payments/settlement/orgs/:orgId/export',
    { schema: { tags: ['payments'], summary: "One seller's statement as an XLSX workbook", params: orgParams, querystring: periodQuery, operationId: 'exportOrgStatement', security: SESSION, response: { 200: binary(XLSX) } } },
    async (request, reply) => {
      const statement = await settlement.orgStatement(app.db, request.actor, request.params.orgId, periodOf(request.query));
      const file = await settlement.statementWorkbook(statement);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="statement-${statement.period.from}-${statement.period.to}.xlsx"`).send(file);
    },
  );
  app.put(
    '/payments/settlement/fee-rate',
    { schema: { tags: ['payments'], summary: 'The platform fee the county takes, in basis points', body: z.strictObject({ feeBps: z.number().int().min(0).max(10_000) }), operationId: 'setFeeRate', security: SESSION, response: { 200: z.object({ feeBps: z.number() }) } } },
    async (request) => settlement.setFeeRate(app.db, request.actor, request.body.feeBps),
  );
  app.post(
    '/payments/settlement/payouts',
    {
      schema: {
        tags: ['payments'],
        summary: 'Record money paid out to a seller for a period (never more than it is owed)',
        body: z.strictObject({ orgId: z.uuid(), from: day, to: day, amountFen: z.number().int().positive(), reference: z.string().trim().min(1).max(100) }),
        operationId: 'recordPayout',
        security: SESSION,
        response: { 201: z.object({ id: z.string(), orgId: z.string(), amountFen: z.number(), owedFen: z.number() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await settlement.recordPayout(app.db, request.actor, request.body)),
  );

  // Providers' notifications: the signature covers the exact bytes, so this route keeps the body as text.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    raw.withTypeProvider<ZodTypeProvider>().post(
      '/payments/callback/:provider',
      {
        schema: {
          tags: ['payments'],
          summary: 'Signed callback from a payment provider (idempotent); Alipay is answered with the text "success"',
          params: z.strictObject({ provider: z.string().max(40) }),
          operationId: 'handleCallback',
          security: PUBLIC,
          response: { 200: z.union([handleCallbackReply, z.literal('success').describe('Alipay: the text/plain answer it expects')]) },
        },
        config: { writeRateLimit: false },
      },
      async (request, reply) => {
        const { provider } = request.params;
        const body = typeof request.body === 'string' ? request.body : '';
        const { answer, ...result } = await payments.handleCallback(app.db, provider, request.headers, body);
        // Alipay stops retrying only on the exact text `success`; WeChat Pay and the sandbox take this JSON.
        if (answer) return reply.code(200).type(answer.contentType).send(answer.body as 'success');
        return result;
      },
    );
  });
};
