import { LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './dom';

// Only what the page draws: line and area series on a grid, with legend, tooltip and zoom.
echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, AriaComponent, CanvasRenderer]);

/** Okabe–Ito: eight colours told apart with every common colour-vision deficiency. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];

export type Series = { name: string; data: (number | null)[] | [string | number, number | null][]; stack?: string; area?: boolean; axis?: 0 | 1 };

/** Every chart on the page by name, so a test (or a curious analyst's console) can read what is drawn. */
const registry: Record<string, echarts.ECharts> = {};
(window as unknown as { __charts: typeof registry }).__charts = registry;

const resize = () => Object.values(registry).forEach((c) => c.resize());
window.addEventListener('resize', resize);

export function chartBox(name: string, label: string): HTMLDivElement {
  return h('div', { class: 'chart', 'data-chart': name, role: 'img', 'aria-label': label });
}

/**
 * Draws (or redraws) a line chart into `box`. `x` is a category axis (dates, months, months on
 * book); `yFormat` labels the axes ("%" for rates already scaled to percent).
 */
export function lineChart(box: HTMLElement, opts: { x?: (string | number)[]; series: Series[]; yNames: string[]; zoom?: boolean; xName?: string }): echarts.ECharts {
  const name = box.dataset.chart as string;
  const chart = registry[name] && registry[name].getDom() === box ? registry[name] : echarts.init(box, undefined, { renderer: 'canvas' });
  registry[name] = chart;
  chart.setOption(
    {
      color: PALETTE,
      aria: { enabled: true, decal: { show: true } },
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0, itemGap: 8 },
      grid: { left: 64, right: opts.yNames.length > 1 ? 64 : 24, top: 56, bottom: opts.zoom ? 64 : 40 },
      xAxis: { type: opts.x ? 'category' : 'value', data: opts.x, name: opts.xName, nameLocation: 'middle', nameGap: 24, boundaryGap: false },
      yAxis: opts.yNames.map((n, i) => ({ type: 'value', name: n, position: i === 0 ? 'left' : 'right', splitLine: { show: i === 0 } })),
      dataZoom: opts.zoom ? [{ type: 'slider', bottom: 8 }, { type: 'inside' }] : [],
      series: opts.series.map((s) => ({
        type: 'line',
        name: s.name,
        data: s.data,
        stack: s.stack,
        areaStyle: s.area ? {} : undefined,
        yAxisIndex: s.axis ?? 0,
        showSymbol: s.data.length < 40,
        connectNulls: false,
      })),
    },
    { notMerge: true },
  );
  return chart;
}

/** Forget charts whose boxes left the page (a route change), so they stop listening and free their canvas. */
export function disposeDetached(): void {
  for (const [name, chart] of Object.entries(registry)) {
    if (!chart.getDom().isConnected) {
      chart.dispose();
      delete registry[name];
    }
  }
}
