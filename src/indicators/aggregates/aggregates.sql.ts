import { attendanceCountsOf } from '../flag-definition';
import { scopePlacements, yearRatesPlaceholder } from '../year-rates';

/** Positive destinations (education, apprenticeship, employment with training, training). */
export const POSITIVE_ACTIVITIES = ['education', 'apprenticeship', 'employment_with_training', 'training'];
const positiveList = POSITIVE_ACTIVITIES.map((a) => `'${a}'`).join(', ');

/**
 * Set-based statements behind the aggregate indicators (spec/indicators.md, "Aggregate indicators").
 * Parameters of every statement: $1 the as-of date, $2 the LA codes in scope (text[], null = all),
 * $3 the settings of the scope (jsonb: the one authority's, or the defaults).
 */
const common = `
params AS (
  SELECT $1::date AS d, alp_academic_year_start($1::date) AS ay,
         make_date(alp_academic_year_start($1::date), 9, 1) AS ay_start, $3::jsonb AS s
),
scope_pupils AS (
  SELECT p.*, alp_nc_year(p.date_of_birth, pa.d) AS nc_year
  FROM pupil p
  JOIN authority au ON au.id = p.authority_id
  CROSS JOIN params pa
  WHERE $2::text[] IS NULL OR au.la_code = ANY ($2::text[])
),
active AS (
  SELECT pl.*, sp.sen_status, sp.looked_after, sp.fsm, alp_key_stage(sp.nc_year) AS key_stage
  FROM placement pl
  JOIN scope_pupils sp ON sp.id = pl.pupil_id
  CROSS JOIN params pa
  WHERE pl.start_date <= pa.d AND (pl.end_date IS NULL OR pa.d <= pl.end_date)
)`;

/** Pupils in AP and active placements in total (the series needs no more). */
export const POPULATION_TOTAL_SQL = `
WITH ${common}
SELECT 'all' AS dimension, 'all' AS value, count(DISTINCT pupil_id)::int AS pupils, count(*)::int AS placements
FROM active`;

/** Pupils in AP and active placements, in total and by each dimension. */
export const POPULATION_SQL = `
WITH ${common}
SELECT 'all' AS dimension, 'all' AS value, count(DISTINCT pupil_id)::int AS pupils, count(*)::int AS placements
FROM active
UNION ALL
SELECT dv.dimension, dv.value, count(DISTINCT a.pupil_id)::int, count(*)::int
FROM active a
CROSS JOIN LATERAL (VALUES
  ('type', a.type), ('reason', coalesce(a.reason, 'not_given')), ('keyStage', coalesce(a.key_stage, 'none')),
  ('sen', a.sen_status), ('lookedAfter', a.looked_after::text), ('fsm', a.fsm::text)
) AS dv(dimension, value)
GROUP BY dv.dimension, dv.value
ORDER BY 1, 2`;

/** Attendance over the academic year up to the date, pupils with at least the minimum sessions. */
export const ATTENDANCE_SQL = `
WITH ${common},
${yearRatesPlaceholder('scope_pupils')},
per_pupil AS (
  SELECT yr.* FROM year_rates yr JOIN scope_pupils sp ON sp.id = yr.pupil_id
)
SELECT count(*)::int AS pupils,
       sum(pp.attended)::float8 / nullif(sum(pp.possible), 0) AS attendance_rate,
       count(*) FILTER (WHERE 1 - pp.attended::numeric / pp.possible >= (pa.s->>'persistentAbsenceRate')::numeric)::int
         AS persistent,
       count(*) FILTER (WHERE 1 - pp.attended::numeric / pp.possible >= (pa.s->>'severeAbsenceRate')::numeric)::int
         AS severe
FROM per_pupil pp
CROSS JOIN params pa
WHERE pp.possible >= (pa.s->>'absenceMinSessions')::int
GROUP BY pa.s`;

/**
 * Each placement of a pupil in scope with a mark this academic year up to the date, as known on it:
 * its marks, possible and attended sessions. One pass over the year's attendance per request; the
 * pupils' year rates (summed per pupil) and the providers' attendance both come from it.
 */
export const PLACEMENT_YEAR_SQL = `
WITH ${common},
${scopePlacements('scope_pupils')}
SELECT pl.id AS placement_id, pl.pupil_id, a.marks, a.possible, a.attended
FROM scope_placements pl
${attendanceCountsOf('pl.id', 'make_date(alp_academic_year_start($1::date), 9, 1)', '$1::date', '$1::date')}
WHERE a.marks > 0
ORDER BY pl.id`;

/** Placements that ended in the academic year, up to the date: length in calendar days. */
export const PLACEMENT_LENGTH_SQL = `
WITH ${common}
SELECT count(*)::int AS placements,
       avg(pl.end_date - pl.start_date)::float8 AS mean_days,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY pl.end_date - pl.start_date)::float8 AS median_days
FROM placement pl
JOIN scope_pupils sp ON sp.id = pl.pupil_id
CROSS JOIN params pa
WHERE pl.end_date BETWEEN pa.ay_start AND pa.d`;

/**
 * Year 11 leavers: pupils in Year 12 at the date who had a placement active at some time in their
 * Year 11 (the previous academic year), by their latest destination recorded on or before the date
 * (none recorded counts as not_known). Also gives each leaver's Year 11 providers.
 */
const leavers = `
leavers AS (
  SELECT sp.id, coalesce(ld.activity, 'not_known') AS activity
  FROM scope_pupils sp
  CROSS JOIN params pa
  LEFT JOIN LATERAL (SELECT dn.activity FROM destination dn
                     WHERE dn.pupil_id = sp.id AND dn.recorded_on <= pa.d
                     ORDER BY dn.recorded_on DESC LIMIT 1) ld ON true
  WHERE sp.nc_year = 12
    AND EXISTS (SELECT 1 FROM placement pl
                WHERE pl.pupil_id = sp.id AND pl.start_date <= make_date(pa.ay, 8, 31)
                  AND (pl.end_date IS NULL OR pl.end_date >= make_date(pa.ay - 1, 9, 1)))
)`;

export const DESTINATIONS_SQL = `
WITH ${common}, ${leavers}
SELECT activity, count(*)::int AS pupils FROM leavers GROUP BY activity ORDER BY activity`;

/**
 * One row per provider with a placement of a pupil in scope active at some time in the academic year
 * up to the date. $4-$6: the placements' year marks (PLACEMENT_YEAR_SQL).
 */
export const PROVIDERS_SQL = `
WITH ${common}, ${leavers},
year_placements AS (
  SELECT pl.*
  FROM placement pl
  JOIN scope_pupils sp ON sp.id = pl.pupil_id
  CROSS JOIN params pa
  WHERE pl.start_date <= pa.d AND (pl.end_date IS NULL OR pl.end_date >= pa.ay_start)
),
now_active AS (
  SELECT provider_id, count(DISTINCT pupil_id)::int AS pupils, count(*)::int AS placements,
         sum(weekly_cost_pence) AS weekly_cost_pence,
         count(DISTINCT pupil_id) FILTER (WHERE weekly_cost_pence IS NOT NULL)::int AS costed_pupils
  FROM active GROUP BY provider_id
),
-- the year's marks per placement, given ($4 placement ids, $5 possible, $6 attended: PLACEMENT_YEAR_SQL)
marks AS (
  SELECT pl.provider_id, count(DISTINCT pl.pupil_id)::int AS pupils,
         sum(g.possible)::int AS possible, sum(g.attended)::int AS attended
  FROM year_placements pl
  JOIN unnest($4::integer[], $5::integer[], $6::integer[]) AS g(placement_id, possible, attended)
    ON g.placement_id = pl.id
  GROUP BY pl.provider_id
),
targets AS (
  SELECT yp.provider_id, count(*)::int AS targets, count(*) FILTER (WHERE t.status = 'met')::int AS met
  FROM target t JOIN year_placements yp ON yp.id = t.placement_id
  GROUP BY yp.provider_id
),
endings AS (
  SELECT yp.provider_id, count(*)::int AS ended,
         count(*) FILTER (WHERE yp.end_reason IN ('reintegrated', 'progressed'))::int AS moved_on
  FROM year_placements yp CROSS JOIN params pa
  WHERE yp.end_date BETWEEN pa.ay_start AND pa.d
  GROUP BY yp.provider_id
),
leaver_outcomes AS (
  SELECT x.provider_id, count(*)::int AS leavers,
         count(*) FILTER (WHERE x.activity IN (${positiveList}))::int AS positive
  FROM (SELECT DISTINCT pl.provider_id, l.id, l.activity
        FROM leavers l
        JOIN placement pl ON pl.pupil_id = l.id
        CROSS JOIN params pa
        WHERE pl.start_date <= make_date(pa.ay, 8, 31)
          AND (pl.end_date IS NULL OR pl.end_date >= make_date(pa.ay - 1, 9, 1))) x
  GROUP BY x.provider_id
)
SELECT pr.id, pr.provider_ref, pr.name,
       coalesce(na.pupils, 0) AS pupils, coalesce(na.placements, 0) AS placements,
       na.weekly_cost_pence, coalesce(na.costed_pupils, 0) AS costed_pupils,
       m.pupils AS attendance_pupils, m.possible, m.attended,
       coalesce(t.targets, 0) AS targets, coalesce(t.met, 0) AS targets_met,
       coalesce(e.ended, 0) AS ended, coalesce(e.moved_on, 0) AS moved_on,
       coalesce(lo.leavers, 0) AS leavers, coalesce(lo.positive, 0) AS positive
FROM provider pr
JOIN (SELECT DISTINCT provider_id FROM year_placements) yp ON yp.provider_id = pr.id
LEFT JOIN now_active na ON na.provider_id = pr.id
LEFT JOIN marks m ON m.provider_id = pr.id
LEFT JOIN targets t ON t.provider_id = pr.id
LEFT JOIN endings e ON e.provider_id = pr.id
LEFT JOIN leaver_outcomes lo ON lo.provider_id = pr.id
ORDER BY pr.provider_ref`;
