import { laCode, text } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition } from '../kind-definition';

export const AUTHORITIES: KindDefinition = {
  kind: 'authorities',
  table: 'authority',
  columns: [column('la_code', 'text', laCode, true), column('name', 'text', text, true)],
  naturalKey: ['la_code'],
  stored: { from: 'authority t', match: 't.la_code = s.la_code', columns: { name: 't.name' } },
  checks: [],
  merge: [
    `WITH upserted AS (
      INSERT INTO authority (la_code, name)
      SELECT la_code, name FROM ingest_stage
      ON CONFLICT ON CONSTRAINT authority_la_code_key DO UPDATE
        SET name = EXCLUDED.name, updated_at = now()
        WHERE authority.name IS DISTINCT FROM EXCLUDED.name
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
