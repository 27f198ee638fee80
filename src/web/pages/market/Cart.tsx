import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type Reply, type RequestBody } from '../../api.ts';
import { SignInPrompt, useMe } from '../../auth.tsx';
import { cart, useCart, yuan, type CartLine, type Order } from './lib.tsx';
import { goToPayment } from '../payments/start.ts';

type Quote = Reply<'quote'>;
type Address = RequestBody<'checkout'>['address'];
const ADDRESS_KEY = 'terrace.market.address';

function ShopCheckout({ lines, address, valid, signedIn }: { lines: CartLine[]; address: Address; valid: boolean; signedIn: boolean }) {
  const { t } = useTranslation('market');
  const navigate = useNavigate();
  const items = lines.map((l) => ({ variantId: l.variantId, qty: l.qty }));
  // One key per checkout attempt: a double click or a retry after a lost answer makes one order.
  const key = useRef(crypto.randomUUID());
  const quote = useQuery({
    queryKey: ['market', 'quote', JSON.stringify(items), address.province],
    queryFn: () => api<Quote>('/market/quote', { method: 'POST', body: { items, province: address.province } }),
  });
  const checkout = useMutation({
    mutationFn: async () => {
      const order = await api<Reply<'checkout'>>('/market/orders', { method: 'POST', body: { items, address, idempotencyKey: key.current } });
      return api<Reply<'payOrder'>>(`/market/orders/${order.id}/pay`, { method: 'POST' });
    },
    onSuccess: (payment) => {
      key.current = crypto.randomUUID();
      cart.remove(lines.map((l) => l.variantId));
      goToPayment(navigate, payment);
    },
  });
  const priceOf = (variantId: string) => quote.data?.lines.find((l) => l.variantId === variantId);
  return (
    <section className="card cart-shop" data-shop={lines[0].producer}>
      <h2>{lines[0].producer}</h2>
      <ul className="cart-lines">
        {lines.map((l) => (
          <li key={l.variantId} className="cart-line">
            <span>
              <strong>{l.name}</strong> <span className="muted">{l.label}</span>
            </span>
            <span className="row">
              <input
                type="number"
                min={1}
                max={99}
                aria-label={`${l.name} ${l.label} ${t('product.qty')}`}
                value={l.qty}
                onChange={(e) => cart.setQty(l.variantId, Number(e.target.value) || 1)}
                className="qty"
              />
              <span className="price">{yuan(priceOf(l.variantId)?.lineFen ?? l.priceFen * l.qty)}</span>
              <button type="button" className="link-button" onClick={() => cart.remove([l.variantId])}>
                {t('cart.remove')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {quote.data && (
        <dl className="totals">
          <dt>{t('cart.subtotal')}</dt>
          <dd>{yuan(quote.data.subtotalFen)}</dd>
          <dt>{t('cart.shipping')}</dt>
          <dd>{yuan(quote.data.shippingFen)}</dd>
          <dt>{t('cart.total')}</dt>
          <dd className="total" data-testid="cart-total">{yuan(quote.data.totalFen)}</dd>
        </dl>
      )}
      <ErrorText ns="market" error={quote.error ?? checkout.error} />
      {signedIn ? (
        <button type="button" className="primary" disabled={!valid || checkout.isPending || !quote.data} onClick={() => checkout.mutate()}>
          {t('cart.checkout')}
        </button>
      ) : (
        <SignInPrompt reason="checkout" />
      )}
    </section>
  );
}

export function CartPage() {
  const { t } = useTranslation('market');
  const { data: me, isPending } = useMe();
  const lines = useCart();
  const [address, setAddress] = useState<Address>(() => {
    try {
      return { name: '', phone: '', province: '', city: '', detail: '', ...JSON.parse(localStorage.getItem(ADDRESS_KEY) ?? '{}') };
    } catch {
      return { name: '', phone: '', province: '', city: '', detail: '' };
    }
  });
  const update = (field: keyof Address) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const next = { ...address, [field]: e.target.value };
    setAddress(next);
    localStorage.setItem(ADDRESS_KEY, JSON.stringify(next));
  };
  const valid = Object.values(address).every((v) => v.trim().length > 0) && /^[0-9+\- ]{5,20}$/.test(address.phone.trim());
  const shops = [...new Set(lines.map((l) => l.orgId))];
  if (lines.length === 0) {
    return (
      <section className="card">
        <h1>{t('cart.title')}</h1>
        <p className="hint">{t('cart.empty')}</p>
        <Link to="/market">{t('nav.catalogue')} →</Link>
      </section>
    );
  }
  return (
    <section className="stack">
      <h1>{t('cart.title')}</h1>
      {shops.length > 1 && <p className="hint">{t('cart.oneShop')}</p>}
      {me && (
        <form className="card form address" onSubmit={(e) => e.preventDefault()}>
          <h2>{t('cart.address')}</h2>
          <label>
            {t('cart.name')}
            <input value={address.name} onChange={update('name')} autoComplete="name" required />
          </label>
          <label>
            {t('cart.phone')}
            <input value={address.phone} onChange={update('phone')} autoComplete="tel" inputMode="tel" required />
          </label>
          <div className="row two">
            <label>
              {t('cart.province')}
              <input value={address.province} onChange={update('province')} autoComplete="address-level1" required />
            </label>
            <label>
              {t('cart.city')}
              <input value={address.city} onChange={update('city')} autoComplete="address-level2" required />
            </label>
          </div>
          <label>
            {t('cart.detail')}
            <input value={address.detail} onChange={update('detail')} autoComplete="street-address" required />
          </label>
        </form>
      )}
      {shops.map((orgId) => (
        <ShopCheckout key={orgId} lines={lines.filter((l) => l.orgId === orgId)} address={address} valid={valid} signedIn={!isPending && !!me} />
      ))}
      <p className="hint">{t('cart.pricesFromServer')}</p>
    </section>
  );
}
