import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { importFile } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { exampleCsv, importAsHistory } from '../support/example';

const admin = localAdministrator();

/** The row count each table's statistics describe: -1 when it was never analysed. */
async function described(db: Database, tables: string[]): Promise<Record<string, number>> {
  const rows: { name: string; reltuples: number }[] = await db.dataSource.query(
    `SELECT relname AS name, reltuples::float8 AS reltuples FROM pg_class
     WHERE relname = ANY ($1::text[]) AND relnamespace = 'public'::regnamespace`,
    [tables],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.reltuples]));
}

/**
 * Indicators are planned on the statistics of the tables an import changed: autovacuum may be off or
 * late, and a version table the planner believes empty makes it nest loops over thousands of rows
 * (docs/performance.md). Each import analyses what it changed when the change is large beside what the
 * statistics describe, or they describe nothing yet.
 */
describe('statistics after an import', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase({ history: 'as received' });
  });
  afterAll(() => db.close());

  it('are gathered for each table an import changed, its versions and the attendance spans and weeks', async () => {
    const tables = [
      'pupil',
      'pupil_version',
      'placement',
      'placement_version',
      'attendance',
      'attendance_span',
      'attendance_week',
    ];
    // the tables are empty: statistics that match the counts afterwards were gathered by the import
    await importAsHistory(db, admin);
    const after = await described(db, tables);
    const [{ pupils, placements, marks, spans, weeks }] = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM pupil)::int AS pupils, (SELECT count(*) FROM placement)::int AS placements,
              (SELECT count(*) FROM attendance)::int AS marks, (SELECT count(*) FROM attendance_span)::int AS spans,
              (SELECT count(*) FROM attendance_week)::int AS weeks`,
    );
    expect(marks).toBeGreaterThan(1000);
    expect(after).toEqual({
      pupil: pupils,
      pupil_version: pupils,
      placement: placements,
      placement_version: placements,
      attendance: marks,
      attendance_span: spans,
      attendance_week: weeks,
    });
  });

  it('and the attendance weeks an attendance import rewrote are vacuumed', async () => {
    const vacuums = async () =>
      Number(
        (
          await db.dataSource.query(
            `SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'attendance_week'`,
          )
        )[0].vacuum_count,
      );
    const before = await vacuums();
    const [mark] = exampleCsv('attendance.csv');
    const csv = [
      'placement_ref,date,session,code',
      `${mark.placement_ref},${mark.date},${mark.session},${mark.code === 'O' ? 'I' : 'O'}`,
    ].join('\n');
    const result = await importFile(db, admin, 'attendance', { content: Buffer.from(csv) });
    expect(result.errors).toEqual([]);
    expect(result.updated).toBe(1);
    // the statistics of another backend arrive within a second or so
    let after = await vacuums();
    for (let i = 0; i < 50 && after === before; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      after = await vacuums();
    }
    expect(after).toBe(before + 1);
  });

  it('are left alone when an import changes little beside what they describe', async () => {
    const before = await described(db, ['pupil', 'pupil_version']);
    // one pupil's name corrected: one row changed, under 50, so the statistics stay as they were
    const [first] = exampleCsv('pupils.csv');
    const row = { ...first, first_name: `${first.first_name}a` };
    const csv = [Object.keys(row).join(','), Object.values(row).join(',')].join('\n');
    const result = await importFile(db, admin, 'pupils', { content: Buffer.from(csv) });
    expect(result.errors).toEqual([]);
    expect(result.updated).toBe(1);
    expect(await described(db, ['pupil', 'pupil_version'])).toEqual(before);
  });
});
