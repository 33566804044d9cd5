import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attendance keyed by what identifies a version of a session's mark, with one index instead of four.
 *
 * Each index costs every inserted mark a B-tree insertion, and attendance is the table that grows by a
 * million rows a year. Before this migration a mark went into the heap and four indexes: the surrogate
 * `id` key, the partial unique `attendance_current_key`, `(placement_id, session_date)` for the
 * per-placement probes and the covering `(session_date)` index for date-range reads. Inserting a
 * million marks took 11 to 13 s with the four and 4.7 s with this one key (docs/ingest.md).
 *
 * `attendance_version_key` is (placement_id, session_date, session, superseded_at) with NULLS NOT
 * DISTINCT: at most one version per session has superseded_at NULL (the current one, as the partial
 * key ensured), and closed versions differ by the time they were superseded. Its INCLUDE columns make
 * it covering for every indicator read, which now reach attendance through placements: one index
 * range per placement (docs/indicators.md, Speed), and for an import's comparison with the current
 * versions (recorded_at). Nothing referenced the surrogate id.
 */
export class AttendanceVersionKey1764330000000 implements MigrationInterface {
  name = 'AttendanceVersionKey1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
DROP INDEX attendance_session_date_as_of_idx;
DROP INDEX attendance_placement_id_session_date_idx;
DROP INDEX attendance_current_key;
ALTER TABLE attendance DROP CONSTRAINT attendance_pkey;
ALTER TABLE attendance DROP COLUMN id;
ALTER TABLE attendance ADD CONSTRAINT attendance_version_key
  UNIQUE NULLS NOT DISTINCT (placement_id, session_date, session, superseded_at)
  INCLUDE (code, recorded_at, recorded_on, superseded_on, first_recorded_on);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE attendance DROP CONSTRAINT attendance_version_key;
ALTER TABLE attendance ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE attendance ADD CONSTRAINT attendance_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX attendance_current_key ON attendance (placement_id, session_date, session) WHERE superseded_at IS NULL;
CREATE INDEX attendance_placement_id_session_date_idx ON attendance (placement_id, session_date);
CREATE INDEX attendance_session_date_as_of_idx ON attendance (session_date)
  INCLUDE (placement_id, session, code, recorded_on, superseded_on, first_recorded_on);
`);
  }
}
