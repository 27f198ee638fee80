import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PillarRadar, TrendLine } from './Charts.tsx';
import { TargetCascade } from './TargetCascade.tsx';
import { LightBadge } from './LightBadge.tsx';
import { PILLARS, unitPath, useNames, type IndicatorRow, type UnitDetail } from './shared.ts';

type Kind = 'observation' | 'target';

const MODULES = ['market', 'live', 'inns', 'atlas', 'interventions', 'people', 'logistics'] as const;

/** Where a computed value came from: the module, how many records, when; the records' ids on request. */
function Provenance({ provenance }: { provenance: Record<string, unknown> }) {
  const { t } = useTranslation('indicators');
  const module = MODULES.find((m) => m === provenance.module);
  const ids = Array.isArray(provenance.ids) ? (provenance.ids as string[]) : [];
  const at = typeof provenance.computedAt === 'string' ? new Date(provenance.computedAt).toLocaleString() : null;
  if (!module) return null;
  return (
    <span className="muted provenance" data-testid="provenance">
      {t('provenance.from', { module: t(`provenance.module.${module}`), count: Number(provenance.records ?? 0) })}
      {at && ` · ${t('provenance.at', { at })}`}
      {ids.length > 0 && (
        <details>
          <summary>{t('provenance.ids', { count: ids.length })}</summary>
          <code>{ids.join(' ')}</code>
        </details>
      )}
    </span>
  );
}

/** An official's entry of a manual indicator's value, or a target, for the unit and year shown. */
function EntryForm({ row, unitId, period, kind, onDone }: { row: IndicatorRow; unitId: string; period: number; kind: Kind; onDone: () => void }) {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const client = useQueryClient();
  const current = kind === 'target' ? row.target : row.value;
  const [value, setValue] = useState(current === null ? '' : String(current));
  const save = useMutation({
    mutationFn: () => api(kind === 'target' ? '/indicators/targets' : '/indicators/observations', { method: 'PUT', body: { indicatorId: row.id, unitId, period, value: Number(value) } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['indicators'] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="row wrap ind-entry" onSubmit={submit}>
      <label>
        {kind === 'target' && `${t('village.target')} · `}
        {t('village.newValue', { name: names.indicator(row), unit: names.unit(row.unit) })}
        <input type="number" step="any" inputMode="decimal" required min={row.unit === '%' ? 0 : undefined} max={row.unit === '%' ? 100 : undefined} value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('village.save')}
      </button>
      <ErrorText error={save.error} />
    </form>
  );
}

/** One admin unit — a village, a township or the county: its index, pillars, history, indicators and targets. */
export default function UnitPage() {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const { id } = useParams();
  const [params] = useSearchParams();
  const requested = params.get('year') ?? undefined;
  const [editing, setEditing] = useState<{ id: string; kind: Kind } | null>(null);
  const [saved, setSaved] = useState(false);
  const q = useQuery({ queryKey: ['indicators', 'unit', id, requested], queryFn: () => api<UnitDetail>(`/indicators/units/${id}`, { query: { period: requested } }) });
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return null;
  const d = q.data;
  const now = d.scores.find((s) => s.period === d.period);
  const fmt = (x: number | null) => (x === null ? '—' : names.number(x));
  const level = d.unit.level;
  return (
    <div className="stack">
      <section className="card">
        <div className="row wrap spread">
          <Link to={`/indicators${d.period ? `?year=${d.period}` : ''}`}>← {t('village.back')}</Link>
          {level === 'village' && <Link to={`/indicators?${d.period ? `year=${d.period}&` : ''}focus=${d.unit.id}#map`}>{t('place.onMap')}</Link>}
          {d.unit.parentId && <Link to={unitPath(d.unit.parentId, d.period)}>{names.place({ nameZh: d.unit.parentZh!, namePinyin: d.unit.parentPinyin! }, d.unit.level === 'village' ? 'township' : 'county')} →</Link>}
        </div>
        <h1>
          {names.place(d.unit)}
        </h1>
        <p className="stats">
          <span data-testid="village-score">
            {t(level === 'village' ? 'village.index' : 'place.meanIndex')} {d.period}: {now ? now.score.toFixed(1) : '—'}
          </span>
          {now?.rank && <span className="muted">{t('overview.rank', { rank: now.rank })}</span>}
          {now && level !== 'village' && <span className="muted">{t('overview.villages', { count: now.villages })}</span>}
        </p>
        {now && <PillarRadar series={[{ name: names.place(d.unit), pillars: now.pillars }]} label={t('village.radar')} />}
        {d.scores.length > 0 && (
          <>
            <h2>{t('village.history')}</h2>
            <TrendLine points={d.scores.map((s) => ({ period: s.period, value: s.score }))} label={t('village.history')} />
          </>
        )}
        {d.children.length > 0 && (
          <details className="ind-children">
            <summary>{t(level === 'county' ? 'place.townships' : 'place.villages', { count: d.children.length })}</summary>
            <ul className="row wrap">
              {d.children.map((c) => (
                <li key={c.id}>
                  <Link to={unitPath(c.id, d.period)}>{names.place(c)}</Link>
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
      {level !== 'village' && d.period !== null && <TargetCascade unitId={d.unit.id} period={d.period} />}
      <section className="card">
        <h2>{t('village.indicators')}</h2>
        {saved && (
          <p role="status" className="hint">
            {t('village.saved')}
          </p>
        )}
        {PILLARS.map((p) => {
          const rows = d.indicators.filter((i) => i.pillar === p);
          if (!rows.length) return null;
          return (
            <div key={p} className="ind-pillar">
              <h3>{t(`pillar.${p}`)}</h3>
              <ul className="ind-rows">
                {rows.map((r) => (
                  <li key={r.id} data-testid={`indicator-${r.code}`}>
                    <div className="row spread">
                      <strong>{names.indicator(r)}</strong>
                      <span className={`tag ${r.source === 'computed' ? '' : 'manual'}`}>{t(r.source === 'computed' ? 'village.computed' : 'village.manual')}</span>
                    </div>
                    <div className="ind-figures">
                      <span>
                        {t('village.value')}: <b data-testid="value">{fmt(r.value)}</b> {names.unit(r.unit)}
                      </span>
                      {r.rolledUp && (
                        <span data-testid="rolled-up">
                          {t(r.aggregation === 'sum' ? 'place.rolledSum' : 'place.rolledMean', { value: names.number(r.rolledUp.value), villages: r.rolledUp.villages, of: r.rolledUp.of })}
                        </span>
                      )}
                      <span className="muted">
                        {t('village.previous')}: {fmt(r.previous)}
                      </span>
                      {r.source === 'computed' && r.provenance && <Provenance provenance={r.provenance} />}
                      {r.target !== null && (
                        <span className="muted">
                          {t('village.target')}: {fmt(r.target)}
                        </span>
                      )}
                      {r.target !== null && <LightBadge light={r.light} progress={r.progress} />}
                      {r.direction === 'lower' && <span className="muted">({t('village.lowerBetter')})</span>}
                      {r.recordedVersion !== null && r.recordedVersion !== r.version && <span className="muted">{t('place.recordedUnder', { version: r.recordedVersion })}</span>}
                    </div>
                    {d.period !== null && editing?.id === r.id && (
                      <EntryForm
                        row={r}
                        unitId={d.unit.id}
                        period={d.period}
                        kind={editing.kind}
                        onDone={() => {
                          setEditing(null);
                          setSaved(true);
                        }}
                      />
                    )}
                    {d.period !== null && editing?.id !== r.id && (
                      <div className="row wrap">
                        {d.canObserve && r.source === 'manual' && (
                          <button type="button" className="small" onClick={() => setEditing({ id: r.id, kind: 'observation' })} aria-label={`${t('village.enter')} ${names.indicator(r)}`}>
                            {t('village.enter')}
                          </button>
                        )}
                        {d.canPlan && (
                          <button type="button" className="small" onClick={() => setEditing({ id: r.id, kind: 'target' })} aria-label={`${t('village.setTarget')} ${names.indicator(r)}`}>
                            {t('village.setTarget')}
                          </button>
                        )}
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </section>
    </div>
  );
}
