import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as payments from './service.ts';
import * as refunds from './refunds.ts';
import { refundView } from './replies.ts';
import { PUBLIC, SESSION } from '../../server/openapi.ts';

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
