import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PillarRadar } from './Charts.tsx';
import { PILLARS, useNames, type Overview } from './shared.ts';

const MAX = 4;

/** Up to four villages side by side: their pillars on one radar, their index under both methods. */
export default function ComparePage() {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const [params, setParams] = useSearchParams();
  const requested = params.get('year') ?? undefined;
  const chosen = (params.get('ids') ?? '').split(',').filter(Boolean);
  const q = useQuery({ queryKey: ['indicators', 'overview', requested], queryFn: () => api<Overview>('/indicators/overview', { query: { period: requested } }) });
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return null;
  const d = q.data;
  const picked = chosen.flatMap((id) => d.villages.filter((v) => v.id === id));
  const setChosen = (ids: string[]) => setParams({ ...(requested ? { year: requested } : {}), ids: ids.join(',') });
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(1));
  return (
    <div className="stack">
      <section className="card">
        <Link to="/indicators">← {t('village.back')}</Link>
        <h1>{t('compare.title')}</h1>
        <label>
          {t('compare.add')}
          <select value="" disabled={picked.length >= MAX} onChange={(e) => e.target.value && setChosen([...chosen, e.target.value])}>
            <option value="">—</option>
            {d.villages
              .filter((v) => !chosen.includes(v.id))
              .map((v) => (
                <option key={v.id} value={v.id}>
                  {names.place(v, 'village')}
                </option>
              ))}
          </select>
        </label>
        {picked.length > 0 && (
          <ul className="row wrap ind-chips">
            {picked.map((v) => (
              <li key={v.id}>
                {names.place(v, 'village')}{' '}
                <button type="button" className="small" aria-label={`${t('compare.remove')} ${names.place(v, 'village')}`} onClick={() => setChosen(chosen.filter((x) => x !== v.id))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {picked.length > 0 && (
        <section className="card">
          <PillarRadar series={picked.map((v) => ({ name: names.place(v, 'village'), pillars: v.pillars }))} label={t('compare.title')} />
          <table className="ind-table" data-testid="compare-table">
            <thead>
              <tr>
                <th>{t('compare.village')}</th>
                <th>{t('report.index')}</th>
                <th>#</th>
                {PILLARS.map((p) => (
                  <th key={p}>{t(`pillar.${p}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {picked.map((v) => (
                <tr key={v.id}>
                  <td>{names.place(v, 'village')}</td>
                  <td>{fmt(v.score)}</td>
                  <td>{v.rank ?? '—'}</td>
                  {PILLARS.map((p) => (
                    <td key={p}>{fmt(v.pillars[p])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
