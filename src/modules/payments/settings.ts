import { z } from 'zod';

/**
 * The payments' configuration, from the environment. It is read where it is used (so a test sets and restores
 * `process.env` around what it exercises) and checked once when the payments routes are registered, so a server
 * with a bad value does not start.
 *
 * - `PAYMENTS_SANDBOX` — `on` (default: `npm start`'s demo pays in the sandbox) or `off`: a deployment that takes
 *   real money refuses sandbox payments, the sandbox page's endpoint and the sandbox callback (503).
 * - `PAYMENTS_RECONCILE_SECONDS` — how often the reconciliation runs, in seconds (default 60; 0 disables it).
 * - `PAYMENTS_RECONCILE_AFTER_SECONDS` — how long a payment stays pending before the provider is asked about it
 *   (default 60).
 */
const schema = z.object({
  PAYMENTS_SANDBOX: z.enum(['on', 'off']).default('on'),
  PAYMENTS_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  PAYMENTS_RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(60),
});

export interface PaymentSettings {
  sandbox: boolean;
  reconcileEverySeconds: number;
  reconcileAfterSeconds: number;
}

export function paymentSettings(env: NodeJS.ProcessEnv = process.env): PaymentSettings {
  const parsed = schema.safeParse({
    // An empty value is the default, as when it is unset.
    PAYMENTS_SANDBOX: env.PAYMENTS_SANDBOX || undefined,
    PAYMENTS_RECONCILE_SECONDS: env.PAYMENTS_RECONCILE_SECONDS || undefined,
    PAYMENTS_RECONCILE_AFTER_SECONDS: env.PAYMENTS_RECONCILE_AFTER_SECONDS || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  return {
    sandbox: parsed.data.PAYMENTS_SANDBOX === 'on',
    reconcileEverySeconds: parsed.data.PAYMENTS_RECONCILE_SECONDS,
    reconcileAfterSeconds: parsed.data.PAYMENTS_RECONCILE_AFTER_SECONDS,
  };
}

/** Whether the sandbox provider is switched on. Fails closed: a value that does not parse counts as off. */
export function sandboxEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PAYMENTS_SANDBOX || 'on') === 'on';
}
