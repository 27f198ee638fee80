import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { useMe, SignInRedirect } from '../../auth.tsx';
import { formatTime, yuan, type Order } from './lib.tsx';
import { OrderDelivery } from '../logistics/OrderDelivery.tsx';
import { goToPayment } from '../payments/start.ts';

export function StatusTag({ status }: { status: Order['status'] }) {
  const { t } = useTranslation('market');
  const warn = status === 'cancelled' || status === 'refunded' || status === 'pending';
  return (
    <span className={`tag status ${warn ? 'warn' : ''}`} data-status={status}>
      {t(`order.status.${status}`)}
    </span>
  );
}

export function OrderItems({ order }: { order: Order }) {
  const { t } = useTranslation('market');
  return (
    <ul className="order-items">
      {order.items.map((i) => (
        <li key={i.variantId}>
          <span>
            {i.productName} <span className="muted">{i.variantLabel} × {i.qty}</span>
            {!!i.returnedQty && (
              <span className="tag warn" data-testid="returned">
                {t('order.returned', { count: i.returnedQty })}
              </span>
            )}
          </span>
          <span className="row">
            {i.batchId && <Link to={`/market/trace/${i.batchId}`}>{t('order.trace')}</Link>}
            <span className="price">{yuan(i.lineFen)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The order's refunds as they go through: asked, refunded, or failed (then the county administrator acts). */
export function OrderRefunds({ order }: { order: Order }) {
  const { t, i18n } = useTranslation('market');
  if (!order.refunds.length) return null;
  return (
    <>
      <h2>{t('order.refunds')}</h2>
      <ul className="order-items">
        {order.refunds.map((r) => (
          <li key={r.id} data-refund={r.id}>
            <span>
              {r.reason} <span className="muted">{formatTime(r.settledAt ?? r.createdAt, i18n.language)}</span>
            </span>
            <span className="row">
              <span className={`tag ${r.status === 'succeeded' ? '' : 'warn'}`} data-refund-status={r.status}>
                {t(`order.refundStatus.${r.status}`)}
              </span>
              <span className="price">−{yuan(r.amountFen)}</span>
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function OrdersPage() {
  const { t, i18n } = useTranslation('market');
  const { data: me, isPending } = useMe();
  const orders = useQuery({ queryKey: ['market', 'orders'], queryFn: () => api<Order[]>('/market/orders'), enabled: !!me });
  if (!isPending && !me) return <SignInRedirect />;
  return (
    <section className="stack">
      <h1>{t('order.mine')}</h1>
      <ErrorText ns="market" error={orders.error} />
      {orders.data?.length === 0 && <p className="hint">{t('order.none')}</p>}
      <ul className="order-list">
        {orders.data?.map((o) => (
          <li key={o.id} className="card order-row" data-order={o.id}>
            <Link to={`/market/orders/${o.id}`} className="order-link">
              <span className="row spread">
                <strong>{o.producer}</strong>
                <StatusTag status={o.status} />
              </span>
              <span className="muted">{o.items.map((i) => `${i.productName} × ${i.qty}`).join('，')}</span>
              <span className="row spread">
                <span className="muted">{formatTime(o.createdAt, i18n.language)}</span>
                <strong>{yuan(o.totalFen)}</strong>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OrderPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation('market');
  const navigate = useNavigate();
  const client = useQueryClient();
  const order = useQuery({ queryKey: ['market', 'order', id], queryFn: () => api<Reply<'getOrder'>>(`/market/orders/${id}`) });
  const refresh = () => client.invalidateQueries({ queryKey: ['market'] });
  const pay = useMutation({
    mutationFn: () => api<Reply<'payOrder'>>(`/market/orders/${id}/pay`, { method: 'POST' }),
    onSuccess: (p) => goToPayment(navigate, p),
  });
  const act = useMutation({
    mutationFn: (action: 'cancel' | 'complete') => api<Reply<'actOnOrder'>>(`/market/orders/${id}/${action}`, { method: 'POST', body: {} }),
    onSuccess: (o) => {
      client.setQueryData(['market', 'order', id], o);
      void refresh();
    },
  });
  if (order.error) return <ErrorText ns="market" error={order.error} />;
  if (!order.data) return null;
  const o = order.data;
  return (
    <section className="card order-page">
      <h1 className="row spread">
        <span>{t('order.title')}</span>
        <StatusTag status={o.status} />
      </h1>
      <p className="muted">
        {o.producer} · {t('order.placedAt', { at: formatTime(o.createdAt, i18n.language) })}
      </p>
      <h2>{t('order.items')}</h2>
      <OrderItems order={o} />
      <dl className="totals">
        <dt>{t('cart.subtotal')}</dt>
        <dd>{yuan(o.subtotalFen)}</dd>
        <dt>{t('cart.shipping')}</dt>
        <dd>{yuan(o.shippingFen)}</dd>
        <dt>{t('cart.total')}</dt>
        <dd className="total">{yuan(o.totalFen)}</dd>
      </dl>
      <OrderRefunds order={o} />
      {o.viewerRole === 'buyer' && o.status !== 'pending' && o.status !== 'cancelled' && <OrderDelivery orderId={o.id} />}
      {o.trackingNo && (
        <p>
          {t('order.tracking')}：<strong data-testid="tracking-no">{o.trackingNo}</strong>
        </p>
      )}
      <p className="muted">
        {t('order.shipTo')}：{o.address.name} {o.address.phone} · {o.address.province}
        {o.address.city}
        {o.address.detail}
      </p>
      {o.viewerRole === 'buyer' && o.status === 'pending' && (
        <div className="stack">
          <p className="hint">{t('order.payBefore', { at: formatTime(o.reservedUntil, i18n.language) })}</p>
          <button type="button" className="primary" disabled={pay.isPending} onClick={() => pay.mutate()}>
            {t('order.pay')} {yuan(o.totalFen)}
          </button>
          <button type="button" disabled={act.isPending} onClick={() => act.mutate('cancel')}>
            {t('order.cancel')}
          </button>
        </div>
      )}
      {o.viewerRole === 'buyer' && o.status === 'delivered' && (
        <button type="button" className="primary" disabled={act.isPending} onClick={() => act.mutate('complete')}>
          {t('order.complete')}
        </button>
      )}
      <ErrorText ns="market" error={pay.error ?? act.error} />
    </section>
  );
}
