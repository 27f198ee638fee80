import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../../server/problems.ts';
import * as payments from './service.ts';
import { paymentSettings } from './settings.ts';

const idParams = z.strictObject({ id: z.uuid() });

/**
 * What of a reconciliation error is logged: its kind, never its message (a database error's message carries the
 * query's parameters, and those may be personal data). The payment is named by its id only.
 */
const errorKind = (error: unknown) => {
  const e = error as { name?: string; code?: unknown; cause?: { code?: unknown } };
  return { error: error instanceof Problem ? error.code : (e?.name ?? 'unknown'), pgCode: e?.cause?.code ?? e?.code };
};

/** Payments: the payment page's data, the sandbox's buttons, providers' callbacks, refunds; the reconciliation timer. */
export const paymentRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  // A bad PAYMENTS_* value stops the server here, at start.
  const settings = paymentSettings();

  // Reconciliation asks the provider about payments whose notification has not arrived (see ./README.md).
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    if (settings.reconcileEverySeconds > 0) {
      timer = setInterval(() => {
        payments
          .reconcilePendingPayments(app.db, new Date(), {
            onError: (paymentId, error) => app.log.warn({ paymentId, ...errorKind(error) }, 'payment reconciliation failed'),
          })
          .catch((error) => app.log.warn(errorKind(error), 'payment reconciliation failed'));
      }, settings.reconcileEverySeconds * 1000);
      timer.unref();
    }
  });
  app.addHook('onClose', async () => clearInterval(timer));

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
