import type { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { requireAdmin } from '../auth/policy';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/database';
import { finishImportRun, recordImportEnd, startImportRun } from '../ingest/import-run.service';
import { IngestError } from '../ingest/ingest-error';
import { type ImportKind, type ImportResult, isImportKind } from '../ingest/kind-definition';
import { KIND_DEFINITIONS } from '../ingest/kinds';
import { holdOffImports } from '../records/erasure-lock';
import { setChangeContext } from './change-context';

export interface RevertOptions {
  /** Undo even where a later import or mutation changed the same records (their changes are undone too). */
  force?: boolean;
}

export interface RevertResult {
  /** The import undone. */
  reverted: number;
  /** The import run that records the undo (its versions name it). */
  runId: number;
  kind: ImportKind;
  /** Records the import had added, now deleted (a deletion version each). */
  deleted: number;
  /** Records the import had changed, now back to their values before it (a new version each). */
  restored: number;
}

interface RunRow {
  id: number;
  kind: string;
  outcome: string;
  reverts: number | null;
  reverted_by: number | null;
}

/**
 * Undoes every change an import made, by new versions: records it added are deleted, records it changed
 * get back the values they had just before it; nothing of the history is removed, so "as of" a date
 * while the import stood still shows it. Refused where a later change touched the same records, unless
 * `force`. One transaction; recorded as an import run of its own (`reverts` = the import undone).
 */
export async function revertImport(
  db: Database,
  principal: Principal,
  id: number,
  opts: RevertOptions = {},
): Promise<RevertResult> {
  requireAdmin(principal);
  const kind = revertible(id, await readRun(db.dataSource.manager, id));
  const runId = await startImportRun(db, principal, kind, null, null, id);
  try {
    const undone = (counts: { deleted: number; restored: number }): ImportResult => ({
      kind,
      rows: counts.deleted + counts.restored,
      inserted: 0,
      updated: counts.deleted + counts.restored,
      unchanged: 0,
      errors: [],
      errorsNotListed: 0,
      runId,
    });
    const counts = await db.dataSource.transaction(async (m) => {
      const table = KIND_DEFINITIONS[kind].table;
      // Imports first: one that looked up records this undo deletes would store rows that refer to
      // nothing, or drop them from its merge unseen (as with an erasure, src/records/erasure-lock.ts).
      // Then writers of the table (mutations, another undo) wait, readers do not; the table first and
      // then the run, in that order in every undo, so that two undos cannot wait for each other.
      // Checked again under the locks: another undo of this import may have committed meanwhile.
      await holdOffImports(m);
      await m.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
      revertible(id, await readRun(m, id, 'FOR UPDATE OF r'));
      await setChangeContext(m, { actor: principal.name, runId });
      const done =
        table === 'attendance'
          ? await revertAttendance(m, id, opts)
          : await revertRecords(m, table, id, opts);
      await recordAudit(m, principal, {
        action: 'update',
        operation: 'revert import',
        subjectKind: kind,
        subjectCount: done.deleted + done.restored,
        detail: { reverted: id, runId, ...done, force: Boolean(opts.force) },
      });
      // the undo says stored in the same commit as the undoing: it can never be undone twice
      await recordImportEnd(m, runId, undone(done));
      return done;
    });
    await finishImportRun(db, runId, undone(counts));
    return { reverted: id, runId, kind, ...counts };
  } catch (err) {
    await finishImportRun(db, runId, err);
    throw laterDependants(err) ?? err;
  }
}

function readRun(m: EntityManager, id: number, lock = ''): Promise<RunRow | undefined> {
  return m
    .query(
      `SELECT r.id, r.kind, r.outcome, r.reverts, (SELECT max(u.id) FROM import_run u WHERE u.reverts = r.id AND u.outcome = 'stored') AS reverted_by
       FROM import_run r WHERE r.id = $1 ${lock}`,
      [id],
    )
    .then(([run]: RunRow[]) => run);
}

/** The kind of import `id` when it can be undone: it stored something and was not undone yet. */
function revertible(id: number, run: RunRow | undefined): ImportKind {
  if (!run) throw new IngestError('INGEST_BAD_REQUEST', `there is no import ${id} (see imports list)`, 'id');
  if (run.outcome !== 'stored' || !isImportKind(run.kind))
    throw new IngestError(
      'INGEST_BAD_REQUEST',
      `import ${id} stored nothing (${run.outcome}): there is nothing to undo`,
      'id',
    );
  // an undo deletes what the import added, and a deletion cannot be undone by versions alone
  if (run.reverts !== null)
    throw new IngestError(
      'INGEST_BAD_REQUEST',
      `import ${id} is the undo of import ${run.reverts}, which cannot be undone: import that file again instead`,
      'id',
    );
  if (run.reverted_by)
    throw new IngestError(
      'INGEST_BAD_REQUEST',
      `import ${id} is already undone (by ${run.reverted_by})`,
      'id',
    );
  return run.kind;
}

/** A record the import added that a later import built on (a pupil with a later placement). */
function laterDependants(err: unknown): IngestError | undefined {
  if ((err as { code?: string }).code !== '23503') return undefined;
  return new IngestError(
    'INGEST_CONFLICT',
    `a record this import added is referred to by a record added later (${(err as { detail?: string }).detail ?? 'a foreign key'}): undo the later import first`,
    'id',
  );
}

/** The record ids the import touched whose current version is another change's (unless forced, a refusal). */
async function refuseLaterChanges(m: EntityManager, table: string, run: number, opts: RevertOptions) {
  if (opts.force) return;
  // A current version written by the undo of a later import that came straight after this one (its
  // version of the record follows this import's) holds this import's values again: not a later change.
  const later: { id: number; v_by: string; v_run: number | null }[] = await m.query(
    `SELECT cur.id, cur.v_by, cur.v_run FROM ${table}_version cur
     WHERE cur.v_known_to IS NULL AND cur.v_run IS DISTINCT FROM $1
       AND cur.id IN (SELECT id FROM ${table}_version WHERE v_run = $1)
       AND NOT EXISTS (
         SELECT 1 FROM import_run u JOIN ${table}_version l ON l.id = cur.id AND l.v_run = u.reverts
         WHERE u.id = cur.v_run
           AND (SELECT p.v_run FROM ${table}_version p WHERE p.id = cur.id AND p.v_id < l.v_id
                ORDER BY p.v_id DESC LIMIT 1) = $1)
     ORDER BY cur.id LIMIT 5`,
    [run],
  );
  if (later.length > 0)
    throw new IngestError(
      'INGEST_CONFLICT',
      `${table} records this import changed were changed again later (${later
        .map((l) => `${l.id} by ${l.v_by}${l.v_run ? ` in import ${l.v_run}` : ''}`)
        .join(', ')}): undo those first, or give --force to undo this import over them`,
      'id',
    );
}

async function revertRecords(m: EntityManager, table: string, run: number, opts: RevertOptions) {
  await refuseLaterChanges(m, table, run, opts);
  const [{ columns }] = await m.query(
    `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FILTER (WHERE attname <> 'id') AS columns
     FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  // Each touched record's version just before the import's: none (or a deletion) if the import added it.
  const before = `SELECT DISTINCT ON (mine.id) mine.id, prev.v_id AS prev_v_id, prev.v_deleted AS prev_deleted
    FROM ${table}_version mine
    LEFT JOIN LATERAL (SELECT p.v_id, p.v_deleted FROM ${table}_version p
                       WHERE p.id = mine.id AND p.v_id < mine.v_id ORDER BY p.v_id DESC LIMIT 1) prev ON true
    WHERE mine.v_run = $1 ORDER BY mine.id, mine.v_id`;
  const restoredRows = await m.query(
    `WITH b AS (${before}), restored AS (
       UPDATE ${table} t SET (${columns}) = (SELECT ${columns} FROM ${table}_version p WHERE p.v_id = b.prev_v_id)
       FROM b WHERE t.id = b.id AND b.prev_v_id IS NOT NULL AND NOT b.prev_deleted RETURNING t.id)
     SELECT count(*)::integer AS n FROM restored`,
    [run],
  );
  const deletedRows = await m.query(
    `WITH b AS (${before}), gone AS (
       DELETE FROM ${table} t USING b WHERE t.id = b.id AND (b.prev_v_id IS NULL OR b.prev_deleted) RETURNING t.id)
     SELECT count(*)::integer AS n FROM gone`,
    [run],
  );
  return { restored: restoredRows[0].n as number, deleted: deletedRows[0].n as number };
}

/**
 * Attendance keeps its versions in its own rows: each current mark the import added is closed now, and
 * the mark it had corrected, if any, comes back as a new current version received now.
 */
async function revertAttendance(m: EntityManager, run: number, opts: RevertOptions) {
  if (!opts.force) {
    // a mark corrected later, unless that correction was undone: the session's current version is then
    // this import's mark again (its code and recorded_at), restored by the undo
    const [later] = await m.query(
      `SELECT count(*)::integer AS n FROM attendance mine
       WHERE mine.import_run_id = $1 AND mine.superseded_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM attendance cur WHERE cur.placement_id = mine.placement_id
           AND cur.session_date = mine.session_date AND cur.session = mine.session
           AND cur.superseded_at IS NULL AND cur.code = mine.code AND cur.recorded_at = mine.recorded_at)`,
      [run],
    );
    if (later.n > 0)
      throw new IngestError(
        'INGEST_CONFLICT',
        `${later.n} attendance marks this import recorded were corrected later: undo those imports first, or give --force to undo this import over them`,
        'id',
      );
  }
  // the sessions the import wrote, with the version it replaced (superseded at the import's recorded_at)
  await m.query(
    `CREATE TEMP TABLE revert_sessions ON COMMIT DROP AS
     SELECT mine.placement_id, mine.session_date, mine.session, prev.code, prev.recorded_at, prev.recorded_by,
            prev.first_recorded_on, prev.placement_id IS NOT NULL AS had_prev
     FROM attendance mine
     LEFT JOIN attendance prev ON prev.placement_id = mine.placement_id AND prev.session_date = mine.session_date
       AND prev.session = mine.session AND prev.superseded_at = mine.recorded_at AND prev.code <> mine.code
     WHERE mine.import_run_id = $1`,
    [run],
  );
  const [closed] = await m.query(
    `WITH c AS (
       UPDATE attendance a SET superseded_at = greatest(clock_timestamp(), a.recorded_at + interval '1 microsecond'),
         superseded_on = alp_received_on(clock_timestamp())
       FROM revert_sessions r
       WHERE a.placement_id = r.placement_id AND a.session_date = r.session_date AND a.session = r.session
         AND a.superseded_at IS NULL
       RETURNING 1)
     SELECT count(*)::integer AS n FROM c`,
  );
  const [back] = await m.query(
    `WITH b AS (
       INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, recorded_by,
         first_recorded_on, import_run_id)
       SELECT r.placement_id, r.session_date, r.session, r.code, r.recorded_at, alp_received_on(clock_timestamp()),
         r.recorded_by, r.first_recorded_on, alp_import_run()
       FROM revert_sessions r WHERE r.had_prev
       RETURNING 1)
     SELECT count(*)::integer AS n FROM b`,
  );
  await m.query('DROP TABLE revert_sessions');
  return { restored: back.n as number, deleted: (closed.n as number) - (back.n as number) };
}
