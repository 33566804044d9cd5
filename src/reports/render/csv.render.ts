import Papa from 'papaparse';
import { badInput } from '../../records/record-errors';
import { Cell, isFigure, ReportDocument, Table, tablesOf } from '../documents/document';
import { neutraliseFormula } from './spreadsheet-safety';

/** A cell as CSV text: plain numbers (shares as fractions, money in pounds), suppressed as the word. */
function csvValue(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return String(c);
  if (typeof c === 'string') return neutraliseFormula(c);
  if (!isFigure(c)) return '';
  if (c.suppressed) return 'suppressed';
  if (c.value === null) return '';
  return c.unit === 'pence' ? (c.value / 100).toFixed(2) : String(c.value);
}

/** The table of a document a CSV holds: the one named, else the document's first table. */
export function csvTable(doc: ReportDocument, name?: string | null): Table {
  const tables = tablesOf(doc);
  const found = name ? tables.find((t) => t.name.toLowerCase() === name.toLowerCase()) : tables[0];
  if (!found)
    throw badInput(
      `no table ${name}; tables of this report: ${tables.map((t) => t.name).join(', ')}`,
      'table',
    );
  return found;
}

/** One table as CSV (RFC 4180, CRLF), headers first, formula-looking text neutralised. */
export function renderCsv(doc: ReportDocument, name?: string | null): Buffer {
  const t = csvTable(doc, name);
  const text = Papa.unparse(
    {
      fields: t.columns.map((c) => neutraliseFormula(c.header)),
      data: t.rows.map((r) => r.map(csvValue)),
    },
    { newline: '\r\n' },
  );
  return Buffer.from(`${text}\r\n`, 'utf8');
}
