import type { SettingKey } from '../settings/settings.definitions';

export type SubjectType = 'pupil' | 'placement' | 'provider';

/**
 * A family of flags shares one SQL statement: `ctes` (a WITH list) is written once and each flag adds
 * one SELECT over it returning `subject_key`, `authorities` (text[], sorted) and `reason`. Parameters:
 * $1 the as-of date, $2 the settings (jsonb: the defaults for pupil and placement families, which add
 * each authority's overrides themselves; the resolved settings of the authority asked about for the
 * provider family), $3 the LA codes asked about (text[], null = every authority).
 */
export interface FlagFamily {
  name: string;
  subjectType: SubjectType;
  ctes: string;
}

export interface FlagDefinition {
  code: string;
  title: string;
  description: string;
  subjectType: SubjectType;
  family: FlagFamily;
  /** Settings the rule reads (authority.settings keys). */
  settings: readonly SettingKey[];
  /** SELECT subject_id, subject_key, authorities, reason FROM <the family's CTEs> WHERE <the rule>. */
  select: string;
}

/** One raised flag, as every surface shows it. */
export interface Flag {
  code: string;
  subjectType: SubjectType;
  subjectKey: string;
  authorities: string[];
  reason: string;
  /** Surrogate id of the pupil, placement or provider (for DataLoaders; not part of the public flag). */
  subjectId: number;
}

/** The attendance version known on the date `d` (see the attendance table's comment). */
export function knownOn(alias: string, d: string): string {
  return `${alias}.recorded_on <= ${d} AND (${alias}.superseded_on IS NULL OR ${alias}.superseded_on > ${d})`;
}

/**
 * The attendance versions of one placement (`placementId`, a column of the outer query) with session
 * dates from `from` to `to` that satisfy `where` (written on alias `a`), as the `a` of the outer query.
 * Every indicator reaches attendance this way: only placements whose span of session dates
 * (attendance_span, over every version) meets the window, then one range of attendance_version_key per
 * placement, read index-only (it holds every column listed here). `OFFSET 0` keeps the subquery per
 * placement: flattened into a join, the planner scans the whole table's history instead
 * (docs/indicators.md, Speed). The tables read are named here and in `ATTENDANCE_TABLE`, so that
 * "as of" views can take their place in one place.
 */
export function attendanceOf(placementId: string, from: string, to: string, where = 'true'): string {
  const span = `span_${placementId.replace(/\W/g, '_')}`;
  return `JOIN ${ATTENDANCE_SPAN_TABLE} ${span} ON ${span}.placement_id = ${placementId}
    AND ${span}.first_date <= ${to} AND ${span}.last_date >= ${from}
  CROSS JOIN LATERAL (
    SELECT a.placement_id, a.session_date, a.session, a.code, a.recorded_on, a.superseded_on, a.first_recorded_on
    FROM ${ATTENDANCE_TABLE} a
    WHERE a.placement_id = ${placementId} AND a.session_date BETWEEN ${from} AND ${to} AND ${where}
    OFFSET 0) a`;
}

/**
 * One placement's marks with session dates from `from` to `to` as known on the date `d`, counted:
 * `a.marks`, `a.possible` and `a.attended`, one row per placement (zeros when it has none). The whole
 * weeks of the window come from attendance_week (migration AttendanceWeek) when they had settled by
 * `d`; the part weeks at either end, and any week still changing after `d`, from the marks
 * themselves. A week of a placement is about ten marks, so the year's pass reads a tenth of the rows
 * it would read from attendance. Counted inside the placement's ranges, each placement gives exactly
 * one row: no plan depends on a guess of how many marks a range holds.
 *
 * Write the dates as expressions of parameters, not of another relation's columns: under the row-level
 * policies only leakproof comparisons may bound an index range, and date arithmetic on a column is not
 * leakproof, whereas on parameters it is folded to a constant before planning. Bounded by a CTE's
 * columns, each placement's range ran to the end of its marks.
 */
export function attendanceCountsOf(placementId: string, from: string, to: string, d: string): string {
  const span = `span_${placementId.replace(/\W/g, '_')}`;
  // the first and the last Monday of a whole week inside the window
  const first = `alp_week_start((${from}) + 6)`;
  const last = `(alp_week_start((${to}) + 1) - 7)`;
  // each mark of `from` (aliased a) that `where` keeps, as one mark and its possible and attended
  const marks = (from: string, where: string) => `SELECT 1 AS marks,
             (a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE possible_session)))::integer AS possible,
             (a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE attended)))::integer AS attended
      FROM ${from}
      WHERE ${knownOn('a', d)} AND ${where}`;
  const own = `a.placement_id = ${placementId}`;
  return `JOIN ${ATTENDANCE_SPAN_TABLE} ${span} ON ${span}.placement_id = ${placementId}
    AND ${span}.first_date <= ${to} AND ${span}.last_date >= ${from}
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.marks), 0)::integer AS marks, coalesce(sum(x.possible), 0)::integer AS possible,
           coalesce(sum(x.attended), 0)::integer AS attended
    FROM (
      SELECT w.marks, w.possible, w.attended
      FROM ${ATTENDANCE_WEEK_TABLE} w
      WHERE w.placement_id = ${placementId} AND w.week BETWEEN ${first} AND ${last} AND w.settled_on <= ${d}
      UNION ALL
      ${marks(`${ATTENDANCE_TABLE} a`, `${own} AND a.session_date BETWEEN ${from} AND least(${first} - 1, ${to})`)}
      UNION ALL
      ${marks(`${ATTENDANCE_TABLE} a`, `${own} AND a.session_date BETWEEN greatest(${last} + 7, ${first}) AND ${to}`)}
      UNION ALL
      ${marks(
        `${ATTENDANCE_WEEK_TABLE} u
      JOIN ${ATTENDANCE_TABLE} a ON a.placement_id = u.placement_id AND a.session_date BETWEEN u.week AND u.week_end`,
        `u.placement_id = ${placementId} AND u.week BETWEEN ${first} AND ${last} AND u.settled_on > ${d}`,
      )}
    ) x
  ) a`;
}

/** The attendance versions, and each placement's span of session dates over them. */
export const ATTENDANCE_TABLE = 'attendance';
export const ATTENDANCE_SPAN_TABLE = 'attendance_span';
export const ATTENDANCE_WEEK_TABLE = 'attendance_week';

/** A numeric setting of the jsonb `s`. */
export function num(s: string, key: SettingKey): string {
  return `(${s}->>'${key}')::numeric`;
}

/** A number as people write it: 12.5, 25, 0.1 (no trailing zeros). */
export function fmt(expr: string): string {
  return `trim_scale((${expr})::numeric)::text`;
}

/** A share as a percentage with at most one decimal: 12.5%. */
export function pct(expr: string): string {
  return `trim_scale(round(100 * (${expr})::numeric, 1))::text || '%'`;
}
