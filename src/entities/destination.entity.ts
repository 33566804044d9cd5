import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Pupil } from './pupil.entity';

export type DestinationActivity =
  | 'education'
  | 'apprenticeship'
  | 'employment_with_training'
  | 'employment_without_training'
  | 'training'
  | 'neet'
  | 'not_known';

@Entity({ name: 'destination' })
export class Destination {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'destination_pkey' })
  id: number;

  @Column({ name: 'pupil_id', type: 'integer' })
  pupilId: number;

  @ManyToOne('Pupil', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pupil_id', foreignKeyConstraintName: 'destination_pupil_id_fkey' })
  pupil?: Pupil;

  @Column({ name: 'recorded_on', type: 'date' })
  recordedOn: string;

  @Column({ type: 'text' })
  activity: DestinationActivity;

  @Column({ name: 'provider_name', type: 'text', nullable: true })
  providerName: string | null;

  @Column({ type: 'boolean', nullable: true })
  sustained: boolean | null;
}
