import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Placement } from './placement.entity';

export type TargetKind = 'academic' | 'attendance' | 'behaviour' | 'attitude' | 'other';
export type TargetStatus = 'in_progress' | 'met' | 'partly_met' | 'not_met';

@Entity({ name: 'target' })
export class Target {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'target_pkey' })
  id: number;

  @Column({ name: 'placement_id', type: 'integer' })
  placementId: number;

  @ManyToOne('Placement', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'placement_id', foreignKeyConstraintName: 'target_placement_id_fkey' })
  placement?: Placement;

  @Column({ name: 'target_ref', type: 'text' })
  targetRef: string;

  @Column({ type: 'text' })
  kind: TargetKind;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text', default: 'in_progress' })
  status: TargetStatus;

  @Column({ name: 'agreed_by_pupil', type: 'boolean', default: false })
  agreedByPupil: boolean;

  @Column({ name: 'agreed_by_school', type: 'boolean', default: false })
  agreedBySchool: boolean;

  @Column({ name: 'agreed_by_provider', type: 'boolean', default: false })
  agreedByProvider: boolean;
}
