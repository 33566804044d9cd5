import { Database } from '../../src/db/database';
import { revertImport } from '../../src/history/revert.service';
import { attendanceHistory, submitAttendance } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { admin, importCsv, loadBase } from './ingest-fixtures';

const header = 'placement_ref,date,session,code,recorded_at,recorded_by\n';

describe('attendance versions, corrections and history', () => {
  let db: Database;
  beforeEach(async () => {
    db = await createTestDatabase();
    await loadBase(db);
  });
  afterEach(async () => {
    await db.close();
  });

  it('an undone correction made again at the same time is a row error saying so, not a database error', async () => {
    await importCsv(db, 'attendance', `${header}PL-1,2026-01-06,AM,N,2026-01-06T09:10:00Z,provider\n`);
    const correction = `${header}PL-1,2026-01-06,AM,I,2026-01-08T10:00:00Z,office\n`;
    const fix = await importCsv(db, 'attendance', correction);
    await revertImport(db, admin, fix.runId);
    const again = await importCsv(db, 'attendance', correction);
    expect(again.errors).toEqual([
      {
        line: 2,
        column: 'recorded_at',
        value: expect.stringMatching(/^2026-01-08/),
        reason: expect.stringMatching(
          /^a correction of this session recorded at .* was undone; to make it again/,
        ),
      },
    ]);
    const later = await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-06,AM,I,2026-01-09T10:00:00Z,office\n`,
    );
    expect(later).toMatchObject({ errors: [], updated: 1 });
  });

  it('a changed code is a correction: the old version stays and "as of" reads see what was known then', async () => {
    const first = await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-06,AM,N,2026-01-06T09:10:00Z,provider\n`,
    );
    expect(first).toMatchObject({ inserted: 1, updated: 0, unchanged: 0 });
    const fix = await importCsv(db, 'attendance', `${header}PL-1,2026-01-06,am,i,2026-01-08 10:00,office\n`);
    expect(fix).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });

    const history = await attendanceHistory(db, admin, 'PL-1');
    expect(history).toEqual([
      {
        placementRef: 'PL-1',
        sessionDate: '2026-01-06',
        session: 'AM',
        code: 'N',
        recordedAt: new Date('2026-01-06T09:10:00Z'),
        recordedBy: 'provider',
        supersededAt: new Date('2026-01-08T10:00:00Z'),
      },
      {
        placementRef: 'PL-1',
        sessionDate: '2026-01-06',
        session: 'AM',
        code: 'I',
        recordedAt: new Date('2026-01-08T10:00:00Z'),
        recordedBy: 'office',
        supersededAt: null,
      },
    ]);
    expect((await attendanceHistory(db, admin, 'PL-1', { asOf: '2026-01-07' })).map((v) => v.code)).toEqual([
      'N',
    ]);
    expect((await attendanceHistory(db, admin, 'PL-1', { asOf: '2026-01-08' })).map((v) => v.code)).toEqual([
      'I',
    ]);
    expect(await attendanceHistory(db, admin, 'PL-1', { asOf: '2026-01-05' })).toEqual([]);
    await expect(
      attendanceHistory(db, admin, 'PL-1', { from: '2026-05-01', to: '2026-01-01' }),
    ).rejects.toThrow(/from 2026-05-01 is after to 2026-01-01/);
    const [stored] = await db.dataSource.query(
      `SELECT first_recorded_on, recorded_on FROM attendance WHERE superseded_at IS NULL`,
    );
    expect(stored).toEqual({ first_recorded_on: '2026-01-06', recorded_on: '2026-01-08' });
  });

  it("keeps each placement's span of session dates equal to its marks, corrections and rejected files included", async () => {
    const spans = () =>
      db.dataSource.query(`SELECT s.placement_id, s.first_date, s.last_date,
          (SELECT min(a.session_date) FROM attendance a WHERE a.placement_id = s.placement_id) AS min_date,
          (SELECT max(a.session_date) FROM attendance a WHERE a.placement_id = s.placement_id) AS max_date
        FROM attendance_span s ORDER BY s.placement_id`);
    const consistent = async () => {
      const rows = await spans();
      const [{ n }] = await db.dataSource.query(
        'SELECT count(DISTINCT placement_id)::int AS n FROM attendance',
      );
      expect(rows).toHaveLength(n);
      for (const r of rows) expect([r.first_date, r.last_date]).toEqual([r.min_date, r.max_date]);
      return rows.map((r: { first_date: string; last_date: string }) => [r.first_date, r.last_date]);
    };
    await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-07,AM,/,2026-01-07T09:10:00Z,provider
`,
    );
    expect(await consistent()).toEqual([['2026-01-07', '2026-01-07']]);
    await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-06,PM,N,2026-01-06T14:00:00Z,provider
PL-1,2026-01-09,AM,N,2026-01-09T09:00:00Z,provider
PL-2,2026-01-08,AM,/,2026-01-08T09:00:00Z,provider
`,
    );
    expect(await consistent()).toEqual([
      ['2026-01-06', '2026-01-09'],
      ['2026-01-08', '2026-01-08'],
    ]);
    // a correction adds a version inside the span; a file with a bad row stores nothing
    await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-09,AM,I,2026-01-12T09:00:00Z,school
`,
    );
    const bad = await importCsv(
      db,
      'attendance',
      `${header}PL-2,2026-01-12,AM,/,2026-01-12T09:00:00Z,provider
PL-2,2026-01-13,AM,ZZ,2026-01-13T09:00:00Z,provider
`,
    );
    expect(bad.errors.length).toBeGreaterThan(0);
    expect(await consistent()).toEqual([
      ['2026-01-06', '2026-01-09'],
      ['2026-01-08', '2026-01-08'],
    ]);
  });

  it('a timestamp without offset is London time (BST in summer)', async () => {
    await importCsv(db, 'attendance', `${header}PL-2,2026-03-30,PM,/,2026-03-30T13:30:00,\n`);
    const [row] = await db.dataSource.query('SELECT recorded_at, recorded_by FROM attendance');
    expect(row).toEqual({ recorded_at: new Date('2026-03-30T12:30:00Z'), recorded_by: 'ingest-test' });
  });

  it('the same code again is unchanged; re-importing an older file is unchanged; an older different code is out of order', async () => {
    await importCsv(db, 'attendance', `${header}PL-1,2026-01-06,AM,N,2026-01-06T09:10:00Z,\n`);
    await importCsv(db, 'attendance', `${header}PL-1,2026-01-06,AM,I,2026-01-07T09:10:00Z,\n`);
    const sameCode = await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-06,AM,I,2026-01-09T09:10:00Z,\n`,
    );
    expect(sameCode).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const olderFile = await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-06,AM,N,2026-01-06T09:10:00Z,\n`,
    );
    expect(olderFile).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, errors: [] });
    const outOfOrder = await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-06,AM,O,2026-01-06T12:00:00Z,\n`,
    );
    expect(outOfOrder.errors).toEqual([
      {
        line: 2,
        column: 'recorded_at',
        value: expect.any(String),
        reason: expect.stringMatching(
          /^out of order: the stored mark I was recorded at .*; a correction must be recorded after it$/,
        ),
      },
    ]);
    expect(await attendanceHistory(db, admin, 'PL-1')).toHaveLength(2);
  });

  it('a register submitted by a provider goes through the same checks and records who and when', async () => {
    const provider = { ...admin, role: 'provider' as const, name: 'alp-1-office', providerRef: 'ALP-1' };
    const now = new Date('2026-01-06T09:30:00Z');
    const result = await submitAttendance(
      db,
      provider,
      {
        date: '2026-01-06',
        session: 'AM',
        marks: [
          { placementRef: 'PL-1', code: '/' },
          { placementRef: 'PL-2', code: 'l' },
        ],
      },
      { now },
    );
    expect(result).toMatchObject({ rows: 2, inserted: 2, errors: [] });
    const [pl1] = await attendanceHistory(db, admin, 'PL-1');
    expect(pl1).toMatchObject({ code: '/', recordedBy: 'alp-1-office', recordedAt: now });

    const later = new Date('2026-01-06T14:00:00Z');
    const corrected = await submitAttendance(
      db,
      provider,
      {
        date: '2026-01-06',
        marks: [
          { placementRef: 'PL-1', session: 'AM', code: 'N' },
          { placementRef: 'PL-1', session: 'PM', code: '\\' },
        ],
      },
      { now: later },
    );
    expect(corrected).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });

    const rejected = await submitAttendance(
      db,
      provider,
      {
        date: '2026-01-10',
        session: 'AM',
        marks: [
          { placementRef: 'PL-1', code: '/' },
          { placementRef: 'PL-404', code: '?' },
        ],
      },
      { now: later },
    );
    expect(rejected.errors.map((e) => [e.line, e.column])).toEqual([
      [1, 'date'],
      [2, 'placement_ref'],
      [2, 'code'],
    ]);
    expect(await attendanceHistory(db, admin, 'PL-1')).toHaveLength(3);
  });

  it('two concurrent imports of the same attendance leave exactly one current record per session', async () => {
    const days = ['2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-12'];
    const rows = days.flatMap((d) =>
      ['AM', 'PM'].flatMap((s) => [`PL-1,${d},${s},/,,`, `PL-2,${d},${s},/,,`]),
    );
    const text = `${header}${rows.join('\n')}\n`;
    const results = await Promise.all(
      [18, 19, 20].map((hour) =>
        importCsv(db, 'attendance', text, { now: new Date(`2026-01-12T${hour}:00:00Z`) }),
      ),
    );
    for (const r of results) expect(r.errors).toEqual([]);
    expect(results.map((r) => r.inserted).sort()).toEqual([0, 0, rows.length]);
    expect(results.map((r) => r.unchanged).sort()).toEqual([0, rows.length, rows.length]);
    const [counts] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE superseded_at IS NULL)::int AS current,
         count(DISTINCT (placement_id, session_date, session))::int AS sessions FROM attendance`,
    );
    expect(counts).toEqual({ current: rows.length, sessions: rows.length });
  });
});
