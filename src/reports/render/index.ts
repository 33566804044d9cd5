import { badInput } from '../../records/record-errors';
import type { ReportDocument } from '../documents/document';
import { renderCsv } from './csv.render';
import { renderHtml } from './html.render';
import { renderPdf } from './pdf.render';
import { renderXlsx } from './xlsx.render';

export const REPORT_FORMATS = ['pdf', 'html', 'xlsx', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

export function isReportFormat(f: string): f is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(f);
}

/** The document in one format; `table` picks the table of a CSV (default: the first). */
export async function renderReport(
  doc: ReportDocument,
  format: string,
  opts: { table?: string | null } = {},
): Promise<Buffer> {
  switch (format) {
    case 'pdf':
      return renderPdf(doc);
    case 'html':
      return Buffer.from(renderHtml(doc), 'utf8');
    case 'xlsx':
      return renderXlsx(doc);
    case 'csv':
      return renderCsv(doc, opts.table);
    default:
      throw badInput(`unknown format ${format}; one of ${REPORT_FORMATS.join(', ')}`, 'format');
  }
}
