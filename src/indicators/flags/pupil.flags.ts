import {
  ATTENDANCE_SPAN_TABLE,
  ATTENDANCE_TABLE,
  attendanceOf,
  FlagDefinition,
  FlagFamily,
  fmt,
  knownOn,
  num,
  pct,
} from '../flag-definition';
import { YEAR_RATES_PLACEHOLDER } from '../year-rates';

/**
 * A LEFT JOIN LATERAL giving `le.session_date` and `le.skey` of placement `placementId`'s latest
 * possible session known on the date ($1) and not coded N or O, on or after the day `since` when given
 * (a plain column, never null, so that it bounds the index range: see unexplained_runs); sessions sort
 * by date, then AM before PM, as skey = days since 2000-01-01 times 2, plus 1 for PM. One backward
 * probe; none when `only` (on the outer row's columns) is false.
 */
function latestExplained(placementId: string, since?: string, only?: string): string {
  return `LEFT JOIN LATERAL (
    SELECT a.session_date,
           (a.session_date - DATE '2000-01-01') * 2 + CASE a.session WHEN 'PM' THEN 1 ELSE 0 END AS skey
    FROM ${ATTENDANCE_TABLE} a
    WHERE a.placement_id = ${placementId} AND a.session_date <= $1::date AND a.code NOT IN ('N', 'O')
      ${since ? `AND a.session_date >= ${since}` : ''}
      ${only ? `AND ${only}` : ''}
      AND a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE possible_session))
      AND ${knownOn('a', '$1::date')}
    ORDER BY a.session_date DESC, a.session DESC
    LIMIT 1
  ) le ON true`;
}

/**
 * Pupil rules (spec/indicators.md, "Pupil"). Settings are the pupil's authority's: the defaults ($2)
 * with that authority's overrides on top.
 */
const family: FlagFamily = {
  name: 'pupil',
  subjectType: 'pupil',
  ctes: `
params AS (
  SELECT $1::date AS d, alp_academic_year_start($1::date) AS ay,
         make_date(alp_academic_year_start($1::date), 9, 1) AS ay_start
),
auth AS (
  SELECT a.id, a.la_code, $2::jsonb || a.settings AS s
  FROM authority a
  WHERE $3::text[] IS NULL OR a.la_code = ANY ($3::text[])
),
pupils AS (
  SELECT p.id, p.upn, p.school_id, p.home_educated, p.sen_status, p.looked_after, p.fsm,
         au.la_code, ARRAY[au.la_code] AS authorities, au.s,
         alp_nc_year(p.date_of_birth, pa.d) AS nc_year,
         alp_is_compulsory_age(p.date_of_birth, pa.d) AS compulsory
  FROM pupil p
  JOIN auth au ON au.id = p.authority_id
  CROSS JOIN params pa
),
active_hours AS (
  SELECT pl.pupil_id,
         sum(pl.hours_per_week) + max(coalesce(pl.school_hours_per_week, 0)) AS weekly_hours,
         min(pl.start_date) AS earliest_start
  FROM placement pl
  CROSS JOIN params pa
  WHERE pl.start_date <= pa.d AND (pl.end_date IS NULL OR pa.d <= pl.end_date)
  GROUP BY pl.pupil_id
),
reduced AS (
  SELECT p.*, h.weekly_hours, h.earliest_start, alp_key_stage(p.nc_year) AS key_stage,
         (p.s->>('fullTimeHours' || alp_key_stage(p.nc_year)))::numeric AS full_time
  FROM pupils p
  JOIN active_hours h ON h.pupil_id = p.id
  WHERE p.compulsory
    AND h.weekly_hours < (p.s->>('fullTimeHours' || alp_key_stage(p.nc_year)))::numeric
),
${YEAR_RATES_PLACEHOLDER},
absence AS (
  SELECT p.*, r.possible, r.possible - r.attended AS absent,
         (r.possible - r.attended)::numeric / r.possible AS absence_rate
  FROM pupils p
  JOIN year_rates r ON r.pupil_id = p.id
  WHERE r.possible >= ${num('p.s', 'absenceMinSessions')}
),
-- UNEXPLAINED_ABSENCE without ranking a pupil's whole history: the latest possible session known on D
-- that is not N or O (one backward index probe per placement), then the possible sessions after it,
-- which are all N or O by construction. Sessions sort by date, then AM before PM.
-- Only pupils whose latest possible session could be N or O need the probes below: those whose latest
-- possible session of the last 7 days is N or O (an explained record of the same session wins), and
-- those with none in those days.
-- Per pupil, whether the latest possible session of their placements active in those days is N or O
-- (null: none). Read from the placements active in the window (one index range each, a sort by pupil),
-- not probed per pupil: most pupils have no placement active then, and a probe per pupil found that
-- out one pupil at a time.
recent_marks AS (
  SELECT DISTINCT ON (pl.pupil_id) pl.pupil_id, a.code IN ('N', 'O') AS unexplained
  FROM placement pl
  -- the possible codes as an array computed once, filtered inside each placement's index range
  ${attendanceOf('pl.id', '$1::date - 6', '$1::date', `${knownOn('a', '$1::date')} AND a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE possible_session))`)}
  -- Only placements active in those days are read. Safe as a filter: a pupil it leaves without a
  -- recent record becomes a candidate, and the probes below read every placement.
  WHERE pl.start_date <= $1::date AND (pl.end_date IS NULL OR pl.end_date >= $1::date - 6)
  -- the latest session first; of two records of it, the explained one
  ORDER BY pl.pupil_id, a.session_date DESC, a.session DESC, a.code IN ('N', 'O')
),
recent_latest AS MATERIALIZED (
  SELECT p.id AS pupil_id, r.unexplained
  FROM pupils p
  LEFT JOIN recent_marks r ON r.pupil_id = p.id
),
-- The candidates' placements (narrow rows), then nothing below joins two populations whose sizes the
-- planner would have to guess: per placement, one backward probe for the latest explained possible
-- session; its pupil's latest over all placements; then the possible sessions after it, one index
-- range per placement; per pupil, and only then the pupil's columns.
-- Placements without a mark on or before the date have nothing to read (attendance_span); a
-- placement's marks on or before the date end by its reach.
unexplained_placements AS MATERIALIZED (
  SELECT pl.id, r.pupil_id, sp.last_date AS last_mark, least(sp.last_date, $1::date) AS reach,
         max(least(sp.last_date, $1::date)) OVER (PARTITION BY r.pupil_id) AS pupil_reach
  FROM recent_latest r
  JOIN placement pl ON pl.pupil_id = r.pupil_id
  JOIN ${ATTENDANCE_SPAN_TABLE} sp ON sp.placement_id = pl.id AND sp.first_date <= $1::date
  WHERE coalesce(r.unexplained, true) AND pl.start_date <= $1::date
),
-- Most candidates' placements follow one another: probed first, the placements reaching furthest
-- give a latest explained session that no placement ending before its day can better, nor have a
-- session after. Only the others are probed again, from that day on: with short placements, one
-- probe per pupil instead of one per placement ever held.
reach_explained AS MATERIALIZED (
  SELECT up.pupil_id, max(le.session_date) AS session_date, max(le.skey) AS skey,
         -- the bound of the ranges after it, as a plain column (see unexplained_runs)
         coalesce(max(le.session_date), DATE '-infinity') AS since
  FROM unexplained_placements up
  ${latestExplained('up.id')}
  WHERE up.reach = up.pupil_reach
  GROUP BY up.pupil_id
),
last_explained AS MATERIALIZED (
  SELECT up.id, up.pupil_id, up.last_mark,
         greatest(re.since, max(le.session_date) OVER (PARTITION BY up.pupil_id)) AS from_date,
         greatest(re.skey, max(le.skey) OVER (PARTITION BY up.pupil_id)) AS last_skey
  FROM unexplained_placements up
  JOIN reach_explained re ON re.pupil_id = up.pupil_id
  -- the placements reaching furthest were probed in reach_explained, whose result re holds
  ${latestExplained('up.id', 're.since', 'up.reach < up.pupil_reach')}
  WHERE re.session_date IS NULL OR up.reach >= re.session_date
),
unexplained_runs AS (
  SELECT le.pupil_id, min(x.session_date) AS since, count(DISTINCT (x.session_date, x.session)) AS sessions
  FROM last_explained le
  CROSS JOIN LATERAL (
    SELECT a.session_date, a.session
    FROM ${ATTENDANCE_TABLE} a
    WHERE a.placement_id = le.id
      -- bounded by a plain column: under the row-level policies a bound computed in the probe (coalesce)
      -- is not leakproof, stays a filter, and the probe reads the placement's whole history
      AND a.session_date BETWEEN le.from_date AND $1::date
      AND (a.session_date - DATE '2000-01-01') * 2 + CASE a.session WHEN 'PM' THEN 1 ELSE 0 END
          > coalesce(le.last_skey, -2147483648)
      AND a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE possible_session))
      AND ${knownOn('a', '$1::date')}
    OFFSET 0 -- keeps the per-placement index range scan: flattened, it becomes a scan of all history
  ) x
  -- a placement whose last mark is before its pupil's latest explained session has none after it
  WHERE le.last_mark >= le.from_date
  GROUP BY le.pupil_id
),
unexplained AS (
  SELECT p.id, p.upn, p.authorities, p.s, u.since, u.sessions
  FROM unexplained_runs u
  JOIN pupils p ON p.id = u.pupil_id
  WHERE u.sessions >= ${num('p.s', 'unexplainedAbsenceSessions')}
),
neet_scope AS (
  SELECT p.*, r.possible, r.attended::numeric / nullif(r.possible, 0) AS attendance_rate
  FROM pupils p
  CROSS JOIN params pa
  LEFT JOIN year_rates r ON r.pupil_id = p.id
  WHERE p.nc_year IN (10, 11)
    AND EXISTS (SELECT 1 FROM placement pl
                WHERE pl.pupil_id = p.id AND pl.start_date <= pa.d
                  AND (pl.end_date IS NULL OR pl.end_date >= pa.ay_start))
),
-- Each pupil's factors carry the pupil's columns (every pupil here has "attends AP"), so the score
-- needs no join of neet_scope with itself: planned as a nested loop, that is its size squared. They
-- carry the threshold, not the settings: grouped by the settings' jsonb, sorting took longer than the rest.
neet_factors AS (
  SELECT n.id, n.upn, n.authorities, ${num('n.s', 'neetRiskThreshold')} AS threshold, f.points, f.label
  FROM neet_scope n
  CROSS JOIN params pa
  CROSS JOIN LATERAL (VALUES
    (1, 'attends AP'),
    (CASE WHEN n.possible >= ${num('n.s', 'absenceMinSessions')}
               AND n.attendance_rate < ${num('n.s', 'neetRiskAttendanceVeryLow')} THEN 2
          WHEN n.possible >= ${num('n.s', 'absenceMinSessions')}
               AND n.attendance_rate < ${num('n.s', 'neetRiskAttendanceLow')} THEN 1 END,
     'attendance ' || ${pct('n.attendance_rate')} || ' this year'),
    (CASE n.sen_status WHEN 'ehcp' THEN 2 WHEN 'sen_support' THEN 1 END,
     CASE n.sen_status WHEN 'ehcp' THEN 'EHC plan' ELSE 'SEN support' END),
    (CASE WHEN n.looked_after THEN 2 END, 'looked after'),
    (CASE WHEN n.fsm THEN 2 END, 'free school meals'),
    (CASE WHEN EXISTS (SELECT 1 FROM placement pl
                       WHERE pl.pupil_id = n.id AND pl.start_date <= pa.d
                         AND pl.reason = 'permanent_exclusion') THEN 2 END,
     'placed after permanent exclusion')
  ) AS f(points, label)
  WHERE f.points IS NOT NULL
),
neet_risk AS (
  SELECT f.id, f.upn, f.authorities, f.threshold, sum(f.points) AS score,
         string_agg(f.label || ' ' || f.points, ', ' ORDER BY f.points DESC, f.label) AS factors
  FROM neet_factors f
  GROUP BY f.id, f.upn, f.authorities, f.threshold
),
latest_destination AS (
  SELECT DISTINCT ON (dn.pupil_id) dn.pupil_id, dn.activity, dn.recorded_on
  FROM destination dn
  CROSS JOIN params pa
  WHERE dn.recorded_on <= pa.d
  ORDER BY dn.pupil_id, dn.recorded_on DESC
),
-- Pupils past Year 11 who had a placement active at some time in their Year 11 academic year.
leavers AS (
  SELECT p.*, pa.ay - (p.nc_year - 11) AS year11_start, ld.activity, ld.recorded_on AS destination_on
  FROM pupils p
  CROSS JOIN params pa
  LEFT JOIN latest_destination ld ON ld.pupil_id = p.id
  WHERE p.nc_year IN (12, 13)
    AND EXISTS (SELECT 1 FROM placement pl
                WHERE pl.pupil_id = p.id
                  AND pl.start_date <= make_date(pa.ay - (p.nc_year - 11) + 1, 8, 31)
                  AND (pl.end_date IS NULL OR pl.end_date >= make_date(pa.ay - (p.nc_year - 11), 9, 1)))
)`,
};

function pupilFlag(f: Omit<FlagDefinition, 'family' | 'subjectType'>): FlagDefinition {
  return { ...f, family, subjectType: 'pupil' };
}

export const PUPIL_FLAGS: readonly FlagDefinition[] = [
  pupilFlag({
    code: 'NOT_ON_ROLL',
    title: 'Not on a school roll',
    description:
      'Compulsory school age, on no school roll and not electively home educated: a child missing education.',
    settings: [],
    select: `
SELECT p.id AS subject_id, p.upn AS subject_key, p.authorities,
       format('Year %s, of compulsory school age, on no school roll and not home educated', p.nc_year) AS reason
FROM pupils p
WHERE p.compulsory AND p.school_id IS NULL AND NOT p.home_educated`,
  }),
  pupilFlag({
    code: 'REDUCED_EDUCATION',
    title: 'Reduced education',
    description:
      'Compulsory school age with an active placement, and weekly hours (placements plus the largest school hours among them) below full time for the key stage.',
    settings: ['fullTimeHoursKS1', 'fullTimeHoursKS2', 'fullTimeHoursKS3', 'fullTimeHoursKS4'],
    select: `
SELECT r.id AS subject_id, r.upn AS subject_key, r.authorities,
       format('%s h a week in total; full time at %s is %s h',
              ${fmt('r.weekly_hours')}, r.key_stage, ${fmt('r.full_time')}) AS reason
FROM reduced r`,
  }),
  pupilFlag({
    code: 'PART_TIME_TOO_LONG',
    title: 'Part-time timetable too long',
    description:
      'Reduced education, and the earliest start among the active placements is more than the limit before the date.',
    settings: [
      'fullTimeHoursKS1',
      'fullTimeHoursKS2',
      'fullTimeHoursKS3',
      'fullTimeHoursKS4',
      'partTimeLimitWeeks',
    ],
    select: `
SELECT r.id AS subject_id, r.upn AS subject_key, r.authorities,
       format('%s h a week (full time at %s is %s h) since %s, %s days; the limit is %s weeks',
              ${fmt('r.weekly_hours')}, r.key_stage, ${fmt('r.full_time')}, r.earliest_start,
              pa.d - r.earliest_start, ${fmt(num('r.s', 'partTimeLimitWeeks'))}) AS reason
FROM reduced r
CROSS JOIN params pa
WHERE pa.d - r.earliest_start > 7 * ${num('r.s', 'partTimeLimitWeeks')}`,
  }),
  pupilFlag({
    code: 'PERSISTENT_ABSENCE',
    title: 'Persistent absence',
    description:
      'At least the minimum possible sessions this academic year, and an absence rate at or above the persistent rate.',
    settings: ['absenceMinSessions', 'persistentAbsenceRate'],
    select: `
SELECT a.id AS subject_id, a.upn AS subject_key, a.authorities,
       format('absent %s of %s possible sessions this academic year (%s); persistent from %s',
              a.absent, a.possible, ${pct('a.absence_rate')}, ${pct(num('a.s', 'persistentAbsenceRate'))}) AS reason
FROM absence a
WHERE a.absence_rate >= ${num('a.s', 'persistentAbsenceRate')}`,
  }),
  pupilFlag({
    code: 'SEVERE_ABSENCE',
    title: 'Severe absence',
    description:
      'At least the minimum possible sessions this academic year, and an absence rate at or above the severe rate.',
    settings: ['absenceMinSessions', 'severeAbsenceRate'],
    select: `
SELECT a.id AS subject_id, a.upn AS subject_key, a.authorities,
       format('absent %s of %s possible sessions this academic year (%s); severe from %s',
              a.absent, a.possible, ${pct('a.absence_rate')}, ${pct(num('a.s', 'severeAbsenceRate'))}) AS reason
FROM absence a
WHERE a.absence_rate >= ${num('a.s', 'severeAbsenceRate')}`,
  }),
  pupilFlag({
    code: 'UNEXPLAINED_ABSENCE',
    title: 'Unexplained absence',
    description: 'The latest N possible sessions on or before the date are all coded N or O.',
    settings: ['unexplainedAbsenceSessions'],
    select: `
SELECT u.id AS subject_id, u.upn AS subject_key, u.authorities,
       format('the latest %s possible sessions, since %s, are all coded N or O (limit %s)', u.sessions, u.since,
              ${fmt(num('u.s', 'unexplainedAbsenceSessions'))}) AS reason
FROM unexplained u`,
  }),
  pupilFlag({
    code: 'NEET_RISK',
    title: 'At risk of becoming NEET',
    description:
      'Year 10 or 11, a placement active this academic year, and a NEET risk score at or above the threshold.',
    settings: [
      'neetRiskThreshold',
      'neetRiskAttendanceLow',
      'neetRiskAttendanceVeryLow',
      'absenceMinSessions',
    ],
    select: `
SELECT n.id AS subject_id, n.upn AS subject_key, n.authorities,
       format('risk score %s (threshold %s): %s', n.score, ${fmt('n.threshold')}, n.factors) AS reason
FROM neet_risk n
WHERE n.score >= n.threshold`,
  }),
  pupilFlag({
    code: 'DESTINATION_NOT_KNOWN',
    title: 'Destination not known',
    description:
      'Year 12, on or after 1 November, had a placement in Year 11, and the latest destination recorded is missing or not known.',
    settings: [],
    select: `
SELECT l.id AS subject_id, l.upn AS subject_key, l.authorities,
       CASE WHEN l.activity IS NULL
            THEN format('Year 12, had a placement in Year 11 (%s/%s), and no destination is recorded',
                        l.year11_start, l.year11_start + 1)
            ELSE format('Year 12, had a placement in Year 11 (%s/%s), and the latest destination (%s) is not known',
                        l.year11_start, l.year11_start + 1, l.destination_on) END AS reason
FROM leavers l
CROSS JOIN params pa
WHERE l.nc_year = 12 AND pa.d >= make_date(pa.ay, 11, 1)
  AND (l.activity IS NULL OR l.activity = 'not_known')`,
  }),
  pupilFlag({
    code: 'NEET',
    title: 'NEET',
    description:
      'Year 12 or 13, had a placement in Year 11, and the latest destination recorded is NEET (not in education, employment or training).',
    settings: [],
    select: `
SELECT l.id AS subject_id, l.upn AS subject_key, l.authorities,
       format('Year %s, had a placement in Year 11 (%s/%s), and the latest destination (%s) is NEET',
              l.nc_year, l.year11_start, l.year11_start + 1, l.destination_on) AS reason
FROM leavers l
WHERE l.activity = 'neet'`,
  }),
];
