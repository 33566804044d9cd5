import { createCanvas } from '@napi-rs/canvas';
import { Chart, ChartConfiguration, registerables } from 'chart.js';

Chart.register(...registerables);

export interface ChartSeries {
  label: string;
  /** null leaves a gap (a suppressed or undefined value). */
  data: (number | null)[];
}

export interface LineChartSpec {
  title: string;
  labels: string[];
  series: ChartSeries[];
  yLabel?: string;
  /** Render the y axis as a percentage of 1. */
  percent?: boolean;
  width?: number;
  height?: number;
}

const PALETTE = ['#1d70b8', '#d4351c', '#00703c', '#f47738', '#4c2c92', '#505a5f'];

/** Renders a line chart to PNG on the server: no browser, chart.js drawing on @napi-rs/canvas. */
export function renderLineChart(spec: LineChartSpec): Buffer {
  const width = spec.width ?? 900;
  const height = spec.height ?? 360;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const config: ChartConfiguration<'line', (number | null)[], string> = {
    type: 'line',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        borderWidth: 2,
        pointRadius: 0,
        spanGaps: false,
      })),
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: spec.title }, legend: { position: 'bottom' } },
      scales: {
        y: {
          beginAtZero: true,
          title: { display: Boolean(spec.yLabel), text: spec.yLabel ?? '' },
          ticks: spec.percent ? { callback: (v) => `${Math.round(Number(v) * 100)}%` } : {},
        },
      },
    },
  };
  // chart.js only needs the 2D context API, which @napi-rs/canvas implements.
  const chart = new Chart(ctx as unknown as ConstructorParameters<typeof Chart>[0], config);
  const png = canvas.toBuffer('image/png');
  chart.destroy();
  return png;
}
