import { date, oneOf, text, timestamp } from '../cell-parsers';
import { column, KindDefinition } from '../kind-definition';

/** The staged rows resolved against placements and each session's current version, built once. */
const RESOLVE = `CREATE TEMP TABLE ingest_attendance ON COMMIT DROP AS
  SELECT s.line, s.placement_ref, s.date AS session_date, s.session, s.code, s.recorded_at, s.recorded_by,
    p.id AS placement_id, p.start_date, p.end_date, pu.authority_id, a.la_code,
    cur.code AS current_code, cur.recorded_at AS current_recorded_at,
    cur.first_recorded_on AS current_first_recorded_on,
    (s.recorded_at AT TIME ZONE 'Europe/London')::date AS recorded_on
  FROM ingest_stage s
  LEFT JOIN placement p ON p.placement_ref = s.placement_ref
  LEFT JOIN pupil pu ON pu.id = p.pupil_id
  LEFT JOIN authority a ON a.id = pu.authority_id
  LEFT JOIN attendance cur ON cur.placement_id = p.id AND cur.session_date = s.date AND cur.session = s.session
    AND cur.superseded_at IS NULL`;

/** A row that replaces the current version: a different code recorded after it. */
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
    column('placement_ref', 'text', text, true),
    column('date', 'date', date, true),
    column('session', 'text', oneOf(['AM', 'PM']), true),
    column('code', 'text', (raw) => raw.toUpperCase(), true),
    column('recorded_at', 'timestamptz', timestamp),
    column('recorded_by', 'text', text),
  ],
  naturalKey: ['placement_ref', 'date', 'session'],
  defaults: (ctx) => ({ recorded_at: ctx.now, recorded_by: ctx.principalName }),
  prepare: ['LOCK TABLE attendance IN SHARE ROW EXCLUSIVE MODE', RESOLVE, 'ANALYZE ingest_attendance'],
  checks: [
    `SELECT r.line, 'placement_ref' AS column, r.placement_ref AS value,
       'placement ' || r.placement_ref || ' does not exist' AS reason
     FROM ingest_attendance r WHERE r.placement_id IS NULL`,
    `SELECT r.line, 'code' AS column, r.code AS value,
       'unknown attendance code ' || r.code || ' (see attendance-codes.csv)' AS reason
     FROM ingest_attendance r WHERE NOT EXISTS (SELECT 1 FROM attendance_code c WHERE c.code = r.code)`,
    `SELECT r.line, 'date' AS column, r.session_date::text AS value,
       r.session_date || ' is outside placement ' || r.placement_ref || ' (' || r.start_date || ' to '
         || coalesce(r.end_date::text, 'open') || ')' AS reason
     FROM ingest_attendance r
     WHERE r.session_date < r.start_date OR r.session_date > r.end_date`,
    `WITH day AS (
       SELECT DISTINCT authority_id, la_code, session_date FROM ingest_attendance WHERE authority_id IS NOT NULL),
     verdict AS (
       SELECT d.authority_id, d.session_date, d.la_code,
         CASE
           WHEN extract(isodow FROM d.session_date) > 5 THEN 'a weekend'
           WHEN EXISTS (SELECT 1 FROM calendar_entry c WHERE c.authority_id = d.authority_id AND c.kind = 'closure'
             AND d.session_date BETWEEN c.start_date AND c.end_date) THEN 'a closure'
           WHEN EXISTS (SELECT 1 FROM calendar_entry c WHERE c.authority_id = d.authority_id AND c.kind = 'term')
             AND NOT EXISTS (SELECT 1 FROM calendar_entry c WHERE c.authority_id = d.authority_id AND c.kind = 'term'
               AND d.session_date BETWEEN c.start_date AND c.end_date) THEN 'outside every term'
         END AS why
       FROM day d)
     SELECT r.line, 'date' AS column, r.session_date::text AS value,
       r.session_date || ' is not a school day in authority ' || v.la_code || ' (' || v.why || ')' AS reason
     FROM ingest_attendance r JOIN verdict v USING (authority_id, session_date)
     WHERE v.why IS NOT NULL`,
    `SELECT r.line, 'recorded_at' AS column, r.recorded_at::text AS value,
       'out of order: the stored mark ' || r.current_code || ' was recorded at ' || r.current_recorded_at
         || '; a correction must be recorded after it' AS reason
     FROM ingest_attendance r
     WHERE r.code <> r.current_code AND r.recorded_at <= r.current_recorded_at
       AND NOT EXISTS (SELECT 1 FROM attendance v WHERE v.placement_id = r.placement_id
         AND v.session_date = r.session_date AND v.session = r.session AND v.code = r.code
         AND v.recorded_at = r.recorded_at)`,
  ],
  merge: [
    `UPDATE attendance a SET superseded_at = r.recorded_at, superseded_on = r.recorded_on
     FROM ingest_attendance r
     WHERE a.placement_id = r.placement_id AND a.session_date = r.session_date AND a.session = r.session
       AND a.superseded_at IS NULL AND ${IS_CORRECTION}`,
    `INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, recorded_by,
       first_recorded_on)
     SELECT r.placement_id, r.session_date, r.session, r.code, r.recorded_at, r.recorded_on, r.recorded_by,
       coalesce(r.current_first_recorded_on, r.recorded_on)
     FROM ingest_attendance r WHERE r.current_code IS NULL OR ${IS_CORRECTION}`,
    `SELECT count(*) FILTER (WHERE r.current_code IS NULL) AS inserted,
       count(*) FILTER (WHERE ${IS_CORRECTION}) AS updated
     FROM ingest_attendance r`,
  ],
};
