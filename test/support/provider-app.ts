// What the Alipay and WeChat Pay stand-in tests share: an app listening for the stand-in's callbacks, the buyer and
// the county admin signed in, an order paid through the provider, and a snapshot of what a refused callback must leave.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows } from '../../src/db/handle.ts';
import { getPaymentRecord } from '../../src/modules/payments/service.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from './app.ts';
import type { Driver } from '../../src/db/handle.ts';

export const BUYER_ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

export interface ProviderApp {
  t: TestApp;
  buyer: Session;
  admin: Session;
  /** A product variant of the demo market, to order. */
  variantId: string;
}

/**
 * Starts the app with background jobs stopped (a refused callback is shown to change nothing by comparing rows before
 * and after), listening on a port, with `<PROVIDER>_NOTIFY_URL` pointing the stand-in's callbacks at it.
 */
export async function startProviderApp(driver: Driver, provider: 'alipay' | 'wechatpay', log: DestinationStream): Promise<ProviderApp> {
  const t = await startTestApp(driver, { LOG_LEVEL: 'info' }, { logStream: log, runJobs: false });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  process.env[`${provider.toUpperCase()}_NOTIFY_URL`] = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/payments/callback/${provider}`;
  const [buyer, admin] = await Promise.all([signIn(t.app, 'buyer'), signIn(t.app, 'admin')]);
  const products = (await t.app.inject({ method: 'GET', url: '/api/v1/market/products' })).json().items as { id: string }[];
  const variantId = (await t.app.inject({ method: 'GET', url: `/api/v1/market/products/${products[0].id}` })).json().variants[0].id as string;
  return { t, buyer, admin, variantId };
}

export const countRows = async (t: TestApp, query: ReturnType<typeof sql>) => Number((await queryRows<{ n: number | string }>(t.db.db, query))[0].n);

/** What a refused callback must leave alone: the payment, its callbacks, the audit log. */
export const paymentSnapshot = async (t: TestApp, paymentId: string) => ({
  payment: await getPaymentRecord(t.db.db, paymentId),
  callbacks: await countRows(t, sql`select count(*) as n from payment_callbacks where payment_id = ${paymentId}`),
  audit: await countRows(t, sql`select count(*) as n from audit_log`),
});

/** The buyer orders one of the variant and starts paying: the order, its total, the payment and where to pay. */
export async function orderAndPay({ t, buyer, variantId }: ProviderApp) {
  const ordered = await as(t.app, buyer)({ method: 'POST', url: '/api/v1/market/orders', payload: { items: [{ variantId, qty: 1 }], address: BUYER_ADDRESS }, headers: { 'idempotency-key': randomUUID() } });
  expect(ordered.statusCode).toBe(201);
  const orderId: string = ordered.json().id;
  const started = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/market/orders/${orderId}/pay` });
  expect(started.statusCode).toBe(200);
  return { orderId, totalFen: ordered.json().totalFen as number, paymentId: started.json().paymentId as string, redirectUrl: started.json().redirectUrl as string };
}
