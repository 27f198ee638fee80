import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PillarBars, RankedBars, TrendLine } from './Charts.tsx';
import { IndexMap } from './IndexMap.tsx';
import { MethodPicker } from './MethodPicker.tsx';
import { RecomputeButton } from './Recompute.tsx';
import { colourScale, SCALE, unitPath, useNames, type Overview } from './shared.ts';

/** The county overview: pillar averages, the trend, the map coloured by index, and the ranking. */
export default function DashboardPage() {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const [params, setParams] = useSearchParams();
  const requested = params.get('year') ?? undefined;
  const q = useQuery({ queryKey: ['indicators', 'overview', requested], queryFn: () => api<Overview>('/indicators/overview', { query: { period: requested } }) });
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return null;
  const d = q.data;
  const scored = d.villages.filter((v) => v.score !== null);
  const average = d.trend.find((x) => x.period === d.period)?.average ?? null;
  const colourOf = colourScale(d.villages.map((v) => v.score));
  const places = d.villages.flatMap((v) => (v.lon === null || v.lat === null ? [] : [{ id: v.id, name: names.place(v, 'village'), lon: v.lon, lat: v.lat, score: v.score }]));
  return (
    <div className="stack">
      <section className="card">
        <h1>{t('title')}</h1>
        <p className="hint">{t('intro')}</p>
        {d.period === null ? (
          <p className="muted">{t('noData')}</p>
        ) : (
          <>
            <div className="row wrap ind-controls">
              <label>
                {t('year')}{' '}
                <select value={d.period} onChange={(e) => setParams({ year: e.target.value })}>
                  {d.periods.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              </label>
              <a className="button-link" href={`/api/v1/indicators/export.xlsx?period=${d.period}`} download>
                {t('overview.export')}
              </a>
            </div>
            <nav className="row wrap ind-links" aria-label={t('title')}>
              <Link to={unitPath(d.countyId, d.period)}>{t('nav.county')}</Link>
              <Link to="/indicators/catalogue">{t('catalogue.link')}</Link>
              <Link to={`/indicators/weights?year=${d.period}`}>{t('nav.weights')}</Link>
              <Link to={`/indicators/compare?year=${d.period}`}>{t('nav.compare')}</Link>
              <Link to="/indicators/import">{t('nav.import')}</Link>
              <Link to={`/indicators/report?year=${d.period}`}>{t('nav.report')}</Link>
            </nav>
            <p className="stats">
              <span data-testid="county-average">
                {t('overview.average')}: {average === null ? '—' : names.number(average)}
              </span>
              <span className="muted">{t('overview.villages', { count: scored.length })}</span>
              {d.computedAt && <span className="muted">{t('overview.computedAt', { at: new Date(d.computedAt).toLocaleString() })}</span>}
            </p>
            <MethodPicker method={d.method} canChange={hasRole(me, 'county_admin')} />
            {hasRole(me, 'county_admin') && <RecomputeButton year={d.period} />}
          </>
        )}
      </section>
      {d.period !== null && (
        <>
          <section className="card">
            <h2>{t('overview.pillars')}</h2>
            <PillarBars averages={d.pillarAverages} label={t('overview.pillars')} />
            <h2>{t('overview.trend')}</h2>
            <TrendLine points={d.trend.map((x) => ({ period: x.period, value: x.average }))} label={t('overview.trend')} />
            <h2>{t('overview.townships')}</h2>
            <RankedBars items={d.townships.map((x) => ({ name: names.place(x, 'township'), value: x.average }))} label={t('overview.townships')} />
            <ul className="row wrap ind-chips">
              {d.townships.map((x) => (
                <li key={x.id}>
                  <Link to={unitPath(x.id, d.period)}>{names.place(x, 'township')}</Link>
                </li>
              ))}
            </ul>
          </section>
          <section className="card" id="map">
            <h2>{t('overview.map')}</h2>
            <IndexMap places={places} focus={params.get('focus')} label={t('overview.map')} onOpen={(id) => navigate(`/indicators/v/${id}?year=${d.period}`)} />
            <div className="ind-legend" aria-hidden>
              <span>{t('overview.legendLow')}</span>
              {SCALE.map((c) => (
                <i key={c} style={{ background: c }} />
              ))}
              <span>{t('overview.legendHigh')}</span>
            </div>
          </section>
          <section className="card">
            <h2>{t('overview.ranking')}</h2>
            <ol className="ind-ranking" data-testid="ranking">
              {d.villages.map((v) => {
                const change = v.score !== null && v.previousScore !== null ? v.score - v.previousScore : null;
                return (
                  <li key={v.id}>
                    <span className="ind-rank">{v.rank ?? '—'}</span>
                    <Link to={`/indicators/v/${v.id}?year=${d.period}`}>{names.place(v, 'village')}</Link>
                    <span className="muted ind-town">{names.place({ nameZh: v.townshipZh, namePinyin: v.townshipPinyin }, 'township')}</span>
                    <span className="ind-score" style={{ borderColor: colourOf(v.score) }} title={`${t('method.weighted')} ${v.weightedScore?.toFixed(1) ?? '—'} · ${t('method.entropy_topsis')} ${v.entropyScore?.toFixed(1) ?? '—'}`}>
                      {v.score === null ? '—' : v.score.toFixed(1)}
                    </span>
                    {change !== null && (
                      <span className={`ind-change ${change < 0 ? 'down' : 'up'}`} title={t('overview.change', { change: change.toFixed(1) })}>
                        {change >= 0 ? '▲' : '▼'}
                        {Math.abs(change).toFixed(1)}
                      </span>
                    )}
                  </li>
                );
              })}
            </ol>
          </section>
        </>
      )}
    </div>
  );
}
