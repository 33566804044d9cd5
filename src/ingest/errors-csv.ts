import { RowError } from './kind-definition';

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rejected rows as a CSV a user opens beside their file: line,column,value,reason. */
export function errorsCsv(errors: RowError[]): string {
  const lines = ['line,column,value,reason'];
  for (const e of errors) lines.push([e.line, e.column, e.value, e.reason].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
