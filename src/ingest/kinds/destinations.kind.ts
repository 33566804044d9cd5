import { boolean, date, oneOf, text, upn } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference, storedColumns } from '../kind-definition';

/** `sustained` not given stays unknown (null), unlike other booleans. */
export const DESTINATIONS: KindDefinition = {
  kind: 'destinations',
  table: 'destination',
  columns: [
    column('upn', 'text', upn, true),
    column('recorded_on', 'date', date, true),
    column(
      'activity',
      'text',
      oneOf([
        'education',
        'apprenticeship',
        'employment_with_training',
        'employment_without_training',
        'training',
        'neet',
        'not_known',
      ]),
      true,
    ),
    column('provider_name', 'text', text),
    column('sustained', 'boolean', boolean),
  ],
  naturalKey: ['upn', 'recorded_on'],
  stored: {
    from: 'destination t JOIN pupil pu ON pu.id = t.pupil_id',
    match: 'pu.upn = s.upn AND t.recorded_on = s.recorded_on',
    columns: storedColumns(['activity', 'provider_name', 'sustained']),
  },
  checks: [missingReference('upn', 'pupil', 'SELECT 1 FROM pupil pu WHERE pu.upn = s.upn')],
  merge: [
    `WITH upserted AS (
      INSERT INTO destination (pupil_id, recorded_on, activity, provider_name, sustained)
      SELECT pu.id, s.recorded_on, s.activity, s.provider_name, s.sustained
      FROM ingest_stage s JOIN pupil pu ON pu.upn = s.upn
      ON CONFLICT ON CONSTRAINT destination_natural_key DO UPDATE
        SET activity = EXCLUDED.activity, provider_name = EXCLUDED.provider_name, sustained = EXCLUDED.sustained
        WHERE (destination.activity, destination.provider_name, destination.sustained)
          IS DISTINCT FROM (EXCLUDED.activity, EXCLUDED.provider_name, EXCLUDED.sustained)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
