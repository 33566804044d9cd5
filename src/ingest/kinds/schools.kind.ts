import { laCode, oneOf, text, urn } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference } from '../kind-definition';

export const SCHOOL_TYPES = ['maintained', 'academy', 'free', 'special', 'pru', 'independent'] as const;

export const SCHOOLS: KindDefinition = {
  kind: 'schools',
  table: 'school',
  columns: [
    column('urn', 'text', urn, true),
    column('name', 'text', text, true),
    column('la_code', 'text', laCode, true),
    column('type', 'text', oneOf(SCHOOL_TYPES), true),
    column('phase', 'text', text),
  ],
  naturalKey: ['urn'],
  stored: {
    from: 'school t JOIN authority a ON a.id = t.authority_id',
    match: 't.urn = s.urn',
    columns: { name: 't.name', la_code: 'a.la_code', type: 't.type', phase: 't.phase' },
  },
  checks: [missingReference('la_code', 'authority', 'SELECT 1 FROM authority a WHERE a.la_code = s.la_code')],
  merge: [
    `WITH upserted AS (
      INSERT INTO school (urn, name, authority_id, type, phase)
      SELECT s.urn, s.name, a.id, s.type, s.phase
      FROM ingest_stage s JOIN authority a ON a.la_code = s.la_code
      ON CONFLICT ON CONSTRAINT school_urn_key DO UPDATE
        SET name = EXCLUDED.name, authority_id = EXCLUDED.authority_id, type = EXCLUDED.type, phase = EXCLUDED.phase
        WHERE (school.name, school.authority_id, school.type, school.phase)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.authority_id, EXCLUDED.type, EXCLUDED.phase)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
