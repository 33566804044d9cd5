import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type EnvironmentRisk = 'low' | 'medium' | 'high';

@Entity({ name: 'provider' })
export class Provider {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'provider_pkey' })
  id: number;

  @Column({ name: 'provider_ref', type: 'text', unique: true })
  providerRef: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'on_framework', type: 'boolean' })
  onFramework: boolean;

  @Column({ type: 'boolean' })
  registered: boolean;

  @Column({ name: 'dfe_urn', type: 'text', nullable: true })
  dfeUrn: string | null;

  @Column({ name: 'ofsted_judgement', type: 'text', nullable: true })
  ofstedJudgement: string | null;

  @Column({ name: 'ofsted_date', type: 'date', nullable: true })
  ofstedDate: string | null;

  @Column({ name: 'offers_full_time', type: 'boolean', default: false })
  offersFullTime: boolean;

  @Column({ name: 'offers_part_time', type: 'boolean', default: false })
  offersPartTime: boolean;

  @Column({ name: 'offers_in_school', type: 'boolean', default: false })
  offersInSchool: boolean;

  @Column({ type: 'boolean', default: false })
  online: boolean;

  @Column({ name: 'professional_services', type: 'boolean', default: false })
  professionalServices: boolean;

  @Column({ name: 'environment_risk', type: 'text', nullable: true })
  environmentRisk: EnvironmentRisk | null;

  /** Forms of provision: mentoring, small group, forest school, equine, vocational... */
  @Column({ type: 'text', array: true, default: '{}' })
  forms: string[];

  @Column({ type: 'text', nullable: true })
  postcode: string | null;
}
