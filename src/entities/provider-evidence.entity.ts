import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Provider } from './provider.entity';

export const EVIDENCE_ITEMS = [
  'public_liability_insurance',
  'employers_liability_insurance',
  'professional_indemnity_insurance',
  'motor_insurance',
  'subcontractor_liability',
  'dsl',
  'deputy_dsl',
  'single_central_record',
  'risk_assessments',
  'admissions_policy',
  'attendance_policy',
  'health_safety_policy',
  'visits_policy',
  'behaviour_policy',
  'data_protection_policy',
  'equality_statement',
  'child_protection_policy',
  'allegations_procedure',
  'rse_policy',
  'complaints_procedure',
  'ofsted_report',
] as const;
export type EvidenceItem = (typeof EVIDENCE_ITEMS)[number];

/** The 13 policy items a) to n) of the seed's appendix 1 (b, insurance, is checked separately). */
export const POLICY_ITEMS: readonly EvidenceItem[] = EVIDENCE_ITEMS.slice(
  EVIDENCE_ITEMS.indexOf('single_central_record'),
  EVIDENCE_ITEMS.indexOf('complaints_procedure') + 1,
);

export type EvidenceStatus = 'held' | 'missing' | 'not_applicable';

@Entity({ name: 'provider_evidence' })
export class ProviderEvidence {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'provider_evidence_pkey' })
  id: number;

  @Column({ name: 'provider_id', type: 'integer' })
  providerId: number;

  @ManyToOne('Provider', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'provider_evidence_provider_id_fkey' })
  provider?: Provider;

  @Column({ type: 'text' })
  item: EvidenceItem;

  @Column({ type: 'text' })
  status: EvidenceStatus;

  @Column({ name: 'evidence_date', type: 'date', nullable: true })
  evidenceDate: string | null;

  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn: string | null;

  /** Limit of indemnity for insurance items, in pence. */
  @Column({ name: 'value_pence', type: 'bigint', nullable: true })
  valuePence: number | null;

  @Column({ name: 'checked_by', type: 'text', nullable: true })
  checkedBy: string | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;
}
