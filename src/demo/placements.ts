import { addDays, daysBetween, IsoDate, lastFridayOfJune } from '../domain/dates';
import { weekdayOnOrBefore } from './calendar';
import { DemoRow, yesNo } from './columns';
import { DemoProvider } from './organisations';
import { DemoPupil } from './pupils';
import { Rng } from './random';
import { Lot, OBJECTIVES, SUCCESS_CRITERIA, suitedTo } from './vocabulary';

export const SESSIONS = [
  'MON-AM',
  'MON-PM',
  'TUE-AM',
  'TUE-PM',
  'WED-AM',
  'WED-PM',
  'THU-AM',
  'THU-PM',
  'FRI-AM',
  'FRI-PM',
] as const;

export const REASONS = ['permanent_exclusion', 'at_risk_of_exclusion', 'medical', 'semh', 'other'] as const;
export const TYPES: readonly Lot[] = ['full_time', 'part_time', 'in_school'];
type EndReason = 'reintegrated' | 'progressed' | 'completed' | 'moved' | 'broke_down';

export type Attender = 'good' | 'fair' | 'poor' | 'very_poor';

/** What attendance generation needs to know about a placement; the row alone would not say. */
export interface PlacementPlan {
  row: DemoRow<'placements'>;
  pupil: DemoPupil;
  provider: DemoProvider;
  /** Indexes into SESSIONS of the weekly pattern at the provider. */
  pattern: number[];
  /** Sessions outside the pattern are recorded C2 (a part-time timetable, the rest not in school). */
  c2Outside: boolean;
  attender: Attender;
  /** The provider stops sending marks this many school days before today (0: up to date). */
  unreportedDays: number;
  /** The last sessions before today are unexplained absences (the pupil has gone missing). */
  missing: boolean;
}

export interface PlacementContext {
  rng: Rng;
  today: IsoDate;
  /** 1 September of the first academic year covered: where calendars and attendance begin. */
  historyStart: IsoDate;
  academicYear: number;
  providers: readonly DemoProvider[];
  /** Mean weeks a placement is planned to last, when the caller asks for longer or shorter ones. */
  meanWeeks?: number;
  /** Weights of the placement types, overriding the defaults by reason. */
  typeMix?: Record<Lot, number>;
}

/**
 * `count` placements for one pupil, laid back from the latest: for about half the pupils still at
 * school it is active today, for the rest it ended some time ago; earlier ones come before it, with a
 * gap, and where there is no room left, in-school support alongside. Last year's Year 11 leavers had
 * theirs in Year 11, ending by the last Friday of June.
 */
export function makePlacements(
  ctx: PlacementContext,
  pupil: DemoPupil,
  count: number,
  nextRef: () => string,
  forced: { type?: Lot; reason?: (typeof REASONS)[number] },
): PlacementPlan[] {
  const { rng, today } = ctx;
  const leaver = pupil.year >= 12;
  const windowEnd = leaver ? lastFridayOfJune(ctx.academicYear) : today;
  // No AP before Year 1; leavers' AP was in their Year 11, last academic year.
  const inYear1 = `${ctx.academicYear - Math.min(pupil.year, 12) + 1}-09-01`;
  const beforeHistory = addDays(ctx.historyStart, -120);
  const earliest = leaver
    ? `${ctx.academicYear - 1}-09-01`
    : inYear1 > beforeHistory
      ? inYear1
      : beforeHistory;
  const span = Math.max(1, daysBetween(earliest, windowEnd));
  const current = !leaver && rng.chance(0.6);
  let endBy = leaver
    ? addDays(windowEnd, -rng.int(0, Math.min(30, span)))
    : addDays(today, -rng.int(1, Math.max(1, Math.floor(span * 0.7))));
  const plans: PlacementPlan[] = [];
  for (let i = 0; i < count; i++) {
    const alongside = i > 0 && daysBetween(earliest, endBy) < 21;
    const latestStart = plans[0]?.row.start_date;
    const place = (length: number): { start: IsoDate; end: IsoDate | null } => {
      if (i === 0 && current) return { start: addDays(today, -rng.int(1, Math.max(1, length))), end: null };
      if (alongside && latestStart) {
        const start = minDate(addDays(latestStart, rng.int(0, 20)), addDays(windowEnd, -1));
        const naturalEnd = addDays(start, length);
        if (naturalEnd < windowEnd) return { start, end: naturalEnd };
        return { start, end: leaver ? windowEnd : null };
      }
      const start = addDays(endBy, -length);
      return { start: maxDate(start, earliest), end: endBy };
    };
    const type = alongside ? 'in_school' : i === 0 ? forced.type : undefined;
    const plan = makePlacement(ctx, pupil, place, type, i === 0 ? forced.reason : undefined);
    plans.push(plan);
    if (!alongside) endBy = addDays(plan.row.start_date, -rng.int(3, 40));
  }
  // References in the order the placements began, as a register would number them.
  plans.sort((a, b) => a.row.start_date.localeCompare(b.row.start_date));
  for (const plan of plans) plan.row.placement_ref = nextRef();
  return plans;
}

function makePlacement(
  ctx: PlacementContext,
  pupil: DemoPupil,
  place: (lengthDays: number) => { start: IsoDate; end: IsoDate | null },
  forcedType: Lot | undefined,
  forcedReason: (typeof REASONS)[number] | undefined,
): PlacementPlan {
  const { rng } = ctx;
  const reason =
    forcedReason ??
    rng.weighted([
      ['permanent_exclusion', pupil.school?.type === 'pru' || !pupil.school ? 40 : 6],
      ['at_risk_of_exclusion', 34],
      ['medical', 11],
      ['semh', 30],
      ['other', 8],
    ] as const);
  const type: Lot =
    forcedType ??
    rng.weighted(
      ctx.typeMix
        ? TYPES.map((t) => [t, ctx.typeMix?.[t] ?? 0] as const)
        : reason === 'permanent_exclusion'
          ? [
              ['full_time', 80],
              ['part_time', 20],
            ]
          : [
              ['full_time', 22],
              ['part_time', 50],
              ['in_school', 28],
            ],
    );
  const candidates = ctx.providers.filter((p) => p.lots.includes(type));
  const provider = rng.pick(candidates.length ? candidates : ctx.providers);

  const pattern = makePattern(rng, type);
  const perSession = type === 'in_school' ? 1.5 : 2.5;
  const fullWeek = pattern.length === 10 && type === 'full_time';
  const hours = fullWeek ? rng.pick([22.5, 25, 25, 27.5, 15]) : pattern.length * perSession;
  const reducedTimetable = type === 'part_time' && rng.chance(0.45);
  const schoolHours =
    type === 'full_time'
      ? ''
      : type === 'in_school'
        ? String(rng.pick([20, 22.5, 25]))
        : reducedTimetable
          ? rng.pick(['', '0'])
          : String(rng.pick([10, 12.5, 15, 17.5, 20]));

  const baseWeeks =
    ctx.meanWeeks ??
    (type === 'full_time'
      ? rng.pick([12, 16, 26, 39])
      : type === 'part_time'
        ? rng.pick([6, 8, 12, 16])
        : rng.pick([6, 8, 10]));
  const plannedWeeks = ctx.meanWeeks ? Math.max(2, Math.round(baseWeeks * (0.5 + rng.next()))) : baseWeeks;
  const endReason: EndReason = rng.weighted([
    ['reintegrated', 30],
    ['progressed', 15],
    ['completed', 30],
    ['moved', 8],
    ['broke_down', 17],
  ]);
  const overrun = rng.chance(0.2);
  const length =
    endReason === 'broke_down' || endReason === 'moved'
      ? Math.max(3, Math.round(plannedWeeks * 7 * (0.15 + 0.5 * rng.next())))
      : plannedWeeks * 7 - 3 + (overrun ? rng.int(20, 100) : rng.int(-10, 10));
  // Placements begin and end on weekdays, as registers do.
  const placed = place(Math.max(1, length));
  const start = weekdayOnOrBefore(placed.start);
  const end = placed.end === null ? null : maxDate(start, weekdayOnOrBefore(placed.end));
  const plannedEnd = addDays(start, plannedWeeks * 7 - 3);
  const finalReason: EndReason | '' = end === null ? '' : endReason;
  const open = end === null;

  const checks = rng.weighted([
    ['before', 88],
    ['after', 6],
    ['none', 6],
  ]);
  const agreement = rng.weighted([
    ['before', 93],
    ['after', 3],
    ['none', 4],
  ]);
  const noPlan = rng.chance(0.06);
  const cost =
    type === 'full_time'
      ? rng.int(24, 44) * 25
      : Math.round(hours * rng.pick([28, 32.5, 35, 38.75, 42]) * 100) / 100;
  const row: DemoRow<'placements'> = {
    placement_ref: '',
    upn: pupil.row.upn,
    provider_ref: provider.ref,
    type,
    start_date: start,
    hours_per_week: String(hours),
    commissioner_urn: pupil.school?.row.urn ?? '',
    reason,
    planned_end_date: rng.chance(0.08) ? '' : plannedEnd,
    end_date: end ?? '',
    end_reason: finalReason,
    school_hours_per_week: schoolHours,
    sessions: fullWeek && rng.chance(0.7) ? '' : pattern.map((i) => SESSIONS[i]).join(' '),
    objectives: noPlan && rng.chance(0.5) ? '' : rng.pick(suitedTo(OBJECTIVES, pupil.year)),
    success_criteria: noPlan ? '' : rng.pick(suitedTo(SUCCESS_CRITERIA, pupil.year)),
    review_every_weeks: rng.weighted([
      ['6', 60],
      ['4', 15],
      ['8', 15],
      ['', 10],
    ]),
    core_subjects: yesNo(rng.chance(type === 'full_time' ? 0.85 : 0.35)),
    dfe_registration_checked: yesNo(checks !== 'none' && rng.chance(0.96)),
    health_safety_checked: yesNo(checks !== 'none' && rng.chance(0.97)),
    safeguarding_checked: yesNo(checks !== 'none' && rng.chance(0.98)),
    checks_date:
      checks === 'none'
        ? ''
        : weekdayOnOrBefore(addDays(start, checks === 'before' ? -rng.int(1, 14) : rng.int(3, 20))),
    parental_agreement_date:
      agreement === 'none'
        ? ''
        : weekdayOnOrBefore(addDays(start, agreement === 'before' ? -rng.int(1, 10) : rng.int(3, 15))),
    weekly_cost_gbp: rng.chance(0.05) ? '' : cost % 1 === 0 ? String(cost) : cost.toFixed(2),
  };
  const attender = rng.weighted([
    ['good', 45],
    ['fair', 25],
    ['poor', 21],
    ['very_poor', 9],
  ] as const);
  return {
    row,
    pupil,
    provider,
    pattern,
    c2Outside: reducedTimetable && pupil.year <= 11 && rng.chance(0.8),
    attender,
    unreportedDays: open && rng.chance(0.05) ? rng.int(2, 8) : 0,
    missing: open && attender !== 'good' && rng.chance(0.06),
  };
}

function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? a : b;
}

function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}

function makePattern(rng: Rng, type: Lot): number[] {
  const all = SESSIONS.map((_, i) => i);
  if (type === 'full_time')
    return rng.chance(0.75) ? all : rng.sample(all, rng.int(7, 9)).sort((a, b) => a - b);
  const count = type === 'part_time' ? rng.int(2, 6) : rng.int(2, 4);
  return rng.sample(all, count).sort((a, b) => a - b);
}
