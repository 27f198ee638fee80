import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, upload, type CountyTree, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { hhmm, minutes, tomorrow, type DeliveryRequest, type PlanSummary } from './shared.ts';
import { useName } from '../../names.ts';
import { TerrainCard } from './TerrainCard.tsx';

interface Progress {
  phase: 'terrain' | 'solving';
  fraction: number;
  bestCost?: number;
}

/** Follows a plan's job: progress while it runs, then resolves (or rejects with the job's error). */
export function followJob(jobId: string, onProgress: (p: Progress) => void, sources: { current: EventSource | null }) {
  return new Promise<void>((resolve, reject) => {
    const es = new EventSource(`/api/v1/logistics/jobs/${jobId}/events`);
    sources.current = es;
    es.addEventListener('progress', (e) => onProgress(JSON.parse((e as MessageEvent).data)));
    es.addEventListener('result', () => {
      es.close();
      resolve();
    });
    es.addEventListener('error', (e) => {
      es.close();
      const data = (e as MessageEvent).data;
      reject(new Error(data ? JSON.parse(data).detail : 'stream'));
    });
  });
}

export function ProgressBar({ progress }: { progress: Progress | null }) {
  const { t } = useTranslation('logistics');
  const pct = Math.round(100 * (progress?.fraction ?? 0));
  return (
    <div className="lg-progress">
      <div className="lg-bar" role="progressbar" aria-label={t('day.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <p className="muted" data-testid="plan-progress">
        {progress?.bestCost !== undefined && Number.isFinite(progress.bestCost) ? t('day.best', { km: (progress.bestCost / 1000).toFixed(1) }) : t('day.terrain')}
      </p>
    </div>
  );
}

function RequestForm({ date }: { date: string }) {
  const name = useName();
  const { t } = useTranslation('logistics');
  const client = useQueryClient();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const [form, setForm] = useState({ villageId: '', weightKg: '', from: '08:00', to: '18:00', recipient: '' });
  const add = useMutation({
    mutationFn: () =>
      api('/logistics/requests', {
        method: 'POST',
        body: { villageId: form.villageId, serviceDate: date, weightKg: Number(form.weightKg), windowStartMin: minutes(form.from), windowEndMin: minutes(form.to), recipient: form.recipient },
      }),
    onSuccess: () => {
      setForm({ ...form, weightKg: '', recipient: '' });
      return client.invalidateQueries({ queryKey: ['logistics-requests'] });
    },
  });
  return (
    <details className="card">
      <summary>{t('day.add')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <label>
          {t('day.village')}
          <select required value={form.villageId} onChange={(e) => setForm({ ...form, villageId: e.target.value })}>
            <option value="">{t('day.chooseVillage')}</option>
            {county.data?.townships.map((tw) => (
              <optgroup key={tw.id} label={name(tw)}>
                {tw.villages.map((v) => (
                  <option key={v.id} value={v.id}>
                    {name(v)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          {t('day.weightKg')}
          <input required type="number" inputMode="decimal" min="0.1" step="0.1" value={form.weightKg} onChange={(e) => setForm({ ...form, weightKg: e.target.value })} />
        </label>
        <div className="lg-pair">
          <label>
            {t('day.from')}
            <input type="time" required value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
          </label>
          <label>
            {t('day.to')}
            <input type="time" required value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
          </label>
        </div>
        <label>
          {t('day.recipient')}
          <input value={form.recipient} maxLength={120} onChange={(e) => setForm({ ...form, recipient: e.target.value })} />
        </label>
        <ErrorText error={add.error} />
        <button type="submit" disabled={add.isPending}>
          {t('day.save')}
        </button>
      </form>
    </details>
  );
}

/** Requests in bulk: pickups for paid Market orders, and a CSV or XLSX file of parcels with its row report. */
function Intake({ date }: { date: string }) {
  const { t } = useTranslation('logistics');
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['logistics-requests'] });
  const market = useMutation({
    mutationFn: () => api<Reply<'importMarketOrders'>>('/logistics/requests/from-market', { method: 'POST', body: { serviceDate: date } }),
    onSuccess: refresh,
  });
  const file = useMutation({
    mutationFn: (f: File) => upload<Reply<'importDeliveryRequests'>>('/logistics/requests/import', f),
    onSuccess: refresh,
  });
  return (
    <details className="card">
      <summary>{t('intake.title')}</summary>
      <div className="stack">
        <button type="button" disabled={market.isPending} onClick={() => market.mutate()}>
          {t('intake.market')}
        </button>
        {market.data && <p className="notice">{t('intake.marketDone', { created: market.data.created, skipped: market.data.skipped.length })}</p>}
        <ErrorText error={market.error} />
        <label>
          {t('intake.file')}
          <input
            type="file"
            accept=".csv,.xlsx,text/csv"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) file.mutate(f);
            }}
          />
        </label>
        <p className="hint">{t('intake.columns')}</p>
        {file.data && (
          <div data-testid="import-report">
            <p className="notice">{t('intake.created', { count: file.data.created })}</p>
            {file.data.problems.length > 0 && (
              <ul className="lg-list">
                {file.data.problems.map((p, i) => (
                  <li key={i}>{t('intake.problem', { row: p.row, field: p.field, message: p.message })}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <ErrorText error={file.error} />
      </div>
    </details>
  );
}

/** A day's delivery requests, and planning it. */
export default function DayPage() {
  const { t } = useTranslation('logistics');
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const date = params.get('date') ?? tomorrow();
  const reqs = useQuery({ queryKey: ['logistics-requests', date], queryFn: () => api<DeliveryRequest[]>('/logistics/requests', { query: { date } }) });
  const plans = useQuery({ queryKey: ['logistics-plans', date], queryFn: () => api<PlanSummary[]>('/logistics/plans', { query: { date } }) });
  const cancel = useMutation({
    mutationFn: (id: string) => api(`/logistics/requests/${id}`, { method: 'PATCH', body: { status: 'cancelled' } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['logistics-requests'] }),
  });
  const [progress, setProgress] = useState<Progress | null>(null);
  const source = useRef<EventSource | null>(null);
  useEffect(() => () => source.current?.close(), []);
  const plan = useMutation({
    mutationFn: async () => {
      setProgress({ phase: 'terrain', fraction: 0 });
      const started = await api<Reply<'planDay'>>('/logistics/plans', { method: 'POST', body: { serviceDate: date } });
      await followJob(started.jobId, setProgress, source);
      return started.planId;
    },
    onSuccess: (planId) => navigate(`/logistics/plans/${planId}`),
    onSettled: () => setProgress(null),
  });
  const open = reqs.data?.filter((r) => r.status === 'open') ?? [];

  return (
    <div className="stack">
      <section className="card">
        <h1>{t('title')}</h1>
        <p className="hint">{t('intro')}</p>
        <label>
          {t('day.date')}
          <input type="date" value={date} onChange={(e) => e.target.value && setParams({ date: e.target.value })} />
        </label>
        <button type="button" className="lg-primary" disabled={plan.isPending || open.length === 0} onClick={() => plan.mutate()}>
          {plan.isPending ? t('day.planning') : t('day.plan')}
        </button>
        {plan.isPending && <ProgressBar progress={progress} />}
        <ErrorText error={plan.error} />
        {plans.data && plans.data.length > 0 && (
          <>
            <h2>{t('day.plans')}</h2>
            <ul className="lg-list">
              {plans.data.map((p) => (
                <li key={p.id}>
                  <Link to={`/logistics/plans/${p.id}`}>{t('day.openPlan')}</Link> <span className={`tag lg-status-${p.status}`}>{t(`plan.status.${p.status}`)}</span>{' '}
                  <span className="muted">{new Date(p.createdAt).toLocaleString()}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <RequestForm date={date} />
      <Intake date={date} />
      <TerrainCard />
      <section className="card">
        <h2>{t('day.requests', { count: open.length })}</h2>
        <ErrorText error={reqs.error ?? cancel.error} />
        {reqs.data?.length === 0 && <p className="muted">{t('day.empty')}</p>}
        <ul className="lg-list" data-testid="requests">
          {reqs.data?.map((r) => (
            <li key={r.id} className={r.status === 'cancelled' ? 'lg-cancelled' : ''}>
              <strong>{r.villageName}</strong> {r.kind === 'pickup' && <span className="tag">{t('plan.stopKind.pickup')}</span>} <span>{t('day.weight', { kg: r.weightKg })}</span> <span className="muted">{t('day.window', { from: hhmm(r.windowStartMin), to: hhmm(r.windowEndMin) })}</span>{' '}
              {r.status === 'open' ? (
                <button type="button" className="link-button" onClick={() => cancel.mutate(r.id)}>
                  {t('day.cancel')}
                </button>
              ) : (
                <span className="tag">{t('day.cancelled')}</span>
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
