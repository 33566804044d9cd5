import ExcelJS from 'exceljs';
import { Database } from '../../src/db/database';
import { importFile } from '../../src/ingest';
import { CellParser, CellProblem, date, timestamp } from '../../src/ingest/cell-parsers';
import { createTestDatabase } from '../support/database';
import { admin, importCsv, loadBase, tableCounts, UPN_802 } from './ingest-fixtures';

function problem(parse: CellParser, raw: string): string {
  try {
    return `accepted ${parse(raw)}`;
  } catch (err) {
    if (err instanceof CellProblem) return err.message;
    throw err;
  }
}

describe('UK dates and timestamps (spec "Common rules")', () => {
  it('DD/MM/YYYY is day, month, year; D/M/YYYY too', () => {
    expect(date('02/03/2026')).toBe('2026-03-02');
    expect(date('2/3/2026')).toBe('2026-03-02');
    expect(date('29/02/2024')).toBe('2024-02-29');
    expect(date('31/12/2026')).toBe('2026-12-31');
  });

  it('an impossible or ambiguous UK date is refused, saying why', () => {
    expect(problem(date, '31/02/2026')).toBe('31/02/2026 is not a date that exists');
    expect(problem(date, '29/02/2025')).toBe('29/02/2025 is not a date that exists');
    expect(problem(date, '00/03/2026')).toBe('00/03/2026 is not a date that exists');
    expect(problem(date, '03/13/2026')).toBe(
      '03/13/2026 is not a date that exists: dates are day/month/year and 13 is not a month (is it month/day/year?)',
    );
    expect(problem(date, '31/13/2026')).toBe(
      '31/13/2026 is not a date that exists: dates are day/month/year and 13 is not a month',
    );
    expect(problem(date, '02/03/26')).toBe(
      '02/03/26 is ambiguous: write the year in full (02/03/1926 or 02/03/2026?)',
    );
    expect(problem(date, '02/03/202')).toBe('02/03/202 is not a date: the year has four digits');
    expect(problem(date, '2026/03/02')).toBe('a date is written YYYY-MM-DD or DD/MM/YYYY');
  });

  it('DD/MM/YYYY HH:MM[:SS] is UK time, GMT or BST by the date', () => {
    expect(timestamp('12/01/2026 09:10')).toBe('2026-01-12T09:10:00.000Z');
    expect(timestamp('14/04/2026 09:40:05')).toBe('2026-04-14T08:40:05.000Z');
    expect(timestamp('14/04/2026 9:40')).toBe('2026-04-14T08:40:00.000Z');
    expect(timestamp('14/04/2026 09:40:05+01:00')).toBe('2026-04-14T09:40:05+01:00');
    expect(problem(timestamp, '31/04/2026 09:40')).toBe('31/04/2026 is not a date that exists');
    expect(problem(timestamp, '14/04/26 09:40')).toMatch(/^14\/04\/26 is ambiguous/);
    expect(problem(timestamp, '14/04/2026 25:40')).toBe('14/04/2026 25:40 is not a time that exists');
  });

  it('a UK wall time the clocks skip or repeat is refused without an offset, accepted with one', () => {
    for (const raw of ['29/03/2026 01:30', '2026-03-29T01:30:00', '2026-03-29 01:00'])
      expect(problem(timestamp, raw)).toMatch(/did not happen in UK time \(the clocks went forward/);
    for (const raw of ['25/10/2026 01:30', '2026-10-25T01:00:00', '2026-10-25 01:59:59'])
      expect(problem(timestamp, raw)).toMatch(/happened twice in UK time \(the clocks went back/);
    expect(timestamp('2026-10-25T01:30:00+01:00')).toBe('2026-10-25T01:30:00+01:00');
    expect(timestamp('25/10/2026 01:30+00:00')).toBe('2026-10-25T01:30:00+00:00');
    // either side of each change is one instant
    expect(timestamp('29/03/2026 00:59')).toBe('2026-03-29T00:59:00.000Z');
    expect(timestamp('29/03/2026 02:00')).toBe('2026-03-29T01:00:00.000Z');
    expect(timestamp('25/10/2026 00:59')).toBe('2026-10-24T23:59:00.000Z');
    expect(timestamp('25/10/2026 02:00')).toBe('2026-10-25T02:00:00.000Z');
  });
});

describe('importing UK dates, and recorded_at against receipt', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    await loadBase(db);
  });
  afterAll(() => db.close());

  const marks = async () =>
    db.dataSource.query(
      `SELECT a.session_date, a.session, a.code, a.recorded_at FROM attendance a
       JOIN placement p ON p.id = a.placement_id WHERE p.placement_ref = 'PL-1' AND a.superseded_at IS NULL
       ORDER BY 1, 2`,
    );

  it('a CSV saved by Excel in the UK is stored as the dates it means', async () => {
    const pupils = await importCsv(
      db,
      'pupils',
      `upn,first_name,last_name,date_of_birth,la_code\n${UPN_802},Ada,Test,01/05/2011,802\n`,
    );
    expect(pupils.errors).toEqual([]);
    const [pupil] = await db.dataSource.query('SELECT date_of_birth FROM pupil WHERE upn = $1', [UPN_802]);
    expect(pupil.date_of_birth).toBe('2011-05-01');
    const result = await importCsv(
      db,
      'attendance',
      'placement_ref,date,session,code,recorded_at\nPL-1,12/01/2026,AM,/,12/01/2026 09:10\nPL-1,13/01/2026,PM,n,13/01/2026 13:05:30\n',
    );
    expect(result).toMatchObject({ errors: [], inserted: 2 });
    expect(await marks()).toEqual([
      { session_date: '2026-01-12', session: 'AM', code: '/', recorded_at: new Date('2026-01-12T09:10:00Z') },
      { session_date: '2026-01-13', session: 'PM', code: 'N', recorded_at: new Date('2026-01-13T13:05:30Z') },
    ]);
  });

  it('impossible and ambiguous UK dates are row errors, and nothing is stored', async () => {
    const before = await tableCounts(db);
    const result = await importCsv(
      db,
      'attendance',
      'placement_ref,date,session,code,recorded_at\nPL-1,30/02/2026,AM,/,\nPL-1,14/01/26,AM,/,\nPL-1,14/01/2026,AM,/,29/03/2026 01:15\n',
    );
    expect(result.errors).toEqual([
      { line: 2, column: 'date', value: '30/02/2026', reason: '30/02/2026 is not a date that exists' },
      {
        line: 3,
        column: 'date',
        value: '14/01/26',
        reason: '14/01/26 is ambiguous: write the year in full (14/01/1926 or 14/01/2026?)',
      },
      {
        line: 4,
        column: 'recorded_at',
        value: '29/03/2026 01:15',
        reason: expect.stringMatching(/did not happen in UK time/),
      },
    ]);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('.xlsx date and date-time cells are read as such (a date-time at midnight too)', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('marks');
    sheet.addRow(['placement_ref', 'date', 'session', 'code', 'recorded_at']);
    // Excel keeps wall-clock fields, which exceljs hands over as UTC.
    sheet.addRow(['PL-1', new Date(Date.UTC(2026, 0, 19)), 'AM', '/', new Date(Date.UTC(2026, 0, 19, 9, 5))]);
    sheet.addRow(['PL-1', new Date(Date.UTC(2026, 0, 20)), 'AM', 'L', new Date(Date.UTC(2026, 0, 20, 0, 0))]);
    sheet.getColumn(2).numFmt = 'dd/mm/yyyy';
    sheet.getColumn(5).numFmt = 'dd/mm/yyyy hh:mm';
    const content = Buffer.from(await book.xlsx.writeBuffer());
    const result = await importFile(db, admin, 'attendance', { content }, { format: 'xlsx' });
    expect(result).toMatchObject({ errors: [], inserted: 2 });
    const stored = (await marks()).filter((m: { session_date: string }) => m.session_date >= '2026-01-19');
    expect(stored).toEqual([
      { session_date: '2026-01-19', session: 'AM', code: '/', recorded_at: new Date('2026-01-19T09:05:00Z') },
      { session_date: '2026-01-20', session: 'AM', code: 'L', recorded_at: new Date('2026-01-20T00:00:00Z') },
    ]);
  });

  it('a mark recorded later than the hub receives it is a row error (2099, or a minute after)', async () => {
    const before = await tableCounts(db);
    const now = new Date('2026-01-21T12:00:00Z');
    const result = await importCsv(
      db,
      'attendance',
      'placement_ref,date,session,code,recorded_at\nPL-1,21/01/2026,AM,/,2099-01-21T09:00:00Z\nPL-1,21/01/2026,PM,/,2026-01-21T12:01:00Z\nPL-1,22/01/2026,AM,/,2026-01-21T13:00:00+01:00\n',
      { now },
    );
    const reason = (v: string) =>
      `recorded_at ${v} is later than the hub received the mark (2026-01-21T12:00:00.000Z): a register cannot be taken in the future`;
    expect(result.errors).toEqual([
      {
        line: 2,
        column: 'recorded_at',
        value: '2099-01-21T09:00:00+00:00',
        reason: reason('2099-01-21T09:00:00+00:00'),
      },
      {
        line: 3,
        column: 'recorded_at',
        value: '2026-01-21T12:01:00+00:00',
        reason: reason('2026-01-21T12:01:00+00:00'),
      },
    ]);
    expect(await tableCounts(db)).toEqual(before);
    const atReceipt = await importCsv(
      db,
      'attendance',
      'placement_ref,date,session,code,recorded_at\nPL-1,21/01/2026,AM,/,2026-01-21T12:00:00Z\nPL-1,21/01/2026,PM,/,\n',
      { now },
    );
    expect(atReceipt).toMatchObject({ errors: [], inserted: 2 });
  });
});
