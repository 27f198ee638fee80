import { z } from 'zod';
import { alipayConfig, ConfigurationError, wechatPayConfig } from './provider-config.ts';

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
 * - `PAYMENTS_PROVIDER` — `sandbox`, `alipay` or `wechatpay`: who takes new payments. Default: the sandbox while it
 *   is on, else Alipay if configured, else WeChat Pay if configured.
 * - `ALIPAY_*`, `WECHATPAY_*` — the real providers (see provider-config.ts): all of a provider's or none.
 */
const schema = z.object({
  PAYMENTS_SANDBOX: z.enum(['on', 'off']).default('on'),
  PAYMENTS_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  PAYMENTS_RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(60),
  PAYMENTS_PROVIDER: z.enum(['sandbox', 'alipay', 'wechatpay']).optional(),
});

export type ProviderName = 'sandbox' | 'alipay' | 'wechatpay';

export interface PaymentSettings {
  sandbox: boolean;
  reconcileEverySeconds: number;
  reconcileAfterSeconds: number;
  /** The provider that takes new payments (null: none is available; starting a payment answers 503). */
  defaultProvider: ProviderName | null;
  /** The providers wired in this deployment. */
  enabled: ProviderName[];
}

export function paymentSettings(env: NodeJS.ProcessEnv = process.env): PaymentSettings {
  const parsed = schema.safeParse({
    // An empty value is the default, as when it is unset.
    PAYMENTS_SANDBOX: env.PAYMENTS_SANDBOX || undefined,
    PAYMENTS_RECONCILE_SECONDS: env.PAYMENTS_RECONCILE_SECONDS || undefined,
    PAYMENTS_RECONCILE_AFTER_SECONDS: env.PAYMENTS_RECONCILE_AFTER_SECONDS || undefined,
    PAYMENTS_PROVIDER: env.PAYMENTS_PROVIDER || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const sandbox = parsed.data.PAYMENTS_SANDBOX === 'on';
  // Reads and checks the keys: a half-configured provider stops the server with the missing variable's name.
  const enabled: ProviderName[] = [
    ...(sandbox ? (['sandbox'] as const) : []),
    ...(alipayConfig(env) ? (['alipay'] as const) : []),
    ...(wechatPayConfig(env) ? (['wechatpay'] as const) : []),
  ];
  const chosen = parsed.data.PAYMENTS_PROVIDER;
  if (chosen && !enabled.includes(chosen)) {
    const needs = chosen === 'sandbox' ? 'PAYMENTS_SANDBOX=on' : chosen === 'alipay' ? 'the ALIPAY_* variables' : 'the WECHATPAY_* variables';
    throw new ConfigurationError('PAYMENTS_PROVIDER', `${chosen} is chosen but not available: set ${needs}`);
  }
  return {
    sandbox,
    reconcileEverySeconds: parsed.data.PAYMENTS_RECONCILE_SECONDS,
    reconcileAfterSeconds: parsed.data.PAYMENTS_RECONCILE_AFTER_SECONDS,
    defaultProvider: chosen ?? enabled[0] ?? null,
    enabled,
  };
}

/** Whether the sandbox provider is switched on. Fails closed: a value that does not parse counts as off. */
export function sandboxEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PAYMENTS_SANDBOX || 'on') === 'on';
}
