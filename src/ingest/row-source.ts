import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import ExcelJS from 'exceljs';
import { CsvRecord, CsvRecords } from './csv-records';
import { IngestError } from './ingest-error';

/** One record of a file: the line a user sees where it starts (header = 1) and its raw cells. */
export type SourceRow = CsvRecord;

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
 * The most text parsed at once: a batch is the records of one piece (about 1,100 attendance rows), and
 * a record left unfinished at its end is parsed again with the next one. Under 128 KB, V8's threshold
 * for large objects: strings that big get pages of their own (a third of the page faults, and less CPU
 * time, than with 128 KB pieces on the 1M-row attendance file).
 */
export const PIECE = 64 * 1024;

/** Bytes read from a file at a time: each read costs a round trip to libuv's threads. */
const READ = 1024 * 1024;

/** The records of a CSV file, read in pieces (memory does not depend on the file's size). */
async function* readCsv(source: ImportSource): AsyncGenerator<SourceRow[]> {
  const records = new CsvRecords(MAX_ROW_CHARACTERS);
  const utf8 = new Utf8Text(records);
  const chunks = 'path' in source ? createReadStream(source.path, { highWaterMark: READ }) : [source.content];
  try {
    for await (const chunk of chunks)
      for (let at = 0; at < chunk.length; at += PIECE) {
        // A piece of bytes decodes to at most as many characters.
        const batch = records.push(utf8.decode(chunk.subarray(at, at + PIECE)));
        if (batch.length > 0) yield batch;
      }
    const last = records.push(utf8.decode(undefined));
    const rest = records.end();
    if (last.length + rest.length > 0) yield last.concat(rest);
  } catch (err) {
    throw toIngestError(err, source);
  }
}

/**
 * Decodes UTF-8 strictly, so that Latin-1 or UTF-16 bytes are refused with the line they are on instead
 * of being stored as replacement characters; drops a UTF-8 BOM at the start.
 */
class Utf8Text {
  // The BOM is dropped here, not by the decoder: the decoder does not see the chunks that skip it.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Whether the decoder may hold the first bytes of a character cut by the end of the last chunk. */
  private pending = false;
  private atStart = true;

  constructor(private readonly records: CsvRecords) {}

  /** The text of the next chunk of bytes; the end of the file when `chunk` is undefined. */
  decode(chunk: Buffer | undefined): string {
    if (this.atStart && chunk && chunk.length >= 2) {
      const bom = chunk.readUInt16BE(0);
      if (bom === 0xfffe || bom === 0xfeff)
        throw new IngestError(
          'INGEST_ENCODING',
          'the file is UTF-16; save it as CSV UTF-8 (comma delimited)',
        );
    }
    let text: string;
    if (chunk && !this.pending && isAscii(chunk)) {
      // ASCII is UTF-8 as it is: copying it is several times faster than decoding it.
      text = chunk.toString('latin1');
    } else {
      try {
        text = chunk ? this.decoder.decode(chunk, { stream: true }) : this.decoder.decode();
      } catch {
        throw this.notUtf8(chunk);
      }
      this.pending = chunk !== undefined && chunk.length > 0 && chunk[chunk.length - 1] >= 0x80;
    }
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const nul = text.indexOf('\u0000');
    if (nul !== -1) {
      const line = this.records.lineOf(text.slice(0, nul));
      throw new IngestError(
        'INGEST_ENCODING',
        `line ${line}: NUL characters; the file is not UTF-8 text (UTF-16?): save it as CSV UTF-8`,
        undefined,
        { line },
      );
    }
    return text;
  }

  /** Says on which line the first byte that is not UTF-8 is. */
  private notUtf8(chunk: Buffer | undefined): IngestError {
    const lenient = chunk ? new TextDecoder('utf-8').decode(chunk) : '';
    const bad = lenient.indexOf('\uFFFD');
    const line = this.records.lineOf(bad === -1 ? lenient : lenient.slice(0, bad));
    return new IngestError(
      'INGEST_ENCODING',
      `line ${line}: the file is not UTF-8 (Latin-1 or Windows-1252?); save it as CSV UTF-8`,
      undefined,
      { line },
    );
  }
}

function toIngestError(err: unknown, source: ImportSource): unknown {
  if (err instanceof IngestError) return err;
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
    for (let i = 1; i <= row.cellCount; i++) {
      const cell = row.getCell(i);
      try {
        cells.push(xlsxCellText(cell.value, cell.numFmt));
      } catch (err) {
        if (!(err instanceof UnreadableCell)) throw err;
        throw new IngestError(
          'INGEST_UNREADABLE',
          `${sourceName(source)}: cell ${cell.address} (line ${rowNumber}) ${err.message}; nothing was stored`,
          undefined,
          { line: rowNumber, cell: cell.address },
        );
      }
    }
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

/** A number format that shows a time of day (`h`, `s`, or AM/PM outside quotes and brackets). */
function showsTime(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[hs]|am\/pm|a\/p/i.test(bare);
}

/**
 * A cell as the text a CSV export would hold: a date cell as YYYY-MM-DD, a date-time cell (a time in
 * its number format, or a time of day other than midnight) as London wall time to the second. Excel
 * keeps no time zone: exceljs gives the wall-clock fields as UTC, and serial numbers round to the
 * millisecond, hence the rounding to the nearest second.
 */
export function xlsxCellText(value: ExcelJS.CellValue, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  // binary floating point as Excel shows it (15 significant digits): =1.1*100 is 110, not 110.00000000000001
  if (typeof value === 'number') return String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    const iso = new Date(Math.round(value.getTime() / 1000) * 1000).toISOString();
    return iso.endsWith('T00:00:00.000Z') && !showsTime(numFmt) ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    // a workbook written by a library rather than Excel may hold formulas never calculated: read as
    // empty, one would clear the field it stands in
    if (result === undefined)
      throw new UnreadableCell(
        'holds a formula with no calculated value: open the workbook in Excel and save it, or paste values',
      );
    return xlsxCellText(result as ExcelJS.CellValue, numFmt);
  }
  if ('text' in value) return String(value.text);
  if ('error' in value) throw new UnreadableCell(`holds the error ${String(value.error)}`);
  return String(value);
}

/** A cell whose value cannot stand for what a CSV export would hold. */
class UnreadableCell extends Error {}
