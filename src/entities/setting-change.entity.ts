import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Authority } from './authority.entity';

@Entity({ name: 'setting_change' })
export class SettingChange {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'setting_change_pkey' })
  id: number;

  @Column({ name: 'authority_id', type: 'integer' })
  authorityId: number;

  @ManyToOne('Authority', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'authority_id', foreignKeyConstraintName: 'setting_change_authority_id_fkey' })
  authority?: Authority;

  @Column({ type: 'text' })
  key: string;

  @Column({ name: 'old_value', type: 'jsonb', nullable: true })
  oldValue: unknown;

  @Column({ name: 'new_value', type: 'jsonb', nullable: true })
  newValue: unknown;

  @Column({ name: 'changed_by', type: 'text' })
  changedBy: string;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;
}
