import { ParseError, ParseResult, Parser } from 'papaparse';
import { IngestError } from './ingest-error';

/** One record of a file: the line a user sees where it starts (header = 1) and its raw cells. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

const QUOTE = 34; // "
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Splits decoded CSV text, handed over in pieces of any size, into records (RFC 4180: comma delimited,
 * `"` quoted, a quote inside a quoted cell doubled), with the line each record starts on.
 *
 * Papa Parse's low-level parser does the splitting: it is several times faster than csv-parse. What it
 * does not do, this class does around it:
 * - Line endings: `\r\n`, `\n` and `\r` all end a record, mixed in one file too (as csv-parse did).
 *   Papa takes one fixed newline, `\n`; outside quoted cells a lone `\r` becomes `\n` and, where the text
 *   has quotes, `\r\n` becomes `\n`. Where it has none, the `\r` of a `\r\n` is left at the end of the
 *   record's last cell and dropped there (cheaper than rewriting the text). Quoted cells keep their
 *   line breaks as written.
 * - Strict quoting: Papa accepts a quote inside an unquoted cell (`O"Brien`, ` "a,b"`) and spaces after a
 *   closing quote, and reports other problems in `errors` without throwing. Those would split or join
 *   cells silently, so every quote is checked here first and any error refuses the file
 *   (INGEST_MALFORMED_CSV with its line).
 * - Bounded memory: text that does not end a record is kept (the tail) and parsed again with the next
 *   piece; a record longer than `maxRow` characters is refused (INGEST_ROW_TOO_LARGE, the line it starts
 *   on) as soon as that is known, so an unterminated quote never buffers the rest of the file.
 * - Lines: a record starts one line after the previous one ends; blank records (every cell empty or
 *   spaces) are skipped but counted. Only quoted cells can hold line breaks, so cells are scanned for
 *   them only in text that has quotes.
 */
export class CsvRecords {
  /** The start of an unfinished record, parsed again with the next piece. */
  private tail = '';
  /** The line `tail` starts on. */
  private line = 1;
  private readonly parser = new Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });

  constructor(private readonly maxRow: number) {}

  /** The records that `piece` completes; pieces of a few hundred KB keep batches and re-parses small. */
  push(piece: string): CsvRecord[] {
    // The length check relies on pieces no longer than a record may be.
    if (piece.length <= this.maxRow) return this.parse(this.tail + piece, false);
    const records: CsvRecord[] = [];
    for (let at = 0; at < piece.length; at += this.maxRow)
      for (const r of this.parse(this.tail + piece.slice(at, at + this.maxRow), false)) records.push(r);
    return records;
  }

  /** The last record, once the whole file has been pushed. */
  end(): CsvRecord[] {
    const text = this.tail;
    this.tail = '';
    return text === '' ? [] : this.parse(text, true);
  }

  /** The line of the character that follows `prefix`, `prefix` being the start of the next piece. */
  lineOf(prefix: string): number {
    return this.line + lineBreaks(this.tail + prefix, 0, this.tail.length + prefix.length);
  }

  private parse(input: string, final: boolean): CsvRecord[] {
    let text = input;
    // A `\r` at the end may be the first half of `\r\n`: it waits for the next piece.
    const held = !final && text.charCodeAt(text.length - 1) === CR ? '\r' : '';
    if (held) text = text.slice(0, -1);
    const quoted = text.indexOf('"') !== -1;
    const cr = text.indexOf('\r') !== -1;
    if (quoted) text = this.checkQuotes(text, final);
    else if (cr) text = text.replace(LONE_CR, '\n');
    if (text.length > this.maxRow) this.checkFirstRecord(text);

    const result = this.parser.parse(text, 0, !final) as ParseResult<string[]>;
    if (result.errors.length > 0) throw this.papaError(text, result.errors[0]);
    this.tail = final ? '' : text.slice(result.meta.cursor) + held;

    const records: CsvRecord[] = [];
    const data = result.data;
    let line = this.line;
    for (let i = 0; i < data.length; i++) {
      const cells = data[i];
      const start = line;
      if (quoted) {
        for (let c = 0; c < cells.length; c++) line += lineBreaks(cells[c], 0, cells[c].length);
      } else if (cr) {
        const last = cells.length - 1;
        const cell = cells[last];
        if (cell.charCodeAt(cell.length - 1) === CR) cells[last] = cell.slice(0, -1);
      }
      line++;
      if (!isBlank(cells)) records.push({ line: start, cells });
    }
    this.line = line;
    if (this.tail.length - held.length > this.maxRow) throw this.tooLarge();
    return records;
  }

  /**
   * Checks every quote of `text` (which starts a record) and returns it with `\r\n` and lone `\r`
   * outside quoted cells turned into `\n`. An open quoted cell at the end of text that is not final is
   * left for the next piece, as Papa leaves it.
   */
  private checkQuotes(text: string, final: boolean): string {
    const parts: string[] = [];
    let copied = 0;
    let at = 0;
    // Found once and moved on, not searched for again from every quote (that would be quadratic).
    let cr = text.indexOf('\r');
    for (;;) {
      const open = text.indexOf('"', at);
      // Outside quoted cells every \r is a line break.
      const outsideEnd = open === -1 ? text.length : open;
      for (; cr !== -1 && cr < outsideEnd; cr = text.indexOf('\r', cr + 1)) {
        parts.push(text.slice(copied, cr));
        if (text.charCodeAt(cr + 1) !== LF) parts.push('\n');
        copied = cr + 1;
      }
      if (open === -1) break;
      const before = open === 0 ? LF : text.charCodeAt(open - 1);
      if (before !== COMMA && before !== LF && before !== CR)
        throw this.quoteError(
          text,
          open,
          'a quote inside a cell that does not start with one; quote the whole cell and double its quotes',
        );
      let close = open;
      for (;;) {
        close = text.indexOf('"', close + 1);
        if (close === -1 || (close === text.length - 1 && !final)) {
          // Unfinished: the next piece may close it (or double the last quote).
          if (!final) return join(parts, text, copied);
          throw this.quoteError(text, open, 'a quoted cell is not closed before the end of the file');
        }
        if (text.charCodeAt(close + 1) !== QUOTE) break;
        close++;
      }
      const after = text.charCodeAt(close + 1);
      if (close + 1 < text.length && after !== COMMA && after !== LF && after !== CR)
        throw this.quoteError(
          text,
          close,
          `a closing quote must be followed by a comma or the end of the line, not ${JSON.stringify(text[close + 1])}`,
          close + 2,
        );
      at = close + 1;
      if (cr !== -1 && cr < at) cr = text.indexOf('\r', at);
    }
    return join(parts, text, copied);
  }

  /** Only the first record can be longer than the limit: the others lie in one piece. */
  private checkFirstRecord(text: string): void {
    const end = recordEnd(text);
    if ((end === -1 ? text.length : end) > this.maxRow) throw this.tooLarge();
  }

  /**
   * A bad quote at `index`, found on reading text up to `seen`; unless the first record is too long
   * before that: errors are told in the order of the file, whatever the pieces.
   */
  private quoteError(text: string, index: number, reason: string, seen = index): IngestError {
    const end = recordEnd(text.slice(0, seen));
    if ((end === -1 ? seen : end) > this.maxRow) return this.tooLarge();
    return this.malformed(text, index, reason);
  }

  private tooLarge(): IngestError {
    return new IngestError(
      'INGEST_ROW_TOO_LARGE',
      `line ${this.line}: a row is longer than ${this.maxRow} characters`,
      undefined,
      { line: this.line },
    );
  }

  private malformed(text: string, index: number, reason: string): IngestError {
    const line = this.line + lineBreaks(text, 0, index);
    return new IngestError('INGEST_MALFORMED_CSV', `line ${line}: not valid CSV (${reason})`, undefined, {
      line,
    });
  }

  /** Papa's own complaints; the checks above leave none, but a file is never accepted past one. */
  private papaError(text: string, error: ParseError): IngestError {
    return this.malformed(text, error.index ?? 0, error.message.toLowerCase());
  }
}

/** A `\r` not followed by `\n` (text without quotes; a `\r` at the very end has been held back). */
const LONE_CR = /\r(?!\n)/g;

function join(parts: string[], text: string, copied: number): string {
  if (parts.length === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Where the first record of `text` ends (its first line break outside quotes), or -1. */
function recordEnd(text: string): number {
  let lf = text.indexOf('\n');
  let cr = text.indexOf('\r');
  let open = text.indexOf('"');
  for (;;) {
    const end = lf === -1 || (cr !== -1 && cr < lf) ? cr : lf;
    if (open === -1 || (end !== -1 && end < open)) return end;
    let close = open;
    do {
      close = text.indexOf('"', close + 1);
      if (close === -1) return -1;
    } while (text.charCodeAt(++close) === QUOTE);
    // Line breaks inside the quoted cell do not count; search on from its end.
    if (lf !== -1 && lf < close) lf = text.indexOf('\n', close);
    if (cr !== -1 && cr < close) cr = text.indexOf('\r', close);
    open = text.indexOf('"', close);
  }
}

/** Line breaks in text[from, to): `\r\n`, `\n` and a lone `\r` count one each. */
export function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r', from); i !== -1 && i < to; i = text.indexOf('\r', i + 1))
    if (text.charCodeAt(i + 1) !== LF) n++;
  return n;
}

/**
 * A copy of `s` that shares no memory with it. A cell is a slice of the piece of text it was parsed from
 * and keeps the whole piece alive (V8 slices strings of 13 characters or more), so anything derived from
 * cells that outlives its batch (memoised answers, listed errors) is kept as a copy.
 */
export function detached(s: string): string {
  return JSON.parse(JSON.stringify(s));
}

/** Every cell empty or whitespace (spreadsheets leave such rows). */
function isBlank(cells: string[]): boolean {
  const first = cells[0];
  const c = first.charCodeAt(0);
  // A printable ASCII first character settles it without trimming.
  if (c > 32 && c < 127) return false;
  for (let i = 0; i < cells.length; i++) if (cells[i].trim() !== '') return false;
  return true;
}
