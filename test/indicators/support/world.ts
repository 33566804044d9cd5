import { localAdministrator } from '../../../src/auth/principal';
import { Database } from '../../../src/db/database';
import { addDays, isWeekday } from '../../../src/domain/dates';
import { makeUpn } from '../../../src/domain/upn';
import { POLICY_ITEMS } from '../../../src/entities/provider-evidence.entity';
import { IMPORT_KINDS, importFile } from '../../../src/ingest';
import type { ImportKind } from '../../../src/ingest/kind-definition';

type Row = Record<string, string | number | boolean | null | undefined>;

/** Every item of appendix 1 that a compliant provider holds (no professional services). */
const COMPLIANT_ITEMS: readonly string[] = [
  'public_liability_insurance',
  'employers_liability_insurance',
  'dsl',
  'deputy_dsl',
  ...POLICY_ITEMS,
];

function csv(rows: Row[]): string {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Row[string]) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n');
}

/**
 * A small synthetic world written as import-format CSV and loaded through the real importer. Authority
 * 900 has no calendar (every weekday is a school day); 901 gets whatever calendar a test adds. Provider
 * PRV-OK is fully compliant on `asOf`, so that tests of one rule see no noise from the others.
 */
export class World {
  private readonly rows = new Map<ImportKind, Row[]>();
  private serial = 0;

  constructor(readonly asOf: string) {
    this.add(
      'authorities',
      { la_code: '900', name: 'Test Authority' },
      { la_code: '901', name: 'Calendar Authority' },
    );
    this.add('schools', { urn: '900001', name: 'School A', la_code: '900', type: 'academy' });
    this.provider('PRV-OK');
  }

  add(kind: ImportKind, ...rows: Row[]): this {
    this.rows.set(kind, [...(this.rows.get(kind) ?? []), ...rows]);
    return this;
  }

  /** A compliant, registered, on-framework provider, visited by the authority 30 days before asOf. */
  provider(ref: string, overrides: Row = {}, evidence: Record<string, Row> = {}): string {
    this.add('providers', {
      provider_ref: ref,
      name: ref,
      on_framework: 'yes',
      registered: 'yes',
      ...overrides,
    });
    const expiry = addDays(this.asOf, 300);
    const training = addDays(this.asOf, -100);
    for (const item of COMPLIANT_ITEMS) {
      const insurance = item.endsWith('_insurance');
      this.add('provider_evidence', {
        provider_ref: ref,
        item,
        status: 'held',
        evidence_date: item.endsWith('dsl') ? training : addDays(this.asOf, -200),
        expires_on: insurance ? expiry : '',
        value_gbp: item === 'public_liability_insurance' ? 5_000_000 : insurance ? 10_000_000 : '',
        ...evidence[item],
      });
    }
    this.add('provider_visits', {
      provider_ref: ref,
      visit_date: addDays(this.asOf, -30),
      visitor: 'la',
      health_safety_checked: 'yes',
      competent_person: 'yes',
    });
    return ref;
  }

  /** A pupil on the roll of school 900001 unless told otherwise; returns the UPN. */
  pupil(fields: Row & { date_of_birth: string }): string {
    this.serial += 1;
    const upn = makeUpn(`900${String(this.serial).padStart(9, '0')}`);
    this.add('pupils', {
      upn,
      first_name: `Pupil${this.serial}`,
      last_name: 'Test',
      la_code: '900',
      school_urn: '900001',
      ...fields,
    });
    return upn;
  }

  /** A tidy placement at PRV-OK (plan, checks, agreement, review) unless told otherwise; returns its ref. */
  placement(upn: string, fields: Row & { start_date: string }): string {
    this.serial += 1;
    const ref = `PL-${this.serial}`;
    this.add('placements', {
      placement_ref: ref,
      upn,
      provider_ref: 'PRV-OK',
      type: 'in_school',
      hours_per_week: 25,
      planned_end_date: addDays(this.asOf, 30),
      objectives: 'Re-engage',
      success_criteria: 'Attends',
      core_subjects: 'yes',
      dfe_registration_checked: 'yes',
      health_safety_checked: 'yes',
      safeguarding_checked: 'yes',
      checks_date: fields.start_date,
      parental_agreement_date: fields.start_date,
      ...fields,
    });
    return ref;
  }

  /**
   * Marks for `codes.length` consecutive weekday sessions ending on `last` (AM then PM), recorded on the
   * day, except the first `late` of them, recorded the day after.
   */
  marks(placementRef: string, last: string, codes: string[], late = 0): this {
    const sessions: { date: string; session: string }[] = [];
    for (let day = last; sessions.length < codes.length; day = addDays(day, -1)) {
      if (!isWeekday(day)) continue;
      sessions.unshift({ date: day, session: 'PM' });
      if (sessions.length < codes.length) sessions.unshift({ date: day, session: 'AM' });
    }
    return this.add(
      'attendance',
      ...sessions.map((s, i) => ({
        placement_ref: placementRef,
        date: s.date,
        session: s.session,
        code: codes[i],
        recorded_at: `${i < late ? addDays(s.date, 1) : s.date}T${s.session === 'AM' ? '09' : '13'}:30:00+00:00`,
      })),
    );
  }

  /** Flags helper: the subject keys flagged with `code`. */
  static keys(flags: { code: string; subjectKey: string }[], code: string): string[] {
    return flags.filter((f) => f.code === code).map((f) => f.subjectKey);
  }

  async load(db: Database): Promise<void> {
    const order: readonly ImportKind[] = IMPORT_KINDS;
    for (const kind of order) {
      const rows = this.rows.get(kind);
      if (!rows?.length) continue;
      const result = await importFile(db, localAdministrator(), kind, { content: Buffer.from(csv(rows)) });
      if (result.errors.length) throw new Error(`${kind}: ${JSON.stringify(result.errors.slice(0, 5))}`);
    }
  }
}
