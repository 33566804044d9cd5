import { authoritiesWall } from '../auth/policy';
import { londonToday } from '../domain/dates';
import { attendanceCountsOf, attendanceOf } from './flag-definition';
import { Queryable, queryAnalytics } from './queryable';

/**
 * Each pupil's possible and attended sessions in the academic year of the as-of date, up to it, as
 * known on it: the `year_rates (pupil_id, possible, attended)` CTE that the pupil flags and the
 * attendance indicators share. Written where `$1` is the as-of date, either as a scan of attendance,
 * or (series) as arrays computed beforehand for many dates at once: $4 pupil ids, $5 possible, $6 attended.
 */
export function yearRatesPlaceholder(scopePupils: string): string {
  return `/*year_rates:${scopePupils}*/`;
}

/** The placeholder of the pupil flags, whose pupils in scope are the CTE `pupils`. */
export const YEAR_RATES_PLACEHOLDER = yearRatesPlaceholder('pupils');

/**
 * The placements of the pupils in `scopePupils` (a CTE), joined once and kept (MATERIALIZED) before any
 * attendance is read. Joined to the pupils inside the per-placement probes instead, the planner may
 * scan every pupil in scope again for each placement probed when it underestimates the probe (under
 * the row-level policies it guesses one row): 14,299 probes x 6,000 pupils took 13 s of a 0.6 s pass.
 */
export function scopePlacements(scopePupils: string, name = 'scope_placements'): string {
  return `${name} AS MATERIALIZED (
  SELECT pl.id, pl.pupil_id FROM placement pl JOIN ${scopePupils} sp ON sp.id = pl.pupil_id
)`;
}

/**
 * One pass over the year's marks of the placements of the pupils in scope (the CTE `scopePupils`, read
 * first so that other authorities' placements are never scanned), counted inside each placement's index
 * range (attendanceCountsOf), then summed per pupil. The planner cannot estimate how many marks a
 * LATERAL range returns (it guessed 16 where there were 27,883 and then nested a loop over placements
 * on it, docs/indicators.md); counted inside the range, each gives exactly one row, so no plan depends
 * on that guess. MATERIALIZED: every reader shares the one pass.
 */
function scan(scopePupils: string): string {
  return `
${scopePlacements(scopePupils, 'year_rate_placements')},
year_rates AS MATERIALIZED (
  SELECT pl.pupil_id, sum(a.possible)::integer AS possible, sum(a.attended)::integer AS attended
  FROM year_rate_placements pl
  ${attendanceCountsOf('pl.id', 'make_date(alp_academic_year_start($1::date), 9, 1)', '$1::date', '$1::date')}
  WHERE a.marks > 0
  GROUP BY pl.pupil_id
)`;
}

const GIVEN = `
year_rates AS (
  SELECT * FROM unnest($4::integer[], $5::integer[], $6::integer[]) AS t(pupil_id, possible, attended)
)`;

/** Each placement's marks this academic year up to a date, as known on it (placements with a mark). */
export interface PlacementYearMarks {
  placementIds: number[];
  possible: number[];
  attended: number[];
}

/** Year rates for one date, given: parallel arrays, one entry per pupil with possible sessions. */
export interface GivenYearRates {
  pupilIds: number[];
  possible: number[];
  attended: number[];
}

/** `sql` with its year_rates CTE written as a scan, or as given arrays (then pass `givenParameters`). */
export function withYearRates(sql: string, given: boolean): string {
  return sql.replace(/\/\*year_rates:(\w+)\*\//, (_, scopePupils: string) =>
    given ? GIVEN : scan(scopePupils),
  );
}

export function givenParameters(rates: GivenYearRates): unknown[] {
  return [rates.pupilIds, rates.possible, rates.attended];
}

/**
 * Year rates at `count` dates `step` days apart from `first` (weekly for a series, daily for the points
 * the keeper stores), in one pass over attendance. A mark version counts at date d when d is on or after
 * both its session and the day it was recorded, before the day it was superseded, and in the same
 * academic year as its session: so it counts over a run of steps [k_from, k_to). Adding +1 at k_from
 * and -1 at k_to and summing over the steps gives every date's counts without rereading the year for
 * each date. Equal, date by date, to the scan (tested). $1 first, $2 count, $3 LA codes, $4 step.
 */
export const STEPPED_YEAR_RATES_SQL = `
WITH spans AS (
  SELECT pl.pupil_id, a.code, count(*)::integer AS n,
         greatest(0, (greatest(a.session_date, a.recorded_on) - $1::date + $4::integer - 1) / $4::integer) AS k_from,
         least($2::integer, (least(coalesce(a.superseded_on, DATE '9999-12-31'),
                                   make_date(alp_academic_year_start(a.session_date) + 1, 9, 1))
                             - $1::date + $4::integer - 1) / $4::integer) AS k_to
  -- every placement ever known of a pupil ever in scope: each week's readers keep the pupils of their
  -- own date (a pupil's rates are their own whatever their authority), and marks count only from when
  -- they were known
  FROM (SELECT DISTINCT pl.id, pl.pupil_id FROM placement_version pl
        JOIN pupil_version p ON p.id = pl.pupil_id
        JOIN authority au ON au.id = p.authority_id
        WHERE $3::text[] IS NULL OR au.la_code = ANY ($3::text[])) pl
  ${attendanceOf('pl.id', 'make_date(alp_academic_year_start($1::date), 9, 1)', '$1::date + $4::integer * ($2::integer - 1)', 'a.code = ANY (ARRAY(SELECT code FROM attendance_code WHERE possible_session))')}
  GROUP BY pl.pupil_id, a.code, k_from, k_to
),
deltas AS (
  SELECT s.pupil_id, e.k, sum(e.sign * s.n)::integer AS dp, sum(e.sign * s.n * s.attended)::integer AS da
  FROM (SELECT s.pupil_id, c.attended::integer AS attended, s.n, s.k_from, s.k_to
        FROM spans s JOIN attendance_code c ON c.code = s.code) s
  CROSS JOIN LATERAL (VALUES (s.k_from, 1), (s.k_to, -1)) AS e(k, sign)
  WHERE s.k_from < s.k_to AND e.k < $2::integer
  GROUP BY s.pupil_id, e.k
)
SELECT pupil_id, k,
       sum(dp) OVER (PARTITION BY pupil_id ORDER BY k)::integer AS possible,
       sum(da) OVER (PARTITION BY pupil_id ORDER BY k)::integer AS attended
FROM deltas
ORDER BY pupil_id, k`;

export async function steppedYearRates(
  db: Queryable,
  first: string,
  count: number,
  laCodes: string[] | null,
  step = 7,
): Promise<GivenYearRates[]> {
  const rows = await queryAnalytics<{ pupil_id: number; k: number; possible: number; attended: number }>(
    db,
    authoritiesWall(laCodes),
    STEPPED_YEAR_RATES_SQL,
    [first, count, laCodes, step],
    londonToday(),
  );
  const weeks: GivenYearRates[] = Array.from({ length: count }, () => ({
    pupilIds: [],
    possible: [],
    attended: [],
  }));
  // Rows are in pupil, step order; a pupil's counts hold from their step until the pupil's next row.
  for (let i = 0; i < rows.length; i += 1) {
    const r = rows[i];
    const next = rows[i + 1];
    const until = next && next.pupil_id === r.pupil_id ? next.k : count;
    if (r.possible === 0) continue;
    for (let k = r.k; k < until; k += 1) {
      weeks[k].pupilIds.push(r.pupil_id);
      weeks[k].possible.push(r.possible);
      weeks[k].attended.push(r.attended);
    }
  }
  return weeks;
}
