import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DEMO_COLUMNS, DEMO_KINDS, DemoKind, DemoRow } from './columns';
import { DemoError } from './demo-error';
import { DemoData } from './generate';

/** Where the school's later corrections of attendance go: a second delivery, imported after the first. */
export const CORRECTIONS_FOLDER = 'corrections';

export interface WrittenFile {
  kind: DemoKind;
  file: string;
  rows: number;
}

/**
 * Writes `<kind>.csv` for every import kind into `folder`, and the attendance corrections into
 * `folder/corrections/attendance.csv`. Rows are streamed out in chunks, so attendance never sits in
 * memory as one string. Each file is written under a temporary name and renamed when complete, so a
 * failure leaves no half-written file under a real name.
 */
export function writeDemoCsv(folder: string, data: DemoData): WrittenFile[] {
  const correctionsDir = path.join(folder, CORRECTIONS_FOLDER);
  try {
    mkdirSync(correctionsDir, { recursive: true });
  } catch (err) {
    throw new DemoError(
      'DEMO_OUTPUT_UNWRITABLE',
      `cannot write the demo into ${folder}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      'out',
    );
  }
  const written: WrittenFile[] = [];
  const pending: string[] = [];
  try {
    for (const kind of DEMO_KINDS) {
      if (kind === 'attendance') continue;
      const file = path.join(folder, `${kind}.csv`);
      pending.push(file);
      const rows: Iterable<Record<string, string>> = data[kind];
      written.push({ kind, file, rows: writeCsv(`${file}.partial`, DEMO_COLUMNS[kind], rows) });
    }
    const attendanceFile = path.join(folder, 'attendance.csv');
    const correctionsFile = path.join(correctionsDir, 'attendance.csv');
    pending.push(attendanceFile, correctionsFile);
    const [first, corrected] = writeAttendance(
      `${attendanceFile}.partial`,
      `${correctionsFile}.partial`,
      data,
    );
    written.push({ kind: 'attendance', file: attendanceFile, rows: first });
    written.push({ kind: 'attendance', file: correctionsFile, rows: corrected });
    for (const file of pending) renameSync(`${file}.partial`, file);
    return written;
  } catch (err) {
    for (const file of pending) rmSync(`${file}.partial`, { force: true });
    throw err;
  }
}

function writeCsv(file: string, columns: readonly string[], rows: Iterable<Record<string, string>>): number {
  const out = new ChunkedFile(file);
  try {
    out.write(csvLine(columns));
    let count = 0;
    for (const row of rows) {
      out.write(csvLine(columns.map((c) => row[c])));
      count++;
    }
    return count;
  } finally {
    out.close();
  }
}

function writeAttendance(firstFile: string, correctionsFile: string, data: DemoData): [number, number] {
  const first = new ChunkedFile(firstFile);
  const corrections = new ChunkedFile(correctionsFile);
  try {
    const header = csvLine(DEMO_COLUMNS.attendance);
    first.write(header);
    corrections.write(header);
    let counts: [number, number] = [0, 0];
    for (const mark of data.marks()) {
      first.write(attendanceLine(mark.row));
      if (mark.correction) corrections.write(attendanceLine(mark.correction));
      counts = [counts[0] + 1, counts[1] + (mark.correction ? 1 : 0)];
    }
    return counts;
  } finally {
    first.close();
    corrections.close();
  }
}

function attendanceLine(row: DemoRow<'attendance'>): string {
  return csvLine(DEMO_COLUMNS.attendance.map((c) => row[c]));
}

/** One RFC 4180 line: a field with a comma, quote, line break or edge space is quoted, quotes doubled. */
/** Rows as one CSV text with its header (a small delivery, kept in memory). */
export function csvText(columns: readonly string[], rows: Iterable<Record<string, string>>): string {
  let text = csvLine(columns);
  for (const row of rows) text += csvLine(columns.map((c) => row[c]));
  return text;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Collects lines and writes them 256 KB at a time. */
class ChunkedFile {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 256 * 1024) this.flush();
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
