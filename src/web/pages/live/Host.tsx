import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, upload, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { NameEnField } from '../../components/NameEnField.tsx';
import { useName } from '../../names.ts';
import { Chat } from './Chat.tsx';
import { Offers } from './Offers.tsx';
import { SessionList } from './Sessions.tsx';
import { SessionStage } from './Video.tsx';
import { useSessionEvents, yuan, type HostPage } from './lib.ts';


function ScheduleForm() {
  const { t } = useTranslation('live');
  const name = useName();
  const navigate = useNavigate();
  const shops = useQuery({ queryKey: ['market', 'my-shops'], queryFn: () => api<Reply<'myShops'>>('/market/my-shops') });
  const [orgId, setOrgId] = useState('');
  const shop = orgId || shops.data?.[0]?.id || '';
  const products = useQuery({
    queryKey: ['live', 'shop-products', shop],
    queryFn: () => api<Reply<'listShopProducts'>>(`/market/shops/${shop}/products`),
    enabled: !!shop,
  });
  const schedule = useMutation({
    mutationFn: (body: object) => api<Reply<'scheduleLiveSession'>>('/live/sessions', { method: 'POST', body }),
    onSuccess: ({ id }) => navigate(`/live/host/${id}`),
  });
  return (
    <form
      className="form card"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const when = String(f.get('scheduledAt'));
        schedule.mutate({
          orgId: shop,
          title: String(f.get('title')),
          titleEn: String(f.get('titleEn') ?? '').trim() || null,
          coverUrl: String(f.get('coverUrl') ?? '') || null,
          // The time is entered in Beijing time, whatever the device's zone.
          scheduledAt: when ? new Date(`${when}:00+08:00`).toISOString() : '',
          productIds: f.getAll('productIds').map(String),
        });
      }}
    >
      <h2>{t('host.schedule')}</h2>
      {(shops.data?.length ?? 0) > 1 && (
        <label>
          {t('host.shop')}
          <select value={shop} onChange={(e) => setOrgId(e.target.value)}>
            {shops.data!.map((s) => (
              <option key={s.id} value={s.id}>
                {name(s)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('host.titleField')}
        <input name="title" required maxLength={80} />
      </label>
      <NameEnField name="titleEn" maxLength={120} />
      <label>
        {t('host.time')}
        <input name="scheduledAt" type="datetime-local" required />
      </label>
      <label>
        {t('host.cover')}
        <input name="coverUrl" maxLength={500} placeholder="https://…" />
      </label>
      <fieldset>
        <legend>{t('host.products')}</legend>
        {products.data?.items.map((p) => (
          <label key={p.id} className="live-check">
            <input type="checkbox" name="productIds" value={p.id} /> {name(p)}
          </label>
        ))}
      </fieldset>
      <ErrorText ns="live" error={schedule.error ?? shops.error} />
      <button type="submit" className="primary" disabled={schedule.isPending || !shop}>
        {t('host.scheduleButton')}
      </button>
    </form>
  );
}

export function HostConsole() {
  const { t } = useTranslation('live');
  const mine = useQuery({ queryKey: ['live', 'mine'], queryFn: () => api<Reply<'myLiveSessions'>>('/live/mine') });
  return (
    <section className="live">
      <p>
        <Link to="/live">← {t('list.back')}</Link>
      </p>
      <h1>{t('host.console')}</h1>
      <ErrorText ns="live" error={mine.error} />
      {mine.data && <SessionList sessions={mine.data.items} linkTo={(id) => `/live/host/${id}`} />}
      <ScheduleForm />
    </section>
  );
}

function OfferForm({ session }: { session: HostPage }) {
  const { t } = useTranslation('live');
  const name = useName();
  const variants = session.products.flatMap((p) => p.variants.map((v) => ({ ...v, productId: p.id, name: `${name(p)} · ${v.label} (${yuan(v.priceFen)})` })));
  const create = useMutation({ mutationFn: (body: object) => api(`/live/sessions/${session.id}/offers`, { method: 'POST', body }) });
  if (!variants.length) return <p className="hint">{t('host.noProducts')}</p>;
  return (
    <form
      className="form card"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const v = variants.find((x) => x.id === f.get('variantId'))!;
        create.mutate({ productId: v.productId, variantId: v.id, priceFen: Math.round(Number(f.get('price')) * 100), quota: Number(f.get('quota')) });
      }}
    >
      <h2>{t('host.pin')}</h2>
      <label>
        {t('host.variant')}
        <select name="variantId">
          {variants.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('host.price')}
        <input name="price" type="number" min="0.01" step="0.01" required />
      </label>
      <label>
        {t('host.quota')}
        <input name="quota" type="number" min={1} max={1000} defaultValue={5} required />
      </label>
      <ErrorText ns="live" error={create.error} />
      <button type="submit" className="primary" disabled={create.isPending}>
        {t('host.pinButton')}
      </button>
    </form>
  );
}

type Figures = Reply<'getLiveFigures'>;

/** Viewers (from the socket, at once), orders and revenue (read every few seconds) while the session runs. */
function LiveFigures({ session }: { session: HostPage }) {
  const { t } = useTranslation('live');
  const figures = useQuery({
    queryKey: ['live', 'figures', session.id],
    queryFn: () => api<Figures>(`/live/sessions/${session.id}/figures`),
    refetchInterval: session.status === 'live' ? 5000 : false,
  });
  const f = figures.data;
  const cells: [string, string, string][] = [
    ['viewers', t('figures.viewers'), String(session.viewers)],
    ['peak', t('figures.peak'), String(Math.max(f?.peakViewers ?? 0, session.viewers))],
    ['held', t('figures.held'), String(f?.heldOrders ?? 0)],
    ['paid', t('figures.paid'), String(f?.paidOrders ?? 0)],
    ['revenue', t('figures.revenue'), yuan(f?.revenueFen ?? 0)],
    ['likes', t('figures.likes'), String(session.likes)],
  ];
  return (
    <section className="card" aria-label={t('figures.title')}>
      <h2>{t('figures.title')}</h2>
      <dl className="live-figures">
        {cells.map(([id, label, value]) => (
          <div key={id} data-testid={`figure-${id}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <ErrorText ns="live" error={figures.error} />
      <Link to={`/live/host/${session.id}/report`}>{t('report.link')} →</Link>
    </section>
  );
}

/** The session's products, each with a button to present it to the viewers now (a chapter of the replay). */
function PinProducts({ session }: { session: HostPage }) {
  const { t } = useTranslation('live');
  const name = useName();
  const pin = useMutation({ mutationFn: (productId: string | null) => api(`/live/sessions/${session.id}/pin`, { method: 'PUT', body: { productId } }) });
  if (!session.products.length || session.status === 'ended') return null;
  return (
    <section>
      <h2>{t('products')}</h2>
      <ul className="live-pin-list">
        {session.products.map((p) => {
          const on = session.pinnedProductId === p.id;
          return (
            <li key={p.id} data-testid="host-product">
              <span>{name(p)}</span>
              {on && <span className="tag warn">{t('host.presenting')}</span>}
              <button type="button" onClick={() => pin.mutate(on ? null : p.id)} disabled={pin.isPending}>
                {on ? t('host.unpin') : t('host.present')}
              </button>
            </li>
          );
        })}
      </ul>
      <ErrorText ns="live" error={pin.error} />
    </section>
  );
}

/** Uploads a cover image for the session (JPEG, PNG or WebP). */
function CoverUpload({ session }: { session: HostPage }) {
  const { t } = useTranslation('live');
  const client = useQueryClient();
  const send = useMutation({
    mutationFn: (file: File) => upload(`/live/sessions/${session.id}/cover`, file),
    onSuccess: () => client.invalidateQueries({ queryKey: ['live'] }),
  });
  if (session.status === 'ended') return null;
  return (
    <label className="live-cover-upload">
      {t('host.coverUpload')}
      <input type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => e.target.files?.[0] && send.mutate(e.target.files[0])} />
      <ErrorText ns="live" error={send.error} />
    </label>
  );
}

export function HostSession() {
  const { id = '' } = useParams();
  const { t } = useTranslation('live');
  const client = useQueryClient();
  const key = ['live', 'host', id];
  const page = useQuery({ queryKey: key, queryFn: () => api<HostPage>(`/live/sessions/${id}/host`) });
  useSessionEvents(id, key);
  const move = useMutation({
    mutationFn: (to: 'start' | 'end') => api(`/live/sessions/${id}/${to}`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  const close = useMutation({ mutationFn: (offerId: string) => api(`/live/offers/${offerId}/close`, { method: 'POST' }) });
  const demo = useMutation({ mutationFn: () => api(`/live/sessions/${id}/demo-stream`, { method: 'POST' }) });
  if (page.error) return <ErrorText ns="live" error={page.error} />;
  const s = page.data;
  if (!s) return null;
  return (
    <article className="live-session">
      <SessionStage
        session={s}
        back={
          <>
            <Link to="/live/host">← {t('host.console')}</Link> · <Link to={`/live/${s.id}`}>{t('host.viewerPage')}</Link>
          </>
        }
      />
      <div className="live-bar">
        {s.status === 'scheduled' && (
          <button type="button" className="primary" onClick={() => move.mutate('start')} disabled={move.isPending}>
            {t('host.goLive')}
          </button>
        )}
        {s.status !== 'ended' && (
          <button type="button" onClick={() => move.mutate('end')} disabled={move.isPending}>
            {t('host.end')}
          </button>
        )}
        {s.status === 'live' && s.demoStream && !s.hlsUrl && (
          <button type="button" onClick={() => demo.mutate()} disabled={demo.isPending || demo.isSuccess}>
            {demo.isSuccess ? t('host.demoStarting') : t('host.demoStream')}
          </button>
        )}
        <span className="muted">♥ {s.likes}</span>
      </div>
      <ErrorText ns="live" error={move.error ?? close.error ?? demo.error} />
      <details className="card">
        <summary>{t('host.streamSettings')}</summary>
        <p>
          {t('host.rtmp')}: <code>{s.rtmpUrl ?? t('host.noIngest')}</code>
        </p>
        <p>
          {t('host.key')}: <code>
            {s.id}?key=<span data-testid="stream-key">{s.streamKey}</span>
          </code>
        </p>
      </details>
      <LiveFigures session={s} />
      <PinProducts session={s} />
      <Offers offers={s.offers} onClose={(offerId) => close.mutate(offerId)} />
      {s.status !== 'ended' && <OfferForm session={s} />}
      <CoverUpload session={s} />
      <Chat sessionId={s.id} messages={s.messages} status={s.status} moderate />
    </article>
  );
}
