import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';

use([BarChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** One ECharts chart; `data-rendered` turns true once ECharts reports the first render finished. */
export function Chart({ option, label, testId }: { option: EChartsCoreOption; label: string; testId: string }) {
  const el = useRef<HTMLDivElement>(null);
  const [rendered, setRendered] = useState(false);
  useEffect(() => {
    if (!el.current) return;
    const chart = init(el.current, undefined, { renderer: 'canvas' });
    // Register before setOption: a chart that renders synchronously would otherwise finish unobserved.
    chart.on('finished', () => setRendered(true));
    chart.setOption(option);
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [option]);
  return <div ref={el} className="chart" role="img" aria-label={label} data-testid={testId} data-rendered={rendered} />;
}
