import { CellProblem } from './cell-parsers';
import { detached } from './csv-records';
import { IngestError } from './ingest-error';
import { KindDefinition, RowError } from './kind-definition';
import { SourceRow } from './row-source';

/** The longest cell value quoted back in an error. */
const MAX_QUOTED = 200;

/** `s.trim()`, without the call when it starts and ends with printable ASCII (the common case). */
function trimmed(s: string): string {
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 ? s : s.trim();
}

/** Collects row errors; past `limit` they are only counted. */
export class ErrorList {
  readonly listed: RowError[] = [];
  notListed = 0;

  constructor(readonly limit: number) {}

  add(line: number, column: string, value: string, reason: string): void {
    if (this.listed.length >= this.limit) {
      this.notListed++;
      return;
    }
    const quoted = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
    // Kept to the end of the import: copies, not slices of the text the cells came from.
    this.listed.push({ line, column, value: detached(quoted), reason: detached(reason) });
  }

  get count(): number {
    return this.listed.length + this.notListed;
  }

  get room(): number {
    return Math.max(0, this.limit - this.listed.length);
  }
}

/**
 * For each column of the definition, the index of its cell in the file's header (-1: not in the file).
 * Header names match case-insensitively with surrounding spaces ignored; a name the kind does not have,
 * a name given twice, or a natural-key column missing refuses the whole file.
 */
export function mapHeader(def: KindDefinition, header: string[]): number[] {
  const known = new Map(def.columns.map((c, i) => [c.name, i]));
  const mapping = def.columns.map(() => -1);
  const unknown: string[] = [];
  header.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    const at = known.get(name);
    if (at === undefined) {
      unknown.push(name === '' ? `(empty name in column ${index + 1})` : raw.trim());
      return;
    }
    if (mapping[at] !== -1)
      throw new IngestError('INGEST_DUPLICATE_COLUMN', `column ${name} appears twice in the header`, name);
    mapping[at] = index;
  });
  const expected = def.columns.map((c) => c.name).join(', ');
  if (unknown.length > 0)
    throw new IngestError(
      'INGEST_UNKNOWN_COLUMN',
      `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in a ${def.kind} file; the columns are: ${expected}`,
      unknown[0],
    );
  // Other required columns may be absent from a file that only updates records (see absentColumns).
  const missing = def.naturalKey.filter(
    (name) => mapping[def.columns.findIndex((c) => c.name === name)] === -1,
  );
  if (missing.length > 0)
    throw new IngestError(
      'INGEST_MISSING_COLUMN',
      `column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing from a ${def.kind} file: ${def.naturalKey.join(', ')} identify each record and must be present`,
      missing[0],
    );
  return mapping;
}

/**
 * One file row as canonical staging values (line first), or null after recording its problems.
 * `defaults` fill cells not given for columns whose default comes from the import itself.
 */
export function parseRow(
  def: KindDefinition,
  mapping: number[],
  headerWidth: number,
  row: SourceRow,
  defaults: Record<string, string> | undefined,
  errors: ErrorList,
): (string | null)[] | null {
  if (row.cells.length !== headerWidth) {
    errors.add(row.line, '', '', `the row has ${row.cells.length} cells, the header has ${headerWidth}`);
    return null;
  }
  const values: (string | null)[] = new Array(def.columns.length + 1);
  values[0] = String(row.line);
  let ok = true;
  for (let i = 0; i < def.columns.length; i++) {
    const col = def.columns[i];
    const at = mapping[i];
    if (at === -1) {
      // absent: filled from the stored record, or the default for a new one
      values[i + 1] = defaults?.[col.name] ?? null;
      continue;
    }
    const raw = trimmed(row.cells[at]);
    if (raw === '') {
      if (col.required) {
        errors.add(row.line, col.name, '', `${col.name} is required`);
        ok = false;
      }
      values[i + 1] = defaults?.[col.name] ?? null;
      continue;
    }
    try {
      values[i + 1] = col.parse(raw);
    } catch (err) {
      if (!(err instanceof CellProblem)) throw err;
      errors.add(row.line, col.name, raw, err.message);
      ok = false;
    }
  }
  if (ok && def.rowChecks) {
    const named: Record<string, string | null> = {};
    def.columns.forEach((c, i) => {
      named[c.name] = values[i + 1];
    });
    for (const check of def.rowChecks) {
      const problem = check(named);
      if (problem) {
        errors.add(row.line, problem.column, named[problem.column] ?? '', problem.reason);
        ok = false;
      }
    }
  }
  return ok ? values : null;
}
