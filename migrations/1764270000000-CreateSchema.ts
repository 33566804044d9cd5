import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole data model of domain.md. Natural keys are unique; surrogate integer ids carry the foreign
 * keys. Day dates are `date`, money is integer pence, hours are numeric.
 */
export class CreateSchema1764270000000 implements MigrationInterface {
  name = 'CreateSchema1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(String.raw`
CREATE TABLE attendance_code (
  code text NOT NULL,
  meaning text NOT NULL,
  category text NOT NULL,
  possible_session boolean NOT NULL,
  attended boolean NOT NULL,
  CONSTRAINT attendance_code_pkey PRIMARY KEY (code),
  CONSTRAINT attendance_code_category_check CHECK (category IN
    ('present', 'approved_activity', 'authorised_absence', 'unauthorised_absence', 'not_counted')),
  CONSTRAINT attendance_code_attended_check CHECK (NOT attended OR possible_session)
);
INSERT INTO attendance_code (code, meaning, category, possible_session, attended) VALUES
  ('/', 'Present (AM)', 'present', true, true),
  ('\', 'Present (PM)', 'present', true, true),
  ('L', 'Late arriving before the register closed', 'present', true, true),
  ('K', 'Attending education provision arranged by the local authority', 'approved_activity', true, true),
  ('V', 'Attending an educational visit or trip', 'approved_activity', true, true),
  ('P', 'Participating in a supervised sporting activity', 'approved_activity', true, true),
  ('W', 'Attending work experience', 'approved_activity', true, true),
  ('B', 'Attending any other approved educational activity', 'approved_activity', true, true),
  ('C1', 'Leave of absence for a regulated performance or employment abroad', 'authorised_absence', true, false),
  ('M', 'Leave of absence for a medical or dental appointment', 'authorised_absence', true, false),
  ('J1', 'Leave of absence for an interview', 'authorised_absence', true, false),
  ('S', 'Study leave', 'authorised_absence', true, false),
  ('C2', 'Leave of absence for a compulsory school age pupil subject to a part-time timetable', 'authorised_absence', true, false),
  ('C', 'Leave of absence for exceptional circumstances', 'authorised_absence', true, false),
  ('T', 'Parent travelling for occupational purposes', 'authorised_absence', true, false),
  ('R', 'Religious observance', 'authorised_absence', true, false),
  ('I', 'Illness (not medical or dental appointment)', 'authorised_absence', true, false),
  ('E', 'Suspended or permanently excluded and no alternative provision made', 'authorised_absence', true, false),
  ('G', 'Holiday not granted by the school', 'unauthorised_absence', true, false),
  ('N', 'Reason for absence not yet established', 'unauthorised_absence', true, false),
  ('O', 'Absent in other or unknown circumstances', 'unauthorised_absence', true, false),
  ('U', 'Arrived in school after registration closed', 'unauthorised_absence', true, false),
  ('D', 'Dual registered - attending another school', 'not_counted', false, false),
  ('X', 'Non-compulsory school age pupil not required to attend school', 'not_counted', false, false),
  ('Q', 'Unable to attend the school because of a lack of access arrangements', 'not_counted', false, false),
  ('Y1', 'Unable to attend due to transport normally provided not being available', 'not_counted', false, false),
  ('Y2', 'Unable to attend due to widespread disruption to travel', 'not_counted', false, false),
  ('Y3', 'Unable to attend due to part of the school premises being closed', 'not_counted', false, false),
  ('Y4', 'Unable to attend due to the whole school site being unexpectedly closed', 'not_counted', false, false),
  ('Y5', 'Unable to attend as pupil is in criminal justice detention', 'not_counted', false, false),
  ('Y6', 'Unable to attend in accordance with public health guidance or law', 'not_counted', false, false),
  ('Y7', 'Unable to attend because of other unavoidable causes', 'not_counted', false, false),
  ('Z', 'Prospective pupil not on admission register', 'not_counted', false, false),
  ('#', 'Planned whole or partial school closure', 'not_counted', false, false);

CREATE TABLE authority (
  id integer GENERATED ALWAYS AS IDENTITY,
  la_code text NOT NULL,
  name text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT authority_pkey PRIMARY KEY (id),
  CONSTRAINT authority_la_code_key UNIQUE (la_code),
  CONSTRAINT authority_la_code_check CHECK (la_code ~ '^[0-9]{3}$'),
  CONSTRAINT authority_settings_check CHECK (jsonb_typeof(settings) = 'object')
);

CREATE TABLE setting_change (
  id integer GENERATED ALWAYS AS IDENTITY,
  authority_id integer NOT NULL,
  key text NOT NULL,
  old_value jsonb,
  new_value jsonb,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT setting_change_pkey PRIMARY KEY (id),
  CONSTRAINT setting_change_authority_id_fkey FOREIGN KEY (authority_id) REFERENCES authority (id) ON DELETE CASCADE
);
CREATE INDEX setting_change_authority_id_idx ON setting_change (authority_id, changed_at);

CREATE TABLE calendar_entry (
  id integer GENERATED ALWAYS AS IDENTITY,
  authority_id integer NOT NULL,
  start_date date NOT NULL,
  end_date date NOT NULL,
  kind text NOT NULL,
  label text,
  CONSTRAINT calendar_entry_pkey PRIMARY KEY (id),
  CONSTRAINT calendar_entry_authority_id_fkey FOREIGN KEY (authority_id) REFERENCES authority (id) ON DELETE CASCADE,
  CONSTRAINT calendar_entry_natural_key UNIQUE (authority_id, start_date, kind),
  CONSTRAINT calendar_entry_kind_check CHECK (kind IN ('term', 'closure')),
  CONSTRAINT calendar_entry_dates_check CHECK (end_date >= start_date)
);

CREATE TABLE school (
  id integer GENERATED ALWAYS AS IDENTITY,
  urn text NOT NULL,
  name text NOT NULL,
  authority_id integer NOT NULL,
  type text NOT NULL,
  phase text,
  CONSTRAINT school_pkey PRIMARY KEY (id),
  CONSTRAINT school_urn_key UNIQUE (urn),
  CONSTRAINT school_urn_check CHECK (urn ~ '^[0-9]{6}$'),
  CONSTRAINT school_authority_id_fkey FOREIGN KEY (authority_id) REFERENCES authority (id),
  CONSTRAINT school_type_check CHECK (type IN ('maintained', 'academy', 'free', 'special', 'pru', 'independent'))
);
CREATE INDEX school_authority_id_idx ON school (authority_id);

CREATE TABLE provider (
  id integer GENERATED ALWAYS AS IDENTITY,
  provider_ref text NOT NULL,
  name text NOT NULL,
  on_framework boolean NOT NULL,
  registered boolean NOT NULL,
  dfe_urn text,
  ofsted_judgement text,
  ofsted_date date,
  offers_full_time boolean NOT NULL DEFAULT false,
  offers_part_time boolean NOT NULL DEFAULT false,
  offers_in_school boolean NOT NULL DEFAULT false,
  online boolean NOT NULL DEFAULT false,
  professional_services boolean NOT NULL DEFAULT false,
  environment_risk text,
  forms text[] NOT NULL DEFAULT '{}',
  postcode text,
  CONSTRAINT provider_pkey PRIMARY KEY (id),
  CONSTRAINT provider_provider_ref_key UNIQUE (provider_ref),
  CONSTRAINT provider_dfe_urn_check CHECK (dfe_urn IS NULL OR dfe_urn ~ '^[0-9]{6}$'),
  CONSTRAINT provider_environment_risk_check CHECK (environment_risk IN ('low', 'medium', 'high'))
);

CREATE TABLE provider_evidence (
  id integer GENERATED ALWAYS AS IDENTITY,
  provider_id integer NOT NULL,
  item text NOT NULL,
  status text NOT NULL,
  evidence_date date,
  expires_on date,
  value_pence bigint,
  checked_by text,
  notes text,
  CONSTRAINT provider_evidence_pkey PRIMARY KEY (id),
  CONSTRAINT provider_evidence_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES provider (id) ON DELETE CASCADE,
  CONSTRAINT provider_evidence_natural_key UNIQUE (provider_id, item),
  CONSTRAINT provider_evidence_item_check CHECK (item IN (
    'public_liability_insurance', 'employers_liability_insurance', 'professional_indemnity_insurance',
    'motor_insurance', 'subcontractor_liability', 'dsl', 'deputy_dsl', 'single_central_record',
    'risk_assessments', 'admissions_policy', 'attendance_policy', 'health_safety_policy', 'visits_policy',
    'behaviour_policy', 'data_protection_policy', 'equality_statement', 'child_protection_policy',
    'allegations_procedure', 'rse_policy', 'complaints_procedure', 'ofsted_report')),
  CONSTRAINT provider_evidence_status_check CHECK (status IN ('held', 'missing', 'not_applicable')),
  CONSTRAINT provider_evidence_value_pence_check CHECK (value_pence IS NULL OR value_pence >= 0)
);

CREATE TABLE provider_visit (
  id integer GENERATED ALWAYS AS IDENTITY,
  provider_id integer NOT NULL,
  visit_date date NOT NULL,
  visitor text NOT NULL,
  health_safety_checked boolean NOT NULL DEFAULT false,
  competent_person boolean NOT NULL DEFAULT false,
  judgement text,
  notes text,
  CONSTRAINT provider_visit_pkey PRIMARY KEY (id),
  CONSTRAINT provider_visit_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES provider (id) ON DELETE CASCADE,
  CONSTRAINT provider_visit_natural_key UNIQUE (provider_id, visit_date, visitor),
  CONSTRAINT provider_visit_visitor_check CHECK (visitor IN ('la', 'school')),
  CONSTRAINT provider_visit_judgement_check CHECK (judgement IN ('good', 'requires_improvement', 'inadequate'))
);

CREATE TABLE pupil (
  id integer GENERATED ALWAYS AS IDENTITY,
  upn text NOT NULL,
  first_name text NOT NULL,
  last_name text NOT NULL,
  date_of_birth date NOT NULL,
  authority_id integer NOT NULL,
  school_id integer,
  home_educated boolean NOT NULL DEFAULT false,
  gender text,
  sen_status text NOT NULL DEFAULT 'none',
  looked_after boolean NOT NULL DEFAULT false,
  fsm boolean NOT NULL DEFAULT false,
  CONSTRAINT pupil_pkey PRIMARY KEY (id),
  CONSTRAINT pupil_upn_key UNIQUE (upn),
  CONSTRAINT pupil_upn_check CHECK (upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
  CONSTRAINT pupil_authority_id_fkey FOREIGN KEY (authority_id) REFERENCES authority (id),
  CONSTRAINT pupil_school_id_fkey FOREIGN KEY (school_id) REFERENCES school (id),
  CONSTRAINT pupil_gender_check CHECK (gender IN ('F', 'M', 'X')),
  CONSTRAINT pupil_sen_status_check CHECK (sen_status IN ('none', 'sen_support', 'ehcp'))
);
CREATE INDEX pupil_authority_id_idx ON pupil (authority_id);
CREATE INDEX pupil_school_id_idx ON pupil (school_id);

CREATE TABLE placement (
  id integer GENERATED ALWAYS AS IDENTITY,
  placement_ref text NOT NULL,
  pupil_id integer NOT NULL,
  commissioner_school_id integer,
  provider_id integer NOT NULL,
  type text NOT NULL,
  reason text,
  start_date date NOT NULL,
  planned_end_date date,
  end_date date,
  end_reason text,
  hours_per_week numeric(5,2) NOT NULL,
  school_hours_per_week numeric(5,2),
  sessions text[],
  objectives text,
  success_criteria text,
  monitoring text,
  review_every_weeks integer,
  core_subjects boolean NOT NULL DEFAULT false,
  transport text,
  dfe_registration_checked boolean NOT NULL DEFAULT false,
  health_safety_checked boolean NOT NULL DEFAULT false,
  safeguarding_checked boolean NOT NULL DEFAULT false,
  checks_date date,
  checks_by text,
  parental_agreement_date date,
  weekly_cost_pence bigint,
  CONSTRAINT placement_pkey PRIMARY KEY (id),
  CONSTRAINT placement_placement_ref_key UNIQUE (placement_ref),
  CONSTRAINT placement_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES pupil (id),
  CONSTRAINT placement_commissioner_school_id_fkey FOREIGN KEY (commissioner_school_id) REFERENCES school (id),
  CONSTRAINT placement_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES provider (id),
  CONSTRAINT placement_type_check CHECK (type IN ('full_time', 'part_time', 'in_school')),
  CONSTRAINT placement_reason_check CHECK (reason IN ('permanent_exclusion', 'at_risk_of_exclusion', 'medical', 'semh', 'other')),
  CONSTRAINT placement_end_reason_check CHECK (end_reason IN ('reintegrated', 'progressed', 'completed', 'moved', 'broke_down')),
  CONSTRAINT placement_end_date_check CHECK (end_date IS NULL OR end_date >= start_date),
  CONSTRAINT placement_planned_end_date_check CHECK (planned_end_date IS NULL OR planned_end_date >= start_date),
  CONSTRAINT placement_hours_per_week_check CHECK (hours_per_week BETWEEN 0 AND 40),
  CONSTRAINT placement_school_hours_per_week_check CHECK (school_hours_per_week BETWEEN 0 AND 40),
  CONSTRAINT placement_sessions_check CHECK (sessions <@ ARRAY['MON-AM','MON-PM','TUE-AM','TUE-PM','WED-AM','WED-PM',
    'THU-AM','THU-PM','FRI-AM','FRI-PM']::text[]),
  CONSTRAINT placement_review_every_weeks_check CHECK (review_every_weeks > 0),
  CONSTRAINT placement_weekly_cost_pence_check CHECK (weekly_cost_pence >= 0)
);
CREATE INDEX placement_pupil_id_idx ON placement (pupil_id);
CREATE INDEX placement_provider_id_idx ON placement (provider_id);
CREATE INDEX placement_commissioner_school_id_idx ON placement (commissioner_school_id);

CREATE TABLE target (
  id integer GENERATED ALWAYS AS IDENTITY,
  placement_id integer NOT NULL,
  target_ref text NOT NULL,
  kind text NOT NULL,
  description text NOT NULL,
  status text NOT NULL DEFAULT 'in_progress',
  agreed_by_pupil boolean NOT NULL DEFAULT false,
  agreed_by_school boolean NOT NULL DEFAULT false,
  agreed_by_provider boolean NOT NULL DEFAULT false,
  CONSTRAINT target_pkey PRIMARY KEY (id),
  CONSTRAINT target_placement_id_fkey FOREIGN KEY (placement_id) REFERENCES placement (id) ON DELETE CASCADE,
  CONSTRAINT target_natural_key UNIQUE (placement_id, target_ref),
  CONSTRAINT target_kind_check CHECK (kind IN ('academic', 'attendance', 'behaviour', 'attitude', 'other')),
  CONSTRAINT target_status_check CHECK (status IN ('in_progress', 'met', 'partly_met', 'not_met'))
);

CREATE TABLE review (
  id integer GENERATED ALWAYS AS IDENTITY,
  placement_id integer NOT NULL,
  review_date date NOT NULL,
  kind text NOT NULL DEFAULT 'review',
  progress text,
  pupil_views_recorded boolean NOT NULL DEFAULT false,
  parents_involved boolean NOT NULL DEFAULT false,
  notes text,
  CONSTRAINT review_pkey PRIMARY KEY (id),
  CONSTRAINT review_placement_id_fkey FOREIGN KEY (placement_id) REFERENCES placement (id) ON DELETE CASCADE,
  CONSTRAINT review_natural_key UNIQUE (placement_id, review_date),
  CONSTRAINT review_kind_check CHECK (kind IN ('review', 'visit')),
  CONSTRAINT review_progress_check CHECK (progress IN ('good', 'some', 'none'))
);

-- Every version of every session's mark. The current version has superseded_at NULL; a correction
-- closes the current version (superseded_at = the correction's recorded_at) and adds a new one, so an
-- "as of D" read takes the version with recorded_on <= D and (superseded_on IS NULL OR superseded_on > D).
-- recorded_on / superseded_on / first_recorded_on are Europe/London dates, stored so that reads need no
-- time-zone arithmetic.
CREATE TABLE attendance (
  id bigint GENERATED ALWAYS AS IDENTITY,
  placement_id integer NOT NULL,
  session_date date NOT NULL,
  session text NOT NULL,
  code text NOT NULL,
  recorded_at timestamptz NOT NULL,
  recorded_on date NOT NULL,
  recorded_by text,
  first_recorded_on date NOT NULL,
  superseded_at timestamptz,
  superseded_on date,
  CONSTRAINT attendance_pkey PRIMARY KEY (id),
  CONSTRAINT attendance_placement_id_fkey FOREIGN KEY (placement_id) REFERENCES placement (id) ON DELETE CASCADE,
  CONSTRAINT attendance_code_fkey FOREIGN KEY (code) REFERENCES attendance_code (code),
  CONSTRAINT attendance_session_check CHECK (session IN ('AM', 'PM')),
  CONSTRAINT attendance_superseded_check CHECK (superseded_at IS NULL OR superseded_at >= recorded_at)
);
CREATE UNIQUE INDEX attendance_current_key ON attendance (placement_id, session_date, session) WHERE superseded_at IS NULL;
CREATE INDEX attendance_placement_id_session_date_idx ON attendance (placement_id, session_date);

CREATE TABLE destination (
  id integer GENERATED ALWAYS AS IDENTITY,
  pupil_id integer NOT NULL,
  recorded_on date NOT NULL,
  activity text NOT NULL,
  provider_name text,
  sustained boolean,
  CONSTRAINT destination_pkey PRIMARY KEY (id),
  CONSTRAINT destination_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES pupil (id) ON DELETE CASCADE,
  CONSTRAINT destination_natural_key UNIQUE (pupil_id, recorded_on),
  CONSTRAINT destination_activity_check CHECK (activity IN ('education', 'apprenticeship', 'employment_with_training',
    'employment_without_training', 'training', 'neet', 'not_known'))
);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TABLE destination;
DROP TABLE attendance;
DROP TABLE review;
DROP TABLE target;
DROP TABLE placement;
DROP TABLE pupil;
DROP TABLE provider_visit;
DROP TABLE provider_evidence;
DROP TABLE provider;
DROP TABLE school;
DROP TABLE calendar_entry;
DROP TABLE setting_change;
DROP TABLE authority;
DROP TABLE attendance_code;
`);
  }
}
