import { attendanceOf, FlagDefinition, FlagFamily, fmt, num } from '../flag-definition';

/**
 * Placement rules (spec/indicators.md, "Placement"): only placements active at the date, with the
 * settings of the pupil's authority.
 */
const family: FlagFamily = {
  name: 'placement',
  subjectType: 'placement',
  ctes: `
params AS (SELECT $1::date AS d),
auth AS (
  SELECT a.id, a.la_code, $2::jsonb || a.settings AS s
  FROM authority a
  WHERE $3::text[] IS NULL OR a.la_code = ANY ($3::text[])
),
active AS (
  SELECT pl.*, au.id AS authority_id, ARRAY[au.la_code] AS authorities, au.s,
         CASE WHEN coalesce(cardinality(pl.sessions), 0) = 0 THEN 10 ELSE cardinality(pl.sessions) END
           AS weekly_sessions
  FROM placement pl
  JOIN pupil p ON p.id = pl.pupil_id
  JOIN auth au ON au.id = p.authority_id
  CROSS JOIN params pa
  WHERE pl.start_date <= pa.d AND (pl.end_date IS NULL OR pa.d <= pl.end_date)
),
-- The last N school days of each authority strictly before the date (a year back covers any holiday).
recent_days AS (
  SELECT sd.authority_id, sd.day
  FROM (SELECT s.authority_id, s.day,
               row_number() OVER (PARTITION BY s.authority_id ORDER BY s.day DESC) AS rn
        FROM alp_school_days($1::date - 400, $1::date - 1) s) sd
  JOIN auth au ON au.id = sd.authority_id
  WHERE sd.rn <= ${num('au.s', 'attendanceReportingDays')}
),
-- Each flag below reads one CTE that carries what its row shows: joined back to \`active\` on the
-- placement, the planner guesses the CTE's size and may nest a loop of active x CTE (10,708 x 10,708
-- on 20,000 pupils: 64 s).
expected_sessions AS (
  SELECT ap.id AS placement_id, ap.placement_ref, ap.authorities,
         ${num('ap.s', 'attendanceReportingDays')} AS reporting_days, rd.day, x.session
  FROM active ap
  JOIN recent_days rd ON rd.authority_id = ap.authority_id
   AND rd.day >= ap.start_date AND (ap.end_date IS NULL OR rd.day <= ap.end_date)
  CROSS JOIN (VALUES ('AM'), ('PM')) AS x(session)
  WHERE coalesce(cardinality(ap.sessions), 0) = 0
     OR to_char(rd.day, 'DY') || '-' || x.session = ANY (ap.sessions)
),
-- Sessions of those days with a record known on the date: one index-only range per active placement,
-- then a hashed anti-join (a probe per expected session cost several times as much; docs/indicators.md).
reported AS (
  SELECT a.placement_id, a.session_date, a.session
  FROM active ap
  ${attendanceOf('ap.id', '(SELECT min(day) FROM recent_days)', '$1::date - 1', 'a.recorded_on <= $1::date')}
),
unreported AS (
  SELECT e.placement_id, e.placement_ref, e.authorities, e.reporting_days,
         count(*) AS sessions, min(e.day) AS first_day,
         (array_agg(e.session ORDER BY e.day, e.session))[1] AS first_session
  FROM expected_sessions e
  -- NOT IN over non-null columns becomes a hashed subplan whatever the (poor) row estimates of the days.
  WHERE (e.placement_id, e.day, e.session) NOT IN (SELECT placement_id, session_date, session FROM reported)
  GROUP BY e.placement_id, e.placement_ref, e.authorities, e.reporting_days
),
last_review AS (
  SELECT ap.id AS placement_id, ap.placement_ref, ap.authorities,
         coalesce((SELECT max(r.review_date) FROM review r
                   WHERE r.placement_id = ap.id AND r.review_date <= pa.d), ap.start_date) AS since,
         EXISTS (SELECT 1 FROM review r WHERE r.placement_id = ap.id AND r.review_date <= pa.d) AS reviewed,
         coalesce(ap.review_every_weeks, ${num('ap.s', 'reviewIntervalWeeks')}) AS interval_weeks
  FROM active ap
  CROSS JOIN params pa
)`,
};

function placementFlag(f: Omit<FlagDefinition, 'family' | 'subjectType'>): FlagDefinition {
  return { ...f, family, subjectType: 'placement' };
}

export const PLACEMENT_FLAGS: readonly FlagDefinition[] = [
  placementFlag({
    code: 'ATTENDANCE_NOT_REPORTED',
    title: 'Attendance not reported',
    description:
      'An expected session (weekly pattern; none given = all ten) on one of the last N school days before the date, while the placement was active, has no record recorded by the date.',
    settings: ['attendanceReportingDays'],
    select: `
SELECT u.placement_id AS subject_id, u.placement_ref AS subject_key, u.authorities,
       format('%s expected sessions with no attendance recorded on the last %s school days (first %s %s)',
              u.sessions, ${fmt('u.reporting_days')}, u.first_day, u.first_session) AS reason
FROM unreported u`,
  }),
  placementFlag({
    code: 'OVERRUN',
    title: 'Overrun',
    description: 'The planned end date has passed and the placement is still active.',
    settings: [],
    select: `
SELECT ap.id AS subject_id, ap.placement_ref AS subject_key, ap.authorities,
       format('planned to end on %s, %s days ago, and still active', ap.planned_end_date,
              pa.d - ap.planned_end_date) AS reason
FROM active ap
CROSS JOIN params pa
WHERE ap.planned_end_date < pa.d`,
  }),
  placementFlag({
    code: 'NO_PLANNED_END',
    title: 'No planned end',
    description: 'The placement has no planned end date: AP is a time-limited intervention.',
    settings: [],
    select: `
SELECT ap.id AS subject_id, ap.placement_ref AS subject_key, ap.authorities,
       format('started %s with no planned end date', ap.start_date) AS reason
FROM active ap
WHERE ap.planned_end_date IS NULL`,
  }),
  placementFlag({
    code: 'DURATION_LIMIT_EXCEEDED',
    title: 'Duration limit exceeded',
    description:
      'Off site (not in school), longer than the short-placement limit, and more sessions a week than the long-placement limit.',
    settings: ['shortPlacementWeeks', 'longPlacementMaxSessions'],
    select: `
SELECT ap.id AS subject_id, ap.placement_ref AS subject_key, ap.authorities,
       format('%s placement running %s days (limit %s weeks) at %s sessions a week (more than %s)',
              replace(ap.type, '_', '-'), pa.d - ap.start_date, ${fmt(num('ap.s', 'shortPlacementWeeks'))},
              ap.weekly_sessions, ${fmt(num('ap.s', 'longPlacementMaxSessions'))}) AS reason
FROM active ap
CROSS JOIN params pa
WHERE ap.type <> 'in_school'
  AND pa.d - ap.start_date > 7 * ${num('ap.s', 'shortPlacementWeeks')}
  AND ap.weekly_sessions > ${num('ap.s', 'longPlacementMaxSessions')}`,
  }),
  placementFlag({
    code: 'NO_PLAN',
    title: 'No plan',
    description: 'Objectives or success criteria are empty.',
    settings: [],
    select: `
SELECT ap.id AS subject_id, ap.placement_ref AS subject_key, ap.authorities,
       concat_ws(' and ',
                 CASE WHEN coalesce(btrim(ap.objectives), '') = '' THEN 'no objectives' END,
                 CASE WHEN coalesce(btrim(ap.success_criteria), '') = '' THEN 'no success criteria' END)
         || ' recorded' AS reason
FROM active ap
WHERE coalesce(btrim(ap.objectives), '') = '' OR coalesce(btrim(ap.success_criteria), '') = ''`,
  }),
  placementFlag({
    code: 'REVIEW_OVERDUE',
    title: 'Review overdue',
    description:
      'The latest review or visit by the date (or, where none, the start) is more than the review interval before the date.',
    settings: ['reviewIntervalWeeks'],
    select: `
SELECT lr.placement_id AS subject_id, lr.placement_ref AS subject_key, lr.authorities,
       format('%s %s, %s days ago; reviews are due every %s weeks',
              CASE WHEN lr.reviewed THEN 'last reviewed' ELSE 'never reviewed; started' END,
              lr.since, pa.d - lr.since, ${fmt('lr.interval_weeks')}) AS reason
FROM last_review lr
CROSS JOIN params pa
WHERE pa.d - lr.since > 7 * lr.interval_weeks`,
  }),
  placementFlag({
    code: 'CHECKS_MISSING',
    title: 'Pre-placement checks missing',
    description:
      'DfE registration, health and safety or safeguarding check not recorded as done, or the checks date empty or after the start.',
    settings: [],
    select: `
SELECT ap.id AS subject_id, ap.placement_ref AS subject_key, ap.authorities,
       concat_ws('; ',
                 CASE WHEN NOT ap.dfe_registration_checked THEN 'DfE registration not checked' END,
                 CASE WHEN NOT ap.health_safety_checked THEN 'health and safety not checked' END,
                 CASE WHEN NOT ap.safeguarding_checked THEN 'safeguarding not checked' END,
                 CASE WHEN ap.checks_date IS NULL THEN 'no checks date'
                      WHEN ap.checks_date > ap.start_date
                      THEN format('checks dated %s, after the start %s', ap.checks_date, ap.start_date) END)
         AS reason
FROM active ap
WHERE NOT (ap.dfe_registration_checked AND ap.health_safety_checked AND ap.safeguarding_checked)
   OR ap.checks_date IS NULL OR ap.checks_date > ap.start_date`,
  }),
  placementFlag({
    code: 'NO_PARENTAL_AGREEMENT',
    title: 'No parental agreement',
    description: 'Parental agreement date empty or after the start.',
    settings: [],
    select: `
SELECT ap.id AS subject_id, ap.placement_ref AS subject_key, ap.authorities,
       CASE WHEN ap.parental_agreement_date IS NULL THEN 'no parental agreement recorded'
            ELSE format('parents agreed on %s, after the start %s', ap.parental_agreement_date, ap.start_date)
       END AS reason
FROM active ap
WHERE ap.parental_agreement_date IS NULL OR ap.parental_agreement_date > ap.start_date`,
  }),
  placementFlag({
    code: 'CORE_SUBJECTS_MISSING',
    title: 'Core subjects missing',
    description: 'A full-time placement that does not offer English, maths and science.',
    settings: [],
    select: `
SELECT ap.id AS subject_id, ap.placement_ref AS subject_key, ap.authorities,
       'full-time placement without English, maths and science' AS reason
FROM active ap
WHERE ap.type = 'full_time' AND NOT ap.core_subjects`,
  }),
];
