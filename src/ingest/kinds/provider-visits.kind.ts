import { boolean, date, oneOf, reference, text } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference, storedColumns } from '../kind-definition';

export const PROVIDER_VISITS: KindDefinition = {
  kind: 'provider_visits',
  table: 'provider_visit',
  columns: [
    column('provider_ref', 'text', reference, true),
    column('visit_date', 'date', date, true),
    column('visitor', 'text', oneOf(['la', 'school']), true),
    column('health_safety_checked', 'boolean', boolean),
    column('competent_person', 'boolean', boolean),
    column('judgement', 'text', oneOf(['good', 'requires_improvement', 'inadequate'])),
    column('notes', 'text', text),
  ],
  naturalKey: ['provider_ref', 'visit_date', 'visitor'],
  stored: {
    from: 'provider_visit t JOIN provider p ON p.id = t.provider_id',
    match: 'p.provider_ref = s.provider_ref AND t.visit_date = s.visit_date AND t.visitor = s.visitor',
    columns: storedColumns(['health_safety_checked', 'competent_person', 'judgement', 'notes']),
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
      INSERT INTO provider_visit (provider_id, visit_date, visitor, health_safety_checked, competent_person, judgement, notes)
      SELECT p.id, s.visit_date, s.visitor, coalesce(s.health_safety_checked, false),
        coalesce(s.competent_person, false), s.judgement, s.notes
      FROM ingest_stage s JOIN provider p ON p.provider_ref = s.provider_ref
      ON CONFLICT ON CONSTRAINT provider_visit_natural_key DO UPDATE
        SET health_safety_checked = EXCLUDED.health_safety_checked, competent_person = EXCLUDED.competent_person,
          judgement = EXCLUDED.judgement, notes = EXCLUDED.notes
        WHERE (provider_visit.health_safety_checked, provider_visit.competent_person, provider_visit.judgement,
            provider_visit.notes)
          IS DISTINCT FROM (EXCLUDED.health_safety_checked, EXCLUDED.competent_person, EXCLUDED.judgement, EXCLUDED.notes)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
