import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { followJob, ProgressBar } from './DayPage.tsx';
import { hhmm, type Depot, type Figures as PlanFigures } from './shared.ts';

/** A plan's figures: delivery time, road km, km of mountain road the drones spared, CO2. */
export function Figures({ figures }: { figures: PlanFigures }) {
  const { t } = useTranslation('logistics');
  return (
    <p className="stats" data-testid="plan-figures">
      {t('whatIf.line', { mean: hhmm(figures.meanDeliveryMin), road: figures.roadKm, avoided: figures.mountainRoadKmAvoided, co2: figures.co2Kg })}
    </p>
  );
}

type JobResult = NonNullable<Reply<'getLogisticsJob'>['result']>;
/** A what-if job's result: the plan as it is and the variant, side by side. */
type Answer = Extract<JobResult, { current: unknown }>;
type Side = Answer['current'];

/** Add a drone, move a depot, change the battery or the ceiling: the plan and the variant side by side. */
export function WhatIf({ planId }: { planId: string }) {
  const { t } = useTranslation('logistics');
  const depots = useQuery({ queryKey: ['logistics-depots'], queryFn: () => api<Depot[]>('/logistics/depots') });
  const [kind, setKind] = useState<'addDrone' | 'moveDepot' | 'batteryWh' | 'ceilingM'>('addDrone');
  const [depotId, setDepotId] = useState('');
  const [value, setValue] = useState('');
  const [lon, setLon] = useState('');
  const [lat, setLat] = useState('');
  const [progress, setProgress] = useState<Parameters<typeof ProgressBar>[0]['progress']>(null);
  const source = useRef<EventSource | null>(null);
  const run = useMutation({
    mutationFn: async () => {
      const depot = depotId || depots.data?.[0]?.id || '';
      const body =
        kind === 'addDrone'
          ? { addDrone: { depotId: depot } }
          : kind === 'moveDepot'
            ? { moveDepot: { depotId: depot, lon: Number(lon), lat: Number(lat) } }
            : { [kind]: Number(value) };
      setProgress(null);
      const { jobId } = await api<Reply<'whatIf'>>(`/logistics/plans/${planId}/what-if`, { method: 'POST', body: { ...body, timeLimitMs: 5000 } });
      await followJob(jobId, setProgress, source);
      const job = await api<Reply<'getLogisticsJob'>>(`/logistics/jobs/${jobId}`).catch(() => null);
      return job?.result && 'current' in job.result ? job.result : null;
    },
  });
  const rows: [string, (s: Side) => string][] = [
    ['cost', (s) => (s.cost / 1000).toFixed(1)],
    ['served', (s) => String(s.served)],
    ['unserved', (s) => String(s.unserved)],
    ['mean', (s) => hhmm(s.meanDeliveryMin)],
    ['road', (s) => s.roadKm.toFixed(1)],
    ['air', (s) => s.airKm.toFixed(1)],
    ['avoided', (s) => s.mountainRoadKmAvoided.toFixed(1)],
    ['co2', (s) => s.co2Kg.toFixed(1)],
  ];
  const answer = run.data;
  return (
    <details className="card">
      <summary>{t('whatIf.title')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <label>
          {t('whatIf.change')}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            {(['addDrone', 'moveDepot', 'batteryWh', 'ceilingM'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`whatIf.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {(kind === 'addDrone' || kind === 'moveDepot') && (
          <label>
            {t('whatIf.depot')}
            <select value={depotId} onChange={(e) => setDepotId(e.target.value)}>
              {depots.data?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {kind === 'moveDepot' && (
          <div className="row">
            <label>
              {t('fleet.lon')}
              <input required inputMode="decimal" value={lon} onChange={(e) => setLon(e.target.value)} />
            </label>
            <label>
              {t('fleet.lat')}
              <input required inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} />
            </label>
          </div>
        )}
        {(kind === 'batteryWh' || kind === 'ceilingM') && (
          <label>
            {t(`whatIf.value.${kind}`)}
            <input required inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
        )}
        <button type="submit" disabled={run.isPending}>
          {t('whatIf.run')}
        </button>
      </form>
      {run.isPending && <ProgressBar progress={progress} />}
      <ErrorText error={run.error} />
      {answer && (
        <table className="lg-compare" data-testid="what-if">
          <thead>
            <tr>
              <th />
              <th>{t('whatIf.current')}</th>
              <th>{t('whatIf.variant')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([key, show]) => (
              <tr key={key}>
                <th scope="row">{t(`whatIf.rows.${key}`)}</th>
                <td>{show(answer.current)}</td>
                <td>{answer.variant ? show(answer.variant) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {answer?.variantError && <p className="error">{answer.variantError}</p>}
    </details>
  );
}
