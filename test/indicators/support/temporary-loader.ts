import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Queryable } from '../../../src/indicators/queryable';

/**
 * TEMPORARY: loads import-format CSV folders until src/ingest's importFolder lands (then the tests
 * switch to it and this file goes). Trusts its input: no validation, no corrections history.
 */
const B = (c: string) => `coalesce(lower(nullif(${c}, '')) IN ('true', 'yes', 'y', '1'), false)`;
const N = (c: string) => `nullif(${c}, '')`;

const MERGES: Record<string, string> = {
  authorities: `INSERT INTO authority (la_code, name) SELECT la_code, name FROM stage`,
  calendar: `INSERT INTO calendar_entry (authority_id, start_date, end_date, kind, label)
    SELECT a.id, s.start_date::date, s.end_date::date, lower(s.kind), ${N('s.label')} FROM stage s JOIN authority a ON a.la_code = s.la_code`,
  schools: `INSERT INTO school (urn, name, authority_id, type, phase)
    SELECT s.urn, s.name, a.id, s.type, ${N('s.phase')} FROM stage s JOIN authority a ON a.la_code = s.la_code`,
  providers: `INSERT INTO provider (provider_ref, name, on_framework, registered, dfe_urn, offers_full_time, offers_part_time,
      offers_in_school, online, professional_services, environment_risk, postcode)
    SELECT provider_ref, name, ${B('on_framework')}, ${B('registered')}, ${N('dfe_urn')}, ${B('offers_full_time')},
      ${B('offers_part_time')}, ${B('offers_in_school')}, ${B('online')}, ${B('professional_services')},
      ${N('environment_risk')}, ${N('postcode')} FROM stage`,
  provider_evidence: `INSERT INTO provider_evidence (provider_id, item, status, evidence_date, expires_on, value_pence, checked_by)
    SELECT p.id, s.item, s.status, ${N('s.evidence_date')}::date, ${N('s.expires_on')}::date,
      round(${N('s.value_gbp')}::numeric * 100)::bigint, ${N('s.checked_by')}
    FROM stage s JOIN provider p ON p.provider_ref = s.provider_ref`,
  provider_visits: `INSERT INTO provider_visit (provider_id, visit_date, visitor, health_safety_checked, competent_person, judgement)
    SELECT p.id, s.visit_date::date, s.visitor, ${B('s.health_safety_checked')}, ${B('s.competent_person')}, ${N('s.judgement')}
    FROM stage s JOIN provider p ON p.provider_ref = s.provider_ref`,
  pupils: `INSERT INTO pupil (upn, first_name, last_name, date_of_birth, authority_id, school_id, home_educated, gender,
      sen_status, looked_after, fsm)
    SELECT s.upn, s.first_name, s.last_name, s.date_of_birth::date, a.id, sc.id, ${B('s.home_educated')}, ${N('s.gender')},
      coalesce(${N('s.sen_status')}, 'none'), ${B('s.looked_after')}, ${B('s.fsm')}
    FROM stage s JOIN authority a ON a.la_code = s.la_code LEFT JOIN school sc ON sc.urn = ${N('s.school_urn')}`,
  placements: `INSERT INTO placement (placement_ref, pupil_id, commissioner_school_id, provider_id, type, reason, start_date,
      planned_end_date, end_date, end_reason, hours_per_week, school_hours_per_week, sessions, objectives, success_criteria,
      review_every_weeks, core_subjects, dfe_registration_checked, health_safety_checked, safeguarding_checked, checks_date,
      parental_agreement_date, weekly_cost_pence)
    SELECT s.placement_ref, p.id, sc.id, pr.id, s.type, ${N('s.reason')}, s.start_date::date, ${N('s.planned_end_date')}::date,
      ${N('s.end_date')}::date, ${N('s.end_reason')}, s.hours_per_week::numeric, ${N('s.school_hours_per_week')}::numeric,
      CASE WHEN coalesce(s.sessions, '') = '' THEN NULL ELSE string_to_array(upper(s.sessions), ' ') END,
      ${N('s.objectives')}, ${N('s.success_criteria')}, ${N('s.review_every_weeks')}::integer, ${B('s.core_subjects')},
      ${B('s.dfe_registration_checked')}, ${B('s.health_safety_checked')}, ${B('s.safeguarding_checked')},
      ${N('s.checks_date')}::date, ${N('s.parental_agreement_date')}::date, round(${N('s.weekly_cost_gbp')}::numeric * 100)::bigint
    FROM stage s JOIN pupil p ON p.upn = s.upn JOIN provider pr ON pr.provider_ref = s.provider_ref
    LEFT JOIN school sc ON sc.urn = ${N('s.commissioner_urn')}`,
  targets: `INSERT INTO target (placement_id, target_ref, kind, description, status)
    SELECT pl.id, s.target_ref, s.kind, s.description, coalesce(${N('s.status')}, 'in_progress')
    FROM stage s JOIN placement pl ON pl.placement_ref = s.placement_ref`,
  reviews: `INSERT INTO review (placement_id, review_date, kind, progress)
    SELECT pl.id, s.review_date::date, coalesce(${N('s.kind')}, 'review'), ${N('s.progress')}
    FROM stage s JOIN placement pl ON pl.placement_ref = s.placement_ref`,
  attendance: `INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, recorded_by, first_recorded_on)
    SELECT pl.id, s.date::date, upper(s.session), upper(s.code), s.recorded_at::timestamptz,
      (s.recorded_at::timestamptz AT TIME ZONE 'Europe/London')::date, ${N('s.recorded_by')},
      (s.recorded_at::timestamptz AT TIME ZONE 'Europe/London')::date
    FROM stage s JOIN placement pl ON pl.placement_ref = s.placement_ref`,
  destinations: `INSERT INTO destination (pupil_id, recorded_on, activity, provider_name, sustained)
    SELECT p.id, s.recorded_on::date, s.activity, ${N('s.provider_name')}, ${B('s.sustained')}
    FROM stage s JOIN pupil p ON p.upn = s.upn`,
};

export async function loadCsv(db: Queryable, kind: string, content: string): Promise<void> {
  const rows: Record<string, string>[] = parse(content, {
    columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
    bom: true,
  });
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  await db.query('DROP TABLE IF EXISTS stage');
  await db.query(`CREATE TEMP TABLE stage (${columns.map((c) => `${c} text`).join(', ')})`);
  await db.query(
    `INSERT INTO stage SELECT * FROM unnest(${columns.map((_, i) => `$${i + 1}::text[]`).join(', ')})`,
    columns.map((c) => rows.map((r) => r[c])),
  );
  await db.query(MERGES[kind]);
  await db.query('DROP TABLE stage');
}

const ORDER = Object.keys(MERGES);

export async function loadFolder(db: Queryable, folder: string): Promise<void> {
  for (const kind of ORDER) {
    let content: string;
    try {
      content = readFileSync(path.join(folder, `${kind}.csv`), 'utf8');
    } catch {
      continue;
    }
    await loadCsv(db, kind, content);
  }
}
