import { attendanceOf, knownOn } from '../flag-definition';

/**
 * Statements behind the period figures of the governor report and the provider scorecard: what happened
 * between two dates, as known at the end of the as-of date. Parameters of every statement: $1 the as-of
 * date, $2 the first and $3 the last day of the period, $4 the LA codes in scope (text[], null = all),
 * $5 a school URN (null = no school filter), $6 the settings of the scope (jsonb), $7 true to group by
 * provider (else one group, 0).
 *
 * A school's placements are those it commissioned or whose pupil is on its roll.
 */
const common = `
params AS (
  SELECT $1::date AS d, $2::date AS p_from, $3::date AS p_to, $6::jsonb AS s,
         alp_academic_year_start($1::date) AS ay
),
the_school AS (SELECT id FROM school WHERE urn = $5::text),
scope_placements AS (
  SELECT pl.*, CASE WHEN $7::boolean THEN pl.provider_id ELSE 0 END AS g, p.date_of_birth
  FROM placement pl
  JOIN pupil p ON p.id = pl.pupil_id
  JOIN authority au ON au.id = p.authority_id
  WHERE ($4::text[] IS NULL OR au.la_code = ANY ($4::text[]))
    AND ($5::text IS NULL OR pl.commissioner_school_id IN (SELECT id FROM the_school)
         OR p.school_id IN (SELECT id FROM the_school))
),
period_placements AS (
  SELECT sp.*,
         (least(coalesce(sp.end_date, pa.p_to), pa.p_to) - greatest(sp.start_date, pa.p_from) + 1) AS days_in_period
  FROM scope_placements sp CROSS JOIN params pa
  WHERE sp.start_date <= pa.p_to AND (sp.end_date IS NULL OR sp.end_date >= pa.p_from)
),
marks AS (
  SELECT pl.g, pl.pupil_id, a.session_date, a.first_recorded_on, c.possible_session, c.attended
  FROM period_placements pl
  CROSS JOIN params pa
  ${attendanceOf('pl.id', 'pa.p_from', 'pa.p_to', knownOn('a', 'pa.d'))}
  JOIN attendance_code c ON c.code = a.code
)`;

/** One row per group with the raw counts; disclosure control is applied by the service. */
export const PERIOD_GROUPS_SQL = `
WITH ${common},
population AS (
  SELECT g, count(DISTINCT pupil_id)::int AS pupils, count(*)::int AS placements,
         count(*) FILTER (WHERE type = 'full_time')::int AS full_time,
         count(*) FILTER (WHERE type = 'part_time')::int AS part_time,
         count(*) FILTER (WHERE type = 'in_school')::int AS in_school,
         coalesce(round(sum(weekly_cost_pence * days_in_period / 7.0)), 0)::bigint AS cost_pence,
         coalesce(sum(days_in_period) FILTER (WHERE weekly_cost_pence IS NOT NULL), 0)::int AS costed_days,
         count(DISTINCT pupil_id) FILTER (WHERE weekly_cost_pence IS NOT NULL)::int AS costed_pupils
  FROM period_placements GROUP BY g
),
per_pupil AS (
  SELECT g, pupil_id, count(*) FILTER (WHERE possible_session) AS possible,
         count(*) FILTER (WHERE attended) AS attended
  FROM marks GROUP BY g, pupil_id
),
attendance AS (
  SELECT pp.g,
         count(*) FILTER (WHERE pp.possible >= (pa.s->>'absenceMinSessions')::int)::int AS pupils,
         sum(pp.attended) FILTER (WHERE pp.possible >= (pa.s->>'absenceMinSessions')::int)::float8
           / nullif(sum(pp.possible) FILTER (WHERE pp.possible >= (pa.s->>'absenceMinSessions')::int), 0)
           AS attendance_rate,
         count(*) FILTER (WHERE pp.possible >= (pa.s->>'absenceMinSessions')::int
                            AND 1 - pp.attended::numeric / pp.possible >= (pa.s->>'persistentAbsenceRate')::numeric)::int
           AS persistent
  FROM per_pupil pp CROSS JOIN params pa GROUP BY pp.g
),
reporting AS (
  SELECT g, count(*)::int AS records,
         count(*) FILTER (WHERE first_recorded_on = session_date)::int AS on_the_day
  FROM marks GROUP BY g
),
targets AS (
  SELECT pl.g, count(*)::int AS targets, count(*) FILTER (WHERE t.status = 'met')::int AS met,
         count(*) FILTER (WHERE t.kind = 'attendance')::int AS attendance_targets,
         count(*) FILTER (WHERE t.kind = 'attendance' AND t.status = 'met')::int AS attendance_met
  FROM target t JOIN period_placements pl ON pl.id = t.placement_id
  GROUP BY pl.g
),
endings AS (
  SELECT pl.g, count(*)::int AS ended,
         count(*) FILTER (WHERE pl.end_reason = 'reintegrated')::int AS reintegrated,
         count(*) FILTER (WHERE pl.end_reason IN ('reintegrated', 'progressed'))::int AS moved_on
  FROM period_placements pl CROSS JOIN params pa
  WHERE pl.end_date BETWEEN pa.p_from AND pa.p_to
  GROUP BY pl.g
),
leaver_groups AS (
  SELECT DISTINCT sp.g, sp.pupil_id
  FROM scope_placements sp CROSS JOIN params pa
  WHERE alp_nc_year(sp.date_of_birth, pa.d) = 12
    AND sp.start_date <= make_date(pa.ay, 8, 31)
    AND (sp.end_date IS NULL OR sp.end_date >= make_date(pa.ay - 1, 9, 1))
),
leavers AS (
  SELECT lg.g, coalesce(ld.activity, 'not_known') AS activity
  FROM leaver_groups lg
  CROSS JOIN params pa
  LEFT JOIN LATERAL (SELECT dn.activity FROM destination dn
                     WHERE dn.pupil_id = lg.pupil_id AND dn.recorded_on <= pa.d
                     ORDER BY dn.recorded_on DESC LIMIT 1) ld ON true
),
destinations AS (
  SELECT g, jsonb_object_agg(activity, n) AS by_activity
  FROM (SELECT g, activity, count(*)::int AS n FROM leavers GROUP BY g, activity) x
  GROUP BY g
),
groups AS (SELECT g FROM population UNION SELECT g FROM leaver_groups)
SELECT gs.g AS provider_id, pr.provider_ref, pr.name AS provider_name, pr.on_framework,
       coalesce(po.pupils, 0) AS pupils, coalesce(po.placements, 0) AS placements,
       coalesce(po.full_time, 0) AS full_time, coalesce(po.part_time, 0) AS part_time,
       coalesce(po.in_school, 0) AS in_school,
       coalesce(po.cost_pence, 0)::float8 AS cost_pence, coalesce(po.costed_days, 0) AS costed_days,
       coalesce(po.costed_pupils, 0) AS costed_pupils,
       coalesce(at.pupils, 0) AS attendance_pupils, at.attendance_rate, coalesce(at.persistent, 0) AS persistent,
       coalesce(r.records, 0) AS records, coalesce(r.on_the_day, 0) AS on_the_day,
       coalesce(t.targets, 0) AS targets, coalesce(t.met, 0) AS targets_met,
       coalesce(t.attendance_targets, 0) AS attendance_targets, coalesce(t.attendance_met, 0) AS attendance_met,
       coalesce(e.ended, 0) AS ended, coalesce(e.reintegrated, 0) AS reintegrated,
       coalesce(e.moved_on, 0) AS moved_on,
       coalesce(dn.by_activity, '{}'::jsonb) AS destinations
FROM groups gs
LEFT JOIN provider pr ON pr.id = gs.g
LEFT JOIN population po ON po.g = gs.g
LEFT JOIN attendance at ON at.g = gs.g
LEFT JOIN reporting r ON r.g = gs.g
LEFT JOIN targets t ON t.g = gs.g
LEFT JOIN endings e ON e.g = gs.g
LEFT JOIN destinations dn ON dn.g = gs.g
ORDER BY pr.provider_ref NULLS FIRST`;

/** Attendance month by month in the period, per group: pupils with a possible session, sessions. */
export const PERIOD_MONTHS_SQL = `
WITH ${common}
SELECT g AS provider_id, to_char(session_date, 'YYYY-MM') AS month,
       count(DISTINCT pupil_id) FILTER (WHERE possible_session)::int AS pupils,
       count(*) FILTER (WHERE possible_session)::int AS possible,
       count(*) FILTER (WHERE attended)::int AS attended
FROM marks
GROUP BY g, to_char(session_date, 'YYYY-MM')
ORDER BY g, month`;
