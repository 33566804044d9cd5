import { MigrationInterface, QueryRunner } from 'typeorm';
import { VERSIONED_TABLES } from './1765500000000-RecordVersions';

/**
 * Stored points of the weekly series (src/indicators/series-points.ts). A point as of a day that has
 * ended is what the hub knew at the end of that day, and history only grows forward (RecordVersions:
 * a change is known from when it arrives), so the point never changes, except when history itself is
 * rewritten: a back-load (a change known from the past), an erasure or retention (versions and marks
 * removed), or a change to the attendance codes. Each of those forgets every stored point by appending
 * the time to `indicator_point_forget`: here by statement-level triggers, whatever wrote the change,
 * and after the commit by the services that rewrite history, so that a point computed from a snapshot
 * taken before the rewrite committed is never read as current. A point is read only when it was
 * computed after the last time points were forgotten. Appending (no UPDATE or DELETE of a shared row)
 * keeps concurrent writers from waiting on each other's locks.
 *
 * `figures` are the statements' own results (counts, sums, before disclosure control); `rules` is a
 * fingerprint of the statements, so that a point computed by other rules is computed again.
 */
export class IndicatorPoints1765800000000 implements MigrationInterface {
  name = 'IndicatorPoints1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE indicator_point (
  scope text NOT NULL,
  as_of date NOT NULL,
  rules text NOT NULL,
  figures jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT indicator_point_pkey PRIMARY KEY (scope, as_of)
);

CREATE TABLE indicator_point_forget (
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX indicator_point_forget_at_idx ON indicator_point_forget (at);

CREATE FUNCTION alp_forget_indicator_points() RETURNS void LANGUAGE sql AS $$
  INSERT INTO indicator_point_forget DEFAULT VALUES;
$$;

-- Points computed before this are not read: the last time history was rewritten.
CREATE FUNCTION alp_points_forgotten_at() RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT coalesce(max(at), '-infinity') FROM indicator_point_forget
$$;

-- On a table whose rows are history (base tables and attendance): only a back-load rewrites the past;
-- an ordinary change is known from now and leaves every ended day as it was.
CREATE FUNCTION alp_forget_points_on_back_load() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' OR alp_back_load() THEN
    PERFORM alp_forget_indicator_points();
  END IF;
  RETURN NULL;
END
$$;

-- On versions, marks and reference codes: removing or changing them rewrites the past.
CREATE FUNCTION alp_forget_points_always() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM alp_forget_indicator_points();
  RETURN NULL;
END
$$;
`);
    // attendance's deletes forget always (below): only erasure deletes marks
    for (const table of [...VERSIONED_TABLES, 'attendance']) {
      await q.query(`
CREATE TRIGGER ${table}_forget_points AFTER INSERT OR UPDATE${table === 'attendance' ? '' : ' OR DELETE'} ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION alp_forget_points_on_back_load();
CREATE TRIGGER ${table}_forget_points_truncate AFTER TRUNCATE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION alp_forget_points_on_back_load();`);
    }
    for (const table of [...VERSIONED_TABLES.map((t) => `${t}_version`)]) {
      await q.query(`
CREATE TRIGGER ${table}_forget_points AFTER DELETE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION alp_forget_points_always();
CREATE TRIGGER ${table}_forget_points_truncate AFTER TRUNCATE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION alp_forget_points_always();`);
    }
    await q.query(`
CREATE TRIGGER attendance_erase_forget_points AFTER DELETE ON attendance
  FOR EACH STATEMENT EXECUTE FUNCTION alp_forget_points_always();
CREATE TRIGGER attendance_code_forget_points AFTER INSERT OR UPDATE OR DELETE ON attendance_code
  FOR EACH STATEMENT EXECUTE FUNCTION alp_forget_points_always();`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER attendance_code_forget_points ON attendance_code');
    await q.query('DROP TRIGGER attendance_erase_forget_points ON attendance');
    for (const table of [...VERSIONED_TABLES.map((t) => `${t}_version`), ...VERSIONED_TABLES, 'attendance']) {
      await q.query(`DROP TRIGGER ${table}_forget_points ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_forget_points_truncate ON ${table}`);
    }
    await q.query(`
DROP FUNCTION alp_forget_points_always();
DROP FUNCTION alp_forget_points_on_back_load();
DROP FUNCTION alp_points_forgotten_at();
DROP FUNCTION alp_forget_indicator_points();
DROP TABLE indicator_point_forget;
DROP TABLE indicator_point;`);
  }
}
