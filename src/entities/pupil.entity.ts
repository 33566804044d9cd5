import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Authority } from './authority.entity';
import type { School } from './school.entity';

export type Gender = 'F' | 'M' | 'X';
export type SenStatus = 'none' | 'sen_support' | 'ehcp';

/** Year group and key stage are derived from date_of_birth and the date asked about, never stored. */
@Entity({ name: 'pupil' })
export class Pupil {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'pupil_pkey' })
  id: number;

  @Column({ type: 'text', unique: true })
  upn: string;

  @Column({ name: 'first_name', type: 'text' })
  firstName: string;

  @Column({ name: 'last_name', type: 'text' })
  lastName: string;

  @Column({ name: 'date_of_birth', type: 'date' })
  dateOfBirth: string;

  @Column({ name: 'authority_id', type: 'integer' })
  authorityId: number;

  @ManyToOne('Authority')
  @JoinColumn({ name: 'authority_id', foreignKeyConstraintName: 'pupil_authority_id_fkey' })
  authority?: Authority;

  @Column({ name: 'school_id', type: 'integer', nullable: true })
  schoolId: number | null;

  @ManyToOne('School')
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'pupil_school_id_fkey' })
  school?: School | null;

  @Column({ name: 'home_educated', type: 'boolean', default: false })
  homeEducated: boolean;

  @Column({ type: 'text', nullable: true })
  gender: Gender | null;

  @Column({ name: 'sen_status', type: 'text', default: 'none' })
  senStatus: SenStatus;

  @Column({ name: 'looked_after', type: 'boolean', default: false })
  lookedAfter: boolean;

  @Column({ type: 'boolean', default: false })
  fsm: boolean;
}
