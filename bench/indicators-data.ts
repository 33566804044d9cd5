import type { DataSource } from 'typeorm';
import { makeUpn } from '../src/domain/upn';

/**
 * Bench volume that the demo generator does not reach (its placements are short): one authority (850)
 * with 3,000 pupils, 4,000 placements (most open over two academic years, every weekday session) and
 * about 1.5 million attendance rows over 2024/25 and 2025/26, made with set-based SQL. Variety comes
 * from arithmetic on the row numbers (deterministic): absences, late recording, corrections, short
 * patterns, ended placements, provider compliance.
 */
export async function generateBenchData(ds: DataSource): Promise<void> {
  const upns = Array.from({ length: 3000 }, (_, i) => makeUpn(`850${String(i + 1).padStart(9, '0')}`));
  await ds.transaction(async (m) => {
    await m.query(`INSERT INTO authority (la_code, name) VALUES ('850', 'Bench Authority')`);
    await m.query(`
INSERT INTO calendar_entry (authority_id, start_date, end_date, kind)
SELECT a.id, s::date, e::date, k FROM authority a, (VALUES
  ('2024-09-04', '2024-12-20', 'term'), ('2025-01-06', '2025-04-04', 'term'), ('2025-04-22', '2025-07-22', 'term'),
  ('2025-09-03', '2025-12-19', 'term'), ('2026-01-05', '2026-03-27', 'term'), ('2026-04-13', '2026-07-22', 'term'),
  ('2024-10-28', '2024-11-01', 'closure'), ('2025-02-17', '2025-02-21', 'closure'),
  ('2025-10-27', '2025-10-31', 'closure'), ('2026-02-16', '2026-02-20', 'closure'),
  ('2026-05-25', '2026-05-29', 'closure')) AS v(s, e, k)
WHERE a.la_code = '850'`);
    await m.query(`
INSERT INTO school (urn, name, authority_id, type)
SELECT (850000 + g)::text, 'Bench School ' || g, a.id, (ARRAY['academy', 'maintained', 'special', 'pru'])[1 + g % 4]
FROM authority a, generate_series(1, 40) g WHERE a.la_code = '850'`);
    await m.query(`
INSERT INTO provider (provider_ref, name, on_framework, registered, professional_services, environment_risk)
SELECT 'BP-' || lpad(g::text, 3, '0'), 'Bench Provider ' || g, g % 7 <> 0, g % 3 = 0, g % 5 = 0,
       (ARRAY['low', 'medium', 'high'])[1 + g % 3]
FROM generate_series(1, 60) g`);
    await m.query(`
INSERT INTO provider_evidence (provider_id, item, status, evidence_date, expires_on, value_pence)
SELECT p.id, i.item, CASE WHEN (p.id * 13 + i.n) % 41 = 0 THEN 'missing' ELSE 'held' END,
       DATE '2024-01-01' + ((p.id * 37 + i.n * 11) % 900),
       CASE WHEN i.item LIKE '%insurance' THEN DATE '2025-06-01' + ((p.id * 53 + i.n) % 600) END,
       CASE WHEN i.item LIKE '%insurance' THEN (CASE WHEN p.id % 11 = 0 THEN 400000000 ELSE 1000000000 END)::bigint END
FROM provider p
CROSS JOIN unnest(ARRAY['public_liability_insurance', 'employers_liability_insurance',
  'professional_indemnity_insurance', 'dsl', 'deputy_dsl', 'single_central_record', 'risk_assessments',
  'admissions_policy', 'attendance_policy', 'health_safety_policy', 'visits_policy', 'behaviour_policy',
  'data_protection_policy', 'equality_statement', 'child_protection_policy', 'allegations_procedure', 'rse_policy',
  'complaints_procedure']) WITH ORDINALITY AS t(item, n)
CROSS JOIN LATERAL (SELECT t.item, t.n::integer AS n) i`);
    await m.query(`
INSERT INTO provider_visit (provider_id, visit_date, visitor, health_safety_checked, competent_person)
SELECT p.id, DATE '2024-09-15' + v * 120 + p.id % 60, CASE WHEN v % 2 = 0 THEN 'la' ELSE 'school' END,
       (p.id + v) % 3 <> 0, (p.id + v) % 4 <> 0
FROM provider p, generate_series(0, 5) v`);
    await m.query(
      `
INSERT INTO pupil (upn, first_name, last_name, date_of_birth, authority_id, school_id, home_educated, gender,
                   sen_status, looked_after, fsm)
SELECT u.upn, 'Bench' || u.n, 'Pupil', DATE '2009-09-01' + ((u.n * 7919) % 4000),
       a.id, CASE WHEN u.n % 40 = 0 THEN NULL ELSE (SELECT id FROM school WHERE urn = (850001 + u.n % 40)::text) END,
       u.n % 200 = 0, (ARRAY['F', 'M', 'X'])[1 + u.n % 3],
       (ARRAY['none', 'none', 'sen_support', 'ehcp'])[1 + u.n % 4], u.n % 9 = 0, u.n % 3 = 0
FROM (SELECT t.upn, t.n::integer AS n FROM unnest($1::text[]) WITH ORDINALITY AS t(upn, n)) u, authority a
WHERE a.la_code = '850'`,
      [upns],
    );
    await m.query(`
INSERT INTO placement (placement_ref, pupil_id, provider_id, type, reason, start_date, planned_end_date, end_date,
  end_reason, hours_per_week, school_hours_per_week, sessions, objectives, success_criteria, review_every_weeks,
  core_subjects, dfe_registration_checked, health_safety_checked, safeguarding_checked, checks_date,
  parental_agreement_date, weekly_cost_pence)
SELECT 'BPL-' || lpad(g::text, 5, '0'), pu.id, pr.id, x.type,
       (ARRAY['permanent_exclusion', 'at_risk_of_exclusion', 'medical', 'semh', 'other'])[1 + g % 5],
       x.start_date, x.start_date + 84 + g % 200,
       CASE WHEN g % 4 = 0 THEN x.start_date + 120 + g % 250 END,
       CASE WHEN g % 4 = 0 THEN (ARRAY['reintegrated', 'progressed', 'completed', 'moved', 'broke_down'])[1 + g % 5] END,
       5 + g % 26, CASE WHEN g % 2 = 0 THEN g % 10 END,
       CASE WHEN g % 10 < 7 THEN NULL ELSE ARRAY['MON-AM', 'TUE-AM', 'WED-AM', 'THU-PM'] END,
       CASE WHEN g % 23 <> 0 THEN 'Re-engage' END, CASE WHEN g % 29 <> 0 THEN 'Attends' END,
       CASE WHEN g % 3 = 0 THEN 8 END, g % 17 <> 0, g % 13 <> 0, true, g % 19 <> 0,
       x.start_date - g % 3 + 1, x.start_date - 5 + g % 7, (5000 + g % 30000)::bigint
FROM generate_series(1, 4000) g
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM pupil) pu ON pu.n = 1 + (g - 1) % 3000
JOIN provider pr ON pr.provider_ref = 'BP-' || lpad((1 + g % 60)::text, 3, '0')
CROSS JOIN LATERAL (SELECT (ARRAY['full_time', 'part_time', 'in_school'])[1 + g % 3] AS type,
                           DATE '2024-09-02' + (g * 7) % 420 AS start_date) x`);
    await m.query(`
INSERT INTO review (placement_id, review_date, kind)
SELECT pl.id, pl.start_date + 35 * k + pl.id % 20, CASE WHEN k % 2 = 0 THEN 'review' ELSE 'visit' END
FROM placement pl, generate_series(1, 14) k
WHERE pl.start_date + 35 * k + pl.id % 20 <= DATE '2026-07-22'`);
    // Every expected session of every school day each placement is open, in 2024/25 and 2025/26.
    await m.query(`
INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, recorded_by,
                        first_recorded_on)
SELECT x.placement_id, x.day, x.session, x.code, x.at, (x.at AT TIME ZONE 'Europe/London')::date, 'provider',
       (x.at AT TIME ZONE 'Europe/London')::date
FROM (
  SELECT pl.id AS placement_id, sd.day, s.session,
         CASE WHEN h.r < 78 THEN CASE s.session WHEN 'AM' THEN '/' ELSE '\\' END WHEN h.r < 82 THEN 'B'
              WHEN h.r < 88 THEN 'I' WHEN h.r < 92 THEN 'O' WHEN h.r < 95 THEN 'N' WHEN h.r < 97 THEN 'M'
              WHEN h.r < 98 THEN 'C2' ELSE 'E' END AS code,
         ((sd.day + time '09:15') AT TIME ZONE 'Europe/London')
           + CASE WHEN s.session = 'PM' THEN interval '4 hours' ELSE interval '0' END
           + CASE WHEN (pl.id * 31 + (sd.day - DATE '2024-01-01') * 7) % 100 < CASE WHEN pl.provider_id % 6 = 0 THEN 30 ELSE 3 END
                  THEN interval '1 day' * (1 + (sd.day - DATE '2024-01-01') % 3) ELSE interval '0' END AS at
  FROM placement pl
  JOIN pupil pu ON pu.id = pl.pupil_id
  JOIN alp_school_days('2024-09-01', '2026-07-22') sd ON sd.authority_id = pu.authority_id
   AND sd.day BETWEEN pl.start_date AND coalesce(pl.end_date, DATE '2026-07-22')
  CROSS JOIN (VALUES ('AM'), ('PM')) AS s(session)
  CROSS JOIN LATERAL (SELECT ((pl.id * 7919 + (sd.day - DATE '2024-01-01') * 104729
                              + CASE s.session WHEN 'PM' THEN 15485863 ELSE 0 END) % 100) AS r) h
  WHERE pl.sessions IS NULL OR to_char(sd.day, 'DY') || '-' || s.session = ANY (pl.sessions)
) x`);
    // One mark in a hundred corrected a week later: the old version stays in the history.
    await m.query(`
WITH corrected AS (
  UPDATE attendance SET superseded_at = recorded_at + interval '7 days',
                        superseded_on = recorded_on + 7
  WHERE id % 100 = 0 RETURNING placement_id, session_date, session, code, recorded_at, first_recorded_on
)
INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, recorded_by,
                        first_recorded_on)
SELECT placement_id, session_date, session, CASE WHEN code = 'O' THEN 'I' ELSE 'O' END,
       recorded_at + interval '7 days', (recorded_at AT TIME ZONE 'Europe/London')::date + 7, 'school',
       first_recorded_on
FROM corrected`);
  });
}
