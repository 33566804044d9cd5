import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PoolClient } from 'pg';
import { VERSIONED_TABLES } from '../../migrations/1765500000000-RecordVersions';
import { auditImport } from '../audit/import-audit';
import { importScopeChecks, mayImportKind, placementImportScope } from '../auth/import-scope';
import { Principal } from '../auth/principal';
import { Database } from '../db/database';
import { setChangeContext } from '../history/change-context';
import { forgetIndicatorPoints } from '../indicators/series-points';
import { logger } from '../logger';
import { holdOffErasure } from '../records/erasure-lock';
import { absentColumns } from './absent-columns';
import { finishImportRun, recordImportEnd, startImportRun } from './import-run.service';
import { IngestError } from './ingest-error';
import {
  IMPORT_KINDS,
  ImportKind,
  ImportResult,
  isImportKind,
  KindDefinition,
  RowError,
} from './kind-definition';
import { KIND_DEFINITIONS } from './kinds';
import { ErrorList, mapHeader, parseRow } from './row-parser';
import { ImportFormat, ImportSource, readRecords, SourceRow } from './row-source';
import { createStagingTableSql, openStagingWriter } from './staging-writer';

export interface ImportOptions {
  format?: ImportFormat;
  /** The name the import run records (default: the last part of the path; null for a register). */
  fileName?: string | null;
  /** The time of import: when the hub received the file. */
  now?: Date;
  /**
   * Back-loading (administrators): the records are known from this time instead of the time of import,
   * and attendance rows from their own recorded_at (this time when they have none). Never in the future.
   */
  knownAt?: Date;
  /** How many bad rows to list before only counting them. */
  errorLimit?: number;
  /** Told how long each phase took (benchmarks). */
  onPhase?: (phase: string, ms: number) => void;
  /**
   * The import's audit row (src/audit/import-audit.ts): its operation and the file it names (default:
   * the run's file name). Written in the import's transaction, so a stored import always has it and a
   * failed audit stores nothing; a rejected file's row is written after the rollback. None if absent.
   */
  audit?: { operation: string; file?: string };
}

const DEFAULT_ERROR_LIMIT = 10_000;

/**
 * The tables an import of `table` changes, whose statistics the next reads are planned on: the table,
 * its versions (migration RecordVersions) and, for attendance, the per-placement spans and weeks.
 */
function changedTables(table: string): string[] {
  // an attendance import changes at most as many weeks (migration AttendanceWeek) as it brings marks
  if (table === 'attendance') return ['attendance', 'attendance_span', 'attendance_week'];
  return (VERSIONED_TABLES as readonly string[]).includes(table) ? [table, `${table}_version`] : [table];
}

/**
 * Analyses each table an import changed when the change is large beside what its statistics describe
 * (autovacuum's own rule: 50 rows and a tenth of the table) or it was never analysed. Autovacuum may be
 * off, or a minute late: indicators planned on a table whose statistics say it is empty nest loops over
 * thousands of rows (a placement family at 7 s instead of 0.2 s).
 */
async function analyseChanged(client: PoolClient, table: string, changed: number): Promise<void> {
  if (changed === 0) return;
  const tables = changedTables(table);
  const stats = await client.query<{ name: string; reltuples: number }>(
    `SELECT relname AS name, reltuples::float8 AS reltuples FROM pg_class
     WHERE relname = ANY ($1::text[]) AND relnamespace = 'public'::regnamespace`,
    [tables],
  );
  for (const t of stats.rows)
    if (t.reltuples < 0 || changed > 50 + 0.1 * t.reltuples) await client.query(`ANALYZE ${t.name}`);
}

/**
 * Vacuums the attendance weeks after an import committed marks. Every import of this week's registers
 * rewrites this week's rows (migration AttendanceWeek), and where autovacuum is off or late the dead
 * rows stay: the weeks of the `corrections` shape, read by the year's pass, took a third longer
 * before a vacuum. After the first, a vacuum reads only the pages changed since. A failure here leaves
 * the import stored, so it is logged, not thrown.
 */
async function vacuumWeeks(client: PoolClient): Promise<void> {
  try {
    await client.query('VACUUM attendance_week');
  } catch (err) {
    logger.warn({ err }, 'could not vacuum attendance_week after an import; the import is stored');
  }
}

export function kindDefinition(kind: string): KindDefinition {
  if (!isImportKind(kind))
    throw new IngestError(
      'INGEST_UNKNOWN_KIND',
      `unknown kind ${kind}; kinds are ${IMPORT_KINDS.join(', ')}`,
      'kind',
    );
  return KIND_DEFINITIONS[kind];
}

/** Who may send which files: `src/auth/import-scope.ts`. */
export function assertMayImport(principal: Principal, kind: ImportKind): void {
  if (!mayImportKind(principal, kind))
    throw new IngestError('INGEST_FORBIDDEN', `a ${principal.role} user may not import ${kind} files`);
}

/** Imports one file: every row is stored, or none and every bad row is returned. */
export async function importFile(
  db: Database,
  principal: Principal,
  kind: ImportKind,
  source: ImportSource,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const format = opts.format ?? ('path' in source && /\.xlsx$/i.test(source.path) ? 'xlsx' : 'csv');
  const fileName =
    opts.fileName !== undefined ? opts.fileName : 'path' in source ? path.basename(source.path) : null;
  return importRecords(db, principal, kind, readRecords(source, format), { ...opts, fileName });
}

export interface FolderOptions extends Omit<ImportOptions, 'format'> {
  /** Told of each file as soon as it is done (the CLI prints progress with it). */
  onFile?: (file: string, result: ImportResult) => void;
  /** Told of each file before it starts (so a failure that is not an IngestError can be placed). */
  onFileStart?: (file: string) => void;
}

/**
 * Every `<kind>.csv` (or `.xlsx`) of a folder in dependency order, each its own transaction; stops after
 * the first rejected file (its result is the last one returned). A file that cannot be read as a whole
 * throws an IngestError naming it, with `details.file`; the files before it stay imported.
 */
export async function importFolder(
  db: Database,
  principal: Principal,
  folder: string,
  opts: FolderOptions = {},
): Promise<ImportResult[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    throw new IngestError(
      'INGEST_UNREADABLE',
      `cannot read folder ${folder}: ${(err as NodeJS.ErrnoException).code}`,
    );
  }
  const byName = new Map(names.map((n) => [n.toLowerCase(), n]));
  const files = IMPORT_KINDS.flatMap((kind) => {
    const name = byName.get(`${kind}.csv`) ?? byName.get(`${kind}.xlsx`);
    return name ? [{ kind, file: path.join(folder, name) }] : [];
  });
  if (files.length === 0)
    throw new IngestError(
      'INGEST_UNREADABLE',
      `no import files in ${folder}; expected some of ${IMPORT_KINDS.map((k) => `${k}.csv`).join(', ')}`,
    );
  const results: ImportResult[] = [];
  for (const { kind, file } of files) {
    let result: ImportResult;
    opts.onFileStart?.(file);
    try {
      result = await importFile(db, principal, kind, { path: file }, opts);
    } catch (err) {
      if (err instanceof IngestError)
        throw new IngestError(err.code, `${path.basename(file)}: ${err.message}`, err.field, {
          ...err.details,
          file,
        });
      throw err;
    }
    results.push(result);
    opts.onFile?.(file, result);
    if (result.errors.length > 0) break;
  }
  return results;
}

function duplicateKeySql(def: KindDefinition): string {
  const keys = def.naturalKey.map((k) => `"${k}"`).join(', ');
  const shown = def.naturalKey.map((k) => `s."${k}"::text`).join(', ');
  return `WITH dup AS (
      SELECT ${keys}, min(line) AS first_line FROM ingest_stage GROUP BY ${keys} HAVING count(*) > 1)
    SELECT s.line, '${def.naturalKey[0]}' AS column, concat_ws(' ', ${shown}) AS value,
      'the same ${def.naturalKey.join(', ')} is on line ' || dup.first_line AS reason
    FROM ingest_stage s JOIN dup USING (${keys}) WHERE s.line > dup.first_line`;
}

/** The version triggers' refusal of a change known before the record's current version (AH001). */
function historyOrderError(err: unknown, backLoad: boolean): IngestError | undefined {
  if ((err as { code?: string }).code !== 'AH001') return undefined;
  // a plain import is received when it began: a record changed after that and before its merge is
  // a change it did not see, not a back-load out of order
  if (!backLoad)
    return new IngestError(
      'INGEST_CONFLICT',
      `a record of this file was changed while the import ran (${(err as Error).message}); nothing was stored: import the file again`,
    );
  return new IngestError(
    'INGEST_HISTORY_ORDER',
    `${(err as Error).message}; back-load files in the order of their known-at times, before any plain import of the same records`,
    'knownAt',
  );
}

/** Back-loading rewrites what the hub says it knew when: administrators only, and never in the future. */
function assertMayBackLoad(principal: Principal, knownAt: Date, now: Date): void {
  if (principal.role !== 'admin')
    throw new IngestError(
      'INGEST_FORBIDDEN',
      'only an administrator may back-load history (--known-at)',
      'knownAt',
    );
  if (Number.isNaN(knownAt.getTime()))
    throw new IngestError('INGEST_BAD_REQUEST', 'known-at is not a timestamp', 'knownAt');
  if (knownAt.getTime() > now.getTime())
    throw new IngestError(
      'INGEST_BAD_REQUEST',
      `known-at ${knownAt.toISOString()} is in the future: history can only be loaded for the past`,
      'knownAt',
    );
}

/**
 * The one import path behind files, folders, GraphQL and attendance submission, recorded as an import
 * run (`import_run`, outside the import's transaction): started before the file is read, finished with
 * the result or the error, which is then passed on as it was.
 */
export async function importRecords(
  db: Database,
  principal: Principal,
  kind: ImportKind,
  records: AsyncIterable<SourceRow[]>,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  kindDefinition(kind);
  assertMayImport(principal, kind);
  if (opts.knownAt) assertMayBackLoad(principal, opts.knownAt, opts.now ?? new Date());
  const runId = await startImportRun(db, principal, kind, opts.fileName ?? null, opts.knownAt ?? null);
  let result: ImportResult;
  try {
    result = { ...(await importInRun(db, principal, kind, records, runId, opts)), runId };
  } catch (err) {
    await finishImportRun(db, runId, err);
    throw err;
  }
  await finishImportRun(db, runId, result);
  if (opts.knownAt) await forgetPointsAfterCommit(db);
  return result;
}

/**
 * A back-load changed what the hub knew on past dates. Its transaction forgot the stored series points
 * (importInRun); a point computed while it ran saw the data before it, so they are forgotten again
 * once it committed. A failure here leaves the import stored, so it is logged, not thrown.
 */
async function forgetPointsAfterCommit(db: Database): Promise<void> {
  try {
    await forgetIndicatorPoints(db.dataSource);
  } catch (err) {
    logger.warn({ err }, 'could not forget the stored series points after a back-load; the import is stored');
  }
}

/**
 * One import inside its run: `records` yields the
 * header then the rows. Rows are parsed in JS as they stream (and checked against reference data there
 * when the kind has a lookup), staged into a temp table (COPY on the real server, unnest batches on the
 * embedded one), checked with set-based SQL, then merged, all in one transaction. Throws IngestError
 * for a file that cannot be read as a whole; returns bad rows.
 */
async function importInRun(
  db: Database,
  principal: Principal,
  kind: ImportKind,
  records: AsyncIterable<SourceRow[]>,
  runId: number,
  opts: ImportOptions = {},
): Promise<Omit<ImportResult, 'runId'>> {
  const def = kindDefinition(kind);
  const iterator = records[Symbol.asyncIterator]();
  const first = await iterator.next();
  const header = first.done ? undefined : first.value[0];
  if (!header) {
    await iterator.return?.();
    throw new IngestError('INGEST_EMPTY_FILE', 'the file is empty: the first line must be the header');
  }
  let mapping: number[];
  try {
    mapping = mapHeader(def, header.cells);
  } catch (err) {
    await iterator.return?.();
    throw err;
  }
  const headerWidth = header.cells.length;
  const context = {
    principalName: principal.name,
    now: (opts.now ?? new Date()).toISOString(),
    knownAt: opts.knownAt?.toISOString() ?? null,
    placementScope: placementImportScope(principal),
  };
  const defaults = def.defaults?.(context);
  const errors = new ErrorList(opts.errorLimit ?? DEFAULT_ERROR_LIMIT);
  const audit = async (q: PoolClient, r: Omit<ImportResult, 'runId'>) => {
    if (opts.audit)
      await auditImport(
        q,
        principal,
        opts.audit.operation,
        opts.audit.file ?? opts.fileName ?? '',
        r,
        opts.knownAt,
      );
  };

  const runner = db.dataSource.createQueryRunner();
  let client: PoolClient | undefined;
  let rows = 0;
  let mark = opts.onPhase ? performance.now() : 0;
  const phase = (name: string) => {
    const t = performance.now();
    opts.onPhase?.(name, t - mark);
    mark = t;
  };
  // a connection that cannot be had still closes the file and releases the runner (finally)
  try {
    // TypeORM's postgres runner hands out the pg client itself, which COPY needs.
    client = (await runner.connect()) as PoolClient;
    phase('connect');
    await client.query('BEGIN');
    await holdOffErasure(client);
    await setChangeContext(client, {
      actor: principal.name,
      runId,
      receivedAt: new Date(context.now),
      knownAt: opts.knownAt,
    });
    // Hash joins, sorts and the duplicate-key aggregate of a million-row file stay in memory instead of
    // spilling; the embedded database shares this process's memory, so it gets less.
    await client.query(`SET LOCAL work_mem = '${db.embedded ? 64 : 160}MB'`);
    await client.query(createStagingTableSql(def));
    const writer = openStagingWriter(client, def, db.embedded);
    const resolver = def.lookup?.open(client, def.columns, context);
    let line = 0;
    const report = (column: string, value: string, reason: string) => errors.add(line, column, value, reason);
    try {
      let batch = first.value.slice(1);
      const parsed: (string | null)[][] = [];
      for (;;) {
        for (const row of batch) {
          rows++;
          const values = parseRow(def, mapping, headerWidth, row, defaults, errors);
          if (values) parsed.push(values);
        }
        if (resolver) await resolver.prepare(parsed, () => writer.pause());
        for (const values of parsed) {
          if (resolver) {
            line = Number(values[0]);
            const derived = resolver.resolve(values, report);
            if (!derived) continue;
            for (const v of derived) values.push(v);
          }
          writer.write(values);
        }
        parsed.length = 0;
        await writer.drain();
        const next = await iterator.next();
        if (next.done) break;
        batch = next.value;
      }
      await writer.finish();
    } catch (err) {
      await writer.abort();
      throw err;
    }
    phase('stream, parse and stage');
    await client.query('ANALYZE ingest_stage');
    const absent = absentColumns(def, mapping);
    for (const sql of absent.fill) await client.query(sql);
    for (const sql of def.prepare ?? []) await client.query(sql);
    phase('prepare');
    // a lookup that saw every row may have found repeated keys itself (attendance grouped by placement)
    const duplicates = resolver?.checkedDuplicates() ? [] : [duplicateKeySql(def)];
    for (const [i, check] of [
      ...duplicates,
      ...absent.checks,
      ...def.checks,
      ...importScopeChecks(principal, kind),
    ].entries()) {
      const found = await client.query<RowError & { total: number }>(
        `SELECT c.*, count(*) OVER ()::integer AS total FROM (${check}) c ORDER BY 1 LIMIT ${errors.room}`,
      );
      for (const e of found.rows) errors.add(e.line, e.column, e.value ?? '', e.reason);
      errors.notListed += Math.max(0, (found.rows[0]?.total ?? 0) - found.rows.length);
      if (errors.room === 0 && found.rows.length === 0) {
        const counted = await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM (${check}) c`);
        errors.notListed += counted.rows[0].n;
      }
      phase(i < duplicates.length ? 'check duplicate keys' : `check ${i - duplicates.length + 1}`);
    }
    if (errors.count > 0) {
      await client.query('ROLLBACK');
      const rejected = {
        kind,
        rows,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        errors: errors.listed.sort((a, b) => a.line - b.line),
        errorsNotListed: errors.notListed,
      };
      await audit(client, rejected);
      return rejected;
    }
    let counts = { inserted: 0, updated: 0 };
    for (const [i, sql] of def.merge.entries()) {
      const res = await client.query(sql);
      if (res.rows[0]) counts = res.rows[0];
      phase(`merge ${i + 1}`);
    }
    const inserted = Number(counts.inserted);
    const updated = Number(counts.updated);
    await analyseChanged(client, def.table, inserted + updated);
    const stored: Omit<ImportResult, 'runId'> = {
      kind,
      rows,
      inserted,
      updated,
      unchanged: rows - inserted - updated,
      errors: [],
      errorsNotListed: 0,
    };
    // the run says stored, and the audit row says what, in the same commit as what it stored
    await recordImportEnd(client, runId, stored);
    await audit(client, stored);
    // last: a point computed before this statement saw the data before this import
    if (opts.knownAt) await forgetIndicatorPoints(client);
    await client.query('COMMIT');
    phase('commit');
    if (def.table === 'attendance' && inserted + updated > 0) {
      await vacuumWeeks(client);
      phase('vacuum weeks');
    }
    return stored;
  } catch (err) {
    await client?.query('ROLLBACK').catch(() => undefined);
    throw historyOrderError(err, Boolean(opts.knownAt)) ?? err;
  } finally {
    await iterator.return?.();
    await runner.release();
    phase('release');
  }
}
