import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Placement } from './placement.entity';

export type Session = 'AM' | 'PM';

/**
 * One version of one session's mark. The current version has `supersededAt` null; a correction closes
 * it and adds a new version. `recordedOn`, `supersededOn` and `firstRecordedOn` are Europe/London dates.
 */
@Entity({ name: 'attendance' })
export class Attendance {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'attendance_pkey' })
  id: number;

  @Column({ name: 'placement_id', type: 'integer' })
  placementId: number;

  /** Enforced per statement by triggers, not a foreign key (migration CheckAttendancePlacementPerStatement). */
  @ManyToOne('Placement', { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'placement_id' })
  placement?: Placement;

  @Column({ name: 'session_date', type: 'date' })
  sessionDate: string;

  @Column({ type: 'text' })
  session: Session;

  @Column({ type: 'text' })
  code: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
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
