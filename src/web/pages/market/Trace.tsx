import { ErrorText } from '../../components/ErrorText.tsx';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import type { MapPoint } from '../../components/VillageMap.tsx';
import { formatTime } from './lib.tsx';
import { useName } from '../../names.ts';

// A buyer scanning the QR code reads the trace at once; MapLibre downloads only when they ask to see the journey's map.
const VillageMap = lazy(() => import('../../components/VillageMap.tsx').then((m) => ({ default: m.VillageMap })));

type Trace = Reply<'getTrace'>;

const useTrace = (id: string) => useQuery({ queryKey: ['market', 'trace', id], queryFn: () => api<Trace>(`/market/trace/${id}`) });

/** The public trace page a buyer reaches by scanning the package's QR code. */
export function TracePage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation('market');
  const trace = useTrace(id);
  const name = useName();
  const [showMap, setShowMap] = useState(false);
  if (trace.error) return <ErrorText ns="market" error={trace.error} />;
  if (!trace.data) return null;
  const { batch, product, producer, garden, events, verification, journey } = trace.data;
  // A village's name in the reader's language; a bare position says what happened there.
  const placeName = (p: { id?: string; name: string | null; namePinyin: string | null }) =>
    p.name ? name({ name: p.name, namePinyin: p.namePinyin }, !p.namePinyin ? undefined : p.id === 'county' ? 'county' : 'village') : '';
  const points = journey.map((p) => ({ ...p, name: placeName(p) || (p.kind ? t(`trace.kinds.${p.kind as 'picking'}`) : '') }));
  return (
    <section className="stack trace">
      <div className="card">
        <p className="muted">{t('trace.title')}</p>
        <h1>{name(product)}</h1>
        <p className={verification.valid ? 'verified' : 'broken'} role="status" data-testid="trace-verification">
          {verification.valid ? t('trace.verified', { count: verification.events }) : t('trace.broken', { seq: (verification.brokenAtSeq ?? 1) - 1 })}
        </p>
        <dl className="facts">
          <dt>{t('trace.lot')}</dt>
          <dd>{batch.lot}</dd>
          {batch.harvestDate && (
            <>
              <dt>{t('trace.harvest')}</dt>
              <dd>{batch.harvestDate}</dd>
            </>
          )}
          <dt>{t('trace.producer')}</dt>
          <dd>
            <Link to={`/market/shops/${producer.id}`}>{producer.name}</Link>
          </dd>
          {garden && (
            <>
              <dt>{t('trace.origin')}</dt>
              <dd>
                {placeName({ name: garden.village, namePinyin: garden.villagePinyin })} · {garden.name}
                {garden.altitudeM != null && ` · ${t('trace.altitude', { m: garden.altitudeM })}`}
              </dd>
            </>
          )}
        </dl>
      </div>
      {points.length > 1 && (
        <div className="card">
          <h2>{t('trace.journey')}</h2>
          {showMap ? (
            <Suspense fallback={null}>
              <VillageMap points={points} label={t('trace.journey')} journey />
            </Suspense>
          ) : (
            <button type="button" onClick={() => setShowMap(true)}>
              {t('trace.showMap')}
            </button>
          )}
          <ol className="journey">
            {points.map((p) => (
              <li key={p.id}>
                {p.name}
                {p.kind && placeName(p) && <span className="tag">{t(`trace.kinds.${p.kind as 'picking'}`)}</span>}
              </li>
            ))}
          </ol>
        </div>
      )}
      <div className="card">
        <h2>{t('trace.timeline')}</h2>
        <ol className="timeline">
          {events.map((e) => (
            <li key={e.seq} data-kind={e.kind}>
              <span className="when">{formatTime(e.occurredAt, i18n.language)}</span>
              <strong>{t(`trace.kinds.${e.kind as 'picking'}`)}</strong>
              {e.place?.name && <span className="tag" data-testid="event-place">{placeName(e.place)}</span>}
              {e.notes && <span>{e.notes}</span>}
              {e.operator && (
                <span className="muted">
                  {t('trace.operator')}：{e.operator}
                </span>
              )}
              {e.documentTitle && (
                <span className="doc">
                  {t('trace.document')}：{e.documentUrl ? <a href={e.documentUrl}>{e.documentTitle}</a> : e.documentTitle}
                  {e.documentVerified !== null && (
                    <span className={e.documentVerified ? 'tag' : 'tag warn'} data-testid="document-check">
                      {e.documentVerified ? t('trace.documentVerified') : t('trace.documentChanged')}
                    </span>
                  )}
                </span>
              )}
              <code className="hash" title={t('trace.hash')}>
                {e.hash.slice(0, 16)}…
              </code>
            </li>
          ))}
        </ol>
      </div>
      <div className="card qr-card">
        <h2>{t('trace.qr')}</h2>
        <img src={`/api/v1/market/batches/${batch.id}/qr.svg`} alt={t('trace.qr')} width={160} height={160} />
        <p className="muted small">
          GTIN {product.gtin} · {t('trace.lot')} {batch.lot}
        </p>
        <Link to={`/market/trace/${batch.id}/label`}>{t('trace.print')}</Link>
      </div>
    </section>
  );
}

/** GS1 Digital Link: /market/01/{gtin}/10/{lot}, the URL in the QR code, resolves to the batch's trace page. */
export function DigitalLinkPage() {
  const { gtin = '', lot = '' } = useParams();
  const { t } = useTranslation('market');
  const found = useQuery({ queryKey: ['market', 'gs1', gtin, lot], queryFn: () => api<Reply<'resolveDigitalLink'>>(`/market/gs1/01/${gtin}/10/${encodeURIComponent(lot)}`) });
  if (found.error) return <ErrorText ns="market" error={found.error} />;
  if (found.data) return <Navigate to={`/market/trace/${found.data.batchId}`} replace />;
  return <p className="hint">{t('trace.resolving')}</p>;
}

/** A printable label: the QR code with the product and lot. */
export function LabelPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('market');
  const trace = useTrace(id);
  if (trace.error) return <ErrorText ns="market" error={trace.error} />;
  if (!trace.data) return null;
  const { batch, product, producer } = trace.data;
  return (
    <section className="label-sheet">
      <div className="label">
        <img src={`/api/v1/market/batches/${batch.id}/qr.svg`} alt={t('trace.qr')} />
        <div>
          <strong>{product.name}</strong>
          <span>{producer.name}</span>
          <span>
            {t('trace.lot')} {batch.lot}
          </span>
          <span className="small">{window.location.origin + trace.data.digitalLink}</span>
        </div>
      </div>
      <button type="button" className="no-print" onClick={() => window.print()}>
        {t('trace.print')}
      </button>
    </section>
  );
}
