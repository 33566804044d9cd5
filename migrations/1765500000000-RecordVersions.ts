import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose every change is kept as a version (attendance keeps its own versions). */
export const VERSIONED_TABLES = [
  'authority',
  'calendar_entry',
  'school',
  'provider',
  'provider_evidence',
  'provider_visit',
  'pupil',
  'placement',
  'target',
  'review',
  'destination',
] as const;

/**
 * Every version of every record (spec/import-formats.md, "History"). Each versioned table T has a
 * history table T_version with T's columns and:
 * - v_known_from: when the hub received the version (the transaction's time, or the back-load's
 *   `--known-at`); v_known_to: when the next version replaced it (null: the current version);
 * - v_deleted: the version says "deleted" (a copy of the last values, so a reader as of a date after
 *   it sees no record);
 * - v_run (the import that made it, null for a mutation), v_by (who), v_change (insert, update, delete).
 * Statement-level triggers with transition tables write them, so a file's merge stays one set-based
 * statement and nothing can change a record without leaving a version, cascades included. Who, which
 * import and from when come from transaction-local settings (src/history/change-context.ts): alp.actor,
 * alp.import_run, alp.received_at, alp.known_at.
 * A change known earlier than the current version of the same record would rewrite what readers as
 * of a date have already been told, so it is refused (SQLSTATE AH001): history is loaded oldest first.
 * Records stored before this migration are known from -infinity: when they arrived is not known, and
 * reading them on every date is what the hub did until now.
 * The columns are matched by name at each statement (pg_attribute), so a column added to T later
 * must be added to T_version in the same migration; test/history/versions.test.ts checks that they match.
 */
export class RecordVersions1765500000000 implements MigrationInterface {
  name = 'RecordVersions1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
-- When the hub received the transaction's changes: the import's time (alp.received_at), else the
-- transaction's.
CREATE FUNCTION alp_received_at() RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('alp.received_at', true), '')::timestamptz, now())
$$;

-- When the transaction's versions become known: a back-load's time (alp.known_at), else receipt.
CREATE FUNCTION alp_known_at() RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('alp.known_at', true), '')::timestamptz, alp_received_at())
$$;

-- The import run the transaction's changes belong to (null for a mutation).
CREATE FUNCTION alp_import_run() RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('alp.import_run', true), '')::integer
$$;

-- The Europe/London day the hub received an attendance mark taken at recorded_at: the day of the
-- import, or for a back-load the mark's own day (spec: "known from their own recorded_at").
CREATE FUNCTION alp_back_load() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('alp.known_at', true), '') IS NOT NULL
$$;
CREATE FUNCTION alp_received_day() RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (alp_received_at() AT TIME ZONE 'Europe/London')::date
$$;
CREATE FUNCTION alp_received_on(recorded_at timestamptz) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN alp_back_load() THEN (recorded_at AT TIME ZONE 'Europe/London')::date ELSE alp_received_day() END
$$;

-- The instant after the end of the Europe/London day d: a version known at the end of d has
-- v_known_from < alp_day_end(d).
CREATE FUNCTION alp_day_end(d date) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((d + 1)::timestamp AT TIME ZONE 'Europe/London')
$$;

CREATE FUNCTION alp_record_versions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz := alp_known_at();
  who text := coalesce(nullif(current_setting('alp.actor', true), ''), 'database:' || session_user);
  run integer := nullif(current_setting('alp.import_run', true), '')::integer;
  vt text := TG_TABLE_NAME || '_version';
  cols text;
  ncols text;
  later record;
BEGIN
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum),
         string_agg('n.' || quote_ident(attname), ', ' ORDER BY attnum) INTO cols, ncols
  FROM pg_attribute WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format('SELECT v.id, v.v_known_from FROM %I v JOIN old_rows o ON o.id = v.id
                    WHERE v.v_known_to IS NULL AND v.v_known_from > $1 LIMIT 1', vt)
      INTO later USING t;
    IF later IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'AH001',
        MESSAGE = format('%s %s is known from %s, later than this change (%s): history must be loaded oldest first',
                         TG_TABLE_NAME, later.id, later.v_known_from, t);
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO %I (%s, v_known_from, v_run, v_by, v_change)
                    SELECT %s, $1, $2, $3, ''insert'' FROM new_rows', vt, cols, cols)
      USING t, run, who;
  ELSIF TG_OP = 'UPDATE' THEN
    -- rows an UPDATE left as they were are not a new version
    EXECUTE format('UPDATE %I v SET v_known_to = $1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                    WHERE n.id = v.id AND v.v_known_to IS NULL AND to_jsonb(n) IS DISTINCT FROM to_jsonb(o)', vt)
      USING t;
    EXECUTE format('INSERT INTO %I (%s, v_known_from, v_run, v_by, v_change)
                    SELECT %s, $1, $2, $3, ''update'' FROM new_rows n JOIN old_rows o ON o.id = n.id
                    WHERE to_jsonb(n) IS DISTINCT FROM to_jsonb(o)', vt, cols, ncols)
      USING t, run, who;
  ELSE
    EXECUTE format('UPDATE %I v SET v_known_to = $1 FROM old_rows o WHERE o.id = v.id AND v.v_known_to IS NULL', vt)
      USING t;
    EXECUTE format('INSERT INTO %I (%s, v_known_from, v_deleted, v_run, v_by, v_change)
                    SELECT %s, $1, true, $2, $3, ''delete'' FROM old_rows', vt, cols, cols)
      USING t, run, who;
  END IF;
  RETURN NULL;
END
$$;

-- "As of" reads: the same SQL as current reads, with this schema first on the search_path and
-- alp.as_of_end set (src/history/as-of.ts). Each view is its table as known at that instant; without
-- the setting it fails rather than answer with today's records. security_invoker: row-level security on
-- the version tables applies to the reader, not to the views' owner.
CREATE SCHEMA alp_asof;

-- A back-load's time, shown by imports list; and for an undo, the import it undoes.
ALTER TABLE import_run ADD COLUMN known_at timestamptz,
  ADD COLUMN reverts integer CONSTRAINT import_run_reverts_fkey REFERENCES import_run (id);

-- Attendance keeps its versions in its own rows; the import that added each is what an undo takes.
ALTER TABLE attendance ADD COLUMN import_run_id integer;
CREATE INDEX attendance_import_run_idx ON attendance (import_run_id) WHERE import_run_id IS NOT NULL;
`);
    for (const table of VERSIONED_TABLES) {
      const [{ columns }] = await q.query(
        `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS columns FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
        [table],
      );
      // the base table's indexes, not unique (a record has many versions), so that as-of reads join as fast
      const indexes: { def: string; name: string }[] = await q.query(
        `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass AND NOT i.indisprimary`,
        [table],
      );
      await q.query(`
CREATE TABLE ${table}_version (LIKE ${table});
ALTER TABLE ${table}_version
  ADD COLUMN v_id bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN v_known_from timestamptz NOT NULL,
  ADD COLUMN v_known_to timestamptz,
  ADD COLUMN v_deleted boolean NOT NULL DEFAULT false,
  ADD COLUMN v_run integer,
  ADD COLUMN v_by text NOT NULL,
  ADD COLUMN v_change text NOT NULL,
  ADD CONSTRAINT ${table}_version_pkey PRIMARY KEY (v_id),
  ADD CONSTRAINT ${table}_version_change_check CHECK (v_change IN ('insert', 'update', 'delete')),
  ADD CONSTRAINT ${table}_version_span_check CHECK (v_known_to IS NULL OR v_known_to >= v_known_from);
CREATE UNIQUE INDEX ${table}_version_current_key ON ${table}_version (id) WHERE v_known_to IS NULL;
CREATE INDEX ${table}_version_id_idx ON ${table}_version (id, v_known_from);
CREATE INDEX ${table}_version_run_idx ON ${table}_version (v_run) WHERE v_run IS NOT NULL;
CREATE INDEX ${table}_version_known_from_idx ON ${table}_version (v_known_from);
INSERT INTO ${table}_version (${columns}, v_known_from, v_by, v_change)
SELECT ${columns}, '-infinity', 'before history', 'insert' FROM ${table};
CREATE VIEW alp_asof.${table} WITH (security_invoker = true) AS
  SELECT ${columns} FROM public.${table}_version v
  WHERE v.v_known_from < current_setting('alp.as_of_end')::timestamptz
    AND (v.v_known_to IS NULL OR v.v_known_to >= current_setting('alp.as_of_end')::timestamptz)
    AND NOT v.v_deleted;
CREATE TRIGGER ${table}_versions_insert AFTER INSERT ON ${table}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alp_record_versions();
CREATE TRIGGER ${table}_versions_update AFTER UPDATE ON ${table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alp_record_versions();
CREATE TRIGGER ${table}_versions_delete AFTER DELETE ON ${table}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION alp_record_versions();
`);
      for (const index of indexes)
        await q.query(
          index.def
            .replace(/^CREATE UNIQUE INDEX/, 'CREATE INDEX')
            .replace(` ${index.name} ON public.${table} `, ` ${index.name}_v ON public.${table}_version `),
        );
    }
    // Whether any record changed at or after an instant: when none did, the tables themselves are the
    // records as known then, and an as-of read takes them (their statistics and plans) instead of the
    // views. One index probe a table. It sees every row whoever asks, and answers only yes or no.
    await q.query(`
CREATE FUNCTION alp_changed_since(ts timestamptz) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT ${VERSIONED_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t}_version WHERE v_known_from >= ts)`).join('\n      OR ')}
$$;`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION alp_changed_since(timestamptz)');
    await q.query('DROP SCHEMA alp_asof CASCADE');
    for (const table of [...VERSIONED_TABLES].reverse()) await q.query(`DROP TABLE ${table}_version`);
    for (const table of VERSIONED_TABLES)
      for (const op of ['insert', 'update', 'delete'])
        await q.query(`DROP TRIGGER ${table}_versions_${op} ON ${table}`);
    await q.query(`
ALTER TABLE import_run DROP COLUMN known_at, DROP COLUMN reverts;
DROP INDEX attendance_import_run_idx;
ALTER TABLE attendance DROP COLUMN import_run_id;
DROP FUNCTION alp_record_versions();
DROP FUNCTION alp_day_end(date);
DROP FUNCTION alp_received_on(timestamptz);
DROP FUNCTION alp_received_day();
DROP FUNCTION alp_back_load();
DROP FUNCTION alp_import_run();
DROP FUNCTION alp_known_at();
DROP FUNCTION alp_received_at();`);
  }
}
