import { attendanceOf, knownOn } from './flag-definition';
import { Queryable, queryAnalytics } from './queryable';

/**
 * Each pupil's possible and attended sessions in the academic year of the as-of date, up to it, as
 * known on it: the `year_rates (pupil_id, possible, attended)` CTE that the pupil flags and the
 * attendance indicators share. Written where `$1` is the as-of date, either as a scan of attendance,
 * or (series) as arrays computed beforehand for many dates at once: $4 pupil ids, $5 possible, $6 attended.
 */
export const YEAR_RATES_PLACEHOLDER = '/*year_rates*/';

const SCAN = `
year_counts AS (
  SELECT a.placement_id, a.code, count(*) AS n
  FROM placement pl
  ${attendanceOf('pl.id', 'make_date(alp_academic_year_start($1::date), 9, 1)', '$1::date', knownOn('a', '$1::date'))}
  GROUP BY a.placement_id, a.code
),
year_rates AS (
  SELECT pl.pupil_id,
         coalesce(sum(yc.n) FILTER (WHERE c.possible_session), 0)::integer AS possible,
         coalesce(sum(yc.n) FILTER (WHERE c.attended), 0)::integer AS attended
  FROM year_counts yc
  JOIN placement pl ON pl.id = yc.placement_id
  JOIN attendance_code c ON c.code = yc.code
  GROUP BY pl.pupil_id
)`;

const GIVEN = `
year_rates AS (
  SELECT * FROM unnest($4::integer[], $5::integer[], $6::integer[]) AS t(pupil_id, possible, attended)
)`;

/** Year rates for one date, given: parallel arrays, one entry per pupil with possible sessions. */
export interface GivenYearRates {
  pupilIds: number[];
  possible: number[];
  attended: number[];
}

/** `sql` with its year_rates CTE written as a scan, or as given arrays (then pass `givenParameters`). */
export function withYearRates(sql: string, given: boolean): string {
  return sql.replace(YEAR_RATES_PLACEHOLDER, given ? GIVEN : SCAN);
}

export function givenParameters(rates: GivenYearRates): unknown[] {
  return [rates.pupilIds, rates.possible, rates.attended];
}

/**
 * Year rates at `count` weekly dates from `first`, in one pass over attendance. A mark version counts
 * at date d when d is on or after both its session and the day it was recorded, before the day it was
 * superseded, and in the same academic year as its session: so it counts over a run of weeks
 * [k_from, k_to). Adding +1 at k_from and -1 at k_to and summing over the weeks gives every date's
 * counts without rereading the year for each date. Equal, date by date, to the scan (tested).
 */
const WEEKLY_SQL = `
WITH spans AS (
  SELECT a.placement_id, c.attended::integer AS attended, count(*)::integer AS n,
         greatest(0, (greatest(a.session_date, a.recorded_on) - $1::date + 6) / 7) AS k_from,
         least($2::integer, (least(coalesce(a.superseded_on, DATE '9999-12-31'),
                                   make_date(alp_academic_year_start(a.session_date) + 1, 9, 1))
                             - $1::date + 6) / 7) AS k_to
  FROM placement pl
  ${attendanceOf('pl.id', 'make_date(alp_academic_year_start($1::date), 9, 1)', '$1::date + 7 * ($2::integer - 1)')}
  JOIN attendance_code c ON c.code = a.code AND c.possible_session
  GROUP BY a.placement_id, c.attended, k_from, k_to
),
deltas AS (
  SELECT pl.pupil_id, e.k, sum(e.sign * s.n)::integer AS dp, sum(e.sign * s.n * s.attended)::integer AS da
  FROM spans s
  JOIN placement pl ON pl.id = s.placement_id
  JOIN pupil p ON p.id = pl.pupil_id
  JOIN authority au ON au.id = p.authority_id
  CROSS JOIN LATERAL (VALUES (s.k_from, 1), (s.k_to, -1)) AS e(k, sign)
  WHERE s.k_from < s.k_to AND e.k < $2::integer
    AND ($3::text[] IS NULL OR au.la_code = ANY ($3::text[]))
  GROUP BY pl.pupil_id, e.k
)
SELECT pupil_id, k,
       sum(dp) OVER (PARTITION BY pupil_id ORDER BY k)::integer AS possible,
       sum(da) OVER (PARTITION BY pupil_id ORDER BY k)::integer AS attended
FROM deltas
ORDER BY pupil_id, k`;

export async function weeklyYearRates(
  db: Queryable,
  first: string,
  count: number,
  laCodes: string[] | null,
): Promise<GivenYearRates[]> {
  const rows = await queryAnalytics<{ pupil_id: number; k: number; possible: number; attended: number }>(
    db,
    WEEKLY_SQL,
    [first, count, laCodes],
  );
  const weeks: GivenYearRates[] = Array.from({ length: count }, () => ({
    pupilIds: [],
    possible: [],
    attended: [],
  }));
  // Rows are in pupil, week order; a pupil's counts hold from their week until the pupil's next row.
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
