import { MigrationInterface, QueryRunner } from 'typeorm';

/** A row of a placement: visible with its placement (as attendance, migration RowSecurity). */
const OF_PLACEMENT = `(SELECT alp_wall_scope()) = 'all' OR placement_id IN (SELECT id FROM placement)`;

/**
 * What one attendance row adds to its week's counts (`sign` 1 or -1), from the rows `rows` (alias r):
 * a current version counts as a mark, possible and attended by its code; every version moves the day
 * the week settles to the last day one of its versions was recorded or superseded.
 */
function contributions(rows: string, sign: 1 | -1): string {
  return `SELECT r.placement_id, alp_week_start(r.session_date) AS week,
         ${sign} * (r.superseded_at IS NULL)::integer AS marks,
         ${sign} * (r.superseded_at IS NULL AND coalesce(c.possible_session, false))::integer AS possible,
         ${sign} * (r.superseded_at IS NULL AND coalesce(c.attended, false))::integer AS attended,
         greatest(r.recorded_on, r.superseded_on) AS settled_on
  FROM ${rows} r LEFT JOIN attendance_code c ON c.code = r.code`;
}

/** Adds the grouped contributions `deltas` to the weeks, creating the weeks not held yet. */
function addTo(deltas: string): string {
  return `INSERT INTO attendance_week AS w (placement_id, week, marks, possible, attended, settled_on)
  SELECT d.placement_id, d.week, sum(d.marks), sum(d.possible), sum(d.attended), max(d.settled_on)
  FROM (${deltas}) d
  GROUP BY d.placement_id, d.week
  ON CONFLICT (placement_id, week) DO UPDATE
    SET marks = w.marks + excluded.marks, possible = w.possible + excluded.possible,
        attended = w.attended + excluded.attended, settled_on = greatest(w.settled_on, excluded.settled_on)`;
}

/**
 * Adds the grouped contributions `deltas` to weeks already held (their rows' weeks, for an update or a
 * delete): a week's counts may fall, which an INSERT of the delta would refuse.
 */
function changeIn(deltas: string): string {
  return `UPDATE attendance_week w
     SET marks = w.marks + d.marks, possible = w.possible + d.possible, attended = w.attended + d.attended,
         settled_on = greatest(w.settled_on, d.settled_on)
    FROM (SELECT c.placement_id, c.week, sum(c.marks) AS marks, sum(c.possible) AS possible,
                 sum(c.attended) AS attended, max(c.settled_on) AS settled_on
            FROM (${deltas}) c
           GROUP BY c.placement_id, c.week) d
   WHERE w.placement_id = d.placement_id AND w.week = d.week`;
}

/** A statement-level trigger function of `body` (statements, each ended by a semicolon). */
function triggerFunction(name: string, body: string): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${body}
  RETURN NULL;
END
$$;`;
}

/**
 * Each placement's attendance per week (Monday to Sunday), kept by statement triggers on attendance
 * whatever writes it (the import, an undo, a deletion, an erasure), so that the year's pass of every
 * snapshot reads a placement's weeks instead of its marks (src/indicators/year-rates.ts).
 *
 * A week holds the counts of its current versions (marks, possible and attended sessions, by the codes'
 * own flags) and `settled_on`: the latest day any of its versions was recorded or superseded. On any
 * date from `settled_on` on, the versions known are exactly the current ones (spec/import-formats.md,
 * "History"), so the counts are what a reader as of that date would count; before it, a reader counts
 * the week's marks themselves. `settled_on` only grows: an undo that makes an older version current
 * again leaves it later than it need be, which only sends readers to the marks.
 *
 * A week is kept while any version of it is (a week of withdrawn marks is still seen by readers as of
 * an earlier date). A change of the attendance codes' flags counts every week again.
 */
export class AttendanceWeek1766000000000 implements MigrationInterface {
  name = 'AttendanceWeek1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE FUNCTION alp_week_start(d date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT d - (extract(isodow FROM d)::integer - 1)
$$;

CREATE TABLE attendance_week (
  placement_id integer NOT NULL,
  week date NOT NULL CHECK (extract(isodow FROM week) = 1),
  -- its Sunday, stored: a range of marks bounded by a column (not by arithmetic on one) may be an index
  -- range under the row-level policies, which only let leakproof comparisons through
  week_end date NOT NULL GENERATED ALWAYS AS (week + 6) STORED,
  marks integer NOT NULL CHECK (marks >= 0),
  possible integer NOT NULL CHECK (possible >= 0),
  attended integer NOT NULL CHECK (attended >= 0),
  settled_on date NOT NULL,
  PRIMARY KEY (placement_id, week)
);
COMMENT ON TABLE attendance_week IS
  'Each placement''s current attendance per week (Monday), and the day from which no version of it changed; kept by triggers on attendance';

${triggerFunction('alp_attendance_week_insert', `${addTo(contributions('new_rows', 1))};`)}

${triggerFunction(
  'alp_attendance_week_update',
  `-- an update that moves a row to another week (none of the hub's does) finds that week held or adds it
  INSERT INTO attendance_week (placement_id, week, marks, possible, attended, settled_on)
  SELECT DISTINCT n.placement_id, alp_week_start(n.session_date), 0, 0, 0, DATE '-infinity' FROM new_rows n
  ON CONFLICT (placement_id, week) DO NOTHING;
  ${changeIn(`${contributions('new_rows', 1)}
  UNION ALL
  ${contributions('old_rows', -1)}`)};`,
)}

${triggerFunction(
  'alp_attendance_week_delete',
  `${changeIn(contributions('old_rows', -1))};
  DELETE FROM attendance_week w
   USING (SELECT DISTINCT o.placement_id, alp_week_start(o.session_date) AS week FROM old_rows o) d
   WHERE w.placement_id = d.placement_id AND w.week = d.week
     AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.placement_id = w.placement_id
                       AND a.session_date BETWEEN w.week AND w.week_end);`,
)}

-- every week counted from the marks: after a change of the codes' flags, and to fill the table
${triggerFunction(
  'alp_attendance_week_recount',
  `DELETE FROM attendance_week;
  ${addTo(contributions('attendance', 1))};`,
)}

${triggerFunction('alp_attendance_week_truncate', `TRUNCATE attendance_week;`)}

CREATE TRIGGER attendance_week_insert AFTER INSERT ON attendance
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alp_attendance_week_insert();
CREATE TRIGGER attendance_week_update AFTER UPDATE ON attendance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION alp_attendance_week_update();
CREATE TRIGGER attendance_week_delete AFTER DELETE ON attendance
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION alp_attendance_week_delete();
CREATE TRIGGER attendance_week_truncate AFTER TRUNCATE ON attendance
  FOR EACH STATEMENT EXECUTE FUNCTION alp_attendance_week_truncate();
CREATE TRIGGER attendance_code_recount_weeks AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attendance_code
  FOR EACH STATEMENT EXECUTE FUNCTION alp_attendance_week_recount();

${addTo(contributions('attendance', 1))};
ANALYZE attendance_week;

GRANT SELECT ON attendance_week TO alp_reader;
ALTER TABLE attendance_week ENABLE ROW LEVEL SECURITY;
CREATE POLICY attendance_week_wall ON attendance_week FOR SELECT TO alp_reader USING (${OF_PLACEMENT});
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TRIGGER attendance_code_recount_weeks ON attendance_code;
DROP TRIGGER attendance_week_truncate ON attendance;
DROP TRIGGER attendance_week_delete ON attendance;
DROP TRIGGER attendance_week_update ON attendance;
DROP TRIGGER attendance_week_insert ON attendance;
DROP TABLE attendance_week;
DROP FUNCTION alp_attendance_week_truncate();
DROP FUNCTION alp_attendance_week_recount();
DROP FUNCTION alp_attendance_week_delete();
DROP FUNCTION alp_attendance_week_update();
DROP FUNCTION alp_attendance_week_insert();
DROP FUNCTION alp_week_start(date);
`);
  }
}
