import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Placement } from './placement.entity';

export type Session = 'AM' | 'PM';

/**
 * One version of one session's mark. The current version has `supersededAt` null; a correction closes
 * it and adds a new version. `recordedOn`, `supersededOn` and `firstRecordedOn` are Europe/London dates.
 * The table has no surrogate id (a million marks a year would pay for its index); its key is the
 * unique `attendance_version_key` (placement, session date, session, superseded_at) with NULLS NOT
 * DISTINCT, so one current version per session (migration AttendanceVersionKey). TypeORM wants non-null
 * primary columns, so the entity names the equivalent (placement, session date, session, recorded_at):
 * a correction is always recorded after the version it closes.
 */
@Entity({ name: 'attendance' })
export class Attendance {
  @PrimaryColumn({ name: 'placement_id', type: 'integer' })
  placementId: number;

  /** Enforced per statement by triggers, not a foreign key (migration CheckAttendancePlacementPerStatement). */
  @ManyToOne('Placement', { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'placement_id' })
  placement?: Placement;

  @PrimaryColumn({ name: 'session_date', type: 'date' })
  sessionDate: string;

  @PrimaryColumn({ type: 'text' })
  session: Session;

  @Column({ type: 'text' })
  code: string;

  @PrimaryColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'recorded_on', type: 'date' })
  recordedOn: string;

  @Column({ name: 'recorded_by', type: 'text', nullable: true })
  recordedBy: string | null;

  @Column({ name: 'first_recorded_on', type: 'date' })
  firstRecordedOn: string;

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt: Date | null;

  @Column({ name: 'superseded_on', type: 'date', nullable: true })
  supersededOn: string | null;
}
