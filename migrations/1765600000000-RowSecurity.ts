import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Row-level security on the pupil-level tables: the second wall behind the policy module
 * (docs/access.md, "Row-level security").
 *
 * Reads of pupil data run as the role `alp_reader` (`SET LOCAL ROLE` through `set_config('role', ...)`,
 * src/auth/row-wall.ts), which owns nothing, may only SELECT, and sees a pupil-level row only when the
 * transaction's `alp.scope` (with `alp.authorities`, `alp.school` or `alp.provider`) says so. Unset,
 * empty or unknown settings mean no rows. The owner (the migrations' user, and the imports and
 * mutations that write as it) is not subject to the policies: the tables are not FORCEd.
 *
 * The predicates mirror `pupilScope` / `placementScope` in src/auth/policy.ts. A pupil's visibility for
 * a school or provider depends on placements, and a placement's on its pupil: the pupil side asks
 * through a SECURITY DEFINER function (which reads placements as the owner), so the policies do not
 * recurse. Each setting is read through a scalar subquery, computed once per statement, and every
 * subquery is uncorrelated, so PostgreSQL hashes it once rather than running it per row. The
 * helpers read the current tables (search_path pinned), also during a read as of a past date.
 *
 * The role is cluster-wide on a real server (every database of the cluster shares it), so it is
 * created when absent and never dropped by `down`.
 */
const PUPIL_TABLES = [
  'pupil',
  'placement',
  'attendance',
  'attendance_span',
  'target',
  'review',
  'destination',
] as const;

/** Tables read under the wall besides the pupil-level ones (no personal data, no secrets). */
const REFERENCE_TABLES = [
  'authority',
  'school',
  'provider',
  'provider_evidence',
  'provider_visit',
  'calendar_entry',
  'setting_change',
  'attendance_code',
];

/**
 * History tables (`<table>_version`, migration RecordVersions): a pupil-level one gets the predicate of
 * its table, on its own columns; the others are read like their tables. Reads as of a date go through
 * the views of schema alp_asof, which are security_invoker: the reader's policies apply beneath them.
 */
const VERSIONED_PUPIL_TABLES = ['pupil', 'placement', 'target', 'review', 'destination'] as const;
const VERSIONED_REFERENCE_TABLES = [
  'authority',
  'calendar_entry',
  'school',
  'provider',
  'provider_evidence',
  'provider_visit',
];

const SCOPE = '(SELECT alp_wall_scope())';
const SCHOOL = '(SELECT alp_wall_school_id())';
const PROVIDER = '(SELECT alp_wall_provider_id())';

/** A pupil row (own columns `id`, `authority_id`, `school_id`). */
const PUPIL_ROW = `CASE ${SCOPE}
  WHEN 'all' THEN true
  WHEN 'authorities' THEN authority_id IN (SELECT alp_wall_authority_ids())
  WHEN 'school' THEN school_id = ${SCHOOL} OR id IN (SELECT alp_wall_placed_pupils())
  WHEN 'provider' THEN id IN (SELECT alp_wall_placed_pupils())
  ELSE false END`;

/** A placement row (own columns `pupil_id`, `commissioner_school_id`, `provider_id`). */
const PLACEMENT_ROW = `CASE ${SCOPE}
  WHEN 'all' THEN true
  WHEN 'authorities' THEN pupil_id IN (SELECT id FROM pupil)
  WHEN 'school' THEN commissioner_school_id = ${SCHOOL} OR pupil_id IN (SELECT id FROM pupil WHERE school_id = ${SCHOOL})
  WHEN 'provider' THEN provider_id = ${PROVIDER}
  ELSE false END`;

/** A row of a placement (attendance, targets, reviews): visible with its placement. */
const OF_PLACEMENT = `${SCOPE} = 'all' OR placement_id IN (SELECT id FROM placement)`;

/** A row of a pupil (destinations): visible with its pupil. */
const OF_PUPIL = `${SCOPE} = 'all' OR pupil_id IN (SELECT id FROM pupil)`;

const PREDICATE: Record<(typeof PUPIL_TABLES)[number], string> = {
  pupil: PUPIL_ROW,
  placement: PLACEMENT_ROW,
  attendance: OF_PLACEMENT,
  attendance_span: OF_PLACEMENT,
  target: OF_PLACEMENT,
  review: OF_PLACEMENT,
  destination: OF_PUPIL,
};

/** The pupil-level tables and their history tables, each with its predicate. */
const WALL_TABLES: { table: string; predicate: string }[] = [
  ...PUPIL_TABLES.map((table) => ({ table, predicate: PREDICATE[table] })),
  ...VERSIONED_PUPIL_TABLES.map((t) => ({ table: `${t}_version`, predicate: PREDICATE[t] })),
];

const READ_TABLES = [...REFERENCE_TABLES, ...VERSIONED_REFERENCE_TABLES.map((t) => `${t}_version`)];

export class RowSecurity1765600000000 implements MigrationInterface {
  name = 'RowSecurity1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
DO $$
BEGIN
  CREATE ROLE alp_reader NOLOGIN NOINHERIT;
EXCEPTION
  -- another database of the cluster (or a concurrent migration) made it first
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$`);
    // a connecting user that is not a superuser needs membership to SET ROLE
    await q.query(`
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT alp_reader TO %I', current_user);
  END IF;
END
$$`);
    await q.query(`
CREATE FUNCTION alp_wall_scope() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('alp.scope', true), ''), 'none')
$$;
CREATE FUNCTION alp_wall_authority_ids() RETURNS SETOF integer LANGUAGE sql STABLE
SET search_path = public, pg_temp AS $$
  SELECT id FROM authority
   WHERE la_code = ANY (string_to_array(nullif(current_setting('alp.authorities', true), ''), ','))
$$;
CREATE FUNCTION alp_wall_school_id() RETURNS integer LANGUAGE sql STABLE
SET search_path = public, pg_temp AS $$
  SELECT id FROM school WHERE urn = nullif(current_setting('alp.school', true), '')
$$;
CREATE FUNCTION alp_wall_provider_id() RETURNS integer LANGUAGE sql STABLE
SET search_path = public, pg_temp AS $$
  SELECT id FROM provider WHERE provider_ref = nullif(current_setting('alp.provider', true), '')
$$;
-- The pupils placed by the wall's school (as commissioner) or with the wall's provider, read as the
-- owner: pupil's policy asks it so as not to go through placement's policy, which asks about pupils.
CREATE FUNCTION alp_wall_placed_pupils() RETURNS SETOF integer LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT DISTINCT pupil_id FROM placement
   WHERE (alp_wall_scope() = 'school' AND commissioner_school_id = alp_wall_school_id())
      OR (alp_wall_scope() = 'provider' AND provider_id = alp_wall_provider_id())
$$;
REVOKE ALL ON FUNCTION alp_wall_placed_pupils() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION alp_wall_placed_pupils() TO alp_reader;
`);
    await q.query(`GRANT USAGE ON SCHEMA public, alp_asof TO alp_reader`);
    await q.query(`GRANT SELECT ON ALL TABLES IN SCHEMA alp_asof TO alp_reader`);
    for (const table of READ_TABLES) await q.query(`GRANT SELECT ON ${table} TO alp_reader`);
    for (const { table, predicate } of WALL_TABLES) {
      await q.query(`GRANT SELECT ON ${table} TO alp_reader`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY ${table}_wall ON ${table} FOR SELECT TO alp_reader USING (${predicate})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of [...WALL_TABLES].reverse()) {
      await q.query(`DROP POLICY ${table}_wall ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE SELECT ON ${table} FROM alp_reader`);
    }
    for (const table of READ_TABLES) await q.query(`REVOKE SELECT ON ${table} FROM alp_reader`);
    await q.query(`REVOKE SELECT ON ALL TABLES IN SCHEMA alp_asof FROM alp_reader`);
    await q.query(`REVOKE USAGE ON SCHEMA public, alp_asof FROM alp_reader`);
    await q.query(`
DROP FUNCTION alp_wall_placed_pupils();
DROP FUNCTION alp_wall_provider_id();
DROP FUNCTION alp_wall_school_id();
DROP FUNCTION alp_wall_authority_ids();
DROP FUNCTION alp_wall_scope();`);
  }
}
