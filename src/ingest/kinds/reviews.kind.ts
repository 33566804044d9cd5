import { boolean, date, oneOf, reference, text } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference, storedColumns } from '../kind-definition';

export const REVIEWS: KindDefinition = {
  kind: 'reviews',
  table: 'review',
  columns: [
    column('placement_ref', 'text', reference, true),
    column('review_date', 'date', date, true),
    column('kind', 'text', oneOf(['review', 'visit'])),
    column('progress', 'text', oneOf(['good', 'some', 'none'])),
    column('pupil_views_recorded', 'boolean', boolean),
    column('parents_involved', 'boolean', boolean),
    column('notes', 'text', text),
  ],
  naturalKey: ['placement_ref', 'review_date'],
  stored: {
    from: 'review t JOIN placement p ON p.id = t.placement_id',
    match: 'p.placement_ref = s.placement_ref AND t.review_date = s.review_date',
    columns: storedColumns(['kind', 'progress', 'pupil_views_recorded', 'parents_involved', 'notes']),
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
      INSERT INTO review (placement_id, review_date, kind, progress, pupil_views_recorded, parents_involved, notes)
      SELECT p.id, s.review_date, coalesce(s.kind, 'review'), s.progress, coalesce(s.pupil_views_recorded, false),
        coalesce(s.parents_involved, false), s.notes
      FROM ingest_stage s JOIN placement p ON p.placement_ref = s.placement_ref
      ON CONFLICT ON CONSTRAINT review_natural_key DO UPDATE
        SET kind = EXCLUDED.kind, progress = EXCLUDED.progress, pupil_views_recorded = EXCLUDED.pupil_views_recorded,
          parents_involved = EXCLUDED.parents_involved, notes = EXCLUDED.notes
        WHERE (review.kind, review.progress, review.pupil_views_recorded, review.parents_involved, review.notes)
          IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.progress, EXCLUDED.pupil_views_recorded, EXCLUDED.parents_involved,
            EXCLUDED.notes)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
