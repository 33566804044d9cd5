import { EVIDENCE_ITEMS } from '../../entities/provider-evidence.entity';
import { date, oneOf, pounds, reference, text } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference, storedColumns } from '../kind-definition';

export const PROVIDER_EVIDENCE: KindDefinition = {
  kind: 'provider_evidence',
  table: 'provider_evidence',
  columns: [
    column('provider_ref', 'text', reference, true),
    column('item', 'text', oneOf(EVIDENCE_ITEMS), true),
    column('status', 'text', oneOf(['held', 'missing', 'not_applicable']), true),
    column('evidence_date', 'date', date),
    column('expires_on', 'date', date),
    column('value_gbp', 'bigint', pounds),
    column('checked_by', 'text', text),
    column('notes', 'text', text),
  ],
  naturalKey: ['provider_ref', 'item'],
  stored: {
    from: 'provider_evidence t JOIN provider p ON p.id = t.provider_id',
    match: 'p.provider_ref = s.provider_ref AND t.item = s.item',
    columns: {
      ...storedColumns(['status', 'evidence_date', 'expires_on', 'checked_by', 'notes']),
      value_gbp: 't.value_pence',
    },
  },
  checks: [
    missingReference(
      'provider_ref',
      'provider',
      'SELECT 1 FROM provider p WHERE p.provider_ref = s.provider_ref',
    ),
  ],
  merge: [
    `WITH upserted AS (
      INSERT INTO provider_evidence (provider_id, item, status, evidence_date, expires_on, value_pence, checked_by, notes)
      SELECT p.id, s.item, s.status, s.evidence_date, s.expires_on, s.value_gbp, s.checked_by, s.notes
      FROM ingest_stage s JOIN provider p ON p.provider_ref = s.provider_ref
      ON CONFLICT ON CONSTRAINT provider_evidence_natural_key DO UPDATE
        SET status = EXCLUDED.status, evidence_date = EXCLUDED.evidence_date, expires_on = EXCLUDED.expires_on,
          value_pence = EXCLUDED.value_pence, checked_by = EXCLUDED.checked_by, notes = EXCLUDED.notes
        WHERE (provider_evidence.status, provider_evidence.evidence_date, provider_evidence.expires_on,
            provider_evidence.value_pence, provider_evidence.checked_by, provider_evidence.notes)
          IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.evidence_date, EXCLUDED.expires_on, EXCLUDED.value_pence,
            EXCLUDED.checked_by, EXCLUDED.notes)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
