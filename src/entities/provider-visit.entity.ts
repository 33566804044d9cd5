import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Provider } from './provider.entity';

export type Visitor = 'la' | 'school';
export type VisitJudgement = 'good' | 'requires_improvement' | 'inadequate';

@Entity({ name: 'provider_visit' })
export class ProviderVisit {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'provider_visit_pkey' })
  id: number;

  @Column({ name: 'provider_id', type: 'integer' })
  providerId: number;

  @ManyToOne('Provider', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'provider_visit_provider_id_fkey' })
  provider?: Provider;

  @Column({ name: 'visit_date', type: 'date' })
  visitDate: string;

  @Column({ type: 'text' })
  visitor: Visitor;

  @Column({ name: 'health_safety_checked', type: 'boolean', default: false })
  healthSafetyChecked: boolean;

  @Column({ name: 'competent_person', type: 'boolean', default: false })
  competentPerson: boolean;

  @Column({ type: 'text', nullable: true })
  judgement: VisitJudgement | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;
}
