import { authoritiesWall } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { daysBetween } from '../domain/dates';
import { settingsForScope } from '../settings/settings.service';
import { authoritiesInScope, requireDate } from './access';
import { POSITIVE_ACTIVITIES } from './aggregates/aggregates.sql';
import { PERIOD_GROUPS_SQL, PERIOD_MONTHS_SQL } from './aggregates/period.sql';
import { disclosureFor, Measure } from './disclosure';
import { IndicatorError } from './indicator-error';
import { Queryable, queryAnalytics } from './queryable';

export const DESTINATION_ACTIVITIES = [
  'education',
  'apprenticeship',
  'employment_with_training',
  'employment_without_training',
  'training',
  'neet',
  'not_known',
] as const;

export interface PeriodQuery {
  /** What the hub knew at the end of this date. */
  asOf: string;
  from: string;
  to: string;
  authority?: string | null;
  /** Only the placements this school commissioned or whose pupil is on its roll. */
  schoolUrn?: string | null;
  /** One group per provider instead of one for the whole scope. */
  byProvider?: boolean;
}

/** What happened in a period to one group of placements (a school's, a provider's, an authority's). */
export interface PeriodFigures {
  /** Null for the whole scope. */
  provider: { id: number; providerRef: string; name: string; onFramework: boolean } | null;
  pupils: Measure;
  placements: Measure;
  placementsByType: { type: 'full_time' | 'part_time' | 'in_school'; placements: Measure }[];
  /** Over pupils with at least the minimum possible sessions in the period. */
  attendanceRate: Measure;
  persistentAbsenceRate: Measure;
  /** Targets of the period's placements (any status) and the share met. */
  targetsMetShare: Measure;
  attendanceTargetsMetShare: Measure;
  /** Placements that ended in the period: share reintegrated, share reintegrated or progressed. */
  placementsEnded: Measure;
  reintegrationShare: Measure;
  reintegrationOrProgressionShare: Measure;
  /** Year 11 leavers at the as-of date who had a placement of the group in Year 11. */
  year11Leavers: Measure;
  destinations: { activity: string; pupils: Measure; share: Measure }[];
  positiveDestinationRate: Measure;
  /** Attendance records of the period first received on the day of the session. */
  onTimeReportingShare: Measure;
  /** Weekly cost times the weeks each placement was active in the period, in pence. */
  costPence: Measure;
  /** Cost over the pupil-weeks of costed placements, in pence. */
  costPerPupilWeekPence: Measure;
}

export interface MonthAttendance {
  month: string;
  attendanceRate: Measure;
}

export interface PeriodReport {
  asOf: string;
  from: string;
  to: string;
  authorities: string[] | null;
  groups: PeriodFigures[];
  /** Month by month attendance of each group, keyed by provider id (0 for the whole scope). */
  months: Map<number, MonthAttendance[]>;
}

interface GroupRow {
  provider_id: number;
  provider_ref: string | null;
  provider_name: string | null;
  on_framework: boolean | null;
  pupils: number;
  placements: number;
  full_time: number;
  part_time: number;
  in_school: number;
  cost_pence: number;
  costed_days: number;
  costed_pupils: number;
  attendance_pupils: number;
  attendance_rate: number | null;
  persistent: number;
  records: number;
  on_the_day: number;
  targets: number;
  targets_met: number;
  attendance_targets: number;
  attendance_met: number;
  ended: number;
  reintegrated: number;
  moved_on: number;
  destinations: Record<string, number>;
}

/** A period is at most one academic year long and ends on or before the as-of date. */
const MAX_PERIOD_DAYS = 366;

/**
 * Period figures (spec/indicators.md, "Aggregate indicators", over a term or year instead of at one
 * date) for one authority or all the caller may see, optionally a school's placements only, with
 * disclosure control for callers who may see aggregates only.
 */
export async function computePeriodIndicators(
  db: Queryable,
  principal: Principal,
  query: PeriodQuery,
): Promise<PeriodReport> {
  const asOf = requireDate(query.asOf, 'asOf');
  const from = requireDate(query.from, 'from');
  const to = requireDate(query.to, 'to');
  if (daysBetween(from, to) < 0)
    throw new IndicatorError('INVALID_RANGE', 'from must be on or before to', 'to');
  if (daysBetween(to, asOf) < 0)
    throw new IndicatorError('INVALID_RANGE', 'the period must end on or before the as-of date', 'to');
  if (daysBetween(from, to) >= MAX_PERIOD_DAYS)
    throw new IndicatorError('INVALID_RANGE', 'a period is at most one year long', 'from');
  const laCodes = await authoritiesInScope(db, principal, query.authority);
  const settings = JSON.stringify(await settingsForScope(db, laCodes, asOf));
  const params = [asOf, from, to, laCodes, query.schoolUrn ?? null, settings, Boolean(query.byProvider)];
  const rows = await queryAnalytics<GroupRow>(db, authoritiesWall(laCodes), PERIOD_GROUPS_SQL, params, asOf);
  const monthRows = await queryAnalytics<{
    provider_id: number;
    month: string;
    pupils: number;
    possible: number;
    attended: number;
  }>(db, authoritiesWall(laCodes), PERIOD_MONTHS_SQL, params, asOf);
  const dc = disclosureFor(principal);

  const figures = (r: GroupRow): PeriodFigures => {
    const leavers = Object.values(r.destinations).reduce((n, v) => n + v, 0);
    const leaversIn = (activities: readonly string[]) =>
      activities.reduce((n, a) => n + (r.destinations[a] ?? 0), 0);
    const pupilWeeks = r.costed_days / 7;
    return {
      provider:
        r.provider_ref === null
          ? null
          : {
              id: r.provider_id,
              providerRef: r.provider_ref,
              name: r.provider_name ?? r.provider_ref,
              onFramework: Boolean(r.on_framework),
            },
      pupils: dc.count(r.pupils),
      placements: dc.count(r.placements),
      placementsByType: (['full_time', 'part_time', 'in_school'] as const).map((type) => ({
        type,
        placements: dc.count(r[type]),
      })),
      attendanceRate: dc.rate(r.attendance_rate, r.attendance_pupils),
      persistentAbsenceRate: dc.share(r.persistent, r.attendance_pupils),
      targetsMetShare: dc.recordShare(r.targets_met, r.targets),
      attendanceTargetsMetShare: dc.recordShare(r.attendance_met, r.attendance_targets),
      placementsEnded: dc.count(r.ended),
      reintegrationShare: dc.share(r.reintegrated, r.ended),
      reintegrationOrProgressionShare: dc.share(r.moved_on, r.ended),
      year11Leavers: dc.count(leavers),
      destinations: DESTINATION_ACTIVITIES.map((activity) => ({
        activity,
        pupils: dc.count(r.destinations[activity] ?? 0),
        share: dc.share(r.destinations[activity] ?? 0, leavers),
      })),
      positiveDestinationRate: dc.share(leaversIn(POSITIVE_ACTIVITIES), leavers),
      onTimeReportingShare: dc.recordShare(r.on_the_day, r.records),
      // a total cost is about the placements, not people: shown unless it is the cost of 1 to 4 pupils
      costPence: dc.rate(r.costed_pupils > 0 ? r.cost_pence : null, r.costed_pupils),
      costPerPupilWeekPence: dc.rate(
        pupilWeeks > 0 ? Math.round(r.cost_pence / pupilWeeks) : null,
        r.costed_pupils,
      ),
    };
  };
  const empty: GroupRow = {
    provider_id: 0,
    provider_ref: null,
    provider_name: null,
    on_framework: null,
    pupils: 0,
    placements: 0,
    full_time: 0,
    part_time: 0,
    in_school: 0,
    cost_pence: 0,
    costed_days: 0,
    costed_pupils: 0,
    attendance_pupils: 0,
    attendance_rate: null,
    persistent: 0,
    records: 0,
    on_the_day: 0,
    targets: 0,
    targets_met: 0,
    attendance_targets: 0,
    attendance_met: 0,
    ended: 0,
    reintegrated: 0,
    moved_on: 0,
    destinations: {},
  };
  const groups = rows.length === 0 && !query.byProvider ? [figures(empty)] : rows.map(figures);
  const months = new Map<number, MonthAttendance[]>();
  for (const m of monthRows) {
    const list = months.get(m.provider_id) ?? [];
    list.push({
      month: m.month,
      attendanceRate: dc.rate(m.possible > 0 ? m.attended / m.possible : null, m.pupils),
    });
    months.set(m.provider_id, list);
  }
  return { asOf, from, to, authorities: laCodes, groups, months };
}
