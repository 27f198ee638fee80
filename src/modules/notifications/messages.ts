// The sentence for each kind, in both languages, with {{param}} placeholders: the in-app centre (through i18next),
// email subjects and push titles use the same text. Pure data: the web client imports it too.
import type { NotificationKind } from './schema.ts';

export type Sentences = Record<NotificationKind, { title: string; body: string }>;

export const zhCNKinds: Sentences = {
  'order.new': { title: '新订单', body: '{{buyer}} 下了订单 {{orderNo}}，共 {{total}}。' },
  'order.shipped': { title: '订单已发货', body: '您的订单 {{orderNo}} 已由 {{seller}} 发出。' },
  'booking.made': { title: '新预订', body: '{{guest}} 预订了 {{room}}，{{checkIn}} 至 {{checkOut}}。' },
  'booking.cancelled': { title: '预订已取消', body: '{{guest}} 取消了 {{room}} 的预订（{{checkIn}} 至 {{checkOut}}）。' },
  'proposal.step': { title: '提案有进展', body: '提案“{{title}}”已进入“{{step}}”。' },
};

export const enKinds: Sentences = {
  'order.new': { title: 'New order', body: '{{buyer}} placed order {{orderNo}}, total {{total}}.' },
  'order.shipped': { title: 'Order shipped', body: 'Your order {{orderNo}} was shipped by {{seller}}.' },
  'booking.made': { title: 'New booking', body: '{{guest}} booked {{room}}, {{checkIn}} to {{checkOut}}.' },
  'booking.cancelled': { title: 'Booking cancelled', body: '{{guest}} cancelled the booking of {{room}} ({{checkIn}} to {{checkOut}}).' },
  'proposal.step': { title: 'A proposal moved on', body: 'The proposal “{{title}}” is now “{{step}}”.' },
};

/** Fills a sentence's placeholders (a missing parameter stays visible as its name). */
export const fill = (template: string, params: Record<string, string | number>) =>
  template.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => (params[k] === undefined ? k : String(params[k])));

/** A notification as text in a user's language (zh-CN unless the user chose English). */
export function render(kind: NotificationKind, params: Record<string, string | number>, locale: string) {
  const s = (locale.startsWith('en') ? enKinds : zhCNKinds)[kind];
  return { title: fill(s.title, params), body: fill(s.body, params) };
}
