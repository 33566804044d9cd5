import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dates of each placement's first and last attendance session over every version of its marks,
 * kept by the attendance import (src/ingest/kinds/attendance.kind.ts). Indicator reads of a window of
 * sessions (the academic year, the last 7 or 28 days, the weeks of a series) visit only the placements
 * whose span meets the window instead of probing every placement in the hub: with many short
 * placements most have no mark in the window (docs/indicators.md, Speed). A span covers every version,
 * so it is a superset of what any "as of" reading sees and a filter on it can never drop a mark.
 * Attendance is only ever added to (a correction adds a version), so the span only grows; deleting a
 * placement deletes its attendance and its span.
 */
export class AttendanceSpan1765200000000 implements MigrationInterface {
  name = 'AttendanceSpan1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE attendance_span (
  placement_id integer PRIMARY KEY REFERENCES placement (id) ON DELETE CASCADE,
  first_date date NOT NULL,
  last_date date NOT NULL,
  CHECK (first_date <= last_date)
);
COMMENT ON TABLE attendance_span IS
  'First and last session date of each placement''s attendance, over every version; kept by the attendance import';
INSERT INTO attendance_span (placement_id, first_date, last_date)
SELECT placement_id, min(session_date), max(session_date) FROM attendance GROUP BY placement_id;
ANALYZE attendance_span;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE attendance_span');
  }
}
