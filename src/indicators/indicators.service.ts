import { authoritiesWall, INDICATOR_READERS, requireRole } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { addDays, daysBetween } from '../domain/dates';
import type { SettingValues } from '../settings/settings.definitions';
import { settingsForScope } from '../settings/settings.service';
import { authoritiesInScope, requireDate } from './access';
import {
  ATTENDANCE_SQL,
  DESTINATIONS_SQL,
  PLACEMENT_LENGTH_SQL,
  PLACEMENT_YEAR_SQL,
  POPULATION_SQL,
  POPULATION_TOTAL_SQL,
  POSITIVE_ACTIVITIES,
  PROVIDERS_SQL,
} from './aggregates/aggregates.sql';
import { Disclosure, disclosureFor, Measure } from './disclosure';
import type { Flag } from './flag-definition';
import { computeFlags, countFlags, flagRows, SharedComputation } from './flags.service';
import { IndicatorError } from './indicator-error';
import { Queryable, queryAnalytics } from './queryable';
import { FLAG_DEFINITIONS } from './registry';
import { noteScopeAsked, PointFigures, readPoints, storePoints } from './series-points';
import {
  GivenYearRates,
  givenParameters,
  PlacementYearMarks,
  steppedYearRates,
  withYearRates,
} from './year-rates';

/** Statements one request runs at once: two keep both cores of a server busy without starving others. */
const LANES = 2;

/**
 * Runs `tasks` on `lanes` connections: each lane takes the next task in order when its own ends, so a
 * task that awaits another's result must come after it in the list (it then waits at most for that one).
 */
export async function inLanes(tasks: (() => Promise<unknown>)[], lanes = LANES): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const task = tasks[next];
      next += 1;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, tasks.length) }, lane));
}

export interface Breakdown {
  dimension: string;
  value: string;
  pupils: Measure;
  placements: Measure;
}

export interface DestinationShare {
  activity: string;
  pupils: Measure;
  share: Measure;
}

export interface ProviderIndicators {
  providerRef: string;
  name: string;
  pupils: Measure;
  placements: Measure;
  attendanceRate: Measure;
  targetsMetShare: Measure;
  reintegrationOrProgressionShare: Measure;
  destinationRate: Measure;
  complianceFlags: Measure;
  costPerPupilWeekGbp: Measure;
}

export interface IndicatorReport {
  asOf: string;
  /** The LA codes covered; null = every authority. */
  authorities: string[] | null;
  headline: Record<string, Measure>;
  flagCounts: { code: string; count: Measure }[];
  breakdowns: Breakdown[];
  destinations: DestinationShare[];
  providers: ProviderIndicators[];
}

export interface IndicatorQuery {
  asOf: string;
  authority?: string | null;
}

const ACTIVITIES = [
  'education',
  'apprenticeship',
  'employment_with_training',
  'employment_without_training',
  'training',
  'neet',
  'not_known',
];

export interface Scope {
  asOf: string;
  laCodes: string[] | null;
  /** The scope's settings (one authority's, or the defaults), as JSON. */
  settings: string;
}

/**
 * What the snapshot shares: the year's marks per placement (for the providers' attendance) and summed
 * per pupil (the pupil flags' and the attendance indicators' year rates), from one pass.
 */
export interface YearMarks {
  placements: PlacementYearMarks;
  pupils: GivenYearRates;
}

/**
 * The year's attendance up to `asOf`, as known on it, for the authorities in `laCodes` (null = all):
 * read once per request and shared by the pupil flags, the attendance indicators and the providers.
 */
export async function yearMarksAt(db: Queryable, asOf: string, laCodes: string[] | null): Promise<YearMarks> {
  const rows = await queryAnalytics<{
    placement_id: number;
    pupil_id: number;
    possible: number;
    attended: number;
  }>(db, authoritiesWall(laCodes), PLACEMENT_YEAR_SQL, [requireDate(asOf, 'asOf'), laCodes, '{}'], asOf);
  const perPupil = new Map<number, { possible: number; attended: number }>();
  for (const r of rows) {
    const p = perPupil.get(r.pupil_id) ?? { possible: 0, attended: 0 };
    p.possible += r.possible;
    p.attended += r.attended;
    perPupil.set(r.pupil_id, p);
  }
  // as the year_rates scan gives them: pupils with possible sessions, in pupil order
  const pupils = [...perPupil].filter(([, p]) => p.possible > 0).sort(([a], [b]) => a - b);
  return {
    placements: {
      placementIds: rows.map((r) => r.placement_id),
      possible: rows.map((r) => r.possible),
      attended: rows.map((r) => r.attended),
    },
    pupils: {
      pupilIds: pupils.map(([id]) => id),
      possible: pupils.map(([, p]) => p.possible),
      attended: pupils.map(([, p]) => p.attended),
    },
  };
}

/** The pupils' year rates at `asOf` (see yearMarksAt), for callers that need nothing else. */
export async function yearRatesAt(
  db: Queryable,
  asOf: string,
  laCodes: string[] | null,
): Promise<GivenYearRates> {
  return (await yearMarksAt(db, asOf, laCodes)).pupils;
}

/** What the headline statements return for one date and scope, before disclosure control. */
export interface HeadlineFigures {
  population: { dimension: string; value: string; pupils: number; placements: number }[];
  attendance?: { pupils: number; attendance_rate: number | null; persistent: number; severe: number };
  length: { placements: number; mean_days: number | null; median_days: number | null };
  destinations: { activity: string; pupils: number }[];
}

/**
 * The headline statements at `scope.asOf` as tasks that fill `into` (see inLanes); the attendance one,
 * which needs the pupils' year rates, last. A series point needs the population total only.
 */
function headlineTasks(
  db: Queryable,
  scope: Scope,
  yearRates: () => Promise<GivenYearRates>,
  totalOnly: boolean,
  into: Partial<HeadlineFigures>,
): (() => Promise<void>)[] {
  const params: unknown[] = [scope.asOf, scope.laCodes, scope.settings];
  const wall = authoritiesWall(scope.laCodes);
  const read = <T>(sql: string, parameters = params) =>
    queryAnalytics<T>(db, wall, sql, parameters, scope.asOf);
  return [
    async () => {
      into.population = await read(totalOnly ? POPULATION_TOTAL_SQL : POPULATION_SQL);
    },
    async () => {
      [into.length] = await read<HeadlineFigures['length']>(PLACEMENT_LENGTH_SQL);
    },
    async () => {
      into.destinations = await read(DESTINATIONS_SQL);
    },
    async () => {
      [into.attendance] = await read<NonNullable<HeadlineFigures['attendance']>>(
        withYearRates(ATTENDANCE_SQL, true),
        [...params, ...givenParameters(await yearRates())],
      );
    },
  ];
}

/** The headline statements at `scope.asOf`, one after another (see headlineTasks). */
export async function headlineFigures(
  db: Queryable,
  scope: Scope,
  yearRates: GivenYearRates,
  totalOnly: boolean,
): Promise<HeadlineFigures> {
  const into: Partial<HeadlineFigures> = {};
  await inLanes(
    headlineTasks(db, scope, async () => yearRates, totalOnly, into),
    1,
  );
  return into as HeadlineFigures;
}

/** The headline measures, breakdowns and destination shares of `f`, with disclosure control `dc`. */
export function presentHeadline(f: HeadlineFigures, dc: Disclosure) {
  const { population, attendance, length, destinations } = f;
  const total = population.find((p) => p.dimension === 'all');
  const attending = attendance?.pupils ?? 0;
  const leavers = destinations.reduce((n, d) => n + d.pupils, 0);
  const leaversIn = (activities: string[]) =>
    destinations.filter((d) => activities.includes(d.activity)).reduce((n, d) => n + d.pupils, 0);

  const headline: Record<string, Measure> = {
    pupilsInAp: dc.count(total?.pupils ?? 0),
    activePlacements: dc.count(total?.placements ?? 0),
    attendanceRate: dc.rate(attendance?.attendance_rate ?? null, attending),
    persistentAbsenceRate: dc.share(attendance?.persistent ?? 0, attending),
    severeAbsenceRate: dc.share(attendance?.severe ?? 0, attending),
    placementLengthMeanDays: dc.rate(length.mean_days, length.placements),
    placementLengthMedianDays: dc.rate(length.median_days, length.placements),
    year11Leavers: dc.count(leavers),
    positiveDestinationRate: dc.share(leaversIn(POSITIVE_ACTIVITIES), leavers),
    neetOrNotKnownRate: dc.share(leaversIn(['neet', 'not_known']), leavers),
  };
  const breakdowns = population
    .filter((p) => p.dimension !== 'all')
    .map((p) => ({
      dimension: p.dimension,
      value: p.value,
      pupils: dc.count(p.pupils),
      placements: dc.count(p.placements),
    }));
  const destinationShares = ACTIVITIES.map((activity) => {
    const n = leaversIn([activity]);
    return { activity, pupils: dc.count(n), share: dc.share(n, leavers) };
  });
  return { headline, breakdowns, destinations: destinationShares };
}

/** How many of each flag, and provider flags per provider (by provider_ref), among `flags`. */
function tally(flags: readonly Flag[]) {
  const counts = new Map<string, number>();
  const providerFlags = new Map<string, number>();
  for (const f of flags) {
    counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
    if (f.subjectType === 'provider')
      providerFlags.set(f.subjectKey, (providerFlags.get(f.subjectKey) ?? 0) + 1);
  }
  return { counts, providerFlags };
}

function controlled(counts: Map<string, number>, dc: Disclosure) {
  return FLAG_DEFINITIONS.map((d) => ({ code: d.code, count: dc.count(counts.get(d.code) ?? 0) }));
}

interface ProviderRow {
  provider_ref: string;
  name: string;
  pupils: number;
  placements: number;
  weekly_cost_pence: number | null;
  costed_pupils: number;
  attendance_pupils: number | null;
  possible: number | null;
  attended: number | null;
  targets: number;
  targets_met: number;
  ended: number;
  moved_on: number;
  leavers: number;
  positive: number;
}

/** Each provider's figures in scope at the date; $4-$6 the placements' year marks. */
function providerFigures(db: Queryable, scope: Scope, placementYear: PlacementYearMarks) {
  return queryAnalytics<ProviderRow>(
    db,
    authoritiesWall(scope.laCodes),
    PROVIDERS_SQL,
    [
      scope.asOf,
      scope.laCodes,
      scope.settings,
      placementYear.placementIds,
      placementYear.possible,
      placementYear.attended,
    ],
    scope.asOf,
  );
}

/** The providers' indicators from their figures, with their compliance flags counted. */
function providerIndicators(rows: ProviderRow[], dc: Disclosure, complianceFlags: Map<string, number>) {
  return rows.map(
    (r): ProviderIndicators => ({
      providerRef: r.provider_ref,
      name: r.name,
      pupils: dc.count(r.pupils),
      placements: dc.count(r.placements),
      attendanceRate: dc.rate(r.possible ? (r.attended ?? 0) / r.possible : null, r.attendance_pupils ?? 0),
      targetsMetShare: dc.recordShare(r.targets_met, r.targets),
      reintegrationOrProgressionShare: dc.share(r.moved_on, r.ended),
      destinationRate: dc.share(r.positive, r.leavers),
      complianceFlags: dc.count(complianceFlags.get(r.provider_ref) ?? 0),
      costPerPupilWeekGbp: dc.rate(
        r.costed_pupils > 0 && r.weekly_cost_pence !== null
          ? r.weekly_cost_pence / 100 / r.costed_pupils
          : null,
        r.costed_pupils,
      ),
    }),
  );
}

/** The LA codes an authority-wide question covers (null: every authority), for a caller who may ask it. */
async function indicatorAuthorities(
  db: Queryable,
  principal: Principal,
  authority?: string | null,
): Promise<string[] | null> {
  requireRole(principal, INDICATOR_READERS, 'read authority-wide indicators');
  return authoritiesInScope(db, principal, authority);
}

async function resolveScope(db: Queryable, principal: Principal, asOf: string, authority?: string | null) {
  const laCodes = await indicatorAuthorities(db, principal, authority);
  return { asOf, laCodes, settings: JSON.stringify(await settingsForScope(db, laCodes, asOf)) };
}

/**
 * The aggregate indicators at a date for one authority or every authority the caller may see, with
 * disclosure control applied for callers who may see aggregates only. `shared` holds what the same
 * request already computed for this date and scope (the year rates, every flag), used instead of
 * computing it again.
 */
export async function computeIndicators(
  db: Queryable,
  principal: Principal,
  query: IndicatorQuery,
  shared: SharedComputation = {},
): Promise<IndicatorReport> {
  const scope = await resolveScope(db, principal, requireDate(query.asOf, 'asOf'), query.authority);
  const dc = disclosureFor(principal);
  const settings = JSON.parse(scope.settings);
  const of = (type: string) => FLAG_DEFINITIONS.filter((d) => d.subjectType === type);
  let marks: Promise<YearMarks> | undefined;
  const yearMarks = () => marks as Promise<YearMarks>;
  const figures: Partial<HeadlineFigures> = {};
  const counts = new Map<string, number>();
  let providerFlags = new Map<string, number>();
  let providers: ProviderRow[] = [];
  const count = (found: Map<string, number>) => {
    for (const [code, n] of found) counts.set(code, n);
  };
  // flag rows counted, and the provider flags per provider
  const countRows = (flags: readonly Flag[]) => {
    const t = tally(flags);
    count(t.counts);
    providerFlags = t.providerFlags;
  };
  // what needs the year's marks comes after the task that reads them (inLanes starts tasks in order)
  await inLanes([
    async () => {
      marks =
        shared.yearRates && shared.placementYear
          ? Promise.resolve({ pupils: shared.yearRates, placements: shared.placementYear })
          : yearMarksAt(db, scope.asOf, scope.laCodes);
      await marks;
    },
    ...(shared.flags
      ? []
      : [
          async () => {
            count(await countFlags(db, scope.asOf, scope.laCodes, settings, undefined, of('placement')));
          },
          async () => {
            // provider flags are few, and are counted per provider too
            countRows(await flagRows(db, scope.asOf, scope.laCodes, settings, of('provider')));
          },
        ]),
    ...headlineTasks(db, scope, async () => (await yearMarks()).pupils, false, figures),
    ...(shared.flags
      ? []
      : [
          async () => {
            const rates = (await yearMarks()).pupils;
            count(await countFlags(db, scope.asOf, scope.laCodes, settings, rates, of('pupil')));
          },
        ]),
    async () => {
      providers = await providerFigures(db, scope, (await yearMarks()).placements);
    },
  ]);
  if (shared.flags) countRows(await shared.flags);
  return {
    asOf: scope.asOf,
    authorities: scope.laCodes,
    ...presentHeadline(figures as HeadlineFigures, dc),
    flagCounts: controlled(counts, dc),
    providers: providerIndicators(providers, dc, providerFlags),
  };
}

/**
 * The snapshot and, for callers who may see rows, every flag behind its counts: what a page showing
 * both (the dashboard) asks, computed once. The year's attendance is read once and shared by the flags,
 * the attendance indicators and the providers; the flags are computed once and counted for the snapshot.
 */
export async function computeIndicatorsWithFlags(
  db: Queryable,
  principal: Principal,
  query: IndicatorQuery,
): Promise<{ report: IndicatorReport; flags: Flag[] | null }> {
  const asOf = requireDate(query.asOf, 'asOf');
  const marks = await yearMarksAt(db, asOf, await indicatorAuthorities(db, principal, query.authority));
  const yearRates = marks.pupils;
  // the flags and the rest of the snapshot at once: the snapshot counts the flags when they are done
  const flags = principal.aggregatesOnly
    ? null
    : computeFlags(db, principal, { asOf, authority: query.authority }, { yearRates });
  const [report, computed] = await Promise.all([
    computeIndicators(db, principal, query, {
      yearRates,
      placementYear: marks.placements,
      flags: flags ?? undefined,
    }),
    flags,
  ]);
  return { report, flags: computed };
}

export interface SeriesPoint {
  date: string;
  headline: Record<string, Measure>;
  flagCounts: { code: string; count: Measure }[];
}

export interface SeriesQuery {
  from: string;
  to: string;
  authority?: string | null;
}

/** At most a little over one academic year of weekly points. */
export const MAX_SERIES_POINTS = 60;

/** The dates of a weekly series: `from`, then every 7 days while on or before `to`. */
export function seriesDates(from: string, to: string): string[] {
  const days = daysBetween(from, to);
  if (days < 0) throw new IndicatorError('INVALID_RANGE', 'from must be on or before to', 'to');
  const points = Math.floor(days / 7) + 1;
  if (points > MAX_SERIES_POINTS) {
    throw new IndicatorError(
      'INVALID_RANGE',
      `a series has at most ${MAX_SERIES_POINTS} weekly points`,
      'to',
    );
  }
  return Array.from({ length: points }, (_, i) => addDays(from, 7 * i));
}

/**
 * The headline indicators and flag counts week by week. Each point is what computeIndicators gives
 * as of its own date, by the same statements, with the settings in force on that date. A point as of a
 * day that has ended never changes, so it is computed once and stored (series-points.ts), by the first
 * series that asks for it or beforehand by the keeper (points-keeper.ts); only the points not stored yet
 * are computed, and the pupils' year attendance for all of them comes from one pass (year-rates.ts).
 */
export async function computeSeries(
  db: Queryable,
  principal: Principal,
  query: SeriesQuery,
): Promise<SeriesPoint[]> {
  const dates = seriesDates(requireDate(query.from, 'from'), requireDate(query.to, 'to'));
  const dc = disclosureFor(principal);
  const laCodes = await indicatorAuthorities(db, principal, query.authority);
  await noteScopeAsked(db, laCodes);
  const figures = await seriesFigures(db, laCodes, dates, 7);
  return dates.map((date, i) => ({
    date,
    headline: presentHeadline(figures[i], dc).headline,
    flagCounts: FLAG_DEFINITIONS.map((d) => ({
      code: d.code,
      count: dc.count(figures[i].flags[d.code] ?? 0),
    })),
  }));
}

/**
 * The figures of `dates` (`dates[0]`, then every `step` days): the stored ones read, the others
 * computed (and stored when their day has ended).
 */
export async function seriesFigures(
  db: Queryable,
  laCodes: string[] | null,
  dates: string[],
  step: number,
  lanes = LANES,
): Promise<PointFigures[]> {
  const { stored, startedAt } = await readPoints(db, laCodes, dates);
  const missing = dates.map((_, i) => i).filter((i) => !stored.has(dates[i]));
  const figures = dates.map((d) => stored.get(d));
  if (missing.length) {
    const computed = await computePoints(db, laCodes, dates, step, missing, lanes);
    missing.forEach((i, k) => {
      figures[i] = computed[k];
    });
    await storePoints(
      db,
      laCodes,
      missing.map((i, k) => ({ asOf: dates[i], figures: computed[k] })),
      startedAt,
    );
  }
  return figures as PointFigures[];
}

/**
 * The figures of `dates[i]` for each i of `which` (`dates` are `step` days apart), in lanes (inLanes):
 * the year attendance first (one pass over the whole range, or one year's scan for a single date), then
 * the flags that need no year attendance, then, per date, the pupil flags and headline that use it.
 * Each date has the scope's settings in force on it.
 */
async function computePoints(
  db: Queryable,
  laCodes: string[] | null,
  dates: string[],
  step: number,
  which: number[],
  lanes: number,
): Promise<PointFigures[]> {
  const settings: SettingValues[] = [];
  for (const i of which) settings.push(await settingsForScope(db, laCodes, dates[i]));
  const pupilFlags = FLAG_DEFINITIONS.filter((d) => d.subjectType === 'pupil');
  const otherFlags = FLAG_DEFINITIONS.filter((d) => d.subjectType !== 'pupil');
  let rates: Promise<GivenYearRates[]> | undefined;
  const otherCounts: Map<string, number>[] = new Array(which.length);
  const headlines: HeadlineFigures[] = new Array(which.length);
  const pupilCounts: Map<string, number>[] = new Array(which.length);
  const tasks: (() => Promise<void>)[] = [
    async () => {
      rates =
        which.length === 1
          ? yearRatesAt(db, dates[which[0]], laCodes).then((r) => [r])
          : steppedYearRates(db, dates[0], dates.length, laCodes, step).then((all) =>
              which.map((i) => all[i]),
            );
      await rates;
    },
    ...which.map((i, k) => async () => {
      otherCounts[k] = await countFlags(db, dates[i], laCodes, settings[k], undefined, otherFlags);
    }),
    ...which.map((i, k) => async () => {
      const r = (await (rates as Promise<GivenYearRates[]>))[k];
      const scope = { asOf: dates[i], laCodes, settings: JSON.stringify(settings[k]) };
      headlines[k] = await headlineFigures(db, scope, r, true);
      pupilCounts[k] = await countFlags(db, dates[i], laCodes, settings[k], r, pupilFlags);
    }),
  ];
  await inLanes(tasks, lanes);
  return which.map((_, k) => ({
    ...headlines[k],
    flags: Object.fromEntries(
      FLAG_DEFINITIONS.map((d) => [d.code, pupilCounts[k].get(d.code) ?? otherCounts[k].get(d.code) ?? 0]),
    ),
  }));
}
