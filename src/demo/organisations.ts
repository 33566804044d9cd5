import { addDays, IsoDate } from '../domain/dates';
import { POLICY_ITEMS } from '../entities/provider-evidence.entity';
import { weekdayOnOrBefore } from './calendar';
import { DemoRow, yesNo } from './columns';
import { Rng } from './random';
import { Lot, PROVIDER_FORMS, PROVIDER_STEMS, SCHOOL_STEMS } from './vocabulary';

export type SchoolType = 'maintained' | 'academy' | 'free' | 'special' | 'pru';

/** A school as the rest of the generator needs it: its row plus what a UPN is built from. */
export interface DemoSchool {
  row: DemoRow<'schools'>;
  laCode: string;
  type: SchoolType;
  phase: 'primary' | 'secondary' | 'all-through';
  /** The 4-digit DfE establishment number, the middle of the UPNs the school allocates. */
  establishment: string;
}

export interface DemoProvider {
  row: DemoRow<'providers'>;
  ref: string;
  lots: readonly Lot[];
  /** Records most of its attendance days after the session (for the late-reporting flag). */
  reportsLate: boolean;
}

/**
 * One authority's schools: a PRU, one or two special schools, secondaries and primaries in proportion
 * to the pupils. URNs are six digits, unique across the demo (`nextUrn` carries the sequence).
 */
export function makeSchools(
  rng: Rng,
  laCode: string,
  pupils: number,
  nextUrn: () => string,
  usedNames: Set<string>,
): DemoSchool[] {
  const secondaries = clamp(Math.round(pupils / 20), 4, 40);
  const primaries = clamp(Math.round(pupils / 50), 2, 30);
  const specials = pupils >= 100 ? 2 : 1;
  const schools: DemoSchool[] = [];
  const add = (type: SchoolType, phase: DemoSchool['phase'], suffix: string, establishment: number) => {
    const name = uniqueName(rng, SCHOOL_STEMS, suffix, usedNames);
    const urn = nextUrn();
    schools.push({
      row: { urn, name, la_code: laCode, type, phase },
      laCode,
      type,
      phase,
      establishment: String(establishment).padStart(4, '0'),
    });
  };
  add('pru', 'secondary', 'Learning Campus', 1100);
  for (let i = 0; i < specials; i++) add('special', 'all-through', 'School', 7000 + i);
  for (let i = 0; i < secondaries; i++) {
    // The first three make sure every kind of secondary appears, however small the demo.
    const type: SchoolType =
      i < 3
        ? (['maintained', 'academy', 'free'] as const)[i]
        : rng.weighted([
            ['academy', 60],
            ['maintained', 25],
            ['free', 15],
          ]);
    const suffix = type === 'academy' ? 'Academy' : type === 'free' ? 'Free School' : 'School';
    add(type, 'secondary', suffix, 4000 + i);
  }
  for (let i = 0; i < primaries; i++) {
    const type: SchoolType = rng.chance(0.35) ? 'academy' : 'maintained';
    add(type, 'primary', type === 'academy' ? 'Primary Academy' : 'Primary School', 2000 + i);
  }
  return schools;
}

/** The framework's providers, shared by every authority. Two are registered independent schools. */
export function makeProviders(
  rng: Rng,
  count: number,
  today: IsoDate,
  postcode: () => string,
): DemoProvider[] {
  const providers: DemoProvider[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < count; i++) {
    const ref = `ALP-${String(i + 1).padStart(3, '0')}`;
    const registered = i < 2;
    const form = registered
      ? { suffix: 'School', risk: 'low' as const, lots: ['full_time', 'part_time'] as readonly Lot[] }
      : i - 2 < PROVIDER_FORMS.length
        ? PROVIDER_FORMS[i - 2]
        : rng.pick(PROVIDER_FORMS.flatMap((f) => Array.from({ length: f.weight }, () => f)));
    const extra = form as Partial<(typeof PROVIDER_FORMS)[number]>;
    const lots = form.lots;
    const name = uniqueName(rng, PROVIDER_STEMS, form.suffix, usedNames);
    const ofstedDate = registered ? addDays(today, -rng.int(200, 1100)) : '';
    providers.push({
      ref,
      lots,
      reportsLate: !registered && i % 9 === 4,
      row: {
        provider_ref: ref,
        name,
        on_framework: yesNo(registered || rng.chance(0.8)),
        registered: yesNo(registered),
        dfe_urn: registered ? String(140100 + i * 37) : '',
        ofsted_judgement: registered ? (i === 0 ? 'good' : 'requires_improvement') : '',
        ofsted_date: ofstedDate,
        offers_full_time: yesNo(lots.includes('full_time')),
        offers_part_time: yesNo(lots.includes('part_time')),
        offers_in_school: yesNo(lots.includes('in_school')),
        online: yesNo(Boolean(extra.online)),
        professional_services: yesNo(Boolean(extra.professional)),
        environment_risk: form.risk,
        postcode: postcode(),
      },
    });
  }
  return providers;
}

const INSURANCE_LIMITS = {
  public_liability_insurance: 5_000_000,
  employers_liability_insurance: 10_000_000,
  professional_indemnity_insurance: 2_500_000,
  motor_insurance: 5_000_000,
  subcontractor_liability: 5_000_000,
} as const;

/**
 * Appendix-1 evidence for one provider. About a third of providers have a gap of one kind: expired
 * or too-low insurance, missing or absent policies, old or missing safeguarding training.
 */
export function makeEvidence(
  rng: Rng,
  provider: DemoProvider,
  today: IsoDate,
): DemoRow<'provider_evidence'>[] {
  const rows: DemoRow<'provider_evidence'>[] = [];
  const gap = rng.weighted([
    ['none', 62],
    ['expired_insurance', 8],
    ['low_insurance', 5],
    ['missing_policies', 10],
    ['old_dsl', 8],
    ['no_deputy', 4],
    ['absent_rows', 3],
  ]);
  const checkedBy = rng.pick(['LA contracts officer', 'framework manager', 'commissioning school']);
  const row = (item: string, status: string, fields: Partial<DemoRow<'provider_evidence'>> = {}) =>
    rows.push({
      provider_ref: provider.ref,
      item,
      status,
      evidence_date: '',
      expires_on: '',
      value_gbp: '',
      checked_by: status === 'held' ? checkedBy : '',
      notes: '',
      ...fields,
    });
  const professional = provider.row.professional_services === 'true';
  const motor = provider.row.name.includes('Motor');
  for (const [item, minimum] of Object.entries(INSURANCE_LIMITS)) {
    const applies =
      item === 'public_liability_insurance' ||
      item === 'employers_liability_insurance' ||
      (item === 'professional_indemnity_insurance' && professional) ||
      (item === 'motor_insurance' && motor);
    if (!applies) {
      row(item, 'not_applicable');
      continue;
    }
    const expired = gap === 'expired_insurance' && item === 'public_liability_insurance';
    const renewed = addDays(today, expired ? -rng.int(370, 420) : -rng.int(10, 330));
    const low = gap === 'low_insurance' && item === 'employers_liability_insurance';
    const value = low ? minimum / 2 : minimum * rng.pick([1, 1, 2]);
    row(item, 'held', {
      evidence_date: renewed,
      expires_on: addDays(renewed, 364),
      value_gbp: String(value),
      notes: expired ? 'Renewal certificate requested, not yet received' : '',
    });
  }
  const dslTrained = addDays(today, gap === 'old_dsl' ? -rng.int(760, 1000) : -rng.int(30, 600));
  row('dsl', 'held', { evidence_date: dslTrained, notes: 'Level 3 DSL training' });
  if (gap === 'no_deputy')
    row('deputy_dsl', 'missing', { notes: 'Deputy left in the summer, post advertised' });
  else row('deputy_dsl', 'held', { evidence_date: addDays(today, -rng.int(30, 700)) });
  const missing = gap === 'missing_policies' ? rng.sample(POLICY_ITEMS, rng.int(1, 3)) : [];
  const absent = gap === 'absent_rows' ? rng.sample(POLICY_ITEMS, 2) : [];
  for (const policy of POLICY_ITEMS) {
    if (absent.includes(policy)) continue;
    if (missing.includes(policy)) row(policy, 'missing');
    else if (policy === 'visits_policy' && provider.row.online === 'true') row(policy, 'not_applicable');
    else row(policy, 'held', { evidence_date: addDays(today, -rng.int(20, 700)) });
  }
  if (provider.row.registered === 'true')
    row('ofsted_report', 'held', { evidence_date: provider.row.ofsted_date });
  else row('ofsted_report', 'not_applicable');
  return rows;
}

/** Monitoring visits over the last two years: the authority's (mostly yearly) and schools'. */
export function makeVisits(
  rng: Rng,
  provider: DemoProvider,
  today: IsoDate,
  notes: readonly string[],
): DemoRow<'provider_visits'>[] {
  const rows = new Map<string, DemoRow<'provider_visits'>>();
  const overdue = rng.chance(0.18);
  const laVisits = overdue ? [rng.int(380, 600)] : [rng.int(15, 330), rng.int(400, 700)];
  const schoolVisits = Array.from({ length: rng.int(0, 3) }, () => rng.int(5, 700));
  for (const [visitor, ago] of [
    ...laVisits.map((d) => ['la', d] as const),
    ...schoolVisits.map((d) => ['school', d] as const),
  ]) {
    const date = weekdayOnOrBefore(addDays(today, -ago));
    const key = `${date}|${visitor}`;
    if (rows.has(key)) continue;
    const competent = visitor === 'la' ? rng.chance(0.85) : rng.chance(0.3);
    rows.set(key, {
      provider_ref: provider.ref,
      visit_date: date,
      visitor,
      health_safety_checked: yesNo(competent || rng.chance(0.5)),
      competent_person: yesNo(competent),
      judgement: rng.weighted([
        ['good', 65],
        ['requires_improvement', 25],
        ['inadequate', 4],
        ['', 6],
      ]),
      notes: rng.pick(notes),
    });
  }
  return [...rows.values()].sort((a, b) => a.visit_date.localeCompare(b.visit_date));
}

function uniqueName(rng: Rng, stems: readonly string[], suffix: string, used: Set<string>): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const name = `${rng.pick(stems)} ${suffix}`;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
  // Past the word lists: number the name, as the DfE register does with "... (2)".
  let n = 2;
  while (used.has(`${stems[0]} ${suffix} (${n})`)) n++;
  const name = `${stems[0]} ${suffix} (${n})`;
  used.add(name);
  return name;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
