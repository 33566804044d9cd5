import { POLICY_ITEMS } from '../../entities/provider-evidence.entity';
import { attendanceOf, FlagDefinition, FlagFamily, fmt, knownOn, num, pct } from '../flag-definition';

const policyValues = POLICY_ITEMS.map((item, i) => `(${i + 1}, '${item}')`).join(', ');

function gbp(expr: string): string {
  return `'£' || to_char(${expr}, 'FM999,999,999,990')`;
}

/**
 * Provider rules (spec/indicators.md, "Provider"): providers with a placement active at the date in any
 * authority; `authorities` are those of the pupils so placed. $2 holds the settings already resolved
 * for the authority asked about (the defaults when the question spans authorities).
 */
const family: FlagFamily = {
  name: 'provider',
  subjectType: 'provider',
  ctes: `
params AS (SELECT $1::date AS d, $2::jsonb AS s),
active AS (
  SELECT pl.id, pl.provider_id, pl.pupil_id, pl.hours_per_week, p.date_of_birth, p.looked_after,
         p.sen_status, au.la_code
  FROM placement pl
  JOIN pupil p ON p.id = pl.pupil_id
  JOIN authority au ON au.id = p.authority_id
  CROSS JOIN params pa
  WHERE pl.start_date <= pa.d AND (pl.end_date IS NULL OR pa.d <= pl.end_date)
),
providers AS (
  SELECT pr.id, pr.provider_ref, pr.registered, pr.on_framework, pr.professional_services, x.authorities
  FROM provider pr
  JOIN (SELECT provider_id, array_agg(DISTINCT la_code ORDER BY la_code) AS authorities
        FROM active GROUP BY provider_id) x ON x.provider_id = pr.id
  WHERE $3::text[] IS NULL OR x.authorities && $3::text[]
),
full_time_pupils AS (
  SELECT x.provider_id, count(*) AS pupils,
         count(*) FILTER (WHERE x.looked_after) AS looked_after,
         count(*) FILTER (WHERE x.sen_status = 'ehcp') AS ehcp,
         count(*) FILTER (WHERE x.sen_status <> 'none') AS any_sen
  FROM (SELECT a.provider_id, a.pupil_id, a.looked_after, a.sen_status, sum(a.hours_per_week) AS hours
        FROM active a
        CROSS JOIN params pa
        WHERE alp_is_compulsory_age(a.date_of_birth, pa.d)
        GROUP BY a.provider_id, a.pupil_id, a.looked_after, a.sen_status) x
  CROSS JOIN params pa
  WHERE x.hours > ${num('pa.s', 'registrationHours')}
  GROUP BY x.provider_id
),
insurance_gaps AS (
  SELECT pr.id AS provider_id, string_agg(g.gap, '; ' ORDER BY req.ord) AS gaps
  FROM providers pr
  CROSS JOIN params pa
  CROSS JOIN (VALUES
    (1, 'public_liability_insurance', 'public liability', 'publicLiabilityMinGbp'),
    (2, 'employers_liability_insurance', 'employer''s liability', 'employersLiabilityMinGbp'),
    (3, 'professional_indemnity_insurance', 'professional indemnity', 'professionalIndemnityMinGbp')
  ) AS req(ord, item, label, setting)
  LEFT JOIN provider_evidence ev ON ev.provider_id = pr.id AND ev.item = req.item AND ev.status = 'held'
  CROSS JOIN LATERAL (SELECT CASE WHEN ev.id IS NULL THEN req.label || ' not held'
    ELSE nullif(concat_ws(', ',
      CASE WHEN ev.expires_on IS NULL THEN 'no expiry date'
           WHEN ev.expires_on < pa.d THEN 'expired on ' || ev.expires_on END,
      CASE WHEN ev.value_pence IS NULL THEN 'no limit recorded'
           WHEN ev.value_pence < (pa.s->>req.setting)::numeric * 100
           THEN 'limit ' || ${gbp('ev.value_pence / 100')} || ' below ' || ${gbp('(pa.s->>req.setting)::numeric')}
      END), '') END AS problem) p
  CROSS JOIN LATERAL (SELECT CASE WHEN ev.id IS NULL THEN p.problem
                                  WHEN p.problem IS NOT NULL THEN req.label || ': ' || p.problem END AS gap) g
  WHERE g.gap IS NOT NULL
    AND (req.item <> 'professional_indemnity_insurance' OR pr.professional_services)
  GROUP BY pr.id
),
safeguarding_gaps AS (
  SELECT pr.id AS provider_id, string_agg(g.gap, '; ' ORDER BY req.ord) AS gaps
  FROM providers pr
  CROSS JOIN params pa
  CROSS JOIN (VALUES (1, 'dsl', 'designated safeguarding lead'),
                     (2, 'deputy_dsl', 'deputy designated safeguarding lead')) AS req(ord, item, label)
  LEFT JOIN provider_evidence ev ON ev.provider_id = pr.id AND ev.item = req.item AND ev.status = 'held'
  CROSS JOIN LATERAL (SELECT CASE
    WHEN ev.id IS NULL THEN req.label || ' not held'
    WHEN ev.evidence_date IS NULL THEN req.label || ': no training date'
    WHEN pa.d - ev.evidence_date > ${num('pa.s', 'safeguardingTrainingMaxDays')}
    THEN format('%s trained on %s, %s days ago (limit %s days)', req.label, ev.evidence_date,
                pa.d - ev.evidence_date, ${fmt(num('pa.s', 'safeguardingTrainingMaxDays'))})
  END AS gap) g
  WHERE g.gap IS NOT NULL
  GROUP BY pr.id
),
missing_policies AS (
  SELECT pr.id AS provider_id, count(*) AS missing,
         string_agg(replace(req.item, '_', ' '), ', ' ORDER BY req.ord) AS items
  FROM providers pr
  CROSS JOIN (VALUES ${policyValues}) AS req(ord, item)
  LEFT JOIN provider_evidence ev ON ev.provider_id = pr.id AND ev.item = req.item
  WHERE ev.id IS NULL OR ev.status = 'missing'
  GROUP BY pr.id
),
visits AS (
  SELECT pr.id AS provider_id,
         max(v.visit_date) FILTER (WHERE v.visitor = 'la') AS last_la_visit,
         max(v.visit_date) FILTER (WHERE v.health_safety_checked AND v.competent_person) AS last_check
  FROM providers pr
  CROSS JOIN params pa
  LEFT JOIN provider_visit v ON v.provider_id = pr.id AND v.visit_date <= pa.d
  GROUP BY pr.id
),
reporting AS (
  SELECT pl.provider_id, count(*) AS records,
         count(*) FILTER (WHERE a.first_recorded_on = a.session_date) AS on_the_day
  FROM placement pl
  JOIN providers pr ON pr.id = pl.provider_id
  CROSS JOIN params pa
  -- bounded by the parameters, not params' columns: under the row-level policies arithmetic on a column
  -- cannot bound an index range, and each placement's marks were read from its first
  ${attendanceOf('pl.id', `$1::date - ${num('$2::jsonb', 'lateReportingWindowDays')}::integer + 1`, '$1::date', knownOn('a', '$1::date'))}
  GROUP BY pl.provider_id
)`,
};

function providerFlag(f: Omit<FlagDefinition, 'family' | 'subjectType'>): FlagDefinition {
  return { ...f, family, subjectType: 'provider' };
}

export const PROVIDER_FLAGS: readonly FlagDefinition[] = [
  providerFlag({
    code: 'UNREGISTERED_SCHOOL_RISK',
    title: 'Unregistered school risk',
    description:
      'Not registered, and the compulsory-age pupils placed here for more than the full-time hours (counted across every authority) reach the pupil limit, or include one looked after or one meeting the SEN criterion.',
    settings: ['registrationHours', 'registrationPupils', 'registrationSenCriterion'],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities,
       format('not registered; %s compulsory-age pupils here for more than %s h a week (limit %s pupils), %s looked after, %s',
              f.pupils, ${fmt(num('pa.s', 'registrationHours'))}, ${fmt(num('pa.s', 'registrationPupils'))},
              f.looked_after,
              CASE pa.s->>'registrationSenCriterion' WHEN 'any_sen' THEN f.any_sen || ' with SEN'
                   ELSE f.ehcp || ' with an EHC plan' END) AS reason
FROM providers pr
JOIN full_time_pupils f ON f.provider_id = pr.id
CROSS JOIN params pa
WHERE NOT pr.registered
  AND (f.pupils >= ${num('pa.s', 'registrationPupils')} OR f.looked_after > 0
       OR CASE pa.s->>'registrationSenCriterion' WHEN 'any_sen' THEN f.any_sen ELSE f.ehcp END > 0)`,
  }),
  providerFlag({
    code: 'NOT_ON_FRAMEWORK',
    title: 'Not on the framework',
    description: 'The provider is not on the authorities’ AP framework.',
    settings: [],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities, 'not on the framework' AS reason
FROM providers pr
WHERE NOT pr.on_framework`,
  }),
  providerFlag({
    code: 'INSURANCE_GAP',
    title: 'Insurance gap',
    description:
      'Public or employer’s liability (and professional indemnity where professional services are given) not held, expired, without expiry, or below the minimum limit.',
    settings: ['publicLiabilityMinGbp', 'employersLiabilityMinGbp', 'professionalIndemnityMinGbp'],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities, g.gaps AS reason
FROM providers pr
JOIN insurance_gaps g ON g.provider_id = pr.id`,
  }),
  providerFlag({
    code: 'SAFEGUARDING_GAP',
    title: 'Safeguarding gap',
    description:
      'No designated safeguarding lead or deputy held, or either one’s training date empty or older than the limit.',
    settings: ['safeguardingTrainingMaxDays'],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities, g.gaps AS reason
FROM providers pr
JOIN safeguarding_gaps g ON g.provider_id = pr.id`,
  }),
  providerFlag({
    code: 'POLICIES_MISSING',
    title: 'Policies missing',
    description: 'Any of the 13 appendix-1 policy items is missing or absent (not applicable is fine).',
    settings: [],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities,
       format('%s of 13 policy items missing: %s', m.missing, m.items) AS reason
FROM providers pr
JOIN missing_policies m ON m.provider_id = pr.id`,
  }),
  providerFlag({
    code: 'MONITORING_VISIT_OVERDUE',
    title: 'Monitoring visit overdue',
    description: 'No visit by the authority dated within the limit up to the date.',
    settings: ['monitoringVisitMaxDays'],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities,
       CASE WHEN v.last_la_visit IS NULL THEN 'never visited by the authority'
            ELSE format('last visited by the authority on %s, %s days ago (limit %s days)', v.last_la_visit,
                        pa.d - v.last_la_visit, ${fmt(num('pa.s', 'monitoringVisitMaxDays'))}) END AS reason
FROM providers pr
JOIN visits v ON v.provider_id = pr.id
CROSS JOIN params pa
WHERE v.last_la_visit IS NULL OR pa.d - v.last_la_visit > ${num('pa.s', 'monitoringVisitMaxDays')}`,
  }),
  providerFlag({
    code: 'HEALTH_SAFETY_CHECK_OVERDUE',
    title: 'Health and safety check overdue',
    description: 'No visit with a health and safety check by a competent person dated within the limit.',
    settings: ['healthSafetyCheckMaxDays'],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities,
       CASE WHEN v.last_check IS NULL THEN 'no health and safety check by a competent person recorded'
            ELSE format('last health and safety check by a competent person on %s, %s days ago (limit %s days)',
                        v.last_check, pa.d - v.last_check, ${fmt(num('pa.s', 'healthSafetyCheckMaxDays'))}) END
         AS reason
FROM providers pr
JOIN visits v ON v.provider_id = pr.id
CROSS JOIN params pa
WHERE v.last_check IS NULL OR pa.d - v.last_check > ${num('pa.s', 'healthSafetyCheckMaxDays')}`,
  }),
  providerFlag({
    code: 'LATE_ATTENDANCE_REPORTING',
    title: 'Late attendance reporting',
    description:
      'Of the attendance records for sessions in the window up to the date, fewer than the share were first recorded on the day of the session (only with enough records).',
    settings: ['lateReportingWindowDays', 'lateReportingOnTimeShare', 'lateReportingMinRecords'],
    select: `
SELECT pr.id AS subject_id, pr.provider_ref AS subject_key, pr.authorities,
       format('%s of %s attendance records of the last %s days (%s) recorded on the day of the session; expected %s',
              r.on_the_day, r.records, ${fmt(num('pa.s', 'lateReportingWindowDays'))},
              ${pct('r.on_the_day::numeric / r.records')}, ${pct(num('pa.s', 'lateReportingOnTimeShare'))}) AS reason
FROM providers pr
JOIN reporting r ON r.provider_id = pr.id
CROSS JOIN params pa
WHERE r.records >= ${num('pa.s', 'lateReportingMinRecords')}
  AND r.on_the_day < ${num('pa.s', 'lateReportingOnTimeShare')} * r.records`,
  }),
];
