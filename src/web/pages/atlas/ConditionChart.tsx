import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Assessment } from './api.ts';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkAreaComponent, CanvasRenderer]);
const DAY = 86_400_000;

/** The condition grades of a building over time: 1 (sound) at the top, 5 (unsafe) at the bottom. */
export function ConditionChart({ history }: { history: Assessment[] }) {
  const { t } = useTranslation('atlas');
  const el = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!el.current) return;
    const node = el.current;
    node.dataset.rendered = 'false';
    const chart = echarts.init(node, undefined, { renderer: 'canvas' });
    // Register before setOption, or the first 'finished' can be missed.
    chart.on('finished', () => {
      node.dataset.rendered = 'true';
      node.dataset.points = String(history.length);
    });
    chart.setOption({
      animation: false,
      grid: { left: 36, right: 16, top: 16, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        formatter: (params: { dataIndex: number }[]) => {
          const a = history[params[0]?.dataIndex ?? 0];
          return a ? `${a.assessedOn}<br/>${t(`grades.${a.grade}` as 'grades.1')}<br/>${a.assessor.replace(/[<>&]/g, '')}` : '';
        },
      },
      xAxis: {
        type: 'time',
        // A little room either side, so one assessment is not a point in a one-day axis.
        min: (v: { min: number }) => v.min - 120 * DAY,
        max: (v: { max: number }) => v.max + 120 * DAY,
        minInterval: 30 * DAY,
        axisLabel: { formatter: '{yyyy}-{MM}', hideOverlap: true },
      },
      yAxis: { type: 'value', min: 1, max: 5, interval: 1, inverse: true },
      series: [
        {
          type: 'line',
          step: 'end',
          symbolSize: 9,
          data: history.map((a) => [a.assessedOn, a.grade]),
          lineStyle: { color: '#2f6b3a', width: 2 },
          itemStyle: { color: '#b08d57' },
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [history, t]);

  return <div ref={el} className="condition-chart" role="img" aria-label={t('building.chartLabel')} data-testid="condition-chart" />;
}
