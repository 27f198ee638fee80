// The channels behind one interface, and the outbox drain the `notifications.deliver` job runs. Every adapter reads
// its settings from the environment when it sends; one that is not configured refuses ("skipped", with the reason),
// one that fails is retried with backoff; no address, key or provider answer body is stored or logged.
import fs from 'node:fs';
import https from 'node:https';
import { and, eq, lte, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import webpush from 'web-push';
import type { Db } from '../../db/handle.ts';
import { queryRows } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { usersByIds } from '../governance/index.ts';
import { render } from './messages.ts';
import { notificationContacts, notificationDeliveries, pushSubscriptions, vapidKeys, type DeliveryChannel, type NotificationKind } from './schema.ts';

export interface OutgoingMessage {
  countyId: string;
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** The absolute link into the app (PUBLIC_URL + the notification's link), when known. */
  url: string | null;
  params: Record<string, string | number>;
}

/** Thrown by an adapter that will not send: not configured, or no address for this user. Not retried. */
export class Refused extends Error {}

export interface ChannelAdapter {
  channel: DeliveryChannel;
  send(db: Db, message: OutgoingMessage): Promise<void>;
}

async function contact(db: Db, countyId: string, userId: string) {
  const [row] = await db.select().from(notificationContacts).where(and(eq(notificationContacts.countyId, countyId), eq(notificationContacts.userId, userId)));
  return row;
}

/** Email over SMTP (nodemailer): SMTP_URL (smtp://user:pass@host:port or smtps://…) and NOTIFY_EMAIL_FROM. */
export const emailAdapter: ChannelAdapter = {
  channel: 'email',
  async send(db, m) {
    const url = process.env.SMTP_URL;
    if (!url) throw new Refused('email is not configured (SMTP_URL)');
    const to = (await contact(db, m.countyId, m.userId))?.email;
    if (!to) throw new Refused('no email address');
    const transport = nodemailer.createTransport(url);
    try {
      await transport.sendMail({
        from: process.env.NOTIFY_EMAIL_FROM || 'Terrace <notifications@terrace.invalid>',
        to,
        subject: m.title,
        text: m.url ? `${m.body}\n\n${m.url}` : m.body,
      });
    } finally {
      transport.close();
    }
  },
};

/** The county's VAPID keys: from VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, else generated once and stored. */
export async function vapidKeysFor(db: Db, countyId: string): Promise<{ publicKey: string; privateKey: string }> {
  if (process.env.VAPID_PUBLIC_KEY && process.env.VAPID_PRIVATE_KEY) return { publicKey: process.env.VAPID_PUBLIC_KEY, privateKey: process.env.VAPID_PRIVATE_KEY };
  const read = async () => (await db.select().from(vapidKeys).where(eq(vapidKeys.countyId, countyId)))[0];
  const existing = await read();
  if (existing) return existing;
  const fresh = webpush.generateVAPIDKeys();
  await db.insert(vapidKeys).values({ countyId, ...fresh }).onConflictDoNothing();
  return (await read())!;
}

/** Web Push (RFC 8030/8291/8292 via web-push) to every browser the user subscribed; a gone subscription is removed. */
export const pushAdapter: ChannelAdapter = {
  channel: 'push',
  async send(db, m) {
    const subs = await db.select().from(pushSubscriptions).where(and(eq(pushSubscriptions.countyId, m.countyId), eq(pushSubscriptions.userId, m.userId)));
    if (!subs.length) throw new Refused('no push subscription');
    const keys = await vapidKeysFor(db, m.countyId);
    // Tests (and a private push relay) may add a certificate authority to trust.
    const ca = process.env.PUSH_EXTRA_CA_FILE ? fs.readFileSync(process.env.PUSH_EXTRA_CA_FILE) : undefined;
    const agent = ca ? new https.Agent({ ca }) : undefined;
    const payload = JSON.stringify({ title: m.title, body: m.body, url: m.url, kind: m.kind });
    let failures = 0;
    for (const s of subs) {
      try {
        await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, {
          vapidDetails: { subject: process.env.VAPID_SUBJECT || 'mailto:notifications@terrace.invalid', publicKey: keys.publicKey, privateKey: keys.privateKey },
          TTL: 24 * 3600,
          timeout: 10_000,
          ...(agent && { agent }),
        });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.countyId, s.countyId), eq(pushSubscriptions.id, s.id)));
        else failures++;
      }
    }
    if (failures) throw new Error(`push service refused ${failures} of ${subs.length} subscriptions`);
  },
};

/**
 * A template-message stand-in (SMS, WeChat): refuses until its gateway is configured; configured, it POSTs
 * `{ to, template, params }` as JSON to the gateway URL (a county's relay to its SMS provider or to WeChat's
 * template-message API, which need a registered signature/template id per kind that only the county can obtain).
 */
function templateAdapter(channel: 'sms' | 'wechat', env: string, to: (c: Awaited<ReturnType<typeof contact>>) => string | null | undefined): ChannelAdapter {
  return {
    channel,
    async send(db, m) {
      const gateway = process.env[env];
      if (!gateway) throw new Refused(`${channel} is not configured (${env})`);
      const address = to(await contact(db, m.countyId, m.userId));
      if (!address) throw new Refused(`no ${channel} address`);
      const res = await fetch(gateway, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: address, template: m.kind, params: m.params }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`${channel} gateway answered ${res.status}`);
    },
  };
}

export const smsAdapter = templateAdapter('sms', 'SMS_GATEWAY_URL', (c) => c?.phone);
export const wechatAdapter = templateAdapter('wechat', 'WECHAT_TEMPLATE_GATEWAY_URL', (c) => c?.wechatOpenId);

export const ADAPTERS: Record<DeliveryChannel, ChannelAdapter> = { email: emailAdapter, push: pushAdapter, sms: smsAdapter, wechat: wechatAdapter };

export const MAX_ATTEMPTS = 5;
/** Seconds before retry n (1-based): 30 s, 1, 2, 4 minutes. */
const backoff = (attempt: number) => 15 * 2 ** attempt;
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Sends what is due in the outbox. Each delivery is claimed in a short statement (SKIP LOCKED, and its next attempt
 * pushed a lease ahead, so two instances never send one twice and a crash mid-send retries it later), sent outside
 * any transaction (the embedded database runs one transaction at a time), then its outcome stored. Run by the
 * recurring `notifications.deliver` job, and by tests.
 */
export async function deliverDue(db: Db, options: { limit?: number; adapters?: Partial<Record<DeliveryChannel, ChannelAdapter>> } = {}) {
  const counts = { sent: 0, failed: 0, skipped: 0, retrying: 0 };
  const adapters = { ...ADAPTERS, ...options.adapters };
  for (let i = 0; i < (options.limit ?? 200); i++) {
    const [due] = await queryRows<{ id: string; county_id: string; notification_id: string; channel: DeliveryChannel; attempts: number }>(
      db,
      sql`update notification_deliveries set next_attempt_at = now() + interval '120 seconds'
          where (id, county_id) = (select id, county_id from notification_deliveries
                                   where status = 'pending' and next_attempt_at <= now() order by next_attempt_at limit 1 for update skip locked)
          returning id, county_id, notification_id, channel, attempts`,
    );
    if (!due) break;
    const [row] = await queryRows<{ user_id: string; kind: NotificationKind; params: Record<string, string | number>; link: string | null }>(
      db,
      sql`select n.user_id, n.kind, n.params, n.link from notifications n where n.id = ${due.notification_id} and n.county_id = ${due.county_id}`,
    );
    const n = row && { ...row, locale: (await usersByIds(db, [row.user_id])).get(row.user_id)?.locale ?? 'zh-CN' };
    const where = and(eq(notificationDeliveries.countyId, due.county_id), eq(notificationDeliveries.id, due.id));
    const attempts = Number(due.attempts) + 1;
    /** Stores the outcome with its audit row (the platform acts: no user). */
    const settle = (values: Partial<typeof notificationDeliveries.$inferInsert>, outcome: string) =>
      db.transaction(async (tx) => {
        await tx.update(notificationDeliveries).set({ attempts, ...values }).where(where);
        await recordAudit(tx, { id: null, countyId: due.county_id }, { action: `notifications.${outcome}`, entity: 'notification_delivery', entityId: due.id, details: { channel: due.channel, attempts } });
      });
    try {
      const text = render(n!.kind, n!.params, n!.locale);
      const base = process.env.PUBLIC_URL?.replace(/\/$/, '');
      await adapters[due.channel].send(db, { countyId: due.county_id, userId: n!.user_id, kind: n!.kind, params: n!.params, ...text, url: base && n!.link ? base + n!.link : null });
      await settle({ status: 'sent', sentAt: new Date(), lastError: null }, 'sent');
      counts.sent++;
    } catch (error) {
      if (error instanceof Refused) {
        await settle({ status: 'skipped', lastError: reason(error) }, 'skipped');
        counts.skipped++;
      } else if (attempts >= MAX_ATTEMPTS) {
        await settle({ status: 'failed', lastError: reason(error) }, 'failed');
        counts.failed++;
      } else {
        await settle({ lastError: reason(error), nextAttemptAt: sql`now() + make_interval(secs => ${backoff(attempts)})` as unknown as Date }, 'retry');
        counts.retrying++;
      }
    }
  }
  return counts;
}

/** Whether anything is due (lets the job finish quickly when the outbox is empty). */
export async function pendingCount(db: Db) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.status, 'pending'), lte(notificationDeliveries.nextAttemptAt, sql`now()`)));
  return Number(row?.n ?? 0);
}
