import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { IngestError } from './ingest-error';

/** One record of a file: the line a user sees where it starts (header = 1) and its raw cells. */
export interface SourceRow {
  line: number;
  cells: string[];
}

export type ImportSource = { path: string } | { content: Buffer };
export type ImportFormat = 'csv' | 'xlsx';

/** A row longer than this many characters is refused (bounds memory whatever the file). */
export const MAX_ROW_CHARACTERS = 1_048_576;

/** The records of a file in batches, header first, as one async sequence whatever the format. */
export function readRecords(source: ImportSource, format: ImportFormat): AsyncIterable<SourceRow[]> {
  return format === 'xlsx' ? readXlsx(source) : readCsv(source);
}

function sourceName(source: ImportSource): string {
  return 'path' in source ? source.path : 'the file';
}

/**
 * Decodes UTF-8 strictly (a BOM is dropped by csv-parse), so that Latin-1 or UTF-16 bytes are refused
 * with the line they are on instead of being stored as replacement characters.
 */
class Utf8Decoder extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private bytes = 0;
  private lines = 1;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
    this.setEncoding('utf8');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const decoded = this.decode(chunk);
    if (decoded instanceof IngestError) {
      done(decoded);
      return;
    }
    this.bytes += chunk.length;
    this.lines += countNewlines(decoded);
    done(null, decoded);
  }

  private decode(chunk: Buffer): string | IngestError {
    if (this.bytes === 0 && chunk.length >= 2) {
      const bom = chunk.readUInt16BE(0);
      if (bom === 0xfffe || bom === 0xfeff)
        return new IngestError(
          'INGEST_ENCODING',
          'the file is UTF-16; save it as CSV UTF-8 (comma delimited)',
        );
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      return this.encodingError(chunk);
    }
    const nul = text.indexOf('\u0000');
    if (nul !== -1) {
      const line = this.lines + countNewlines(text.slice(0, nul));
      return new IngestError(
        'INGEST_ENCODING',
        `line ${line}: NUL characters; the file is not UTF-8 text (UTF-16?): save it as CSV UTF-8`,
        undefined,
        { line },
      );
    }
    return text;
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.decoder.decode());
    } catch {
      done(this.encodingError(Buffer.alloc(0)));
    }
  }

  /** Says on which line the first byte that is not UTF-8 is. */
  private encodingError(chunk: Buffer): IngestError {
    const lenient = new TextDecoder('utf-8').decode(chunk);
    const bad = lenient.indexOf('\uFFFD');
    const line = this.lines + countNewlines(bad === -1 ? lenient : lenient.slice(0, bad));
    return new IngestError(
      'INGEST_ENCODING',
      `line ${line}: the file is not UTF-8 (Latin-1 or Windows-1252?); save it as CSV UTF-8`,
      undefined,
      { line },
    );
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Rows handed over at once: per-row awaits would cost more than parsing them. */
const BATCH = 2_000;

async function* readCsv(source: ImportSource): AsyncGenerator<SourceRow[]> {
  const input =
    'path' in source
      ? createReadStream(source.path, { highWaterMark: 256 * 1024 })
      : Readable.from([source.content]);
  const decoder = new Utf8Decoder();
  // Empty lines come through as one empty cell so that line numbers can be counted here, without
  // csv-parse's per-record info objects (they double its cost).
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
      while (batch.length < BATCH) {
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
  } catch (err) {
    throw toIngestError(failure ?? err, source);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function toIngestError(err: unknown, source: ImportSource): unknown {
  if (err instanceof IngestError) return err;
  if (err instanceof CsvError) {
    const line = (err as CsvError & { lines?: number }).lines;
    if (err.code === 'CSV_MAX_RECORD_SIZE')
      return new IngestError(
        'INGEST_ROW_TOO_LARGE',
        `line ${line}: a row is longer than ${MAX_ROW_CHARACTERS} characters`,
        undefined,
        { line },
      );
    const reason = err.message.replace(/ at line \d+.*$/s, '').replace(/^Invalid/, 'invalid');
    return new IngestError('INGEST_MALFORMED_CSV', `line ${line}: not valid CSV (${reason})`, undefined, {
      line,
    });
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
    return new IngestError('INGEST_UNREADABLE', `cannot read ${sourceName(source)}: ${code}`);
  return err;
}

async function* readXlsx(source: ImportSource): AsyncGenerator<SourceRow[]> {
  let buffer: Buffer;
  try {
    buffer = 'path' in source ? await readFile(source.path) : source.content;
  } catch (err) {
    throw toIngestError(err, source);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types predate Buffer<ArrayBufferLike>
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (err) {
    throw new IngestError(
      'INGEST_UNREADABLE',
      `${sourceName(source)} is not an .xlsx workbook (${(err as Error).message})`,
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return;
  const rows: SourceRow[] = [];
  let width = 0;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) cells.push(xlsxCellText(row.getCell(i).value));
    if (rows.length === 0) {
      while (cells.length > 0 && cells[cells.length - 1].trim() === '') cells.pop();
      width = cells.length;
    }
    if (cells.every((c) => c.trim() === '')) return;
    // Spreadsheet rows end at their last filled cell; pad them to the header.
    while (cells.length < width) cells.push('');
    while (cells.length > width && cells[cells.length - 1].trim() === '') cells.pop();
    rows.push({ line: rowNumber, cells });
  });
  if (rows.length > 0) yield rows;
}

/** A cell as the text a CSV export would hold: dates as YYYY-MM-DD, date-times as London wall time. */
function xlsxCellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value)
    return xlsxCellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  if ('error' in value) return String(value.error);
  return String(value);
}
