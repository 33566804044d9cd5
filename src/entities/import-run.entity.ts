import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const IMPORT_OUTCOMES = ['running', 'stored', 'rejected', 'failed'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/** One import: written when it starts and when it ends, outside its own transaction. */
@Entity({ name: 'import_run' })
export class ImportRun {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'import_run_pkey',
  })
  id: number;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName: string | null;

  /** A back-load's time (`--known-at`): its records are known from then. */
  @Column({ name: 'known_at', type: 'timestamptz', nullable: true })
  knownAt: Date | null;

  /** An undo: the import it undoes (`imports revert`). */
  @Column({ type: 'integer', nullable: true })
  reverts: number | null;

  @Column({ name: 'principal_name', type: 'text' })
  principalName: string;

  @Column({ name: 'principal_role', type: 'text' })
  principalRole: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  rows: number | null;

  @Column({ type: 'integer', nullable: true })
  inserted: number | null;

  @Column({ type: 'integer', nullable: true })
  updated: number | null;

  @Column({ type: 'integer', nullable: true })
  unchanged: number | null;

  @Column({ type: 'integer', nullable: true })
  errors: number | null;

  @Column({ type: 'text', default: 'running' })
  outcome: ImportOutcome;

  @Column({ type: 'text', nullable: true })
  message: string | null;
}
