import { PoolClient } from 'pg';
import type { PlacementImportScope } from '../auth/import-scope';
import { CellParser } from './cell-parsers';

export const IMPORT_KINDS = [
  'authorities',
  'calendar',
  'schools',
  'providers',
  'provider_evidence',
  'provider_visits',
  'pupils',
  'placements',
  'targets',
  'reviews',
  'attendance',
  'destinations',
] as const;

export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(s: string): s is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(s);
}

/** One rejected cell or row. `line` is the line a user sees in the file (header = 1). */
export interface RowError {
  line: number;
  column: string;
  value: string;
  reason: string;
}

export interface ImportResult {
  kind: ImportKind;
  /** Data rows read (header excluded). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Every rejected row, by line; non-empty means nothing was stored. */
  errors: RowError[];
  /** Errors past the listing limit, counted but not listed (0 unless a file is wholesale wrong). */
  errorsNotListed: number;
  /** The import run that recorded this import (`import_run.id`, `imports list`). */
  runId: number;
}

/** What a kind may take from the import itself: the caller's name and the time of import. */
export interface ImportContext {
  principalName: string;
  /** ISO 8601 instant of the import: when the hub receives the file. */
  now: string;
  /** ISO 8601 instant a back-load makes its records known from (`--known-at`); null for a plain import. */
  knownAt: string | null;
  /** The placements the importer's rows may not name (src/auth/import-scope.ts); null when any. */
  placementScope: PlacementImportScope | null;
}

/** PostgreSQL type of a staging column; canonical text from a CellParser casts to it exactly. */
export type StageType = 'text' | 'date' | 'boolean' | 'integer' | 'bigint' | 'numeric' | 'timestamptz';

export interface ColumnDef {
  /** Header name as the spec writes it (lower-case). */
  name: string;
  required: boolean;
  type: StageType;
  parse: CellParser;
}

/**
 * A problem spanning cells of one row (an end before its start), checked while streaming. A check
 * reading a column the file may leave out has the same check in SQL (`sql`, over `ingest_stage s` once
 * absent columns are filled from the stored records), run when one of `reads` is absent.
 */
export type RowCheck = ((row: Record<string, string | null>) => { column: string; reason: string } | null) & {
  reads?: string[];
  sql?: string;
};

/** A staging column filled by a RowLookup rather than read from the file. */
export interface DerivedColumn {
  name: string;
  type: StageType;
}

/** Reports a problem with the row being resolved: the column, the value quoted back, the reason. */
export type ReportProblem = (column: string, value: string, reason: string) => void;

/**
 * Checks against reference data made in JS while the file streams, for a kind whose files are big: one
 * Map lookup per row instead of joining every staged row in SQL. `open` is called once per import,
 * inside its transaction; before each batch of parsed rows, `prepare` loads the reference rows it has
 * not seen yet (so a day's register reads a few rows, a year's file each placement once), calling
 * `pause` first because a COPY in progress holds the connection; `resolve`
 * then takes one row's canonical values (line first, then `columns` in order) and returns the values of
 * the derived columns, or reports every problem and returns null.
 */
export interface RowLookup {
  derived: DerivedColumn[];
  open(client: PoolClient, columns: ColumnDef[], ctx: ImportContext): BatchResolver;
}

/**
 * How a staged row finds the record it updates, and how that record reads as staging values: a column
 * absent from a file takes the stored value (absent is not empty). `from` is a FROM list, `match` the
 * condition joining it to `ingest_stage s`, `columns` the SQL expression of each column the file may
 * leave out (natural-key columns must be present; a column not listed, such as recorded_at, takes its
 * default when absent).
 */
export interface StoredRecord {
  from: string;
  match: string;
  columns: Record<string, string>;
}

export interface BatchResolver {
  prepare(rows: (string | null)[][], pause: () => Promise<void>): Promise<void>;
  resolve(values: (string | null)[], report: ReportProblem): (string | null)[] | null;
  /**
   * True when `resolve` has itself reported every row whose natural key repeats an earlier staged
   * row's (with the message of the SQL check), so that the import can skip that check.
   */
  checkedDuplicates(): boolean;
}

/**
 * Everything one import kind needs: its columns, row-level checks in JS, and set-based SQL over the
 * staging table `ingest_stage (line, <columns>)`. Statements run in one transaction, in this order:
 * `prepare` (locks, resolution tables), `checks` (each selects line, column, value, reason of bad rows;
 * all run so the answer lists every bad row), then, only when nothing was rejected, `merge` (its last
 * statement selects one row of `inserted` and `updated` counts).
 */
export interface KindDefinition {
  kind: ImportKind;
  /** The table the merge writes; analysed after a large merge so the next import plans well. */
  table: string;
  columns: ColumnDef[];
  /** Staging columns that identify a record; the same key twice in one file is rejected. */
  naturalKey: string[];
  rowChecks?: RowCheck[];
  /** Reference checks in JS, whose derived columns are staged after the file's (see RowLookup). */
  lookup?: RowLookup;
  /** Values for cells not given that come from the import itself rather than from a column default. */
  defaults?: (ctx: ImportContext) => Record<string, string>;
  /** The stored record a staged row updates (see StoredRecord). */
  stored: StoredRecord;
  prepare?: string[];
  checks: string[];
  merge: string[];
}

/** The staging table's columns after `line`: the file's, then those a lookup derives. */
export function stagedColumns(def: KindDefinition): DerivedColumn[] {
  return [...def.columns, ...(def.lookup?.derived ?? [])];
}

export function column(name: string, type: StageType, parse: CellParser, required = false): ColumnDef {
  return { name, type, parse, required };
}

/** A check for end-before-start pairs, for rowCheck. */
export function notBefore(endColumn: string, startColumn: string): RowCheck {
  const check: RowCheck = (row) => {
    const end = row[endColumn];
    const start = row[startColumn];
    if (end && start && end < start)
      return { column: endColumn, reason: `${endColumn} is before ${startColumn} ${start}` };
    return null;
  };
  check.reads = [endColumn, startColumn];
  check.sql = `SELECT s.line, '${endColumn}' AS column, s.${endColumn}::text AS value,
    '${endColumn} is before ${startColumn} ' || s.${startColumn} AS reason
  FROM ingest_stage s WHERE s.${endColumn} < s.${startColumn}`;
  return check;
}

/** SQL rejecting rows whose reference does not exist; `sqlExists` is a condition on `s`. */
export function missingReference(columnName: string, what: string, sqlExists: string): string {
  return `SELECT s.line, '${columnName}' AS column, s.${columnName}::text AS value,
    '${what} ' || s.${columnName} || ' does not exist' AS reason
  FROM ingest_stage s WHERE s.${columnName} IS NOT NULL AND NOT EXISTS (${sqlExists})`;
}

/** The counts statement that ends most merges: `upserted` is a CTE returning `inserted boolean`. */
export const COUNT_UPSERTED = `SELECT count(*) FILTER (WHERE inserted) AS inserted,
  count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`;

/** StoredRecord columns read as they are from the stored record `t`. */
export function storedColumns(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, `t.${n}`]));
}
