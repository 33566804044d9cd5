import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting records entered in error, and erasing a pupil (docs/history.md, "Deleting and erasing").
 *
 * 1. A deleted placement keeps its attendance as history. Until now deleting a placement deleted its
 *    marks (the old ON DELETE CASCADE, kept by a trigger since CheckAttendancePlacementPerStatement)
 *    and its attendance span (a foreign key): the placement's versions said what the hub knew before
 *    the deletion, but its registers were gone, so a reading as of an earlier date saw a placement
 *    with no marks. Now the placement's current marks are closed at the deletion (superseded, no new
 *    version) and the span stays. A closed version needs no placement row (it is history); a current
 *    one still must name a placement, checked per statement as before. Only erasure removes marks.
 * 2. The audit trail stays append-only, with one controlled exception: erasing a pupil must take
 *    their personal data out of earlier audit rows too. An UPDATE of `audit_event` is allowed only
 *    when the transaction has set `alp.audit_redaction` to `on` (src/records/erasure.service.ts does,
 *    transaction-locally, and nothing else does), and then only of the columns that can carry a
 *    pupil's data (subjects, subject_count, before, after, detail), with each subject kept or replaced
 *    by an `erased-pupil-<id>` mark: who did what, when, from where, is never rewritten. DELETE and
 *    TRUNCATE stay refused.
 */
export class DeleteAndErase1765700000000 implements MigrationInterface {
  name = 'DeleteAndErase1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE OR REPLACE FUNCTION alp_placement_delete_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE attendance a SET superseded_at = greatest(now(), a.recorded_at),
                          superseded_on = (now() AT TIME ZONE 'Europe/London')::date
    FROM old_rows o
   WHERE a.placement_id = o.id AND a.superseded_at IS NULL;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION alp_attendance_placement_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing integer;
BEGIN
  PERFORM 1 FROM placement p
   WHERE p.id IN (SELECT DISTINCT n.placement_id FROM new_rows n WHERE n.superseded_at IS NULL)
     FOR KEY SHARE;
  SELECT d.placement_id INTO missing
    FROM (SELECT DISTINCT n.placement_id FROM new_rows n WHERE n.superseded_at IS NULL) d
   WHERE NOT EXISTS (SELECT 1 FROM placement p WHERE p.id = d.placement_id)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "attendance" violates foreign key constraint "attendance_placement_id_fkey"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_placement_id_fkey',
            TABLE = 'attendance', DETAIL = format('Key (placement_id)=(%s) is not present in table "placement".', missing);
  END IF;
  RETURN NULL;
END
$$;

ALTER TABLE attendance_span DROP CONSTRAINT attendance_span_placement_id_fkey;
COMMENT ON TABLE attendance_span IS
  'First and last session date of each placement''s attendance, over every version (a deleted placement''s too); kept by the attendance import';

-- A JSON value with each key (a UPN, a placement reference) replaced by the erased mark wherever it
-- is a whole string, starts one with '<key>/', or ends a '<kind>:' prefix ('pupil:<upn>').
CREATE FUNCTION alp_redact_json(j jsonb, keys text[], mark text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  t text := j::text;
  k text;
  m text := substr(to_jsonb(mark)::text, 2, length(to_jsonb(mark)::text) - 2);
BEGIN
  IF j IS NULL THEN RETURN NULL; END IF;
  FOREACH k IN ARRAY keys LOOP
    k := substr(to_jsonb(k)::text, 2, length(to_jsonb(k)::text) - 2);
    t := replace(t, '"' || k || '"', '"' || m || '"');
    t := replace(t, '"' || k || '/', '"' || m || '/');
    t := replace(t, ':' || k || '"', ':' || m || '"');
    t := replace(t, ':' || k || '/', ':' || m || '/');
  END LOOP;
  RETURN t::jsonb;
END $$;

CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('alp.audit_redaction', true) = 'on'
     AND (NEW.id, NEW.at, NEW.actor, NEW.actor_user_id, NEW.role, NEW.action, NEW.operation,
          NEW.subject_kind, NEW.address, NEW.client)
         IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor, OLD.actor_user_id, OLD.role, OLD.action,
          OLD.operation, OLD.subject_kind, OLD.address, OLD.client)
     AND NOT EXISTS (SELECT 1 FROM unnest(NEW.subjects) s
                      WHERE s <> ALL (OLD.subjects) AND s NOT LIKE 'erased-pupil-%') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP FUNCTION alp_redact_json(jsonb, text[], text);
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
DELETE FROM attendance_span s WHERE NOT EXISTS (SELECT 1 FROM placement p WHERE p.id = s.placement_id);
ALTER TABLE attendance_span ADD CONSTRAINT attendance_span_placement_id_fkey
  FOREIGN KEY (placement_id) REFERENCES placement (id) ON DELETE CASCADE;
DELETE FROM attendance a WHERE NOT EXISTS (SELECT 1 FROM placement p WHERE p.id = a.placement_id);
CREATE OR REPLACE FUNCTION alp_attendance_placement_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing integer;
BEGIN
  PERFORM 1 FROM placement p
   WHERE p.id IN (SELECT DISTINCT n.placement_id FROM new_rows n)
     FOR KEY SHARE;
  SELECT d.placement_id INTO missing
    FROM (SELECT DISTINCT n.placement_id FROM new_rows n) d
   WHERE NOT EXISTS (SELECT 1 FROM placement p WHERE p.id = d.placement_id)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "attendance" violates foreign key constraint "attendance_placement_id_fkey"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_placement_id_fkey',
            TABLE = 'attendance', DETAIL = format('Key (placement_id)=(%s) is not present in table "placement".', missing);
  END IF;
  RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION alp_placement_delete_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attendance a USING old_rows o WHERE a.placement_id = o.id;
  RETURN NULL;
END
$$;
`);
  }
}
