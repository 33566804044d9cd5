import { fork } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse';
import { kindDefinition } from '../src/ingest/import.service';
import { ErrorList, mapHeader, parseRow } from '../src/ingest/row-parser';
import { MAX_ROW_CHARACTERS, readRecords, SourceRow } from '../src/ingest/row-source';
import { copyRow } from '../src/ingest/staging-writer';
import { writeFixture } from './attendance-fixture';

/**
 * The JavaScript side of an attendance import, without a database. Usage (after `npm run build`):
 *   node dist/bench/parse-attendance.js [rows] [rounds]
 * Writes the attendance file of bench/attendance-fixture.ts (1,000,000 rows by default) to a temp folder,
 * then runs, `rounds` times (5 by default) in turn, each in a process of its own:
 * - csvParse: the csv-parse reader the import used before (kept below, as it was), then the import's
 *   per-row work: parseRow, COPY text formatting of the batch, encoding it as the COPY stream does;
 * - papaParse: the same with the import's reader now (`readRecords`, Papa Parse);
 * - csvParseReadOnly, papaParseReadOnly: the readers alone.
 * Prints one JSON object: seconds, rows/s and peak RSS (sampled every 10 ms) of every run, the medians
 * and the ratios of the medians (old over new).
 */

const VARIANTS = ['csvParse', 'papaParse', 'csvParseReadOnly', 'papaParseReadOnly'] as const;
type Variant = (typeof VARIANTS)[number];

interface Run {
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

/** The csv-parse reader of the import before Papa Parse, as it was, less its error mapping. */
async function* csvParseRecords(file: string): AsyncGenerator<SourceRow[]> {
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  const decoder = new Utf8Decoder();
  const parser = parse({
    bom: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_ROW_CHARACTERS,
  });
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (err: unknown) => {
    failure ??= err;
    signal();
  };
  input.on('error', fail);
  decoder.on('error', fail);
  parser.on('error', fail);
  parser.on('readable', signal);
  parser.on('end', () => {
    ended = true;
    signal();
  });
  input.pipe(decoder).pipe(parser);
  let line = 1;
  try {
    for (;;) {
      if (failure) throw failure;
      const batch: SourceRow[] = [];
      while (batch.length < 2_000) {
        const record = parser.read() as string[] | null;
        if (record === null) break;
        const start = line;
        let blank = true;
        for (const cell of record) {
          if (cell.includes('\n')) line += countNewlines(cell);
          if (blank && cell.trim() !== '') blank = false;
        }
        line++;
        if (!blank) batch.push({ line: start, cells: record });
      }
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** The old reader's strict UTF-8 decoding (its error messages left out: the file is valid). */
class Utf8Decoder extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private lines = 1;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
    this.setEncoding('utf8');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = this.decoder.decode(chunk, { stream: true });
    if (text.includes('\u0000')) {
      done(new Error(`line ${this.lines}: NUL`));
      return;
    }
    this.lines += countNewlines(text);
    done(null, text);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.decoder.decode());
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** What importRecords does with each batch before the database: parse the cells, format COPY text. */
async function importWork(records: AsyncIterable<SourceRow[]>, perRow: boolean): Promise<number> {
  const def = kindDefinition('attendance');
  const defaults = def.defaults?.({
    principalName: 'bench',
    now: new Date().toISOString(),
    knownAt: null,
    placementScope: null,
  });
  const errors = new ErrorList(10_000);
  let mapping: number[] | undefined;
  let width = 0;
  let rows = 0;
  for await (const batch of records) {
    let from = 0;
    if (!mapping) {
      mapping = mapHeader(def, batch[0].cells);
      width = batch[0].cells.length;
      from = 1;
    }
    rows += batch.length - from;
    if (!perRow) continue;
    let chunk = '';
    for (let i = from; i < batch.length; i++) {
      const values = parseRow(def, mapping, width, batch[i], defaults, errors);
      if (values) chunk += copyRow(values);
    }
    // The COPY stream turns each chunk into bytes before it goes to the socket; here they are dropped.
    Buffer.from(chunk);
  }
  if (errors.count > 0) throw new Error(`unexpected row errors: ${JSON.stringify(errors.listed[0])}`);
  return rows;
}

function runVariant(variant: Variant, file: string): Promise<number> {
  const perRow = !variant.endsWith('ReadOnly');
  const records = variant.startsWith('csvParse') ? csvParseRecords(file) : readRecords({ path: file }, 'csv');
  return importWork(records, perRow);
}

/** In a child process: one variant, timed, with this process's peak RSS sampled every 10 ms. */
async function child(variant: Variant, file: string): Promise<void> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const start = process.hrtime.bigint();
  const rows = await runVariant(variant, file);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.send?.({ rows, seconds, peakRssMb: Math.round(peak / 1048576) });
}

function inChild(
  variant: Variant,
  file: string,
): Promise<{ rows: number; seconds: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, ['--child', variant, file]);
    let answer: { rows: number; seconds: number; peakRssMb: number } | undefined;
    proc.on('message', (m) => {
      answer = m as typeof answer;
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code === 0 && answer) resolve(answer);
      else reject(new Error(`${variant} exited with ${code}`));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const rounds = Number(process.argv[3] ?? 5);
  const loadAverageAtStart = os.loadavg().map((l) => Number(l.toFixed(2)));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alp-parse-bench-'));
  try {
    const fixture = await writeFixture(dir, rows);
    const file = fixture.attendanceFile;
    const runs = {} as Record<Variant, Run[]>;
    for (let round = 0; round < rounds; round++)
      for (const variant of VARIANTS) {
        const r = await inChild(variant, file);
        if (r.rows !== fixture.rows) throw new Error(`${variant} read ${r.rows} rows, not ${fixture.rows}`);
        runs[variant] ??= [];
        runs[variant].push({
          seconds: Number(r.seconds.toFixed(3)),
          rowsPerSecond: Math.round(fixture.rows / r.seconds),
          peakRssMb: r.peakRssMb,
        });
      }
    const medians = Object.fromEntries(
      VARIANTS.map((v) => [v, median(runs[v].map((r) => r.seconds))]),
    ) as Record<Variant, number>;
    const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
    console.log(
      JSON.stringify(
        {
          machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
          node: process.version,
          loadAverageAtStart,
          loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))),
          rows: fixture.rows,
          fileMb: Number(((await stat(file)).size / 1048576).toFixed(1)),
          medianSeconds: medians,
          medianRowsPerSecond: Object.fromEntries(
            VARIANTS.map((v) => [v, Math.round(fixture.rows / medians[v])]),
          ),
          medianPeakRssMb: Object.fromEntries(
            VARIANTS.map((v) => [v, median(runs[v].map((r) => r.peakRssMb))]),
          ),
          csvParseOverPapaParse: ratio(medians.csvParse, medians.papaParse),
          csvParseOverPapaParseReadOnly: ratio(medians.csvParseReadOnly, medians.papaParseReadOnly),
          runs,
        },
        null,
        2,
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child')
  child(process.argv[3] as Variant, process.argv[4]).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
else
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
