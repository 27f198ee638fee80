import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as payments from './service.ts';

const idParams = z.strictObject({ id: z.uuid() });

/** Payments: the payment page's data, the sandbox's buttons, providers' callbacks, refunds. */
export const paymentRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/payments/:id', { schema: { tags: ['payments'], summary: 'A payment, for its payer', params: idParams } }, async (request) =>
    payments.getPaymentForPayer(app.db, request.actor, request.params.id),
  );

  app.post(
    '/payments/:id/sandbox',
    {
      schema: {
        tags: ['payments'],
        summary: 'Sandbox payment page: pay or fail (sends the signed provider callback; callback "lose" simulates a lost notification)',
        params: idParams,
        body: z.strictObject({ outcome: z.enum(['succeeded', 'failed']), callback: z.enum(['deliver', 'lose']).default('deliver') }),
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
        body: z.strictObject({ amountFen: z.number().int().positive(), reason: z.string().trim().min(1).max(500) }),
      },
    },
    async (request, reply) => {
      const result = await payments.refundPayment(app.db, request.actor, request.params.id, request.body.amountFen, request.body.reason);
      return reply.code(201).send(result);
    },
  );

  // Providers' notifications: the signature covers the exact bytes, so this route keeps the body as text.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    raw.post(
      '/payments/callback/:provider',
      { schema: { tags: ['payments'], summary: 'Signed callback from a payment provider (idempotent)' }, config: { writeRateLimit: false } },
      async (request) => {
        const { provider } = request.params as { provider: string };
        const body = typeof request.body === 'string' ? request.body : '';
        return payments.handleCallback(app.db, provider, request.headers, body);
      },
    );
  });
};
