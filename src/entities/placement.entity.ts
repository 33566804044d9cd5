import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Provider } from './provider.entity';
import type { Pupil } from './pupil.entity';
import type { School } from './school.entity';

export type PlacementType = 'full_time' | 'part_time' | 'in_school';
export type PlacementReason = 'permanent_exclusion' | 'at_risk_of_exclusion' | 'medical' | 'semh' | 'other';
export type EndReason = 'reintegrated' | 'progressed' | 'completed' | 'moved' | 'broke_down';

/** The ten weekly sessions, in week order. */
export const WEEK_SESSIONS = [
  'MON-AM',
  'MON-PM',
  'TUE-AM',
  'TUE-PM',
  'WED-AM',
  'WED-PM',
  'THU-AM',
  'THU-PM',
  'FRI-AM',
  'FRI-PM',
] as const;
export type WeekSession = (typeof WEEK_SESSIONS)[number];

@Entity({ name: 'placement' })
export class Placement {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'placement_pkey' })
  id: number;

  @Column({ name: 'placement_ref', type: 'text', unique: true })
  placementRef: string;

  @Column({ name: 'pupil_id', type: 'integer' })
  pupilId: number;

  @ManyToOne('Pupil')
  @JoinColumn({ name: 'pupil_id', foreignKeyConstraintName: 'placement_pupil_id_fkey' })
  pupil?: Pupil;

  /** The commissioning school; null when the pupil's authority commissions. */
  @Column({ name: 'commissioner_school_id', type: 'integer', nullable: true })
  commissionerSchoolId: number | null;

  @ManyToOne('School')
  @JoinColumn({
    name: 'commissioner_school_id',
    foreignKeyConstraintName: 'placement_commissioner_school_id_fkey',
  })
  commissionerSchool?: School | null;

  @Column({ name: 'provider_id', type: 'integer' })
  providerId: number;

  @ManyToOne('Provider')
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'placement_provider_id_fkey' })
  provider?: Provider;

  @Column({ type: 'text' })
  type: PlacementType;

  @Column({ type: 'text', nullable: true })
  reason: PlacementReason | null;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  @Column({ name: 'planned_end_date', type: 'date', nullable: true })
  plannedEndDate: string | null;

  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate: string | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: EndReason | null;

  @Column({ name: 'hours_per_week', type: 'numeric', precision: 5, scale: 2 })
  hoursPerWeek: number;

  @Column({ name: 'school_hours_per_week', type: 'numeric', precision: 5, scale: 2, nullable: true })
  schoolHoursPerWeek: number | null;

  /** Weekly pattern at the provider; null means every weekday session. */
  @Column({ type: 'text', array: true, nullable: true })
  sessions: WeekSession[] | null;

  @Column({ type: 'text', nullable: true })
  objectives: string | null;

  @Column({ name: 'success_criteria', type: 'text', nullable: true })
  successCriteria: string | null;

  /** How progress is monitored. */
  @Column({ type: 'text', nullable: true })
  monitoring: string | null;

  @Column({ name: 'review_every_weeks', type: 'integer', nullable: true })
  reviewEveryWeeks: number | null;

  @Column({ name: 'core_subjects', type: 'boolean', default: false })
  coreSubjects: boolean;

  @Column({ type: 'text', nullable: true })
  transport: string | null;

  @Column({ name: 'dfe_registration_checked', type: 'boolean', default: false })
  dfeRegistrationChecked: boolean;

  @Column({ name: 'health_safety_checked', type: 'boolean', default: false })
  healthSafetyChecked: boolean;

  @Column({ name: 'safeguarding_checked', type: 'boolean', default: false })
  safeguardingChecked: boolean;

  @Column({ name: 'checks_date', type: 'date', nullable: true })
  checksDate: string | null;

  @Column({ name: 'checks_by', type: 'text', nullable: true })
  checksBy: string | null;

  @Column({ name: 'parental_agreement_date', type: 'date', nullable: true })
  parentalAgreementDate: string | null;

  @Column({ name: 'weekly_cost_pence', type: 'bigint', nullable: true })
  weeklyCostPence: number | null;
}
