import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per import (a file, an upload, a register): who sent what, when, and what it did. It is
 * written outside the import's own transaction, so a rejected or failed import is recorded too. The id
 * is what versions of records will name as the import that made them (and what an undo takes).
 */
export class CreateImportRun1765400000000 implements MigrationInterface {
  name = 'CreateImportRun1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE import_run (
  id integer GENERATED ALWAYS AS IDENTITY,
  kind text NOT NULL,
  file_name text,
  principal_name text NOT NULL,
  principal_role text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  rows integer,
  inserted integer,
  updated integer,
  unchanged integer,
  errors integer,
  outcome text NOT NULL DEFAULT 'running',
  message text,
  CONSTRAINT import_run_pkey PRIMARY KEY (id),
  CONSTRAINT import_run_outcome_check CHECK (outcome IN ('running', 'stored', 'rejected', 'failed')),
  CONSTRAINT import_run_finished_check CHECK ((outcome = 'running') = (finished_at IS NULL))
);
CREATE INDEX import_run_started_at_idx ON import_run (started_at);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE import_run');
  }
}
