import { base, en, en_GB, Faker } from '@faker-js/faker';
import { academicYearStart, IsoDate, isIsoDate, londonToday } from '../domain/dates';
import { AttendanceMark, placementMarks } from './attendance';
import { academicYearCalendar, SchoolDays } from './calendar';
import { DemoKind, DemoRow } from './columns';
import { DemoError } from './demo-error';
import { makeDestinations } from './destinations';
import { DemoProvider, makeEvidence, makeProviders, makeSchools, makeVisits } from './organisations';
import { makePlacements, PlacementPlan, REASONS, TYPES } from './placements';
import { makeReviews, makeTargets } from './plans';
import { DemoPupil, makePupils } from './pupils';
import { Rng } from './random';
import { AUTHORITIES, Lot, VISIT_NOTES } from './vocabulary';

export interface DemoOptions {
  seed: number;
  pupils: number;
  /** The demo's "now" (Europe/London date); attendance runs to the day before. Default: today. */
  today?: IsoDate;
  /** How many of the framework's three authorities (802, 801, 803, in that order). Default 3. */
  authorities?: number;
  /** Total placements. Default: about 1.3 per pupil. */
  placements?: number;
  /** Mean planned length of a placement in weeks; default: by type (6 to 39 weeks). */
  meanWeeks?: number;
  /** Academic years of history before the current one (calendars, placements, attendance). Default 1. */
  historyYears?: number;
  /**
   * Relative weights of full-time, part-time and in-school placements, for every reason. Default: by
   * reason (mostly full time after a permanent exclusion, else mostly part time).
   */
  typeMix?: TypeMix;
}

export type TypeMix = Record<Lot, number>;

type Tables = { [K in Exclude<DemoKind, 'attendance'>]: DemoRow<K>[] };

/**
 * The demo in the import formats: small kinds as arrays, attendance as generators (it is by far the
 * largest, so it is made as it is written). `attendance()` is the first delivery of marks;
 * `corrections()` the school's later corrections of some of them, to be imported after it.
 */
export interface DemoData extends Tables {
  options: Required<Omit<DemoOptions, 'meanWeeks' | 'typeMix'>> & {
    meanWeeks: number | null;
    typeMix: TypeMix | null;
  };
  /** 1 September of the first academic year the demo covers. */
  historyStart: IsoDate;
  attendance(): Generator<DemoRow<'attendance'>>;
  corrections(): Generator<DemoRow<'attendance'>>;
  /** Both at once: each first mark with its correction, if any (one pass for the writer). */
  marks(): Generator<AttendanceMark>;
}

export const DEMO_LIMITS = { pupils: 20_000, placements: 40_000, meanWeeks: 160, historyYears: 3 } as const;

export function generateDemo(opts: DemoOptions): DemoData {
  const options = checkOptions(opts);
  const { seed, today } = options;
  const rng = new Rng(seed, 'demo');
  const faker = new Faker({ locale: [en_GB, en, base] });
  faker.seed(seed);
  const academicYear = academicYearStart(today);
  const historyStart = `${academicYear - options.historyYears}-09-01`;
  const authorities = AUTHORITIES.slice(0, options.authorities);
  const totalShare = authorities.reduce((s, a) => s + a.share, 0);

  const tables: Tables = {
    authorities: [],
    calendar: [],
    schools: [],
    providers: [],
    provider_evidence: [],
    provider_visits: [],
    pupils: [],
    placements: [],
    targets: [],
    reviews: [],
    destinations: [],
  };
  const calendars = new Map<string, SchoolDays>();
  let urn = 109_000;
  const nextUrn = () => {
    urn += rng.int(3, 40);
    return String(urn);
  };
  const usedSchoolNames = new Set<string>();
  const usedUpns = new Set<string>();
  const pupils: DemoPupil[] = [];
  let assigned = 0;
  authorities.forEach((la, index) => {
    const last = index === authorities.length - 1;
    const count = last ? options.pupils - assigned : Math.round((options.pupils * la.share) / totalShare);
    assigned += count;
    tables.authorities.push({ la_code: la.laCode, name: la.name });
    const years = Array.from(
      { length: options.historyYears + 1 },
      (_, i) => academicYear - options.historyYears + i,
    );
    const calendar = years.flatMap((y) => academicYearCalendar(la.laCode, y, la.variant));
    tables.calendar.push(...calendar);
    calendars.set(la.laCode, new SchoolDays(calendar));
    const schools = makeSchools(rng.fork(`schools:${la.laCode}`), la.laCode, count, nextUrn, usedSchoolNames);
    tables.schools.push(...schools.map((s) => s.row));
    pupils.push(
      ...makePupils(
        rng.fork(`pupils:${la.laCode}`),
        faker,
        la.laCode,
        count,
        schools,
        academicYear,
        usedUpns,
      ),
    );
  });
  tables.pupils = pupils.map((p) => p.row);

  const providerRng = rng.fork('providers');
  const postcodeRng = rng.fork('postcodes');
  const districts = authorities.flatMap((a) => a.postcodes);
  const postcode = () =>
    `BS${postcodeRng.pick(districts)} ${postcodeRng.int(1, 9)}${postcodeRng.pick(POSTCODE_LETTERS)}${postcodeRng.pick(POSTCODE_LETTERS)}`;
  const providers = makeProviders(
    providerRng,
    clamp(Math.round(options.pupils / 25), 14, 60),
    today,
    postcode,
  );
  tables.providers = providers.map((p) => p.row);
  for (const p of providers) {
    tables.provider_evidence.push(...makeEvidence(providerRng.fork(`evidence:${p.ref}`), p, today));
    tables.provider_visits.push(...makeVisits(providerRng.fork(`visits:${p.ref}`), p, today, VISIT_NOTES));
  }

  const plans = makeAllPlacements(
    rng.fork('placements'),
    options,
    pupils,
    providers,
    today,
    historyStart,
    academicYear,
  );
  tables.placements = plans.map((p) => p.row);
  const planRng = rng.fork('plans');
  for (const plan of plans) {
    tables.targets.push(...makeTargets(planRng, plan));
    tables.reviews.push(...makeReviews(planRng, plan, today));
  }
  const leavers = pupils.filter((p) => p.year >= 12);
  tables.destinations = makeDestinations(rng.fork('destinations'), leavers, plans, academicYear, today);

  const marks = function* () {
    const attendanceRng = rng.fork('attendance');
    for (const plan of plans) {
      const calendar = calendars.get(plan.pupil.laCode) as SchoolDays;
      yield* placementMarks(attendanceRng, plan, calendar, historyStart, today);
    }
  };
  return {
    ...tables,
    options,
    historyStart,
    marks,
    *attendance() {
      for (const m of marks()) yield m.row;
    },
    *corrections() {
      for (const m of marks()) if (m.correction) yield m.correction;
    },
  };
}

const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'.split('');

function makeAllPlacements(
  rng: Rng,
  options: DemoData['options'],
  pupils: readonly DemoPupil[],
  providers: readonly DemoProvider[],
  today: IsoDate,
  historyStart: IsoDate,
  academicYear: number,
): PlacementPlan[] {
  // Home-educated children have no placement; every other pupil has one before anyone has a second.
  const eligible = pupils.filter((p) => p.row.home_educated !== 'true');
  const order = rng.sample(eligible, eligible.length);
  const counts = new Map<DemoPupil, number>();
  for (let i = 0; i < options.placements && eligible.length; i++) {
    const pupil = i < order.length ? order[i] : rng.pick(eligible);
    counts.set(pupil, (counts.get(pupil) ?? 0) + 1);
  }
  const ctx = {
    rng,
    today,
    historyStart,
    academicYear,
    providers,
    meanWeeks: options.meanWeeks ?? undefined,
    typeMix: options.typeMix ?? undefined,
  };
  let seq = 0;
  const nextRef = () => `PL-${String(++seq).padStart(6, '0')}`;
  const plans: PlacementPlan[] = [];
  // The first few placements take each type and reason in turn, so even a tiny demo has them all.
  for (const pupil of eligible) {
    const count = counts.get(pupil) ?? 0;
    if (!count) continue;
    const k = plans.length;
    const forced = {
      type: k < TYPES.length ? TYPES[k] : undefined,
      reason: k < REASONS.length ? REASONS[k] : undefined,
    };
    plans.push(...makePlacements(ctx, pupil, count, nextRef, forced));
  }
  return plans;
}

function checkOptions(opts: DemoOptions): DemoData['options'] {
  const today = opts.today ?? londonToday();
  const authorities = opts.authorities ?? AUTHORITIES.length;
  const placements = opts.placements ?? Math.round(opts.pupils * 1.3);
  const historyYears = opts.historyYears ?? 1;
  const problem = (field: string, message: string) => new DemoError('DEMO_OPTION_INVALID', message, field);
  if (!Number.isSafeInteger(opts.seed)) throw problem('seed', `seed must be an integer, got ${opts.seed}`);
  if (!Number.isInteger(opts.pupils) || opts.pupils < 10 || opts.pupils > DEMO_LIMITS.pupils)
    throw problem(
      'pupils',
      `pupils must be a whole number from 10 to ${DEMO_LIMITS.pupils}, got ${opts.pupils}`,
    );
  if (!Number.isInteger(authorities) || authorities < 1 || authorities > AUTHORITIES.length)
    throw problem('authorities', `authorities must be 1 to ${AUTHORITIES.length}, got ${authorities}`);
  if (!Number.isInteger(placements) || placements < 0 || placements > DEMO_LIMITS.placements)
    throw problem('placements', `placements must be a whole number from 0 to ${DEMO_LIMITS.placements}`);
  if (opts.meanWeeks !== undefined && !(opts.meanWeeks >= 2 && opts.meanWeeks <= DEMO_LIMITS.meanWeeks))
    throw problem(
      'meanWeeks',
      `mean weeks must be from 2 to ${DEMO_LIMITS.meanWeeks}, got ${opts.meanWeeks}`,
    );
  if (!Number.isInteger(historyYears) || historyYears < 1 || historyYears > DEMO_LIMITS.historyYears)
    throw problem(
      'historyYears',
      `history years must be 1 to ${DEMO_LIMITS.historyYears}, got ${historyYears}`,
    );
  const mix = opts.typeMix;
  if (
    mix &&
    (TYPES.some((t) => !(Number.isFinite(mix[t]) && mix[t] >= 0)) || TYPES.every((t) => mix[t] === 0))
  )
    throw problem('typeMix', 'type mix weights must be numbers of 0 or more, not all 0');
  if (!isIsoDate(today)) throw problem('today', `today must be a date YYYY-MM-DD, got ${today}`);
  return {
    seed: opts.seed,
    pupils: opts.pupils,
    today,
    authorities,
    placements,
    historyYears,
    meanWeeks: opts.meanWeeks ?? null,
    typeMix: opts.typeMix ?? null,
  };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
