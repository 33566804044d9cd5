import { boolean, oneOf, reference, text } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference, storedColumns } from '../kind-definition';

export const TARGETS: KindDefinition = {
  kind: 'targets',
  table: 'target',
  columns: [
    column('placement_ref', 'text', reference, true),
    column('target_ref', 'text', reference, true),
    column('kind', 'text', oneOf(['academic', 'attendance', 'behaviour', 'attitude', 'other']), true),
    column('description', 'text', text, true),
    column('status', 'text', oneOf(['in_progress', 'met', 'partly_met', 'not_met'])),
    column('agreed_by_pupil', 'boolean', boolean),
    column('agreed_by_school', 'boolean', boolean),
    column('agreed_by_provider', 'boolean', boolean),
  ],
  naturalKey: ['placement_ref', 'target_ref'],
  stored: {
    from: 'target t JOIN placement p ON p.id = t.placement_id',
    match: 'p.placement_ref = s.placement_ref AND t.target_ref = s.target_ref',
    columns: storedColumns([
      'kind',
      'description',
      'status',
      'agreed_by_pupil',
      'agreed_by_school',
      'agreed_by_provider',
    ]),
  },
  checks: [
    missingReference(
      'placement_ref',
      'placement',
      'SELECT 1 FROM placement p WHERE p.placement_ref = s.placement_ref',
    ),
  ],
  merge: [
    `WITH upserted AS (
      INSERT INTO target (placement_id, target_ref, kind, description, status, agreed_by_pupil, agreed_by_school,
        agreed_by_provider)
      SELECT p.id, s.target_ref, s.kind, s.description, coalesce(s.status, 'in_progress'),
        coalesce(s.agreed_by_pupil, false), coalesce(s.agreed_by_school, false), coalesce(s.agreed_by_provider, false)
      FROM ingest_stage s JOIN placement p ON p.placement_ref = s.placement_ref
      ON CONFLICT ON CONSTRAINT target_natural_key DO UPDATE
        SET kind = EXCLUDED.kind, description = EXCLUDED.description, status = EXCLUDED.status,
          agreed_by_pupil = EXCLUDED.agreed_by_pupil, agreed_by_school = EXCLUDED.agreed_by_school,
          agreed_by_provider = EXCLUDED.agreed_by_provider
        WHERE (target.kind, target.description, target.status, target.agreed_by_pupil, target.agreed_by_school,
            target.agreed_by_provider)
          IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.description, EXCLUDED.status, EXCLUDED.agreed_by_pupil,
            EXCLUDED.agreed_by_school, EXCLUDED.agreed_by_provider)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
