import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { TargetCascade } from './TargetCascade.tsx';
import { PILLARS, useNames, type Overview } from './shared.ts';

/** The year on paper: the county's figures, its townships, every village's index and the targets furthest behind. */
export default function ReportPage() {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const [params] = useSearchParams();
  const requested = params.get('year') ?? undefined;
  const q = useQuery({ queryKey: ['indicators', 'overview', requested], queryFn: () => api<Overview>('/indicators/overview', { query: { period: requested } }) });
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return null;
  const d = q.data;
  const countyUnitId = d.countyId;
  const average = d.trend.find((x) => x.period === d.period)?.average ?? null;
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(1));
  return (
    <div className="stack ind-report">
      <p className="row wrap no-print">
        <Link to={`/indicators${d.period ? `?year=${d.period}` : ''}`}>← {t('village.back')}</Link>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('report.print')}
        </button>
      </p>
      <section className="card">
        <h1>{t('report.title', { year: d.period ?? '—' })}</h1>
        <p className="stats">
          <span>
            {t('overview.average')}: {fmt(average)}
          </span>
          <span>{t('overview.villages', { count: d.villages.filter((v) => v.score !== null).length })}</span>
          <span>
            {t('method.label')}: {t(`method.${d.method}`)}
          </span>
        </p>
        <table className="ind-table">
          <thead>
            <tr>
              {PILLARS.map((p) => (
                <th key={p}>{t(`pillar.${p}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {PILLARS.map((p) => (
                <td key={p}>{fmt(d.pillarAverages[p])}</td>
              ))}
            </tr>
          </tbody>
        </table>
        <h2>{t('overview.townships')}</h2>
        <table className="ind-table">
          <tbody>
            {d.townships.map((x) => (
              <tr key={x.id}>
                <td>{names.place(x, 'township')}</td>
                <td>{fmt(x.average)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {countyUnitId && d.period !== null && <TargetCascade unitId={countyUnitId} period={d.period} compact />}
      <section className="card">
        <h2>{t('overview.ranking')}</h2>
        <table className="ind-table" data-testid="report-ranking">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('compare.village')}</th>
              <th>{t('report.index')}</th>
              <th>{t('method.weighted')}</th>
              <th>{t('method.entropy_topsis')}</th>
              {PILLARS.map((p) => (
                <th key={p}>{t(`pillar.${p}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.villages.map((v) => (
              <tr key={v.id}>
                <td>{v.rank ?? '—'}</td>
                <td>
                  {names.place(v, 'village')} <span className="muted">{names.place({ nameZh: v.townshipZh, namePinyin: v.townshipPinyin }, 'township')}</span>
                </td>
                <td>{fmt(v.score)}</td>
                <td>{fmt(v.weightedScore)}</td>
                <td>{fmt(v.entropyScore)}</td>
                {PILLARS.map((p) => (
                  <td key={p}>{fmt(v.pillars[p])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
