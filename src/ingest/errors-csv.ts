import { RowError } from './kind-definition';

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A value from someone else's file that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is
 * shown with a leading apostrophe, the usual guard against CSV injection (`-1` reads `'-1`).
 */
function inert(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Rejected rows as a CSV a user opens beside their file: line,column,value,reason. */
export function errorsCsv(errors: RowError[]): string {
  const lines = ['line,column,value,reason'];
  for (const e of errors) lines.push([e.line, e.column, inert(e.value), e.reason].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
