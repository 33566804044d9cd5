import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Database } from '../src/db/database';
import { createTestDatabase } from './support/database';

const VERSIONED = [
  'authority',
  'calendar_entry',
  'destination',
  'placement',
  'provider',
  'provider_evidence',
  'provider_visit',
  'pupil',
  'review',
  'school',
  'target',
];
const TABLES = [
  'api_token',
  'app_user',
  'app_user_authority',
  'attendance',
  'attendance_code',
  'attendance_span',
  'attendance_week',
  'audit_event',
  'authority_secret',
  'import_run',
  'indicator_point',
  'indicator_point_forget',
  'indicator_scope',
  'setting_change',
  'user_session',
  ...VERSIONED.flatMap((t) => [t, `${t}_version`]),
].sort();

async function userTables(db: Database): Promise<string[]> {
  const rows: { table_name: string }[] = await db.dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name <> 'migration' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.close());

  it('go up, down to nothing, and up again', async () => {
    await db.dataSource.runMigrations();
    expect(await userTables(db)).toEqual(TABLES);
    while ((await db.dataSource.query('SELECT count(*)::int AS n FROM migration'))[0].n > 0) {
      await db.dataSource.undoLastMigration();
    }
    expect(await userTables(db)).toEqual([]);
    await db.dataSource.runMigrations();
    expect(await userTables(db)).toEqual(TABLES);
  });

  it('run on connections whose temp buffers hold a staged file (server) or keep the defaults (embedded)', async () => {
    const [{ temp_buffers }] = await db.dataSource.query('SHOW temp_buffers');
    expect(temp_buffers).toBe(db.embedded ? '8MB' : '256MB');
  });

  it('load the attendance codes of the spec', async () => {
    const spec = parse(readFileSync(path.join(__dirname, '../spec/attendance-codes.csv')), {
      columns: true,
    }) as Record<string, string>[];
    const rows = await db.dataSource.query(
      'SELECT code, category, possible_session, attended FROM attendance_code ORDER BY code',
    );
    const expected = spec
      .map((r) => ({
        code: r.code,
        category: r.category,
        possible_session: r.possible_session === 'true',
        attended: r.attended === 'true',
      }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    expect(rows).toEqual(expected);
  });

  it('allow on attendance exactly the codes of the reference table', async () => {
    const [{ check }] = await db.dataSource.query(
      `SELECT pg_get_constraintdef(oid) AS check FROM pg_constraint WHERE conname = 'attendance_code_check'`,
    );
    const allowed = [...(check as string).matchAll(/'((?:[^']|'')*)'::text/g)].map((m) =>
      m[1].replace(/''/g, "'"),
    );
    const codes: { code: string }[] = await db.dataSource.query('SELECT code FROM attendance_code');
    expect([...allowed].sort()).toEqual(codes.map((c) => c.code).sort());
  });

  it('enforce what the database can: hours, dates, sessions, codes', async () => {
    const q = (sql: string) => db.dataSource.query(sql);
    await q(`INSERT INTO authority (la_code, name) VALUES ('802', 'North Somerset')`);
    await expect(q(`INSERT INTO authority (la_code, name) VALUES ('80', 'Bad')`)).rejects.toThrow(
      /authority_la_code_check/,
    );
    await q(
      `INSERT INTO provider (provider_ref, name, on_framework, registered) VALUES ('P1', 'P', true, false)`,
    );
    await q(`INSERT INTO pupil (upn, first_name, last_name, date_of_birth, authority_id)
             VALUES ('B801200005001', 'A', 'B', '2012-01-01', 1)`);
    const placement = (extra: string) =>
      q(`INSERT INTO placement (placement_ref, pupil_id, provider_id, type, start_date, hours_per_week ${extra.split('|')[0]})
         VALUES ('R' || random(), 1, 1, 'part_time', '2026-01-05', ${extra.split('|')[1] ?? '10'})`);
    await expect(placement('|41')).rejects.toThrow(/placement_hours_per_week_check/);
    await expect(placement(`, end_date|10, '2026-01-04'`)).rejects.toThrow(/placement_end_date_check/);
    await expect(placement(`, sessions|10, ARRAY['SAT-AM']`)).rejects.toThrow(/placement_sessions_check/);
    await q(`INSERT INTO placement (placement_ref, pupil_id, provider_id, type, start_date, hours_per_week)
             VALUES ('PL1', 1, 1, 'part_time', '2026-01-05', 12.5)`);
    const att = (session: string, code: string) =>
      q(`INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, first_recorded_on)
         VALUES ((SELECT id FROM placement WHERE placement_ref = 'PL1'), '2026-01-05', '${session}', '${code}', now(), '2026-01-05', '2026-01-05')`);
    await expect(att('XX', '/')).rejects.toThrow(/attendance_session_check/);
    await expect(att('AM', 'ZZ')).rejects.toThrow(/attendance_code_check/);
    await att('AM', '/');
    await expect(att('AM', 'N')).rejects.toThrow(/attendance_version_key/);
    const [p] = await q(`SELECT start_date, hours_per_week FROM placement WHERE placement_ref = 'PL1'`);
    expect(p).toEqual({ start_date: '2026-01-05', hours_per_week: 12.5 });
  });

  it('keep attendance tied to existing placements, checked once per statement', async () => {
    const q = (sql: string) => db.dataSource.query(sql);
    await q(`INSERT INTO placement (placement_ref, pupil_id, provider_id, type, start_date, hours_per_week)
             VALUES ('PL2', 1, 1, 'part_time', '2026-01-05', 10)`);
    const mark = (placement: string, date: string) =>
      `(${placement}, '${date}', 'AM', '/', now(), '${date}', '${date}')`;
    const pl2 = `(SELECT id FROM placement WHERE placement_ref = 'PL2')`;
    const insert = (...rows: string[]) =>
      q(`INSERT INTO attendance (placement_id, session_date, session, code, recorded_at, recorded_on, first_recorded_on)
         VALUES ${rows.join(', ')}`);
    // one unknown placement among good rows: the whole statement fails, under the foreign key's name
    await expect(insert(mark(pl2, '2026-01-06'), mark('999999', '2026-01-07'))).rejects.toThrow(
      /attendance_placement_id_fkey/,
    );
    expect(await q(`SELECT count(*)::int AS n FROM attendance WHERE session_date = '2026-01-06'`)).toEqual([
      { n: 0 },
    ]);
    await expect(q(`UPDATE attendance SET placement_id = 999999`)).rejects.toThrow(
      /attendance_placement_id_fkey/,
    );
    await insert(mark(pl2, '2026-01-06'), mark(pl2, '2026-01-07'));
    // deleting a placement closes its marks and keeps them as history (migration DeleteAndErase):
    // no current mark is left without a placement
    await q(`DELETE FROM placement WHERE placement_ref = 'PL2'`);
    expect(
      await q(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE superseded_at IS NULL)::int AS current
         FROM attendance WHERE placement_id NOT IN (SELECT id FROM placement)`,
      ),
    ).toEqual([{ n: 2, current: 0 }]);
    expect(await q(`SELECT count(*)::int AS n FROM attendance WHERE superseded_at IS NULL`)).toEqual([
      { n: 1 },
    ]);
  });
});
