import { FileField } from '../../components/FileField.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, upload, type Reply } from '../../api.ts';
import { useMe, SignInRedirect } from '../../auth.tsx';
import { Chart } from './Chart.tsx';
import { formatTime, yuan, type Order, type OrderStatus } from './lib.tsx';
import { OrderItems, OrderRefunds, StatusTag } from './Orders.tsx';
import { GardensSection, NewBatch, ProductsSection } from './SellerCatalogue.tsx';
import { PlaceSelect } from './PlaceSelect.tsx';
import { useName } from '../../names.ts';

type Dashboard = Reply<'shopDashboard'>;
type Batch = Reply<'listBatches'>[number];
const STATUSES: OrderStatus[] = ['pending', 'paid', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded'];

function DashboardSection({ orgId }: { orgId: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const d = useQuery({ queryKey: ['market', 'dashboard', orgId], queryFn: () => api<Dashboard>(`/market/shops/${orgId}/dashboard`) });
  const restock = useMutation({
    mutationFn: ({ variantId, stockDelta }: { variantId: string; stockDelta: number }) => api(`/market/variants/${variantId}`, { method: 'PATCH', body: { stockDelta } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['market'] }),
  });
  const byDay = useMemo<Record<string, unknown> | null>(
    () =>
      d.data ? {
        grid: { left: 48, right: 12, top: 24, bottom: 28 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: d.data.salesByDay.map((x) => x.day.slice(5)) },
        yAxis: { type: 'value', name: t('dashboard.revenue') },
        series: [{ type: 'bar', data: d.data.salesByDay.map((x) => x.revenueFen / 100), itemStyle: { color: '#2f6b3a' } }],
      } : null,
    [d.data, t],
  );
  const byProduct = useMemo<Record<string, unknown> | null>(
    () =>
      d.data ? {
        grid: { left: 110, right: 16, top: 8, bottom: 24 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: d.data.salesByProduct.map((x) => x.product), axisLabel: { width: 100, overflow: 'truncate' } },
        series: [{ type: 'bar', data: d.data.salesByProduct.map((x) => x.revenueFen / 100), itemStyle: { color: '#8a6d2f' } }],
      } : null,
    [d.data],
  );
  if (d.error) return <ErrorText ns="market" error={d.error} />;
  if (!d.data || !byDay || !byProduct) return null;
  const low = d.data.stock.filter((s) => s.low);
  return (
    <section className="card">
      <h2>{t('dashboard.title')}</h2>
      {low.length > 0 && (
        <p className="alert" role="alert" data-testid="low-stock">
          {t('dashboard.lowStockAlert', { count: low.length, threshold: d.data.lowStockThreshold })}
        </p>
      )}
      <h3>{t('dashboard.salesByDay')}</h3>
      {d.data.salesByDay.length ? <Chart option={byDay} label={t('dashboard.salesByDay')} testId="chart-by-day" /> : <p className="hint">{t('dashboard.noSales')}</p>}
      {d.data.salesByProduct.length > 0 && (
        <>
          <h3>{t('dashboard.salesByProduct')}</h3>
          <Chart option={byProduct} label={t('dashboard.salesByProduct')} testId="chart-by-product" />
        </>
      )}
      <h3>{t('dashboard.stock')}</h3>
      <table className="stock-table">
        <thead>
          <tr>
            <th />
            <th>{t('dashboard.available')}</th>
            <th>{t('dashboard.held')}</th>
            <th>{t('dashboard.sold')}</th>
          </tr>
        </thead>
        <tbody>
          {d.data.stock.map((s) => (
            <tr key={s.variantId} className={s.low ? 'low' : ''}>
              <td>
                {s.product} <span className="muted">{s.label}</span> {s.low && <span className="tag warn">{t('dashboard.lowStock')}</span>}{' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    const n = Number(window.prompt(t('seller.restockPrompt')));
                    if (Number.isInteger(n) && n > 0) restock.mutate({ variantId: s.variantId, stockDelta: n });
                  }}
                >
                  {t('seller.restock')}
                </button>
              </td>
              <td>{s.stock}</td>
              <td>{s.held}</td>
              <td>{s.sold}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorText ns="market" error={restock.error} />
    </section>
  );
}

const TRACE_KINDS = ['planting', 'picking', 'withering', 'fixing', 'rolling', 'drying', 'crafting', 'inspection', 'certificate', 'packing', 'note'] as const;

/** Appends one record to a batch's trace (the server chains it). */
function AddTraceEvent({ batchId }: { batchId: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const [kind, setKind] = useState<(typeof TRACE_KINDS)[number]>('note');
  const [when, setWhen] = useState('');
  const [operator, setOperator] = useState('');
  const [notes, setNotes] = useState('');
  const [place, setPlace] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [fileKey, setFileKey] = useState(0);
  const save = useMutation({
    mutationFn: async () => {
      // A certificate or test report is uploaded first; the record then cites it and the chain covers its sha256.
      const document = file ? await upload<Reply<'addTraceDocument'>>(`/market/batches/${batchId}/documents`, file, { title: title.trim() || file.name }) : null;
      return api<Reply<'appendTraceEvent'>>(`/market/batches/${batchId}/events`, {
        method: 'POST',
        body: { kind, occurredAt: new Date(when || Date.now()).toISOString(), operator: operator.trim(), notes: notes.trim(), documentId: document?.id ?? null, placeUnitId: place || null },
      });
    },
    onSuccess: () => {
      setNotes('');
      setFile(null);
      setTitle('');
      setFileKey((k) => k + 1);
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  return (
    <details className="add-event">
      <summary>{t('seller.addEvent')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label>
          {t('seller.eventKind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof TRACE_KINDS)[number])}>
            {TRACE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`trace.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('seller.eventWhen')}
          <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
        </label>
        <PlaceSelect value={place} onChange={setPlace} />
        <label>
          {t('seller.eventOperator')}
          <input value={operator} onChange={(e) => setOperator(e.target.value)} maxLength={60} />
        </label>
        <label>
          {t('seller.eventNotes')}
          <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={2} maxLength={2000} />
        </label>
        <label>
          {t('seller.eventDocument')}
          <FileField resetKey={fileKey} kind="document" onFile={setFile} />
        </label>
        {file && (
          <label>
            {t('seller.eventDocumentTitle')}
            <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} placeholder={file.name} />
          </label>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('seller.save')}
        </button>
        {save.data && (
          <p className="notice" role="status">
            {t('seller.eventSaved', { seq: save.data.seq })}
          </p>
        )}
        <ErrorText ns="market" error={save.error} />
      </form>
    </details>
  );
}

/** The people of the producer's organization and their roles (granted by the county on the users page). */
function ShopMembers({ orgId }: { orgId: string }) {
  const { t } = useTranslation('market');
  const { t: tc } = useTranslation();
  const members = useQuery({
    queryKey: ['organizations', orgId, 'members'],
    queryFn: () => api<Reply<'organizationMembers'>>(`/organizations/${orgId}/members`),
  });
  return (
    <section className="card stack" aria-labelledby="shop-members">
      <h2 id="shop-members">{t('seller.members')}</h2>
      <ErrorText ns="market" error={members.error} />
      <ul className="org-members">
        {members.data?.map((m) => (
          <li key={`${m.id}-${m.role}`}>
            {m.displayName} <span className="tag">{tc(`roles.${m.role}`)}</span>
          </li>
        ))}
      </ul>
      <p className="hint">{t('seller.membersHint')}</p>
    </section>
  );
}

function SellerOrder({ order }: { order: Order }) {
  const { t, i18n } = useTranslation('market');
  const client = useQueryClient();
  const [tracking, setTracking] = useState('');
  const act = useMutation({
    mutationFn: ({ action, body }: { action: string; body: Record<string, string> }) => api<Reply<'actOnOrder'>>(`/market/orders/${order.id}/${action}`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['market'] }),
  });
  const a = order.address;
  return (
    <li className="card seller-order" data-order={order.id}>
      <p className="row spread">
        <strong>{yuan(order.totalFen)}</strong>
        <StatusTag status={order.status} />
      </p>
      <p className="muted">{formatTime(order.createdAt, i18n.language)}</p>
      <OrderItems order={order} />
      <p className="muted">{t('seller.buyerAddress', a)}</p>
      {order.trackingNo && <p>{t('order.tracking')}：{order.trackingNo}</p>}
      <div className="row wrap">
        {order.status === 'paid' && (
          <button type="button" className="primary" onClick={() => act.mutate({ action: 'pack', body: {} })} disabled={act.isPending}>
            {t('seller.pack')}
          </button>
        )}
        {order.status === 'packed' && (
          <form
            className="row wrap"
            onSubmit={(e) => {
              e.preventDefault();
              act.mutate({ action: 'ship', body: { trackingNo: tracking.trim() } });
            }}
          >
            <label>
              {t('seller.trackingNo')}
              <input value={tracking} onChange={(e) => setTracking(e.target.value)} required maxLength={40} />
            </label>
            <button type="submit" className="primary" disabled={act.isPending}>
              {t('seller.ship')}
            </button>
          </form>
        )}
        {order.status === 'shipped' && (
          <button type="button" onClick={() => act.mutate({ action: 'deliver', body: {} })} disabled={act.isPending}>
            {t('seller.deliver')}
          </button>
        )}
        {(order.status === 'paid' || order.status === 'packed') && (
          <button
            type="button"
            onClick={() => {
              const reason = window.prompt(t('seller.refundReason'));
              if (reason?.trim()) act.mutate({ action: 'refund', body: { reason: reason.trim() } });
            }}
            disabled={act.isPending}
          >
            {t('seller.refund')}
          </button>
        )}
      </div>
      {['paid', 'packed', 'shipped', 'delivered', 'completed'].includes(order.status) && <ReturnLines order={order} />}
      <OrderRefunds order={order} />
      <ErrorText ns="market" error={act.error} />
    </li>
  );
}

/** The producer takes lines back by quantity, with the reason: the units' price is refunded (and the shipping with the last unit). */
function ReturnLines({ order }: { order: Order }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('');
  const give = useMutation({
    mutationFn: () =>
      api<Reply<'returnLines'>>(`/market/orders/${order.id}/returns`, {
        method: 'POST',
        body: { lines: Object.entries(qty).filter(([, n]) => n > 0).map(([variantId, n]) => ({ variantId, qty: n })), reason: reason.trim() },
      }),
    onSuccess: () => {
      setOpen(false);
      setQty({});
      setReason('');
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  const left = order.items.filter((i) => i.qty > (i.returnedQty ?? 0));
  if (!left.length) return null;
  if (!open)
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        {t('seller.returnLines')}
      </button>
    );
  return (
    <form
      className="stack seller-return"
      onSubmit={(e) => {
        e.preventDefault();
        give.mutate();
      }}
    >
      <h3>{t('seller.returnLines')}</h3>
      {left.map((i) => (
        <label key={i.variantId}>
          {t('seller.returnQty', { name: `${i.productName} ${i.variantLabel}` })}
          <input type="number" min={0} max={i.qty - (i.returnedQty ?? 0)} value={qty[i.variantId] ?? 0} onChange={(e) => setQty({ ...qty, [i.variantId]: Number(e.target.value) })} />
        </label>
      ))}
      <label>
        {t('seller.returnReason')}
        <input value={reason} required maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={give.isPending || !Object.values(qty).some((n) => n > 0)}>
        {t('seller.returnSubmit')}
      </button>
      <ErrorText ns="market" error={give.error} />
    </form>
  );
}

export function SellerPage() {
  const { t } = useTranslation('market');
  const name = useName();
  const { data: me, isPending } = useMe();
  const shops = useQuery({ queryKey: ['market', 'my-shops'], queryFn: () => api<Reply<'myShops'>>('/market/my-shops'), enabled: !!me });
  const [chosen, setChosen] = useState('');
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const orgId = chosen || shops.data?.[0]?.id || '';
  const orders = useQuery({
    queryKey: ['market', 'shop-orders', orgId, status],
    queryFn: () => api<Order[]>(`/market/shops/${orgId}/orders`, { query: { status } }),
    enabled: !!orgId,
  });
  const batches = useQuery({ queryKey: ['market', 'batches', orgId], queryFn: () => api<Batch[]>(`/market/shops/${orgId}/batches`), enabled: !!orgId });
  if (!isPending && !me) return <SignInRedirect />;
  if (shops.data && shops.data.length === 0) return <p className="card">{t('seller.noShop')}</p>;
  if (!orgId) return <ErrorText ns="market" error={shops.error} />;
  const shop = shops.data!.find((s) => s.id === orgId)!;
  return (
    <section className="stack">
      <h1>{t('seller.title')}</h1>
      {shops.data!.length > 1 ? (
        <select aria-label={t('seller.title')} value={orgId} onChange={(e) => setChosen(e.target.value)}>
          {shops.data!.map((s) => (
            <option key={s.id} value={s.id}>
              {name(s)}
            </option>
          ))}
        </select>
      ) : (
        <p className="muted">{name(shop)}</p>
      )}
      <DashboardSection orgId={orgId} />
      <ProductsSection orgId={orgId} />
      <section className="stack">
        <h2 className="row spread">
          <span>{t('seller.orders')}</span>
          <select aria-label={t('seller.filter')} value={status} onChange={(e) => setStatus(e.target.value as OrderStatus | '')}>
            <option value="">{t('all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`order.status.${s}`)}
              </option>
            ))}
          </select>
        </h2>
        <ErrorText ns="market" error={orders.error} />
        {orders.data?.length === 0 && <p className="hint">{t('seller.noOrders')}</p>}
        <ul className="order-list">
          {orders.data?.map((o) => (
            <SellerOrder key={o.id} order={o} />
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t('seller.batches')}</h2>
        <NewBatch orgId={orgId} />
        <ul className="batch-list">
          {batches.data?.map((b) => (
            <li key={b.id}>
              <Link to={`/market/trace/${b.id}`}>
                {name({ name: b.productName, nameEn: b.productNameEn, namePinyin: b.productNamePinyin })} · {b.lot}
              </Link>{' '}
              <span className="muted">{t('seller.events', { count: b.eventCount })}</span>{' '}
              <Link to={`/market/trace/${b.id}/label`}>{t('seller.label')}</Link>
              <AddTraceEvent batchId={b.id} />
            </li>
          ))}
        </ul>
      </section>
      <GardensSection orgId={orgId} villageId={shop.unitId} />
      <ShopMembers orgId={orgId} />
    </section>
  );
}
