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
 * The year's marks of one placement as `attendanceOf` reads them, counted inside the placement's index
 * range: `a.marks`, `a.possible` and `a.attended`, one row per placement (zero counts when it has no
 * mark there). An aggregate without GROUP BY gives the planner an exact row count, and the marks are
 * never sorted or hashed afterwards: summed per pupil after the range they took a third of the pass.
 * The code lists are evaluated once (init plans).
 */
export function attendanceCountsOf(placementId: string, from: string, to: string, where = 'true'): string {
  const span = `span_${placementId.replace(/\W/g, '_')}`;
  return `JOIN ${ATTENDANCE_SPAN_TABLE} ${span} ON ${span}.placement_id = ${placementId}
    AND ${span}.first_date <= ${to} AND ${span}.last_date >= ${from}
  CROSS JOIN LATERAL (
    SELECT count(*)::integer AS marks,
           count(*) FILTER (WHERE a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE possible_session)))::integer
             AS possible,
           count(*) FILTER (WHERE a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE attended)))::integer
             AS attended
    FROM ${ATTENDANCE_TABLE} a
    WHERE a.placement_id = ${placementId} AND a.session_date BETWEEN ${from} AND ${to} AND ${where}) a`;
}

/** The attendance versions, and each placement's span of session dates over them. */
export const ATTENDANCE_TABLE = 'attendance';
export const ATTENDANCE_SPAN_TABLE = 'attendance_span';

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
