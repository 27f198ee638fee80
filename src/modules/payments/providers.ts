// Which payment providers this deployment runs, and each one's construction from its configuration.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { notFound, Problem } from '../../server/problems.ts';
import { paymentKeys, paymentSandboxOutcomes } from './schema.ts';
import type { PaymentProvider } from './provider.ts';
import { SandboxProvider, type SandboxLedger } from './sandbox.ts';
import { paymentSettings, sandboxEnabled, type ProviderName } from './settings.ts';
import { alipayConfig, wechatPayConfig } from './provider-config.ts';
import { AlipayProvider } from './alipay.ts';
import { WeChatPayProvider } from './wechatpay.ts';

const secrets = new WeakMap<Db, Promise<string>>();

/** The sandbox signing key: PAYMENT_SANDBOX_SECRET, or one generated once and kept in the database (shared by every instance). */
export function sandboxSecret(db: Db): Promise<string> {
  const fromEnv = process.env.PAYMENT_SANDBOX_SECRET;
  if (fromEnv) return Promise.resolve(fromEnv);
  let p = secrets.get(db);
  if (!p) {
    p = (async () => {
      await db.insert(paymentKeys).values({ provider: 'sandbox', secret: randomBytes(32).toString('hex') }).onConflictDoNothing();
      const [row] = await db.select({ secret: paymentKeys.secret }).from(paymentKeys).where(eq(paymentKeys.provider, 'sandbox'));
      return row.secret;
    })();
    p.catch(() => secrets.delete(db));
    secrets.set(db, p);
  }
  return p;
}

/** The answer of everything the sandbox does while `PAYMENTS_SANDBOX=off` (a deployment that takes real money). */
export const sandboxDisabled = () =>
  new Problem(503, 'provider_disabled', 'The sandbox payment provider is switched off in this deployment (PAYMENTS_SANDBOX=off): no sandbox payment is taken');

/** The answer for a real provider whose variables are not set in this deployment. */
export const providerNotConfigured = (name: string) =>
  new Problem(503, 'provider_not_configured', `The payment provider ${name} is not configured in this deployment (see the payments README)`);

/** The sandbox institution's ledger, in the database: every server instance answers status queries alike. */
const sandboxLedger = (db: Db): SandboxLedger => ({
  async find(providerReference) {
    const [row] = await db.select().from(paymentSandboxOutcomes).where(eq(paymentSandboxOutcomes.providerReference, providerReference));
    return row;
  },
});

/** The providers wired in this deployment (payments of other providers are not reconciled). */
export const enabledProviders = (): ProviderName[] => paymentSettings().enabled;

/**
 * The provider a payment is made with: the sandbox (unless `PAYMENTS_SANDBOX=off`: 503), Alipay or WeChat Pay
 * (when their variables are set: 503 otherwise). Configuration is read where it is used, like the sandbox switch.
 */
export async function providerFor(db: Db, name: string): Promise<PaymentProvider> {
  if (name === 'sandbox') {
    if (!sandboxEnabled()) throw sandboxDisabled();
    return new SandboxProvider(await sandboxSecret(db), sandboxLedger(db));
  }
  if (name === 'alipay') {
    const config = alipayConfig();
    if (!config) throw providerNotConfigured('alipay');
    return new AlipayProvider(config);
  }
  if (name === 'wechatpay') {
    const config = wechatPayConfig();
    if (!config) throw providerNotConfigured('wechatpay');
    return new WeChatPayProvider(config);
  }
  throw notFound(`Payment provider ${name}`);
}
