import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { CalendarEntry } from './calendar-entry.entity';

@Entity({ name: 'authority' })
export class Authority {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'authority_pkey' })
  id: number;

  @Column({ name: 'la_code', type: 'text', unique: true })
  laCode: string;

  @Column({ type: 'text' })
  name: string;

  /** Overrides of indicator thresholds only; absent keys take the defaults. */
  @Column({ type: 'jsonb', default: {} })
  settings: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany('CalendarEntry', (e: CalendarEntry) => e.authority)
  calendar?: CalendarEntry[];
}
