import { date, laCode, oneOf, text } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, missingReference, notBefore } from '../kind-definition';

export const CALENDAR: KindDefinition = {
  kind: 'calendar',
  table: 'calendar_entry',
  columns: [
    column('la_code', 'text', laCode, true),
    column('start_date', 'date', date, true),
    column('end_date', 'date', date, true),
    column('kind', 'text', oneOf(['term', 'closure']), true),
    column('label', 'text', text),
  ],
  naturalKey: ['la_code', 'start_date', 'kind'],
  stored: {
    from: 'calendar_entry t JOIN authority a ON a.id = t.authority_id',
    match: 'a.la_code = s.la_code AND t.start_date = s.start_date AND t.kind = s.kind',
    columns: { end_date: 't.end_date', label: 't.label' },
  },
  rowChecks: [notBefore('end_date', 'start_date')],
  checks: [missingReference('la_code', 'authority', 'SELECT 1 FROM authority a WHERE a.la_code = s.la_code')],
  merge: [
    `WITH upserted AS (
      INSERT INTO calendar_entry (authority_id, start_date, end_date, kind, label)
      SELECT a.id, s.start_date, s.end_date, s.kind, s.label
      FROM ingest_stage s JOIN authority a ON a.la_code = s.la_code
      ON CONFLICT ON CONSTRAINT calendar_entry_natural_key DO UPDATE
        SET end_date = EXCLUDED.end_date, label = EXCLUDED.label
        WHERE (calendar_entry.end_date, calendar_entry.label) IS DISTINCT FROM (EXCLUDED.end_date, EXCLUDED.label)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
