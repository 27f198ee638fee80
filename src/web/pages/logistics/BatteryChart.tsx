// A drone's battery over its day: each trip starts on a fresh battery (swapped at the depot) and ends with what the
// trip's energy left, spent evenly over the flight time between the stops. ECharts (tree-shaken, line chart only)
// loads with this file, which only the plan page imports.
import { LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanRoute } from './shared.ts';

echarts.use([LineChart, ScatterChart, AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

const BLUE = '#3a6ea5';
const AMBER = '#c8882a';

/** [time, battery %] along the route's trips, and the times the battery was swapped (before every trip but the first). */
export function batterySeries(route: PlanRoute) {
  const points: [number, number][] = [];
  const swaps: [number, number][] = [];
  route.trips.forEach((trip, n) => {
    if (trip.energyWh === undefined || !trip.batteryWh) return;
    const start = Date.parse(trip.departAt);
    const end = Date.parse(trip.returnAt);
    const used = (100 * trip.energyWh) / trip.batteryWh;
    const at = (t: number) => Math.round((100 - (used * (t - start)) / Math.max(1, end - start)) * 10) / 10;
    if (n > 0) swaps.push([start, 100]);
    points.push([start, 100], ...trip.stops.map((s) => [Date.parse(s.arriveAt), at(Date.parse(s.arriveAt))] as [number, number]), [end, at(end)]);
    // A gap between trips: the line does not pretend the battery recharges in flight.
    points.push([end + 1, NaN]);
  });
  return { points, swaps };
}

/** The battery-over-time chart of one drone route. */
export function BatteryChart({ route }: { route: PlanRoute }) {
  const { t } = useTranslation('logistics');
  const ref = useRef<HTMLDivElement>(null);
  const [rendered, setRendered] = useState(false);
  const title = t('plan.batteryChart.title', { name: route.name });
  const { points, swaps } = batterySeries(route);
  const legend = { battery: t('plan.batteryChart.battery'), swap: t('plan.batteryChart.swap') };
  // What a screen reader hears: the title and the legend.
  const label = t('plan.batteryChart.label', { title, battery: legend.battery, swap: legend.swap });
  const key = JSON.stringify({ points, swaps, title, legend, label });
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.on('finished', () => setRendered(true));
    const hhmm = (v: number) => new Date(v).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
    chart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: label } },
      title: { text: title, left: 8, textStyle: { fontSize: 13 } },
      legend: { data: [legend.battery, legend.swap], left: 8, bottom: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v} %` },
      grid: { left: 8, right: 16, top: 32, bottom: 28, containLabel: true },
      xAxis: { type: 'time', axisLabel: { formatter: hhmm } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      series: [
        { name: legend.battery, type: 'line', data: points.map(([x, y]) => [x, Number.isNaN(y) ? null : y]), connectNulls: false, showSymbol: true, symbolSize: 5, itemStyle: { color: BLUE } },
        { name: legend.swap, type: 'scatter', data: swaps, symbol: 'triangle', symbolSize: 12, z: 3, itemStyle: { color: AMBER } },
      ],
    });
    // Follows its own box (the card narrows on a phone turned upright), not only the window.
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
    // `key` holds everything the option is made of.
  }, [key]);
  if (points.length === 0) return null;
  return (
    <figure className="lg-battery">
      <div ref={ref} className="lg-battery-chart" role="img" aria-label={label} data-testid="battery-chart" data-rendered={rendered} />
      <figcaption className="muted">{t('plan.batteryChart.caption', { trips: route.trips.length, swaps: swaps.length })}</figcaption>
    </figure>
  );
}
