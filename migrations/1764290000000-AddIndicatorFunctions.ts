import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar and age rules as SQL functions, so that indicator statements stay set-based. They mirror
 * src/domain/dates.ts exactly (test/indicators/sql-functions.test.ts checks edge dates against it).
 * The pure ones are IMMUTABLE and plain SQL so the planner inlines them.
 */
export class AddIndicatorFunctions1764290000000 implements MigrationInterface {
  name = 'AddIndicatorFunctions1764290000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE FUNCTION alp_academic_year_start(d date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN extract(month FROM d) >= 9 THEN extract(year FROM d)::integer
              ELSE extract(year FROM d)::integer - 1 END
$$;

CREATE FUNCTION alp_nc_year(date_of_birth date, d date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT alp_academic_year_start(d) - alp_academic_year_start(date_of_birth) - 5
$$;

CREATE FUNCTION alp_key_stage(nc_year integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN nc_year BETWEEN 1 AND 2 THEN 'KS1'
              WHEN nc_year BETWEEN 3 AND 6 THEN 'KS2'
              WHEN nc_year BETWEEN 7 AND 9 THEN 'KS3'
              WHEN nc_year BETWEEN 10 AND 11 THEN 'KS4' END
$$;

CREATE FUNCTION alp_last_friday_of_june(y integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT make_date(y, 6, 30) - ((extract(dow FROM make_date(y, 6, 30))::integer - 5 + 7) % 7)
$$;

CREATE FUNCTION alp_is_compulsory_age(date_of_birth date, d date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT alp_nc_year(date_of_birth, d) BETWEEN 1 AND 11
     AND NOT (alp_nc_year(date_of_birth, d) = 11
              AND d > alp_last_friday_of_june(alp_academic_year_start(d) + 1))
$$;

-- School days of every authority between two dates: weekdays inside a term and outside every closure;
-- an authority with no term at all treats every weekday outside its closures as a school day.
CREATE FUNCTION alp_school_days(from_date date, to_date date)
RETURNS TABLE (authority_id integer, day date)
LANGUAGE sql STABLE AS $$
  SELECT a.id, g.day::date
  FROM authority a
  CROSS JOIN generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') AS g(day)
  WHERE extract(isodow FROM g.day) < 6
    AND (EXISTS (SELECT 1 FROM calendar_entry t
                 WHERE t.authority_id = a.id AND t.kind = 'term' AND g.day::date BETWEEN t.start_date AND t.end_date)
         OR NOT EXISTS (SELECT 1 FROM calendar_entry t WHERE t.authority_id = a.id AND t.kind = 'term'))
    AND NOT EXISTS (SELECT 1 FROM calendar_entry c
                    WHERE c.authority_id = a.id AND c.kind = 'closure' AND g.day::date BETWEEN c.start_date AND c.end_date)
$$;

-- Indicator reads take the attendance version known on a date over a range of session dates; this
-- covering index lets them read it without visiting the heap (see docs/indicators.md, Speed).
CREATE INDEX attendance_session_date_as_of_idx ON attendance (session_date)
  INCLUDE (placement_id, session, code, recorded_on, superseded_on, first_recorded_on);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP INDEX attendance_session_date_as_of_idx;
DROP FUNCTION alp_school_days(date, date);
DROP FUNCTION alp_is_compulsory_age(date, date);
DROP FUNCTION alp_last_friday_of_june(integer);
DROP FUNCTION alp_key_stage(integer);
DROP FUNCTION alp_nc_year(date, date);
DROP FUNCTION alp_academic_year_start(date);
`);
  }
}
