/**
 * The import kinds and their columns, in the order of spec/import-formats.md (which is also the order
 * they must load in). Every demo row is a record of these columns; an empty string is "not given".
 */
export const DEMO_COLUMNS = {
  authorities: ['la_code', 'name'],
  calendar: ['la_code', 'start_date', 'end_date', 'kind', 'label'],
  schools: ['urn', 'name', 'la_code', 'type', 'phase'],
  providers: [
    'provider_ref',
    'name',
    'on_framework',
    'registered',
    'dfe_urn',
    'ofsted_judgement',
    'ofsted_date',
    'offers_full_time',
    'offers_part_time',
    'offers_in_school',
    'online',
    'professional_services',
    'environment_risk',
    'postcode',
  ],
  provider_evidence: [
    'provider_ref',
    'item',
    'status',
    'evidence_date',
    'expires_on',
    'value_gbp',
    'checked_by',
    'notes',
  ],
  provider_visits: [
    'provider_ref',
    'visit_date',
    'visitor',
    'health_safety_checked',
    'competent_person',
    'judgement',
    'notes',
  ],
  pupils: [
    'upn',
    'first_name',
    'last_name',
    'date_of_birth',
    'la_code',
    'school_urn',
    'home_educated',
    'gender',
    'sen_status',
    'looked_after',
    'fsm',
  ],
  placements: [
    'placement_ref',
    'upn',
    'provider_ref',
    'type',
    'start_date',
    'hours_per_week',
    'commissioner_urn',
    'reason',
    'planned_end_date',
    'end_date',
    'end_reason',
    'school_hours_per_week',
    'sessions',
    'objectives',
    'success_criteria',
    'review_every_weeks',
    'core_subjects',
    'dfe_registration_checked',
    'health_safety_checked',
    'safeguarding_checked',
    'checks_date',
    'parental_agreement_date',
    'weekly_cost_gbp',
  ],
  targets: [
    'placement_ref',
    'target_ref',
    'kind',
    'description',
    'status',
    'agreed_by_pupil',
    'agreed_by_school',
    'agreed_by_provider',
  ],
  reviews: [
    'placement_ref',
    'review_date',
    'kind',
    'progress',
    'pupil_views_recorded',
    'parents_involved',
    'notes',
  ],
  attendance: ['placement_ref', 'date', 'session', 'code', 'recorded_at', 'recorded_by'],
  destinations: ['upn', 'recorded_on', 'activity', 'provider_name', 'sustained'],
} as const;

export type DemoKind = keyof typeof DEMO_COLUMNS;

/** The kinds in load order. */
export const DEMO_KINDS = Object.keys(DEMO_COLUMNS) as DemoKind[];

export type DemoRow<K extends DemoKind> = Record<(typeof DEMO_COLUMNS)[K][number], string>;

/** Booleans are written `true`/`false`; the importer accepts other spellings, the demo needs none. */
export function yesNo(value: boolean): string {
  return value ? 'true' : 'false';
}
