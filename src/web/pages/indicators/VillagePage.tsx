import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PillarRadar, TrendLine } from './Charts.tsx';
import { PILLARS, useNames, type IndicatorRow, type VillageDetail } from './shared.ts';

type Kind = 'observation' | 'target';

/** An official's entry of a manual indicator's value, or the county admin's target, for the year shown. */
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
        <input type="number" step="any" inputMode="decimal" required value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('village.save')}
      </button>
      <ErrorText error={save.error} />
    </form>
  );
}

/** One village: its index, its pillars against each other, its history, and every indicator of the year. */
export default function VillagePage() {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const { id } = useParams();
  const [params] = useSearchParams();
  const requested = params.get('year') ?? undefined;
  const [editing, setEditing] = useState<{ id: string; kind: Kind } | null>(null);
  const { data: me } = useMe();
  const setsTargets = hasRole(me, 'county_admin');
  const [saved, setSaved] = useState(false);
  const q = useQuery({ queryKey: ['indicators', 'village', id, requested], queryFn: () => api<VillageDetail>(`/indicators/villages/${id}`, { query: { period: requested } }) });
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return null;
  const d = q.data;
  const now = d.scores.find((s) => s.period === d.period);
  const fmt = (x: number | null) => (x === null ? '—' : names.number(x));
  return (
    <div className="stack">
      <section className="card">
        <Link to={`/indicators${d.period ? `?year=${d.period}` : ''}`}>← {t('village.back')}</Link>
        <h1>
          {names.village(d.village)} <span className="muted">· {names.village({ nameZh: d.village.townshipZh, namePinyin: d.village.townshipPinyin })}</span>
        </h1>
        <p className="stats">
          <span data-testid="village-score">
            {t('village.index')} {d.period}: {now ? now.score.toFixed(1) : '—'}
          </span>
          {now && <span className="muted">{t('overview.rank', { rank: now.rank })}</span>}
        </p>
        {now && <PillarRadar pillars={now.pillars} label={t('village.radar')} />}
        {d.scores.length > 0 && (
          <>
            <h2>{t('village.history')}</h2>
            <TrendLine points={d.scores.map((s) => ({ period: s.period, value: s.score }))} label={t('village.history')} />
          </>
        )}
      </section>
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
                      <span className="muted">
                        {t('village.previous')}: {fmt(r.previous)}
                      </span>
                      {r.target !== null && (
                        <span className="muted">
                          {t('village.target')}: {fmt(r.target)}
                        </span>
                      )}
                      {r.direction === 'lower' && <span className="muted">({t('village.lowerBetter')})</span>}
                    </div>
                    {d.period !== null && editing?.id === r.id && (
                      <EntryForm
                        row={r}
                        unitId={d.village.id}
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
                        {setsTargets && (
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
