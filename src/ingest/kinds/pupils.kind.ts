import { boolean, date, laCode, oneOf, text, upn, urn } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference, storedColumns } from '../kind-definition';

/** An empty school_urn means the pupil is on no school roll. */
export const PUPILS: KindDefinition = {
  kind: 'pupils',
  table: 'pupil',
  columns: [
    column('upn', 'text', upn, true),
    column('first_name', 'text', text, true),
    column('last_name', 'text', text, true),
    column('date_of_birth', 'date', date, true),
    column('la_code', 'text', laCode, true),
    column('school_urn', 'text', urn),
    column('home_educated', 'boolean', boolean),
    column('gender', 'text', oneOf(['F', 'M', 'X'])),
    column('sen_status', 'text', oneOf(['none', 'sen_support', 'ehcp'])),
    column('looked_after', 'boolean', boolean),
    column('fsm', 'boolean', boolean),
  ],
  naturalKey: ['upn'],
  stored: {
    from: 'pupil t JOIN authority a ON a.id = t.authority_id LEFT JOIN school sc ON sc.id = t.school_id',
    match: 't.upn = s.upn',
    columns: {
      ...storedColumns([
        'first_name',
        'last_name',
        'date_of_birth',
        'home_educated',
        'gender',
        'sen_status',
        'looked_after',
        'fsm',
      ]),
      la_code: 'a.la_code',
      school_urn: 'sc.urn',
    },
  },
  checks: [
    missingReference('la_code', 'authority', 'SELECT 1 FROM authority a WHERE a.la_code = s.la_code'),
    missingReference('school_urn', 'school', 'SELECT 1 FROM school sc WHERE sc.urn = s.school_urn'),
    `SELECT s.line, 'date_of_birth' AS column, s.date_of_birth::text AS value,
       'the date of birth ' || s.date_of_birth || ' is in the future' AS reason
     FROM ingest_stage s WHERE s.date_of_birth > (now() AT TIME ZONE 'Europe/London')::date`,
  ],
  merge: [
    `WITH upserted AS (
      INSERT INTO pupil (upn, first_name, last_name, date_of_birth, authority_id, school_id, home_educated, gender,
        sen_status, looked_after, fsm)
      SELECT s.upn, s.first_name, s.last_name, s.date_of_birth, a.id, sc.id, coalesce(s.home_educated, false),
        s.gender, coalesce(s.sen_status, 'none'), coalesce(s.looked_after, false), coalesce(s.fsm, false)
      FROM ingest_stage s
      JOIN authority a ON a.la_code = s.la_code
      LEFT JOIN school sc ON sc.urn = s.school_urn
      ON CONFLICT ON CONSTRAINT pupil_upn_key DO UPDATE
        SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, date_of_birth = EXCLUDED.date_of_birth,
          authority_id = EXCLUDED.authority_id, school_id = EXCLUDED.school_id, home_educated = EXCLUDED.home_educated,
          gender = EXCLUDED.gender, sen_status = EXCLUDED.sen_status, looked_after = EXCLUDED.looked_after,
          fsm = EXCLUDED.fsm
        WHERE (pupil.first_name, pupil.last_name, pupil.date_of_birth, pupil.authority_id, pupil.school_id,
            pupil.home_educated, pupil.gender, pupil.sen_status, pupil.looked_after, pupil.fsm)
          IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.date_of_birth, EXCLUDED.authority_id,
            EXCLUDED.school_id, EXCLUDED.home_educated, EXCLUDED.gender, EXCLUDED.sen_status, EXCLUDED.looked_after,
            EXCLUDED.fsm)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
