import type { Measure } from '../../indicators/disclosure';

/**
 * The document model every report is built as, and every renderer (PDF, HTML, XLSX, CSV) reads. It holds
 * what a reader sees, already decided: figures carry their unit and whether they are suppressed, and
 * each chart carries its numbers as a table.
 */
export type ReportKind = 'la' | 'governor' | 'provider';

export type FigureUnit = 'count' | 'share' | 'days' | 'pence';

/** A published number in a table cell: the renderers format it and never show a suppressed one as 0. */
export interface Figure {
  kind: 'figure';
  value: number | null;
  suppressed: boolean;
  unit: FigureUnit;
}

export type Cell = string | number | null | Figure;

export interface Column {
  header: string;
  /** Numbers are right-aligned and kept as numbers in spreadsheets. */
  numeric?: boolean;
}

export interface Table {
  /** Short and unique within the document: the XLSX sheet name and the CSV file's table. */
  name: string;
  caption: string;
  columns: Column[];
  rows: Cell[][];
  /** What to say when there are no rows. */
  empty: string;
}

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

export interface Chart {
  type: 'line' | 'bar';
  title: string;
  xLabel: string;
  yLabel: string;
  /** The y values are shares of 1, drawn as percentages. */
  percent: boolean;
  labels: string[];
  series: ChartSeries[];
  /** A sentence for readers who cannot see the picture. */
  alt: string;
  /** The numbers drawn, as a table beside the chart. */
  table: Table;
}

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; table: Table }
  | { kind: 'chart'; chart: Chart }
  | { kind: 'figures'; items: { label: string; figure: Figure }[] };

export interface Section {
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  kind: ReportKind;
  title: string;
  /** One line: whose report, which date or period. */
  subtitle: string;
  asOf: string;
  period: { from: string; to: string } | null;
  /** Who the document was made for (a role), printed on it. */
  audience: string;
  sections: Section[];
  definitions: { term: string; text: string }[];
  /** How small numbers were treated; always present, even when nothing was suppressed. */
  suppressionNotes: string[];
  /** The children and placements the document names, for its audit; none in an aggregate report. */
  names: { pupils: string[]; placements: string[] };
}

/** What an aggregate report names: no child and no placement. */
export const NO_NAMES: ReportDocument['names'] = { pupils: [], placements: [] };

export function figure(m: Measure, unit: FigureUnit): Figure {
  return { kind: 'figure', value: m.value, suppressed: m.suppressed, unit };
}

export function isFigure(c: Cell): c is Figure {
  return typeof c === 'object' && c !== null && c.kind === 'figure';
}

/** Every table of a document, in reading order, chart tables included. */
export function tablesOf(doc: ReportDocument): Table[] {
  return doc.sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.kind === 'table' ? [b.table] : b.kind === 'chart' ? [b.chart.table] : [])),
  );
}

/** The text of a cell as every format prints it (UK style: 95.1%, £1,234.50, 12 days). */
export function cellText(c: Cell): string {
  if (c === null) return '–';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return c.toLocaleString('en-GB');
  if (c.suppressed) return 'suppressed';
  if (c.value === null) return '–';
  switch (c.unit) {
    case 'share':
      return `${(c.value * 100).toFixed(1)}%`;
    case 'days':
      return `${Math.round(c.value)} days`;
    case 'pence':
      return `£${(c.value / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    default:
      return c.value.toLocaleString('en-GB');
  }
}

/** A chart's numbers as its table: one row per label, one column per series. */
export function chartTable(
  name: string,
  caption: string,
  xHeader: string,
  labels: string[],
  series: { label: string; values: (Figure | null)[] }[],
): Table {
  return {
    name,
    caption,
    columns: [{ header: xHeader }, ...series.map((s) => ({ header: s.label, numeric: true }))],
    rows: labels.map((l, i) => [l, ...series.map((s) => s.values[i] ?? null)]),
    empty: 'No points in this range.',
  };
}

/** Shared wording of the suppression rule (spec/indicators.md, "Disclosure control"). */
export const SUPPRESSION_RULE =
  'Counts from 1 to 4 are shown as "suppressed", and so is any rate whose denominator is below 5, so that no pupil can be recognised.';

export const DEFINITION_SOURCE = 'Definitions follow spec/indicators.md of alp-hub.';
