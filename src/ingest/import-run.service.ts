import { requireAdmin } from '../auth/policy';
import { Principal } from '../auth/principal';
import { Database } from '../db/database';
import { databaseFailure } from '../db/db-failure';
import { ImportOutcome } from '../entities/import-run.entity';
import { logger } from '../logger';
import { IngestError } from './ingest-error';
import { ImportKind, ImportResult } from './kind-definition';

/** An import as `imports list` shows it. */
export interface ImportRunRecord {
  id: number;
  kind: string;
  /** The file's name (a path's last part, an upload's filename); null for a register. */
  fileName: string | null;
  /** Who sent it: the principal's name (the OS user for the CLI). */
  principalName: string;
  principalRole: string;
  startedAt: Date;
  finishedAt: Date | null;
  rows: number | null;
  inserted: number | null;
  updated: number | null;
  unchanged: number | null;
  /** Bad rows (listed and not listed) of a rejected file. */
  errors: number | null;
  outcome: ImportOutcome;
  /** Why a failed import failed (the error's message). */
  message: string | null;
  /** A back-load's time: its records are known from then (`--known-at`). */
  knownAt: Date | null;
  /** An undo: the import it undid. */
  reverts: number | null;
  /** The undo that undid this import, if one did. */
  revertedBy: number | null;
}

/**
 * Records an import as started, outside any transaction, and returns its id. Written before the file
 * is read so that the id exists while the import runs.
 */
export async function startImportRun(
  db: Database,
  principal: Principal,
  kind: ImportKind,
  fileName: string | null,
  knownAt: Date | null = null,
  reverts: number | null = null,
): Promise<number> {
  const [row] = await db.dataSource.query(
    `INSERT INTO import_run (kind, file_name, principal_name, principal_role, known_at, reverts)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [kind, fileName, principal.name, principal.role, knownAt, reverts],
  );
  return Number(row.id);
}

/** Runs SQL with positional parameters: a DataSource, a transaction's manager, a pg client. */
interface Runs {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Records how the import ended: stored, rejected (bad rows, nothing stored), or failed (thrown). An
 * import that stores records it in its own transaction too (recordImportEnd before its COMMIT), so a
 * run whose changes committed never stays `running` (which an undo would refuse), whatever happens to
 * the connection afterwards.
 */
export async function finishImportRun(
  db: Database,
  id: number,
  ended: ImportResult | unknown,
): Promise<void> {
  try {
    await recordImportEnd(db.dataSource, id, ended);
  } catch (err) {
    // The import's own outcome (its result or its error) matters more than its record, and a stored
    // import's record committed with it; a database that is gone is already what the caller is told,
    // so only another cause is worth a line of its own.
    if (!databaseFailure(err)) logger.warn({ err, importRun: id }, 'could not record the end of an import');
  }
}

/**
 * The UPDATE of finishImportRun, on `q` (inside a transaction: its manager or client). A run ends
 * once: a stored import wrote its end in its own commit, so an error after that commit (its
 * acknowledgement lost, say) cannot mark it failed and make it look as if nothing was stored.
 */
export async function recordImportEnd(q: Runs, id: number, ended: ImportResult | unknown): Promise<void> {
  const result = isResult(ended) ? ended : undefined;
  const outcome: ImportOutcome = !result ? 'failed' : result.errors.length > 0 ? 'rejected' : 'stored';
  const message = result ? null : ended instanceof Error ? ended.message : String(ended);
  await q.query(
    `UPDATE import_run SET finished_at = clock_timestamp(), outcome = $2, rows = $3, inserted = $4,
       updated = $5, unchanged = $6, errors = $7, message = $8
     WHERE id = $1 AND outcome = 'running'`,
    [
      id,
      outcome,
      result?.rows ?? null,
      result?.inserted ?? null,
      result?.updated ?? null,
      result?.unchanged ?? null,
      result ? result.errors.length + result.errorsNotListed : null,
      message,
    ],
  );
}

function isResult(x: unknown): x is ImportResult {
  return typeof x === 'object' && x !== null && 'errors' in x && Array.isArray((x as ImportResult).errors);
}

export interface ImportRunFilter {
  /** At most this many, newest first (default 50, at most 1,000). */
  limit?: number;
}

/** The imports, newest first. */
export async function listImportRuns(
  db: Database,
  principal: Principal,
  filter: ImportRunFilter = {},
): Promise<ImportRunRecord[]> {
  requireAdmin(principal);
  const limit = filter.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new IngestError('INGEST_BAD_REQUEST', 'limit must be a whole number from 1 to 1,000', 'limit');
  const rows: ImportRunRecord[] = await db.dataSource.query(
    `SELECT id, kind, file_name AS "fileName", principal_name AS "principalName",
       principal_role AS "principalRole", started_at AS "startedAt", finished_at AS "finishedAt", rows,
       inserted, updated, unchanged, errors, outcome, message, known_at AS "knownAt", reverts,
       (SELECT max(u.id) FROM import_run u WHERE u.reverts = r.id AND u.outcome = 'stored') AS "revertedBy"
     FROM import_run r ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return rows;
}
