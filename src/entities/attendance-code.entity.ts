import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AttendanceCategory =
  | 'present'
  | 'approved_activity'
  | 'authorised_absence'
  | 'unauthorised_absence'
  | 'not_counted';

/** Reference table, loaded by the first migration from spec/attendance-codes.csv. */
@Entity({ name: 'attendance_code' })
export class AttendanceCode {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'attendance_code_pkey' })
  code: string;

  @Column({ type: 'text' })
  meaning: string;

  @Column({ type: 'text' })
  category: AttendanceCategory;

  @Column({ name: 'possible_session', type: 'boolean' })
  possibleSession: boolean;

  @Column({ type: 'boolean' })
  attended: boolean;
}
