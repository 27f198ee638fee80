// The sentence for each kind, in both languages, with {{param}} placeholders: the in-app centre (through i18next),
// email subjects and push titles use the same text. Pure data: the web client imports it too.
import type { NotificationKind } from './schema.ts';

export type Sentences = Record<NotificationKind, { title: string; body: string }>;

export const zhCNKinds: Sentences = {
  'order.new': { title: '新订单', body: '订单 {{orderNo}} 已付款，共 {{total}}，请尽快备货。' },
  'order.shipped': { title: '订单已发货', body: '您的订单 {{orderNo}} 已发货，快递单号 {{trackingNo}}。' },
  'order.refunded': { title: '已退款', body: '订单 {{orderNo}} 已退款 {{refunded}}（实付 {{paid}}），款项原路退回。' },
  'delivery.made': { title: '包裹已送达', body: '订单 {{orderNo}} 的包裹已送达。' },
  'booking.made': { title: '新预订', body: '{{room}} 已被预订并付款：{{checkIn}} 至 {{checkOut}}。' },
  'booking.cancelled': { title: '预订已取消', body: '{{room}} 的预订（{{checkIn}} 至 {{checkOut}}）已取消。' },
  'proposal.step': { title: '提案有进展', body: '提案“{{title}}”已进入“{{step}}”。' },
  'vote.closing': { title: '投票即将截止', body: '提案“{{title}}”已交县里审批，县里作出决定后投票即截止。您还没有投票。' },
  'live.starting': { title: '直播提醒', body: '直播“{{title}}”{{when}}。' },
};

export const enKinds: Sentences = {
  'order.new': { title: 'New order', body: 'Order {{orderNo}} was paid, total {{total}}: time to pack it.' },
  'order.shipped': { title: 'Order shipped', body: 'Your order {{orderNo}} was shipped, tracking number {{trackingNo}}.' },
  'order.refunded': { title: 'Refunded', body: 'Order {{orderNo}}: {{refunded}} refunded of {{paid}} paid, back to how you paid.' },
  'delivery.made': { title: 'Parcel delivered', body: 'The parcel of order {{orderNo}} was delivered.' },
  'booking.made': { title: 'New booking', body: '{{room}} was booked and paid: {{checkIn}} to {{checkOut}}.' },
  'booking.cancelled': { title: 'Booking cancelled', body: 'The booking of {{room}} ({{checkIn}} to {{checkOut}}) was cancelled.' },
  'proposal.step': { title: 'A proposal moved on', body: 'The proposal “{{title}}” is now “{{step}}”.' },
  'vote.closing': { title: 'Voting closes soon', body: 'The proposal “{{title}}” is with the county now: voting closes when the county decides. You have not voted yet.' },
  'live.starting': { title: 'Live session', body: 'The live session “{{title}}” {{when}}.' },
};

/** The names of a proposal's workflow steps (the `step` parameter of `proposal.step`). */
const STEPS: Record<string, [string, string]> = {
  draft: ['草稿', 'a draft'],
  submitted: ['已提交', 'submitted'],
  village_approved: ['村已批准', 'approved by the village'],
  township_reviewed: ['乡镇已审核', 'reviewed by the township'],
  county_approved: ['县已批准', 'approved by the county'],
  funded: ['已拨款', 'funded'],
  in_progress: ['实施中', 'in progress'],
  completed: ['已完成', 'completed'],
  evaluated: ['已评估', 'evaluated'],
  rejected: ['已驳回', 'rejected'],
};

/** When a live session starts (the `when` parameter of `live.starting`; `time` is its start, county time). */
const WHEN: Record<string, [string, string]> = {
  soon: ['将于 {{time}} 开始', 'starts at {{time}}'],
  now: ['正在直播，快来观看', 'is live now: come and watch'],
};

/** Parameters as the reader should see them (codes turned into words of their language). */
export function localize(kind: NotificationKind, params: Record<string, string | number>, locale: string) {
  const en = locale.startsWith('en') ? 1 : 0;
  if (kind === 'proposal.step' && STEPS[String(params.step)]) return { ...params, step: STEPS[String(params.step)][en] };
  if (kind === 'live.starting' && WHEN[String(params.when)]) return { ...params, when: fill(WHEN[String(params.when)][en], params) };
  return params;
}

/** Fills a sentence's placeholders (a missing parameter stays visible as its name). */
export const fill = (template: string, params: Record<string, string | number>) =>
  template.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => (params[k] === undefined ? k : String(params[k])));

/** A notification as text in a user's language (zh-CN unless the user chose English). */
export function render(kind: NotificationKind, params: Record<string, string | number>, locale: string) {
  const s = (locale.startsWith('en') ? enKinds : zhCNKinds)[kind];
  const p = localize(kind, params, locale);
  return { title: fill(s.title, p), body: fill(s.body, p) };
}
