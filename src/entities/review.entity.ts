import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Placement } from './placement.entity';

export type ReviewKind = 'review' | 'visit';
export type ReviewProgress = 'good' | 'some' | 'none';

@Entity({ name: 'review' })
export class Review {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'review_pkey' })
  id: number;

  @Column({ name: 'placement_id', type: 'integer' })
  placementId: number;

  @ManyToOne('Placement', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'placement_id', foreignKeyConstraintName: 'review_placement_id_fkey' })
  placement?: Placement;

  @Column({ name: 'review_date', type: 'date' })
  reviewDate: string;

  @Column({ type: 'text', default: 'review' })
  kind: ReviewKind;

  @Column({ type: 'text', nullable: true })
  progress: ReviewProgress | null;

  @Column({ name: 'pupil_views_recorded', type: 'boolean', default: false })
  pupilViewsRecorded: boolean;

  @Column({ name: 'parents_involved', type: 'boolean', default: false })
  parentsInvolved: boolean;

  @Column({ type: 'text', nullable: true })
  notes: string | null;
}
