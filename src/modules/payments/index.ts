// Payments: providers (the sandbox, Alipay, WeChat Pay API v3), verified callbacks, reconciliation of lost
// notifications, refunds. Modules that take money register a purpose (order, booking…) with registerPaymentPurpose.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import type { JobDefinition } from '../../server/jobs.ts';
import { paymentRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { reconcilePendingPayments } from './service.ts';
import { refundJob } from './refunds.ts';
import { paymentSettings } from './settings.ts';

/** Asks the provider about payments whose notification has not arrived (see ./README.md). */
const reconcileJob: JobDefinition = {
  name: 'payments.reconcile',
  every: () => paymentSettings().reconcileEverySeconds,
  maxAttempts: 1,
  run: (_data, ctx) => reconcilePendingPayments(ctx.db, new Date()),
};

export const paymentsModule = defineModule({
  name: 'payments',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: async (app) => {
    // A bad PAYMENTS_* value stops the server here, at start.
    paymentSettings();
    await app.register(paymentRoutes);
  },
  permissions: { 'payments.refund': ['county_admin'], 'payments.settlement': ['county_admin'], 'payments.statement': ['county_admin', 'producer', 'innkeeper', 'artisan'] },
  jobs: [reconcileJob, refundJob],
});

export { payments } from './schema.ts';
export type { PaymentStatus } from './schema.ts';
export { createPayment, getPaymentRecord, registerPaymentPurpose, sandboxSecret, reconcilePendingPayments } from './service.ts';
export { refundPayment, refundsOf, type RefundView } from './refunds.ts';
export { refundView } from './replies.ts';
export type { PaymentPurpose, PaymentPurposeHandlers } from './service.ts';
export type { PaymentChannel } from './provider.ts';
export type { ProviderName } from './settings.ts';
export { signSandboxCallback } from './sandbox.ts';
export { paymentStartReply } from './replies.ts';
