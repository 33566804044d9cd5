import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may sign in and what they did: users with a role and its scope, bearer tokens and dashboard
 * sessions stored only as SHA-256 hashes, per-authority secrets for analysts' pseudonyms, and the
 * audit trail.
 *
 * `audit_event` is append-only: triggers refuse UPDATE, DELETE and TRUNCATE, so a trail once written
 * cannot be edited through the hub or by anyone holding its connection string short of dropping the
 * trigger (which a migration, reviewed, would have to do).
 */
export class AddAccessControl1765000000000 implements MigrationInterface {
  name = 'AddAccessControl1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE app_user (
  id integer GENERATED ALWAYS AS IDENTITY,
  username text NOT NULL,
  role text NOT NULL,
  display_name text,
  email text,
  machine boolean NOT NULL DEFAULT false,
  school_id integer,
  provider_id integer,
  password_hash text,
  oidc_issuer text,
  oidc_subject text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  disabled_at timestamptz,
  CONSTRAINT app_user_pkey PRIMARY KEY (id),
  CONSTRAINT app_user_username_key UNIQUE (username),
  CONSTRAINT app_user_oidc_key UNIQUE (oidc_issuer, oidc_subject),
  CONSTRAINT app_user_username_check CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
  CONSTRAINT app_user_role_check CHECK (role IN ('admin', 'la_officer', 'school', 'governor', 'provider', 'analyst')),
  CONSTRAINT app_user_school_check CHECK ((role IN ('school', 'governor')) = (school_id IS NOT NULL)),
  CONSTRAINT app_user_provider_check CHECK ((role = 'provider') = (provider_id IS NOT NULL)),
  CONSTRAINT app_user_school_id_fkey FOREIGN KEY (school_id) REFERENCES school (id),
  CONSTRAINT app_user_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES provider (id)
);
CREATE TABLE app_user_authority (
  user_id integer NOT NULL,
  authority_id integer NOT NULL,
  CONSTRAINT app_user_authority_pkey PRIMARY KEY (user_id, authority_id),
  CONSTRAINT app_user_authority_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
  CONSTRAINT app_user_authority_authority_id_fkey FOREIGN KEY (authority_id) REFERENCES authority (id)
);
CREATE TABLE api_token (
  id integer GENERATED ALWAYS AS IDENTITY,
  user_id integer NOT NULL,
  token_hash bytea NOT NULL,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz,
  last_used_from text,
  CONSTRAINT api_token_pkey PRIMARY KEY (id),
  CONSTRAINT api_token_token_hash_key UNIQUE (token_hash),
  CONSTRAINT api_token_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
);
CREATE TABLE user_session (
  id integer GENERATED ALWAYS AS IDENTITY,
  user_id integer NOT NULL,
  token_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  address text,
  user_agent text,
  CONSTRAINT user_session_pkey PRIMARY KEY (id),
  CONSTRAINT user_session_token_hash_key UNIQUE (token_hash),
  CONSTRAINT user_session_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
);
CREATE TABLE authority_secret (
  authority_id integer NOT NULL,
  secret bytea NOT NULL,
  CONSTRAINT authority_secret_pkey PRIMARY KEY (authority_id),
  CONSTRAINT authority_secret_authority_id_fkey FOREIGN KEY (authority_id) REFERENCES authority (id) ON DELETE CASCADE
);
CREATE TABLE audit_event (
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  actor_user_id integer,
  role text,
  action text NOT NULL,
  operation text NOT NULL,
  subject_kind text,
  subjects text[] NOT NULL DEFAULT '{}',
  subject_count integer NOT NULL DEFAULT 0,
  before jsonb,
  after jsonb,
  address text,
  client text,
  detail jsonb,
  CONSTRAINT audit_event_pkey PRIMARY KEY (id),
  CONSTRAINT audit_event_action_check CHECK (action IN ('read', 'create', 'update', 'delete', 'import', 'export', 'report', 'sign_in', 'sign_in_failed', 'sign_out', 'token', 'user', 'settings'))
);
CREATE INDEX audit_event_at_idx ON audit_event (at);
CREATE INDEX audit_event_subjects_idx ON audit_event USING gin (subjects);
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TABLE audit_event;
DROP FUNCTION audit_event_append_only();
DROP TABLE authority_secret;
DROP TABLE user_session;
DROP TABLE api_token;
DROP TABLE app_user_authority;
DROP TABLE app_user;
`);
  }
}
