import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Authority } from './authority.entity';

export type SchoolType = 'maintained' | 'academy' | 'free' | 'special' | 'pru' | 'independent';

@Entity({ name: 'school' })
export class School {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'school_pkey' })
  id: number;

  @Column({ type: 'text', unique: true })
  urn: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'authority_id', type: 'integer' })
  authorityId: number;

  @ManyToOne('Authority')
  @JoinColumn({ name: 'authority_id', foreignKeyConstraintName: 'school_authority_id_fkey' })
  authority?: Authority;

  @Column({ type: 'text' })
  type: SchoolType;

  @Column({ type: 'text', nullable: true })
  phase: string | null;
}
