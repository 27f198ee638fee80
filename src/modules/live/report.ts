// Figures: the host console's live figures (viewers, orders, revenue) and the after-session report (viewers over
// time, peak, chat rate, conversion, revenue per product) — for the session's producer and the county admin.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/handle.ts';
import type { Actor } from '../governance/index.ts';
import { countViewers } from './realtime.ts';
import { hostedSession, iso } from './sessions.ts';

async function orderFigures(db: Db, countyId: string, sessionId: string) {
  const [row] = await queryRows<{ held: number; paid: number; revenue_fen: number; buyers: number }>(
    db,
    sql`select count(*) filter (where c.status = 'held')::int as held, count(*) filter (where c.status = 'paid')::int as paid,
               coalesce(sum(c.amount_fen) filter (where c.status = 'paid'), 0)::int as revenue_fen,
               count(distinct c.buyer_id) filter (where c.status = 'paid')::int as buyers
        from live_flash_claims c join live_flash_offers o on o.county_id = c.county_id and o.id = c.offer_id
        where o.county_id = ${countyId}::uuid and o.session_id = ${sessionId}::uuid`,
  );
  return row;
}

/** What the host sees while live: viewers now, units held and paid, revenue paid. */
export async function liveFigures(db: Db, actor: Actor | null, sessionId: string) {
  const { session } = await hostedSession(db, actor, sessionId);
  const orders = await orderFigures(db, session.countyId, sessionId);
  const [peak] = await queryRows<{ peak: number | null }>(
    db,
    sql`select max(viewers)::int as peak from live_viewer_samples where county_id = ${session.countyId}::uuid and session_id = ${sessionId}::uuid`,
  );
  return {
    viewers: await countViewers(db, sessionId),
    peakViewers: peak?.peak ?? 0,
    likes: session.likes,
    heldOrders: orders.held,
    paidOrders: orders.paid,
    revenueFen: orders.revenue_fen,
  };
}

/** The after-session report (also readable while live: it covers the session so far). */
export async function sessionReport(db: Db, actor: Actor | null, sessionId: string) {
  const { session } = await hostedSession(db, actor, sessionId);
  const c = session.countyId;
  const from = session.startedAt ?? session.createdAt;
  const to = session.endedAt ?? new Date();
  const minutes = Math.max(1 / 60, (to.getTime() - from.getTime()) / 60_000);
  const samples = await queryRows<{ at: Date; viewers: number }>(
    db,
    sql`select at, viewers from live_viewer_samples where county_id = ${c}::uuid and session_id = ${sessionId}::uuid order by at`,
  );
  const [unique] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from live_viewers where county_id = ${c}::uuid and session_id = ${sessionId}::uuid`);
  const chat = await queryRows<{ minute: Date; n: number }>(
    db,
    sql`select date_trunc('minute', created_at) as minute, count(*)::int as n from live_messages
        where county_id = ${c}::uuid and session_id = ${sessionId}::uuid group by 1 order by 1`,
  );
  const [chatters] = await queryRows<{ n: number }>(
    db,
    sql`select count(distinct user_id)::int as n from live_messages where county_id = ${c}::uuid and session_id = ${sessionId}::uuid`,
  );
  const products = await queryRows<{ product_id: string; label: string; units: number; revenue_fen: number; claimed: number }>(
    db,
    sql`select o.product_id, min(o.label) as label, count(*) filter (where cl.status = 'paid')::int as units,
               coalesce(sum(cl.amount_fen) filter (where cl.status = 'paid'), 0)::int as revenue_fen, count(cl.id)::int as claimed
        from live_flash_offers o left join live_flash_claims cl on cl.county_id = o.county_id and cl.offer_id = o.id
        where o.county_id = ${c}::uuid and o.session_id = ${sessionId}::uuid
        group by o.product_id order by revenue_fen desc, label`,
  );
  const orders = await orderFigures(db, c, sessionId);
  const messages = chat.reduce((n, m) => n + m.n, 0);
  const uniqueViewers = unique?.n ?? 0;
  return {
    id: session.id,
    title: session.title,
    titleEn: session.titleEn,
    status: session.status,
    startedAt: iso(session.startedAt),
    endedAt: iso(session.endedAt),
    viewers: samples.map((s) => ({ at: iso(s.at)!, viewers: s.viewers })),
    peakViewers: samples.reduce((m, s) => Math.max(m, s.viewers), 0),
    uniqueViewers,
    likes: session.likes,
    messages,
    chatters: chatters?.n ?? 0,
    chatPerMinute: Math.round((messages / minutes) * 10) / 10,
    chat: chat.map((m) => ({ at: iso(m.minute)!, messages: m.n })),
    buyers: orders.buyers,
    paidOrders: orders.paid,
    /** Paying buyers per distinct viewer (0 with no viewers). */
    conversion: uniqueViewers ? Math.round((orders.buyers / uniqueViewers) * 1000) / 1000 : 0,
    revenueFen: orders.revenue_fen,
    products: products.map((p) => ({ productId: p.product_id, label: p.label, units: p.units, claimed: p.claimed, revenueFen: p.revenue_fen })),
  };
}
