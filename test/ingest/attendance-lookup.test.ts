import { Database } from '../../src/db/database';
import { addDays, isWeekday } from '../../src/domain/dates';
import { makeUpn } from '../../src/domain/upn';
import { createTestDatabase } from '../support/database';
import { importCsv, loadBase, tableCounts } from './ingest-fixtures';

/**
 * Attendance is checked against placements, codes and calendars in JS as the file streams: the first
 * batch looks up its own placements, a longer file loads them all once, pausing the COPY to do so. A
 * file of several thousand rows goes through every branch; the answers must be those of a short file.
 */
describe('attendance checked against reference data while it streams', () => {
  let db: Database;
  const placements = 40;
  const ref = (i: number) => `PLX-${String(i).padStart(2, '0')}`;

  /** Every school day of PL's spring term in authority 802 (fixture calendar: half term 16-20 Feb). */
  function schoolDays(): string[] {
    const days: string[] = [];
    for (let d = '2026-01-05'; d <= '2026-03-27'; d = addDays(d, 1))
      if (isWeekday(d) && !(d >= '2026-02-16' && d <= '2026-02-20')) days.push(d);
    return days;
  }

  /** Rows placement by placement, so the later placements first appear in later batches. */
  function register(): string[] {
    const rows: string[] = [];
    for (let i = 0; i < placements; i++)
      for (const day of schoolDays())
        for (const session of ['AM', 'PM']) rows.push(`${ref(i)},${day},${session},/,${day}T09:00:00Z`);
    return rows;
  }
  const header = 'placement_ref,date,session,code,recorded_at\n';
  /** The last placement ends on 20 March: its rows of the last week are outside it. */
  const outside = (row: string) =>
    row.startsWith(`${ref(placements - 1)},`) && row.split(',')[1] > '2026-03-20';

  beforeAll(async () => {
    db = await createTestDatabase();
    await loadBase(db);
    const pupils = Array.from(
      { length: placements },
      (_, i) => `${makeUpn(`8022000${String(27000 + i)}`)},P${i},Lookup,2011-05-01,802,100001`,
    );
    const placementRows = Array.from(
      { length: placements },
      (_, i) =>
        `${ref(i)},${makeUpn(`8022000${String(27000 + i)}`)},ALP-1,part_time,2026-01-05,${i === placements - 1 ? '2026-03-20' : ''},10`,
    );
    for (const [kind, text] of [
      ['pupils', `upn,first_name,last_name,date_of_birth,la_code,school_urn\n${pupils.join('\n')}\n`],
      [
        'placements',
        `placement_ref,upn,provider_ref,type,start_date,end_date,hours_per_week\n${placementRows.join('\n')}\n`,
      ],
    ] as const) {
      const result = await importCsv(db, kind, text);
      expect(result.errors).toEqual([]);
    }
  });
  afterAll(async () => {
    await db.close();
  });

  it('rejects bad rows in a late batch with the reasons a short file gets, and stores nothing', async () => {
    const rows = register();
    const lastWeek = rows.map((r, i) => [r, i] as const).filter(([r]) => outside(r));
    expect(lastWeek).toHaveLength(10);
    expect(rows.length).toBeGreaterThan(4_000);
    const extra = [
      'PL-404,2026-01-06,AM,/,2026-01-06T09:00:00Z',
      `${ref(3)},2026-02-17,AM,/,2026-02-17T09:00:00Z`,
      `${ref(5)},2026-01-06,AM,QQ,2026-01-06T09:00:00Z`,
      `PL-1,2026-01-10,AM,/,2026-01-10T09:00:00Z`,
    ];
    const before = await tableCounts(db);
    const result = await importCsv(db, 'attendance', `${header}${[...rows, ...extra].join('\n')}\n`);
    const line = (i: number) => rows.length + 2 + i;
    expect(result.inserted + result.updated + result.unchanged).toBe(0);
    expect(result.errors).toEqual([
      ...lastWeek.map(([r, i]) => ({
        line: i + 2,
        column: 'date',
        value: r.split(',')[1],
        reason: `${r.split(',')[1]} is outside placement ${ref(placements - 1)} (2026-01-05 to 2026-03-20)`,
      })),
      { line: line(0), column: 'placement_ref', value: 'PL-404', reason: 'placement PL-404 does not exist' },
      {
        line: line(1),
        column: 'date',
        value: '2026-02-17',
        reason: '2026-02-17 is not a school day in authority 802 (a closure)',
      },
      {
        line: line(2),
        column: 'code',
        value: 'QQ',
        reason: 'unknown attendance code QQ (see attendance-codes.csv)',
      },
      {
        line: line(3),
        column: 'date',
        value: '2026-01-10',
        reason: '2026-01-10 is not a school day in authority 802 (a weekend)',
      },
    ]);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('stores a long file whose rows are all good, and stores nothing more when it comes again', async () => {
    const rows = register().filter((r) => !outside(r));
    const first = await importCsv(db, 'attendance', `${header}${rows.join('\n')}\n`);
    expect(first).toMatchObject({ rows: rows.length, inserted: rows.length, updated: 0, errors: [] });
    const again = await importCsv(db, 'attendance', `${header}${rows.join('\n')}\n`);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: rows.length, errors: [] });
    const [{ n }] = await db.dataSource.query(
      `SELECT count(DISTINCT a.placement_id)::int AS n FROM attendance a JOIN placement p ON p.id = a.placement_id
       WHERE p.placement_ref LIKE 'PLX-%'`,
    );
    expect(n).toBe(placements);
  });

  it('finds a repeated session whether or not the rows come grouped by placement', async () => {
    const repeated = (line: number, first: number) => ({
      line,
      column: 'placement_ref',
      value: 'PL-1 2026-01-06 AM',
      reason: `the same placement_ref, date, session is on line ${first}`,
    });
    const cases: [string, ReturnType<typeof repeated>[]][] = [
      // grouped: found as the rows stream
      [
        'PL-1,2026-01-06,AM,/\nPL-1,2026-01-06,PM,/\nPL-1,2026-01-06,AM,N\nPL-2,2026-01-06,AM,/',
        [repeated(4, 2)],
      ],
      // not grouped: PL-1 comes back after PL-2, so the SQL check finds it
      [
        'PL-1,2026-01-06,AM,/\nPL-2,2026-01-06,AM,/\nPL-1,2026-01-06,AM,N\nPL-2,2026-01-06,PM,/',
        [repeated(4, 2)],
      ],
      // found while grouped, then the grouping ends: reported once
      [
        'PL-1,2026-01-06,AM,/\nPL-1,2026-01-06,AM,N\nPL-2,2026-01-06,AM,/\nPL-1,2026-01-06,PM,/',
        [repeated(3, 2)],
      ],
    ];
    for (const [rows, errors] of cases) {
      const result = await importCsv(db, 'attendance', `placement_ref,date,session,code\n${rows}\n`);
      expect(result.errors).toEqual(errors);
      expect(result.inserted).toBe(0);
    }
  });

  describe('a long file', () => {
    const good = () => register().filter((r) => !outside(r));
    /** A new code for every session, recorded an hour later: each row a correction of the stored one. */
    const corrected = (r: string) => r.replace(',/,', ',L,').replace(/T09:00:00Z$/, 'T10:00:00Z');
    const load = (rows: string[]) => importCsv(db, 'attendance', `${header}${rows.join('\n')}\n`);

    it('a key repeated thousands of lines later, once the rows are no longer grouped by placement', async () => {
      const rows = good();
      // PLX-01's first session again at the end: PLX-01 comes back after the others
      rows.push(rows.find((r) => r.startsWith(`${ref(1)},`)) as string);
      const result = await load(rows);
      const first = rows.findIndex((r) => r.startsWith(`${ref(1)},`)) + 2;
      expect(result.errors).toEqual([
        {
          line: rows.length + 1,
          column: 'placement_ref',
          value: `${ref(1)} 2026-01-05 AM`,
          reason: `the same placement_ref, date, session is on line ${first}`,
        },
      ]);
      expect(result.inserted + result.updated).toBe(0);
    });

    it('a key given three times in a file not grouped by placement: the two later lines', async () => {
      const rows = good();
      const last = rows.length - 1;
      // PLX-00 comes back at the end, twice for a session it already had
      rows.push(
        `${ref(0)},2026-03-27,AM,/,2026-03-27T09:00:00Z`,
        `${ref(0)},2026-03-27,AM,/,2026-03-27T09:00:00Z`,
      );
      const result = await load(rows);
      const first = rows.indexOf(`${ref(0)},2026-03-27,AM,/,2026-03-27T09:00:00Z`) + 2;
      expect(first).toBeLessThan(last);
      expect(result.errors.map((e) => [e.line, e.reason])).toEqual([
        [last + 3, `the same placement_ref, date, session is on line ${first}`],
        [last + 4, `the same placement_ref, date, session is on line ${first}`],
      ]);
    });

    it('stores a good file, then takes every session of it corrected', async () => {
      const rows = good();
      const stored = await load(rows);
      expect(stored).toMatchObject({ errors: [] });
      expect(stored.inserted + stored.unchanged).toBe(rows.length);
      const again = await load(rows.map(corrected));
      expect(again).toMatchObject({ inserted: 0, updated: rows.length, unchanged: 0, errors: [] });
      const [{ current, closed }] = await db.dataSource.query(
        `SELECT count(*) FILTER (WHERE a.superseded_at IS NULL)::int AS current,
           count(*) FILTER (WHERE a.superseded_at IS NOT NULL)::int AS closed
         FROM attendance a JOIN placement p ON p.id = a.placement_id WHERE p.placement_ref LIKE 'PLX-%'`,
      );
      expect({ current, closed }).toEqual({ current: rows.length, closed: rows.length });
    });
  });

  it('checks a short register against the same rules', async () => {
    const result = await importCsv(
      db,
      'attendance',
      `${header}PL-1,2026-01-06,AM,/,2026-01-06T09:00:00Z\nPL-404,2026-01-06,AM,/,\nPL-1,2026-03-23,AM,/,\n`,
    );
    expect(result.errors.map((e) => [e.line, e.reason])).toEqual([
      [3, 'placement PL-404 does not exist'],
      [4, '2026-03-23 is outside placement PL-1 (2026-01-05 to 2026-03-20)'],
    ]);
  });
});
