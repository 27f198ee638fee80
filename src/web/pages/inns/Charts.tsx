import { useEffect, useRef } from 'react';
import type { Reply } from '../../api.ts';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** A month's occupancy (0–1) and revenue (fen), as the innkeeper's stats give it. */
export type MonthStat = Reply<'hostStats'>['months'][number];

/** Occupancy (line, %) and revenue (bars, yuan) per month. Sets data-rendered once ECharts has finished drawing. */
export function OccupancyRevenueChart({ months, labels }: { months: MonthStat[]; labels: { occupancy: string; revenue: string } }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    // Register 'finished' before setOption, or the first render's event is missed.
    chart.on('finished', () => el.setAttribute('data-rendered', 'true'));
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: [labels.revenue, labels.occupancy], top: 0 },
      grid: { left: 48, right: 40, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: months.map((m) => m.month.slice(5)) },
      yAxis: [
        { type: 'value', name: '¥' },
        { type: 'value', name: '%', max: 100, min: 0 },
      ],
      series: [
        { name: labels.revenue, type: 'bar', data: months.map((m) => m.revenueFen / 100), itemStyle: { color: '#2f6b3a' } },
        { name: labels.occupancy, type: 'line', yAxisIndex: 1, data: months.map((m) => Math.round(m.occupancy * 1000) / 10), itemStyle: { color: '#a8431f' } },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [months, labels.occupancy, labels.revenue]);
  return <div ref={ref} className="inn-chart" data-testid="inn-chart" role="img" aria-label={`${labels.revenue} / ${labels.occupancy}`} />;
}
