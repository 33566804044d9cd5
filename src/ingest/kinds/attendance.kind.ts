import { date, oneOf, reference, text, timestamp } from '../cell-parsers';
import { column, KindDefinition } from '../kind-definition';
import { ATTENDANCE_LOOKUP } from './attendance.lookup';

/**
 * The Europe/London day the hub received the staged row `s` (the import's day; a back-load's row its own
 * recorded_at's): what "as of" and late reporting read (spec/import-formats.md, "History"). The settings
 * behind it are read once per statement (InitPlans), not once per row: a million rows pay one lookup.
 */
const RECORDED_ON = `CASE WHEN (SELECT alp_back_load()) THEN (s.recorded_at AT TIME ZONE 'Europe/London')::date
  ELSE (SELECT alp_received_day()) END`;

/**
 * The staged rows whose session already has a current version, with it, built once. Placements, codes,
 * placement dates and school days were checked as the file streamed (ATTENDANCE_LOOKUP), which staged
 * placement_id. Only these rows can be unchanged, corrections or out of order; every other staged row
 * is a new session. A first import writes nothing here, instead of copying the whole file once more.
 */
const CURRENT = `CREATE TEMP TABLE ingest_current ON COMMIT DROP AS
  SELECT s.line, s.placement_id, s.date AS session_date, s.session, s.code, s.recorded_at,
    ${RECORDED_ON} AS recorded_on,
    cur.code AS current_code, cur.recorded_at AS current_recorded_at,
    cur.first_recorded_on AS current_first_recorded_on
  FROM ingest_stage s
  JOIN attendance cur ON cur.placement_id = s.placement_id AND cur.session_date = s.date
    AND cur.session = s.session AND cur.superseded_at IS NULL`;

/** A row of ingest_current (alias `r`) that replaces the current version: a different code recorded after it. */
const IS_CORRECTION = `r.code <> r.current_code AND r.recorded_at > r.current_recorded_at`;

/**
 * Attendance keeps every version of a session's mark (see the CreateSchema migration).
 * - No current version: the row is inserted.
 * - Same code as the current version: unchanged (recorded_at and recorded_by of the stored one stand).
 * - Different code, recorded after the current version: a correction; the current version is closed at
 *   the new recorded_at and the new one keeps the session's first_recorded_on.
 * - Different code, recorded at or before the current version: unchanged when that exact version
 *   (code and recorded_at) is already in the history (an older file re-imported); otherwise rejected as
 *   out of order, because it would rewrite history that readers "as of" a date have already seen.
 * The table lock serialises attendance merges so that concurrent imports of the same sessions leave one
 * current version each; it is taken before resolving so that each import sees the other's commit.
 */
export const ATTENDANCE: KindDefinition = {
  kind: 'attendance',
  table: 'attendance',
  columns: [
    column('placement_ref', 'text', reference, true),
    column('date', 'date', date, true),
    column('session', 'text', oneOf(['AM', 'PM']), true),
    column('code', 'text', (raw) => raw.toUpperCase(), true),
    column('recorded_at', 'timestamptz', timestamp),
    column('recorded_by', 'text', text),
  ],
  naturalKey: ['placement_ref', 'date', 'session'],
  // A file without recorded_at or recorded_by records its marks at the import (the defaults).
  stored: {
    from: 'attendance t',
    match: `t.placement_id = s.placement_id AND t.session_date = s.date AND t.session = s.session
      AND t.superseded_at IS NULL`,
    columns: { code: 't.code' },
  },
  // a back-load's rows without recorded_at were taken when its records became known
  defaults: (ctx) => ({ recorded_at: ctx.knownAt ?? ctx.now, recorded_by: ctx.principalName }),
  lookup: ATTENDANCE_LOOKUP,
  prepare: [
    'LOCK TABLE attendance IN SHARE ROW EXCLUSIVE MODE',
    // A memoised index probe per staged row was the planner's choice for a big file against big history
    // (7 s for a million rows, no cache hits: every session is new); a merge join on the key takes 2 s.
    'SET LOCAL enable_memoize = off',
    CURRENT,
    'ANALYZE ingest_current',
  ],
  checks: [
    `SELECT r.line, 'recorded_at' AS column, r.recorded_at::text AS value,
       'out of order: the stored mark ' || r.current_code || ' was recorded at ' || r.current_recorded_at
         || '; a correction must be recorded after it' AS reason
     FROM ingest_current r
     WHERE r.code <> r.current_code AND r.recorded_at <= r.current_recorded_at
       AND NOT EXISTS (SELECT 1 FROM attendance v WHERE v.placement_id = r.placement_id
         AND v.session_date = r.session_date AND v.session = r.session AND v.code = r.code
         AND v.recorded_at = r.recorded_at)`,
    // an undone correction (src/history/revert.service.ts) stays in the history, closing the mark it
    // corrected at its recorded_at: the same correction again would close the restored mark at that
    // same instant, which the history cannot hold twice
    `SELECT r.line, 'recorded_at' AS column, r.recorded_at::text AS value,
       'a correction of this session recorded at ' || r.recorded_at
         || ' was undone; to make it again, record it at the time it is made now' AS reason
     FROM ingest_current r
     WHERE ${IS_CORRECTION}
       AND EXISTS (SELECT 1 FROM attendance v WHERE v.placement_id = r.placement_id
         AND v.session_date = r.session_date AND v.session = r.session AND v.superseded_at = r.recorded_at)`,
  ],
  merge: [
    // closes each corrected version; a correction's new version keeps the session's first_recorded_on
    `UPDATE attendance a SET superseded_at = r.recorded_at, superseded_on = r.recorded_on
     FROM ingest_current r
     WHERE a.placement_id = r.placement_id AND a.session_date = r.session_date AND a.session = r.session
       AND a.superseded_at IS NULL AND ${IS_CORRECTION}`,
    `INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, recorded_by,
       first_recorded_on, import_run_id)
     SELECT s.placement_id, s.date, s.session, s.code, s.recorded_at, ${RECORDED_ON}, s.recorded_by,
       coalesce(r.current_first_recorded_on, ${RECORDED_ON}), (SELECT alp_import_run())
     FROM ingest_stage s LEFT JOIN ingest_current r ON r.line = s.line
     WHERE r.line IS NULL OR ${IS_CORRECTION}`,
    // widens each placement's span of session dates (migration AttendanceSpan) to the rows delivered
    `INSERT INTO attendance_span (placement_id, first_date, last_date)
     SELECT s.placement_id, min(s.date), max(s.date) FROM ingest_stage s GROUP BY s.placement_id
     ON CONFLICT (placement_id) DO UPDATE
       SET first_date = least(attendance_span.first_date, excluded.first_date),
           last_date = greatest(attendance_span.last_date, excluded.last_date)
       WHERE excluded.first_date < attendance_span.first_date OR excluded.last_date > attendance_span.last_date`,
    `SELECT (SELECT count(*) FROM ingest_stage) - (SELECT count(*) FROM ingest_current) AS inserted,
       (SELECT count(*) FROM ingest_current r WHERE ${IS_CORRECTION}) AS updated`,
  ],
};
