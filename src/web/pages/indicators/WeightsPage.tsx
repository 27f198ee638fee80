import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PILLARS, useNames, type Pillar, type Weights } from './shared.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** The county's expert weights (pillars and indicators) beside the entropy weights of the data, and the sensitivity. */
export default function WeightsPage() {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const client = useQueryClient();
  const { data: me } = useMe();
  const canEdit = hasRole(me, 'county_admin');
  const [params] = useSearchParams();
  const requested = params.get('year') ?? undefined;
  const q = useQuery({ queryKey: ['indicators', 'weights', requested], queryFn: () => api<Weights>('/indicators/weights', { query: { period: requested } }) });
  const [pillars, setPillars] = useState<Partial<Record<Pillar, string>>>({});
  const [indicators, setIndicators] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: async () => {
      const changedPillars = Object.fromEntries(Object.entries(pillars).map(([p, v]) => [p, Number(v)]));
      if (Object.keys(changedPillars).length) await api('/indicators/weights', { method: 'PUT', body: changedPillars });
      const changed = Object.entries(indicators).map(([indicatorId, v]) => ({ indicatorId, weight: Number(v) }));
      if (changed.length) await api('/indicators/indicator-weights', { method: 'PUT', body: { weights: changed } });
    },
    onSuccess: async () => {
      setPillars({});
      setIndicators({});
      await client.invalidateQueries({ queryKey: ['indicators'] });
    },
  });
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return null;
  const w = q.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <div className="stack">
      <section className="card">
        <Link to="/indicators">← {t('village.back')}</Link>
        <h1>{t('weights.title')}</h1>
        <p className="hint">{t('weights.intro')}</p>
        <p className="stats" data-testid="agreement">
          <span>{t('weights.spearman', { value: w.agreement.spearman === null ? '—' : w.agreement.spearman.toFixed(2) })}</span>
          <span className="muted">{t('weights.shift', { max: w.agreement.maxShift, mean: w.agreement.meanShift })}</span>
        </p>
      </section>
      <form className="card" onSubmit={submit}>
        <h2>{t('weights.pillars')}</h2>
        <div className="row wrap">
          {PILLARS.map((p) => (
            <label key={p} className="ind-weight">
              {t(`pillar.${p}`)}
              <input type="number" min={0} max={100} step="any" disabled={!canEdit} value={pillars[p] ?? String(w.pillarWeights[p])} onChange={(e) => setPillars({ ...pillars, [p]: e.target.value })} />
            </label>
          ))}
        </div>
        <h2>{t('weights.indicators')}</h2>
        <table className="ind-table" data-testid="weights-table">
          <thead>
            <tr>
              <th>{t('weights.indicator')}</th>
              <th>{t('weights.weight')}</th>
              <th>{t('weights.expert')}</th>
              <th>{t('weights.entropy')}</th>
            </tr>
          </thead>
          <tbody>
            {w.indicators.map((i) => (
              <tr key={i.id} data-testid={`weight-${i.code}`}>
                <td>
                  {names.indicator(i)} <span className="muted">· {t(`pillar.${i.pillar}`)}</span>
                </td>
                <td>
                  <input
                    type="number"
                    min={0.01}
                    max={100}
                    step="any"
                    aria-label={`${t('weights.weight')} ${names.indicator(i)}`}
                    disabled={!canEdit}
                    value={indicators[i.id] ?? String(i.weight)}
                    onChange={(e) => setIndicators({ ...indicators, [i.id]: e.target.value })}
                  />
                </td>
                <td data-testid="expert-share">{pct(i.expertShare)}</td>
                <td>{pct(i.entropyShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canEdit && (
          <p className="row wrap">
            <button type="submit" className="primary" disabled={save.isPending}>
              {t('weights.save')}
            </button>
            {save.isSuccess && <span role="status">{t('method.changed')}</span>}
          </p>
        )}
        <ErrorText error={save.error} />
      </form>
      <section className="card">
        <h2>{t('weights.sensitivity')}</h2>
        <p className="hint">{t('weights.sensitivityHint')}</p>
        <table className="ind-table" data-testid="sensitivity">
          <thead>
            <tr>
              <th>{t('catalogue.pillar')}</th>
              <th>×0.5</th>
              <th>×1.5</th>
            </tr>
          </thead>
          <tbody>
            {w.sensitivity.map((s) => (
              <tr key={s.pillar}>
                <td>{t(`pillar.${s.pillar}`)}</td>
                <td>{t('weights.move', { max: s.lower.maxShift, mean: s.lower.meanShift })}</td>
                <td>{t('weights.move', { max: s.higher.maxShift, mean: s.higher.meanShift })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
