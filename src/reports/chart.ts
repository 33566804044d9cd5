import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, ChartConfiguration, registerables } from 'chart.js';
import type { Chart as DocumentChart } from './documents/document';
import { ROBOTO } from './fonts';

Chart.register(...registerables);

// Registered once, under one family name; chart.js is told to use nothing else, so no label falls back
// to whatever font the machine has.
GlobalFonts.registerFromPath(ROBOTO.normal, 'Roboto');
GlobalFonts.registerFromPath(ROBOTO.bold, 'Roboto');
Chart.defaults.font.family = 'Roboto';

export interface ChartSeries {
  label: string;
  /** null leaves a gap (a suppressed or undefined value). */
  data: (number | null)[];
}

export interface LineChartSpec {
  title: string;
  labels: string[];
  series: ChartSeries[];
  xLabel?: string;
  yLabel?: string;
  /** Render the y axis as a percentage of 1. */
  percent?: boolean;
  type?: 'line' | 'bar';
  width?: number;
  height?: number;
}

/** GOV.UK colours with enough contrast on white. */
export const PALETTE = ['#1d70b8', '#d4351c', '#00703c', '#f47738', '#4c2c92', '#505a5f'];

/** Renders a line (or bar) chart to PNG on the server: no browser, chart.js drawing on @napi-rs/canvas. */
export function renderLineChart(spec: LineChartSpec): Buffer {
  const width = spec.width ?? 900;
  const height = spec.height ?? 360;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const config: ChartConfiguration<'line' | 'bar', (number | null)[], string> = {
    type: spec.type ?? 'line',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        borderWidth: 2,
        pointRadius: spec.labels.length > 1 ? 0 : 3,
        spanGaps: false,
      })),
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      font: { family: 'Roboto', size: 13 },
      plugins: {
        title: { display: true, text: spec.title, font: { family: 'Roboto', size: 16, weight: 'bold' } },
        legend: { position: 'bottom', labels: { font: { family: 'Roboto' } } },
      },
      scales: {
        x: {
          title: { display: Boolean(spec.xLabel), text: spec.xLabel ?? '', font: { family: 'Roboto' } },
          ticks: { font: { family: 'Roboto' } },
        },
        y: {
          beginAtZero: true,
          ...(spec.percent ? { max: 1 } : {}),
          title: { display: Boolean(spec.yLabel), text: spec.yLabel ?? '', font: { family: 'Roboto' } },
          ticks: spec.percent
            ? { font: { family: 'Roboto' }, callback: (v) => `${Math.round(Number(v) * 100)}%` }
            : { font: { family: 'Roboto' }, precision: 0 },
        },
      },
    },
  } as ChartConfiguration<'line' | 'bar', (number | null)[], string>;
  // chart.js only needs the 2D context API, which @napi-rs/canvas implements.
  const chart = new Chart(ctx as unknown as ConstructorParameters<typeof Chart>[0], config);
  const png = canvas.toBuffer('image/png');
  chart.destroy();
  return png;
}

/** A document's chart as a PNG (what the PDF, HTML and XLSX renderers embed). */
export function renderDocumentChart(
  chart: DocumentChart,
  size: { width?: number; height?: number } = {},
): Buffer {
  return renderLineChart({
    title: chart.title,
    labels: chart.labels,
    series: chart.series.map((s) => ({ label: s.label, data: s.values })),
    xLabel: chart.xLabel,
    yLabel: chart.yLabel,
    percent: chart.percent,
    type: chart.type,
    ...size,
  });
}
