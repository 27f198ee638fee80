import { useQuery } from '@tanstack/react-query';
import * as echarts from 'echarts';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { yuan, type Status } from './shared.ts';
import { useName, useTitle } from '../../names.ts';

type Dash = Reply<'interventionsDashboard'>;

function BudgetChart({ projects }: { projects: Dash['projects'] }) {
  const { t, i18n } = useTranslation('interventions');
  const compact = new Intl.NumberFormat(i18n.language, { notation: 'compact' });
  const title = useTitle();
  const ref = useRef<HTMLDivElement>(null);
  const [rendered, setRendered] = useState(false);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    // Register before setOption, or the first 'finished' can be missed.
    chart.on('finished', () => setRendered(true));
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => yuan(Math.round(v * 100)) },
      legend: { data: [t('dashboard.budget'), t('dashboard.spent')], top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => compact.format(v), hideOverlap: true } },
      yAxis: { type: 'category', data: projects.map((p) => title(p)), axisLabel: { width: 110, overflow: 'truncate' } },
      series: [
        { name: t('dashboard.budget'), type: 'bar', data: projects.map((p) => p.fundedFen / 100), itemStyle: { color: '#9dbf8e' } },
        { name: t('dashboard.spent'), type: 'bar', itemStyle: { color: '#2f6b3a' }, data: projects.map((p) => ({ value: p.spentFen / 100, itemStyle: { color: p.spentFen > p.fundedFen ? '#a8431f' : '#2f6b3a' } })) },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [projects, t, i18n.language]); // eslint-disable-line react-hooks/exhaustive-deps -- title follows i18n.language
  return <div ref={ref} className="iv-chart" role="img" aria-label={t('dashboard.chart')} data-rendered={rendered} style={{ height: `${Math.max(180, 60 + projects.length * 48)}px` }} />;
}

export default function DashboardPage() {
  const { t } = useTranslation('interventions');
  const name = useName();
  const title = useTitle();
  const q = useQuery({ queryKey: ['intervention-dashboard'], queryFn: () => api<Dash>('/interventions/dashboard') });
  if (q.error) return <ErrorText ns="interventions" error={q.error} />;
  if (!q.data) return null;
  const d = q.data;
  return (
    <section className="card">
      <h1>{t('dashboard.title')}</h1>
      <p className="stats">{t('dashboard.totals', { funded: yuan(d.totals.fundedFen), spent: yuan(d.totals.spentFen), delayed: d.totals.delayed })}</p>
      {d.projects.length === 0 ? (
        <p className="muted">{t('dashboard.empty')}</p>
      ) : (
        <>
          <BudgetChart projects={d.projects} />
          <h2>{t('dashboard.schedule')}</h2>
          <ul className="iv-cards">
            {d.projects.map((p) => (
              <li key={p.id} className={`iv-row ${p.delays.length ? 'delayed' : ''}`}>
                <Link to={`/interventions/p/${p.id}`}>{title(p)}</Link>
                <div className="row wrap">
                  <span className={`tag iv-status-${p.status}`}>{t(`status.${p.status}`)}</span>
                  <span className="muted">{name({ nameZh: p.villageName, namePinyin: p.villagePinyin }, 'village')}</span>
                  {p.plannedEnd && <span className="muted">{t('dashboard.plannedEnd', { date: p.plannedEnd.slice(0, 10) })}</span>}
                  {p.delays.map((x) => (
                    <span key={x} className="tag warn">
                      {t(`dashboard.delay.${x}`)}
                    </span>
                  ))}
                </div>
                <ul className="iv-list">
                  {p.milestones.map((m) => (
                    <li key={m.id} className={m.overdue ? 'error' : ''}>
                      {m.dueOn} · {m.title} {m.doneOn ? '✓' : ''}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
