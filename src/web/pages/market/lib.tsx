import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** Integer fen shown as ¥12.34. */
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export const formatTime = (iso: string | null | undefined, lang: string) =>
  iso ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }) : '';

// Reply types come from the schemas the server answers with (src/modules/market/routes.ts), as they arrive.
export type ProductSummary = Reply<'listProducts'>['items'][number];
export type Product = Reply<'getProduct'>;
export type Variant = Product['variants'][number];
export type ProductPhoto = Product['photos'][number];
/** An order in a list, or alone (then with the viewer's role). */
export type Order = Reply<'listMyOrders'>[number] & Partial<Pick<Reply<'getOrder'>, 'viewerRole'>>;
export type OrderStatus = Order['status'];

// ---- the cart: kept in the browser; prices shown here are informative, the server prices the order ----

export interface CartLine {
  variantId: string;
  productId: string;
  orgId: string;
  producer: string;
  name: string;
  label: string;
  priceFen: number;
  qty: number;
}
const CART_KEY = 'terrace.market.cart';
const listeners = new Set<() => void>();
let cached: CartLine[] | null = null;

function read(): CartLine[] {
  if (cached) return cached;
  try {
    const parsed = JSON.parse(localStorage.getItem(CART_KEY) ?? '[]');
    cached = Array.isArray(parsed) ? parsed : [];
  } catch {
    cached = [];
  }
  return cached!;
}
function write(lines: CartLine[]) {
  cached = lines;
  localStorage.setItem(CART_KEY, JSON.stringify(lines));
  for (const l of listeners) l();
}
export const cart = {
  add(line: CartLine) {
    const lines = read();
    const existing = lines.find((l) => l.variantId === line.variantId);
    write(existing ? lines.map((l) => (l === existing ? { ...l, qty: Math.min(99, l.qty + line.qty) } : l)) : [...lines, line]);
  },
  setQty(variantId: string, qty: number) {
    write(read().map((l) => (l.variantId === variantId ? { ...l, qty: Math.max(1, Math.min(99, qty)) } : l)));
  },
  remove(variantIds: string[]) {
    write(read().filter((l) => !variantIds.includes(l.variantId)));
  },
};
export function useCart(): CartLine[] {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    read,
    () => [],
  );
}

