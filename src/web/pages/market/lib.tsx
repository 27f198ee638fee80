import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** Integer fen shown as ¥12.34. */
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export const formatTime = (iso: string | null | undefined, lang: string) =>
  iso ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }) : '';

export interface ProductSummary {
  id: string;
  orgId: string;
  kind: 'tea' | 'craft';
  name: string;
  variety: string | null;
  grade: string | null;
  season: string | null;
  photoUrl: string | null;
  /** The first uploaded photo, served at /api/v1/market/photos/:id. */
  photoId: string | null;
  minPriceFen: number;
  stock: number;
  producer: string;
  village: string;
  /** False when the producer took it off sale (only the producer's own list shows those). */
  active: boolean;
}
export interface Variant {
  id: string;
  label: string;
  weightG: number | null;
  priceFen: number;
  stock: number;
  batchId: string | null;
  /** The public sees only variants on sale; the producer's view has the others too. */
  active: boolean;
}
export interface ProductPhoto {
  id: string;
  caption: string;
  width: number;
  height: number;
}
export interface Product extends Omit<ProductSummary, 'minPriceFen' | 'stock' | 'photoId'> {
  photos: ProductPhoto[];
  description: string;
  gtin: string;
  variants: Variant[];
  batches: { id: string; lot: string; harvestDate: string | null }[];
}
export type OrderStatus = 'pending' | 'paid' | 'packed' | 'shipped' | 'delivered' | 'completed' | 'cancelled' | 'refunded';
export interface Order {
  id: string;
  orgId: string;
  producer: string;
  status: OrderStatus;
  subtotalFen: number;
  shippingFen: number;
  totalFen: number;
  address: { name: string; phone: string; province: string; city: string; detail: string };
  reservedUntil: string;
  trackingNo: string | null;
  createdAt: string;
  viewerRole?: 'buyer' | 'seller';
  items: { variantId: string; batchId: string | null; productName: string; variantLabel: string; qty: number; unitPriceFen: number; lineFen: number }[];
}

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

