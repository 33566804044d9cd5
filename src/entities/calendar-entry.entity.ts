import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Authority } from './authority.entity';

export type CalendarKind = 'term' | 'closure';

@Entity({ name: 'calendar_entry' })
export class CalendarEntry {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'calendar_entry_pkey' })
  id: number;

  @Column({ name: 'authority_id', type: 'integer' })
  authorityId: number;

  @ManyToOne('Authority', (a: Authority) => a.calendar, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'authority_id', foreignKeyConstraintName: 'calendar_entry_authority_id_fkey' })
  authority?: Authority;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  @Column({ name: 'end_date', type: 'date' })
  endDate: string;

  @Column({ type: 'text' })
  kind: CalendarKind;

  @Column({ type: 'text', nullable: true })
  label: string | null;
}
