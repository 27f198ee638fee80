// The module's ECharts charts; this file (and ECharts with it) loads only with the indicators pages.
import { BarChart, LineChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PILLARS, type Pillar, type PillarScores } from './shared.ts';

echarts.use([BarChart, LineChart, RadarChart, GridComponent, LegendComponent, RadarComponent, TooltipComponent, CanvasRenderer]);

const GREEN = '#2f6b3a';

/** One chart: drawn on mount and on each change of its option, resized with the window, data-rendered once drawn. */
function Chart({ option, label, testId, height }: { option: echarts.EChartsCoreOption; label: string; testId: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [rendered, setRendered] = useState(false);
  // Options are rebuilt on every render: redraw only when their content changes.
  const key = JSON.stringify(option);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    // Register before setOption, or the first 'finished' is missed.
    chart.on('finished', () => setRendered(true));
    chart.setOption({ animation: false, ...JSON.parse(key) });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [key]);
  return <div ref={ref} className="ind-chart" role="img" aria-label={label} data-testid={testId} data-rendered={rendered} style={height ? { height } : undefined} />;
}

/** The county's average score in each pillar (0–100). */
export function PillarBars({ averages, label }: { averages: Record<Pillar, number | null>; label: string }) {
  const { t } = useTranslation('indicators');
  const option = {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: PILLARS.map((p) => t(`pillar.${p}`)) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{ type: 'bar', data: PILLARS.map((p) => averages[p]), itemStyle: { color: GREEN }, label: { show: true, position: 'top' } }],
  };
  return <Chart option={option} label={label} testId="pillar-chart" />;
}

/** Named values as horizontal bars, highest first (e.g. each township's mean index). */
export function RankedBars({ items, label }: { items: { name: string; value: number | null }[]; label: string }) {
  const shown = [...items].reverse();
  const option = {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: { type: 'category', data: shown.map((i) => i.name), axisLabel: { width: 90, overflow: 'truncate' } },
    series: [{ type: 'bar', data: shown.map((i) => i.value), itemStyle: { color: GREEN }, label: { show: true, position: 'right' } }],
  };
  return <Chart option={option} label={label} testId="township-chart" height={Math.max(160, 40 + items.length * 28)} />;
}

/** An index over the years. */
export function TrendLine({ points, label }: { points: { period: number; value: number | null }[]; label: string }) {
  const option = {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: points.map((p) => String(p.period)) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{ type: 'line', data: points.map((p) => p.value), itemStyle: { color: GREEN }, symbolSize: 8, label: { show: true } }],
  };
  return <Chart option={option} label={label} testId="trend-chart" />;
}

const PALETTE = [GREEN, '#c8882a', '#3a6ea5', '#a5443a'];

/** Units' pillars on one radar (one unit, or several to compare). */
export function PillarRadar({ series, label }: { series: { name: string; pillars: PillarScores }[]; label: string }) {
  const { t } = useTranslation('indicators');
  const option = {
    tooltip: {},
    legend: series.length > 1 ? { bottom: 0 } : undefined,
    color: PALETTE,
    radar: { indicator: PILLARS.map((p) => ({ name: t(`pillar.${p}`), max: 100 })), radius: '60%' },
    series: [{ type: 'radar', data: series.map((s) => ({ value: PILLARS.map((p) => s.pillars[p] ?? 0), name: s.name, areaStyle: { opacity: series.length > 1 ? 0.1 : 0.25 } })) }],
  };
  return <Chart option={option} label={label} testId="radar-chart" height={series.length > 1 ? 300 : undefined} />;
}
