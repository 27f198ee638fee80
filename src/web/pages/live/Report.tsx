import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Chart } from '../market/Chart.tsx';
import { yuan } from './lib.ts';
import { useTitle } from '../../names.ts';

type Report = Reply<'getLiveReport'>;

const hhmm = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Asia/Shanghai' });

/** The after-session report for the producer and the county: figures, then viewers, chat and revenue charts. */
export function ReportPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('live');
  const title = useTitle();
  const report = useQuery({ queryKey: ['live', 'report', id], queryFn: () => api<Report>(`/live/sessions/${id}/report`) });
  const r = report.data;
  const options = useMemo(() => {
    if (!r) return null;
    return {
      viewers: {
        grid: { left: 40, right: 10, top: 10, bottom: 30 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: r.viewers.map((v) => hhmm(v.at)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'line', data: r.viewers.map((v) => v.viewers), areaStyle: {}, color: '#2f6b3a' }],
      },
      chat: {
        grid: { left: 40, right: 10, top: 10, bottom: 30 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: r.chat.map((c) => hhmm(c.at)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: r.chat.map((c) => c.messages), color: '#b5651d' }],
      },
      revenue: {
        grid: { left: 10, right: 20, top: 10, bottom: 20, containLabel: true },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => yuan(v * 100) },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: r.products.map((p) => p.label) },
        series: [{ type: 'bar', data: r.products.map((p) => p.revenueFen / 100), color: '#2f6b3a' }],
      },
    };
  }, [r]);
  if (report.error) return <ErrorText ns="live" error={report.error} />;
  if (!r || !options) return null;
  const figures: [string, string, string][] = [
    ['peak', t('report.peak'), String(r.peakViewers)],
    ['unique', t('report.unique'), String(r.uniqueViewers)],
    ['chat-rate', t('report.chatRate'), String(r.chatPerMinute)],
    ['conversion', t('report.conversion'), `${(r.conversion * 100).toFixed(1)}%`],
    ['buyers', t('report.buyers'), String(r.buyers)],
    ['revenue', t('report.revenue'), yuan(r.revenueFen)],
  ];
  return (
    <article className="live-session">
      <p>
        <Link to={`/live/host/${r.id}`}>← {title(r)}</Link>
      </p>
      <h1>{t('report.title')}</h1>
      <dl className="live-figures">
        {figures.map(([key, label, value]) => (
          <div key={key} data-testid={`report-${key}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h2>{t('report.viewersChart')}</h2>
      {r.viewers.length ? <Chart option={options.viewers} label={t('report.viewersChart')} testId="report-viewers-chart" /> : <p className="hint">{t('report.noData')}</p>}
      <h2>{t('report.chatChart')}</h2>
      {r.chat.length ? <Chart option={options.chat} label={t('report.chatChart')} testId="report-chat-chart" /> : <p className="hint">{t('report.noData')}</p>}
      <h2>{t('report.revenueChart')}</h2>
      {r.products.length ? (
        <>
          <Chart option={options.revenue} label={t('report.revenueChart')} testId="report-revenue-chart" />
          <table className="table">
            <thead>
              <tr>
                <th>{t('report.product')}</th>
                <th>{t('report.units')}</th>
                <th>{t('report.revenue')}</th>
              </tr>
            </thead>
            <tbody>
              {r.products.map((p) => (
                <tr key={p.productId} data-testid="report-product">
                  <td>{p.label}</td>
                  <td>{p.units}</td>
                  <td>{yuan(p.revenueFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="hint">{t('report.noData')}</p>
      )}
    </article>
  );
}
