import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, upload, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { followJob, ProgressBar } from './DayPage.tsx';
import { BatteryChart } from './BatteryChart.tsx';
import { ElevationProfile } from './ElevationProfile.tsx';
import { RouteMap } from './RouteMap.tsx';
import { Figures, WhatIf } from './WhatIf.tsx';
import { clock, minuteOfDay, ROUTE_COLOURS, type Plan, type PlanRoute, type PlanStop } from './shared.ts';

const DAY_START = 6 * 60;
const DAY_END = 20 * 60;
const HOURS = [6, 8, 10, 12, 14, 16, 18, 20];
const pos = (iso: string) => (100 * (Math.min(DAY_END, Math.max(DAY_START, minuteOfDay(iso))) - DAY_START)) / (DAY_END - DAY_START);

/** Each vehicle's day as a bar per trip between 06:00 and 20:00, with a tick at each stop. */
function Timeline({ routes }: { routes: PlanRoute[] }) {
  const { t } = useTranslation('logistics');
  return (
    <div className="lg-timeline" role="list" aria-label={t('plan.timeline')}>
      <div className="lg-hours" aria-hidden>
        {HOURS.map((h) => (
          <span key={h} style={{ left: `${(100 * (h * 60 - DAY_START)) / (DAY_END - DAY_START)}%` }}>
            {h}
          </span>
        ))}
      </div>
      {routes.map((r, i) => (
        <div key={r.vehicleId} className="lg-lane" role="listitem">
          <span className="lg-lane-name">{r.name}</span>
          <div className="lg-track">
            {r.trips.map((trip, k) => (
              <span
                key={k}
                className="lg-trip"
                title={t('plan.trip', { n: k + 1, from: clock(trip.departAt), to: clock(trip.returnAt) })}
                style={{ left: `${pos(trip.departAt)}%`, width: `${Math.max(0.8, pos(trip.returnAt) - pos(trip.departAt))}%`, background: ROUTE_COLOURS[i % ROUTE_COLOURS.length] }}
              >
                {trip.stops.map((s) => (
                  <i key={s.requestId} style={{ left: `${(100 * (pos(s.arriveAt) - pos(trip.departAt))) / Math.max(0.8, pos(trip.returnAt) - pos(trip.departAt))}%` }} />
                ))}
              </span>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

function StopRow({ stop, plan }: { stop: PlanStop; plan: Plan }) {
  const { t } = useTranslation('logistics');
  const client = useQueryClient();
  const [failing, setFailing] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [reason, setReason] = useState('');
  const [code, setCode] = useState('');
  const done = () => client.invalidateQueries({ queryKey: ['logistics-plan', plan.id] });
  const close = useMutation({
    mutationFn: (body: { status: 'picked_up' } | { status: 'delivered'; qr?: string } | { status: 'failed'; reason: string }) => api(`/logistics/plans/${plan.id}/stops/${stop.id}`, { method: 'POST', body }),
    onSuccess: done,
  });
  const photo = useMutation({ mutationFn: (file: File) => upload(`/logistics/plans/${plan.id}/stops/${stop.id}/photo`, file), onSuccess: done });
  const open = plan.status === 'dispatched' && (stop.status === 'pending' || stop.status === 'picked_up');
  return (
    <li className="lg-stop" data-testid="stop">
      <div className="row wrap">
        <strong>{stop.villageName}</strong>
        <span className="muted">
          {t(`plan.stopKind.${stop.kind}`)} · {t('plan.at', { time: clock(stop.plannedAt) })} · {t('day.weight', { kg: stop.weightKg })}
        </span>
        <span className={`tag lg-stop-${stop.status}`}>{t(`plan.${stop.status}`)}</span>
        {stop.proofKind && <span className="muted">{t(`plan.proof.${stop.proofKind}`)}</span>}
        {stop.proofKind === 'photo' && <img className="lg-proof" src={`/api/v1/logistics/plans/${plan.id}/stops/${stop.id}/photo`} alt={t('plan.proof.photo')} />}
        {stop.reason && <span className="muted">{stop.reason}</span>}
      </div>
      {open && (
        <div className="row wrap">
          {stop.kind === 'pickup' && stop.status === 'pending' && (
            <button type="button" disabled={close.isPending} onClick={() => close.mutate({ status: 'picked_up' })}>
              {t('plan.markPickedUp')}
            </button>
          )}
          <button type="button" disabled={close.isPending} onClick={() => close.mutate({ status: 'delivered' })}>
            {t('plan.markDelivered')}
          </button>
          <label className="lg-file button">
            {t('plan.deliverPhoto')}
            <input
              type="file"
              accept="image/jpeg,image/png,image/webp"
              capture="environment"
              disabled={photo.isPending}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) photo.mutate(f);
              }}
            />
          </label>
          {scanning ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                close.mutate({ status: 'delivered', qr: code });
              }}
            >
              <input aria-label={t('plan.qrCode')} placeholder={t('plan.qrCode')} required maxLength={200} value={code} onChange={(e) => setCode(e.target.value)} />
              <button type="submit">{t('plan.deliverQr')}</button>
            </form>
          ) : (
            <button type="button" className="link-button" onClick={() => setScanning(true)}>
              {t('plan.deliverQr')}
            </button>
          )}
          {failing ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                close.mutate({ status: 'failed', reason });
              }}
            >
              <input aria-label={t('plan.failReason')} placeholder={t('plan.failReason')} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
              <button type="submit">{t('plan.markFailed')}</button>
            </form>
          ) : (
            <button type="button" className="link-button" onClick={() => setFailing(true)}>
              {t('plan.markFailed')}
            </button>
          )}
        </div>
      )}
      <ErrorText error={close.error ?? photo.error} />
    </li>
  );
}

/** A day's plan: the routes on the map and the timeline, dispatch, and each stop's delivery. */
export default function PlanPage() {
  const { t } = useTranslation('logistics');
  const { id = '' } = useParams();
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['logistics-plan', id], queryFn: () => api<Plan>(`/logistics/plans/${id}`) });
  const plan = q.data;
  const [progress, setProgress] = useState<Parameters<typeof ProgressBar>[0]['progress']>(null);
  const source = useRef<EventSource | null>(null);
  const solving = plan?.status === 'solving' ? plan.jobId : null;
  useEffect(() => {
    if (!solving) return;
    void followJob(solving, setProgress, source)
      .catch(() => {})
      .finally(() => client.invalidateQueries({ queryKey: ['logistics-plan', id] }));
    return () => source.current?.close();
  }, [solving, id, client]);
  const dispatch = useMutation({
    mutationFn: () => api(`/logistics/plans/${id}/dispatch`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['logistics-plan', id] }),
  });
  const navigate = useNavigate();
  const replan = useMutation({
    mutationFn: () => api<Reply<'replanDay'>>(`/logistics/plans/${id}/replan`, { method: 'POST', body: {} }),
    onSuccess: (r) => navigate(`/logistics/plans/${r.planId}`),
  });
  if (!plan) return <ErrorText error={q.error} />;
  const routes = plan.result?.routes ?? [];
  return (
    <div className="stack">
      <section className="card">
        <Link to={`/logistics?date=${plan.serviceDate}`}>{t('plan.back')}</Link>
        <h1>{t('plan.title', { date: plan.serviceDate })}</h1>
        <p>
          <span className={`tag lg-status-${plan.status}`} data-testid="plan-status">
            {t(`plan.status.${plan.status}`)}
          </span>
        </p>
        {plan.status === 'solving' && <ProgressBar progress={progress} />}
        {plan.error && <p className="error">{plan.error}</p>}
        {routes.length > 0 && (
          <p className="stats" data-testid="plan-summary">
            {t('plan.summary', { vehicles: routes.length, stops: plan.stops.length, road: plan.result?.roadKm ?? 0, air: plan.result?.airKm ?? 0 })}
          </p>
        )}
        {plan.result?.check?.feasible && <p className="hint">{t('plan.checked')}</p>}
        {plan.result?.terrainCheck && plan.result.terrainCheck.violations.length === 0 && (
          <p className="hint" data-testid="terrain-check">
            {t('plan.terrainChecked', { legs: plan.result.terrainCheck.legs, blocked: plan.result.droneLegs?.blocked ?? 0 })}
          </p>
        )}
        {plan.result?.figures && <Figures figures={plan.result.figures} />}
        {(plan.status === 'ready' || plan.status === 'dispatched') && (
          <button type="button" disabled={replan.isPending} onClick={() => replan.mutate()}>
            {t('plan.replan')}
          </button>
        )}
        <ErrorText error={replan.error} />
        {plan.status === 'ready' && (
          <button type="button" className="lg-primary" disabled={dispatch.isPending} onClick={() => dispatch.mutate()}>
            {t('plan.dispatch')}
          </button>
        )}
        {plan.status === 'dispatched' && <p className="notice">{t('plan.dispatched')}</p>}
        <ErrorText error={dispatch.error} />
      </section>
      {routes.length > 0 && (
        <section className="card">
          <h2>{t('plan.map')}</h2>
          <RouteMap routes={routes} label={t('plan.map')} />
          <h2>{t('plan.timeline')}</h2>
          <Timeline routes={routes} />
        </section>
      )}
      {plan.unserved.length > 0 && (
        <section className="card">
          <h2>{t('plan.unserved')}</h2>
          <ul className="lg-list" data-testid="unserved">
            {plan.unserved.map((u) => (
              <li key={u.requestId}>
                <strong>{u.villageName}</strong> {t('day.weight', { kg: u.weightKg })} · {t('plan.priority', { n: u.priority })} — {t(`plan.reason.${u.reason}`)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {plan.stops.some((s) => s.keptFrom) && (
        <section className="card">
          <h2>{t('plan.kept')}</h2>
          <ol className="lg-stops">
            {plan.stops
              .filter((s) => s.keptFrom)
              .map((s) => (
                <StopRow key={s.id} stop={s} plan={plan} />
              ))}
          </ol>
        </section>
      )}
      {(plan.status === 'ready' || plan.status === 'dispatched' || plan.status === 'completed') && <WhatIf planId={plan.id} />}
      {routes.map((r, i) => (
        <section key={r.vehicleId} className="card lg-route" data-testid="route">
          <h2>
            <span className="lg-swatch" style={{ background: ROUTE_COLOURS[i % ROUTE_COLOURS.length] }} aria-hidden /> {r.name}{' '}
            <span className="tag">{t(`plan.kind.${r.kind}`)}</span> <span className="muted">{t('plan.distance', { km: r.distanceKm })}</span>
          </h2>
          {r.kind === 'drone' && <BatteryChart route={r} />}
          {r.trips.map((trip, k) => (
            <div key={k}>
              <h3>
                {t('plan.trip', { n: k + 1, from: clock(trip.departAt), to: clock(trip.returnAt) })}{' '}
                <span className="muted">
                  {t('plan.load', { kg: trip.stops[0]?.loadKg ?? 0 })}
                  {trip.energyWh !== undefined && ` · ${t('plan.battery', { used: Math.round(trip.energyWh), total: trip.batteryWh })}`}
                </span>
              </h3>
              {trip.profile && <ElevationProfile profile={trip.profile} />}
              <ol className="lg-stops">
                {plan.stops
                  .filter((s) => !s.keptFrom && s.vehicleId === r.vehicleId && trip.stops.some((x) => x.requestId === s.requestId))
                  .map((s) => (
                    <StopRow key={s.id} stop={s} plan={plan} />
                  ))}
              </ol>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
