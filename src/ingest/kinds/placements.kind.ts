import {
  boolean,
  date,
  hours,
  oneOf,
  positiveInteger,
  pounds,
  reference,
  sessionPattern,
  text,
  upn,
  urn,
} from '../cell-parsers';
import {
  COUNT_UPSERTED,
  column,
  KindDefinition,
  missingReference,
  notBefore,
  storedColumns,
} from '../kind-definition';

/**
 * An empty commissioner_urn means the pupil's authority commissions; empty sessions mean all ten.
 * monitoring, transport and checks_by are not in the file and are kept as stored.
 */
export const PLACEMENTS: KindDefinition = {
  kind: 'placements',
  table: 'placement',
  columns: [
    column('placement_ref', 'text', reference, true),
    column('upn', 'text', upn, true),
    column('provider_ref', 'text', reference, true),
    column('type', 'text', oneOf(['full_time', 'part_time', 'in_school']), true),
    column('start_date', 'date', date, true),
    column('hours_per_week', 'numeric', hours, true),
    column('commissioner_urn', 'text', urn),
    column(
      'reason',
      'text',
      oneOf(['permanent_exclusion', 'at_risk_of_exclusion', 'medical', 'semh', 'other']),
    ),
    column('planned_end_date', 'date', date),
    column('end_date', 'date', date),
    column('end_reason', 'text', oneOf(['reintegrated', 'progressed', 'completed', 'moved', 'broke_down'])),
    column('school_hours_per_week', 'numeric', hours),
    column('sessions', 'text', sessionPattern),
    column('objectives', 'text', text),
    column('success_criteria', 'text', text),
    column('review_every_weeks', 'integer', positiveInteger),
    column('core_subjects', 'boolean', boolean),
    column('dfe_registration_checked', 'boolean', boolean),
    column('health_safety_checked', 'boolean', boolean),
    column('safeguarding_checked', 'boolean', boolean),
    column('checks_date', 'date', date),
    column('parental_agreement_date', 'date', date),
    column('weekly_cost_gbp', 'bigint', pounds),
  ],
  naturalKey: ['placement_ref'],
  stored: {
    from: `placement t JOIN pupil pu ON pu.id = t.pupil_id JOIN provider p ON p.id = t.provider_id
      LEFT JOIN school sc ON sc.id = t.commissioner_school_id`,
    match: 't.placement_ref = s.placement_ref',
    columns: {
      ...storedColumns([
        'type',
        'start_date',
        'hours_per_week',
        'reason',
        'planned_end_date',
        'end_date',
        'end_reason',
        'school_hours_per_week',
        'objectives',
        'success_criteria',
        'review_every_weeks',
        'core_subjects',
        'dfe_registration_checked',
        'health_safety_checked',
        'safeguarding_checked',
        'checks_date',
        'parental_agreement_date',
      ]),
      upn: 'pu.upn',
      provider_ref: 'p.provider_ref',
      commissioner_urn: 'sc.urn',
      sessions: "array_to_string(t.sessions, ' ')",
      weekly_cost_gbp: 't.weekly_cost_pence',
    },
  },
  rowChecks: [notBefore('end_date', 'start_date'), notBefore('planned_end_date', 'start_date')],
  checks: [
    missingReference('upn', 'pupil', 'SELECT 1 FROM pupil pu WHERE pu.upn = s.upn'),
    missingReference(
      'provider_ref',
      'provider',
      'SELECT 1 FROM provider p WHERE p.provider_ref = s.provider_ref',
    ),
    missingReference(
      'commissioner_urn',
      'school',
      'SELECT 1 FROM school sc WHERE sc.urn = s.commissioner_urn',
    ),
  ],
  merge: [
    `WITH upserted AS (
      INSERT INTO placement (placement_ref, pupil_id, commissioner_school_id, provider_id, type, reason, start_date,
        planned_end_date, end_date, end_reason, hours_per_week, school_hours_per_week, sessions, objectives,
        success_criteria, review_every_weeks, core_subjects, dfe_registration_checked, health_safety_checked,
        safeguarding_checked, checks_date, parental_agreement_date, weekly_cost_pence)
      SELECT s.placement_ref, pu.id, sc.id, p.id, s.type, s.reason, s.start_date, s.planned_end_date, s.end_date,
        s.end_reason, s.hours_per_week, s.school_hours_per_week, string_to_array(s.sessions, ' '), s.objectives,
        s.success_criteria, s.review_every_weeks, coalesce(s.core_subjects, false),
        coalesce(s.dfe_registration_checked, false), coalesce(s.health_safety_checked, false),
        coalesce(s.safeguarding_checked, false), s.checks_date, s.parental_agreement_date, s.weekly_cost_gbp
      FROM ingest_stage s
      JOIN pupil pu ON pu.upn = s.upn
      JOIN provider p ON p.provider_ref = s.provider_ref
      LEFT JOIN school sc ON sc.urn = s.commissioner_urn
      ON CONFLICT ON CONSTRAINT placement_placement_ref_key DO UPDATE
        SET pupil_id = EXCLUDED.pupil_id, commissioner_school_id = EXCLUDED.commissioner_school_id,
          provider_id = EXCLUDED.provider_id, type = EXCLUDED.type, reason = EXCLUDED.reason,
          start_date = EXCLUDED.start_date, planned_end_date = EXCLUDED.planned_end_date, end_date = EXCLUDED.end_date,
          end_reason = EXCLUDED.end_reason, hours_per_week = EXCLUDED.hours_per_week,
          school_hours_per_week = EXCLUDED.school_hours_per_week, sessions = EXCLUDED.sessions,
          objectives = EXCLUDED.objectives, success_criteria = EXCLUDED.success_criteria,
          review_every_weeks = EXCLUDED.review_every_weeks, core_subjects = EXCLUDED.core_subjects,
          dfe_registration_checked = EXCLUDED.dfe_registration_checked,
          health_safety_checked = EXCLUDED.health_safety_checked, safeguarding_checked = EXCLUDED.safeguarding_checked,
          checks_date = EXCLUDED.checks_date, parental_agreement_date = EXCLUDED.parental_agreement_date,
          weekly_cost_pence = EXCLUDED.weekly_cost_pence
        WHERE (placement.pupil_id, placement.commissioner_school_id, placement.provider_id, placement.type,
            placement.reason, placement.start_date, placement.planned_end_date, placement.end_date, placement.end_reason,
            placement.hours_per_week, placement.school_hours_per_week, placement.sessions, placement.objectives,
            placement.success_criteria, placement.review_every_weeks, placement.core_subjects,
            placement.dfe_registration_checked, placement.health_safety_checked, placement.safeguarding_checked,
            placement.checks_date, placement.parental_agreement_date, placement.weekly_cost_pence)
          IS DISTINCT FROM (EXCLUDED.pupil_id, EXCLUDED.commissioner_school_id, EXCLUDED.provider_id, EXCLUDED.type,
            EXCLUDED.reason, EXCLUDED.start_date, EXCLUDED.planned_end_date, EXCLUDED.end_date, EXCLUDED.end_reason,
            EXCLUDED.hours_per_week, EXCLUDED.school_hours_per_week, EXCLUDED.sessions, EXCLUDED.objectives,
            EXCLUDED.success_criteria, EXCLUDED.review_every_weeks, EXCLUDED.core_subjects,
            EXCLUDED.dfe_registration_checked, EXCLUDED.health_safety_checked, EXCLUDED.safeguarding_checked,
            EXCLUDED.checks_date, EXCLUDED.parental_agreement_date, EXCLUDED.weekly_cost_pence)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
