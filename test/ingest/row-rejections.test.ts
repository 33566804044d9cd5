import { Database } from '../../src/db/database';
import { makeUpn } from '../../src/domain/upn';
import { ImportKind, RowError } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { importCsv, loadBase, tableCounts, UPN_802 } from './ingest-fixtures';

/** Each spec rejection: the file is refused with the bad rows listed, and nothing is stored. */
describe('rows the spec rejects', () => {
  let db: Database;
  let before: Record<string, number>;
  beforeAll(async () => {
    db = await createTestDatabase();
    await loadBase(db);
    before = await tableCounts(db);
  });
  afterAll(async () => {
    await db.close();
  });

  async function rejected(kind: ImportKind, text: string): Promise<RowError[]> {
    const result = await importCsv(db, kind, text);
    expect(result.inserted + result.updated + result.unchanged).toBe(0);
    expect(await tableCounts(db)).toEqual(before);
    return result.errors;
  }

  const wrongUpn = `${UPN_802[0] === 'A' ? 'B' : 'A'}${UPN_802.slice(1)}`;
  const pupilHeader = 'upn,first_name,last_name,date_of_birth,la_code\n';
  const placementHeader =
    'placement_ref,upn,provider_ref,type,start_date,end_date,planned_end_date,hours_per_week\n';
  const attendanceHeader = 'placement_ref,date,session,code,recorded_at\n';

  it('a UPN whose check letter is wrong', async () => {
    const errors = await rejected('pupils', `${pupilHeader}${wrongUpn},A,B,2011-01-01,802\n`);
    expect(errors).toEqual([
      {
        line: 2,
        column: 'upn',
        value: wrongUpn,
        reason: expect.stringMatching(/check letter is .*, expected /),
      },
    ]);
  });

  it('a date that does not exist, and one written neither YYYY-MM-DD nor DD/MM/YYYY', async () => {
    const errors = await rejected(
      'pupils',
      `${pupilHeader}${UPN_802},A,B,2011-02-30,802\n${UPN_802},A,B,1.2.2011,802\n`,
    );
    expect(errors).toEqual([
      {
        line: 2,
        column: 'date_of_birth',
        value: '2011-02-30',
        reason: '2011-02-30 is not a date that exists',
      },
      {
        line: 3,
        column: 'date_of_birth',
        value: '1.2.2011',
        reason: 'a date is written YYYY-MM-DD or DD/MM/YYYY',
      },
    ]);
  });

  it('an end date before a start date', async () => {
    const errors = await rejected(
      'placements',
      `${placementHeader}PL-9,${UPN_802},ALP-1,part_time,2026-02-01,2026-01-31,,10\nPL-8,${UPN_802},ALP-1,part_time,2026-02-01,,2026-01-01,10\n`,
    );
    expect(errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [2, 'end_date', '2026-01-31'],
      [3, 'planned_end_date', '2026-01-01'],
    ]);
    expect(errors[0].reason).toBe('end_date is before start_date 2026-02-01');
    const calendar = await rejected(
      'calendar',
      'la_code,start_date,end_date,kind\n802,2026-04-13,2026-04-01,term\n',
    );
    expect(calendar).toEqual([
      {
        line: 2,
        column: 'end_date',
        value: '2026-04-01',
        reason: 'end_date is before start_date 2026-04-13',
      },
    ]);
  });

  it('hours outside 0 to 40', async () => {
    const errors = await rejected(
      'placements',
      `placement_ref,upn,provider_ref,type,start_date,hours_per_week,school_hours_per_week\n` +
        `PL-9,${UPN_802},ALP-1,part_time,2026-02-01,41,\nPL-8,${UPN_802},ALP-1,part_time,2026-02-01,10,-1\n`,
    );
    expect(errors).toEqual([
      { line: 2, column: 'hours_per_week', value: '41', reason: 'hours outside 0 to 40' },
      { line: 3, column: 'school_hours_per_week', value: '-1', reason: 'hours outside 0 to 40' },
    ]);
  });

  it('an attendance date that is not a school day in the pupil authority calendar', async () => {
    const errors = await rejected(
      'attendance',
      `${attendanceHeader}PL-1,2026-01-10,AM,/,2026-01-10T09:00:00Z\nPL-1,2026-02-17,PM,/,2026-02-17T13:00:00Z\n` +
        'PL-1,2026-01-02,AM,/,2026-01-02T09:00:00Z\nPL-2,2026-04-04,AM,/,2026-04-04T09:00:00Z\n',
    );
    expect(errors.map((e) => [e.line, e.column, e.reason])).toEqual([
      [2, 'date', '2026-01-10 is not a school day in authority 802 (a weekend)'],
      [3, 'date', '2026-02-17 is not a school day in authority 802 (a closure)'],
      [4, 'date', '2026-01-02 is outside placement PL-1 (2026-01-05 to 2026-03-20)'],
      [4, 'date', '2026-01-02 is not a school day in authority 802 (outside every term)'],
      [5, 'date', '2026-04-04 is not a school day in authority 803 (a weekend)'],
    ]);
  });

  it('an attendance date outside the placement dates', async () => {
    const errors = await rejected(
      'attendance',
      `${attendanceHeader}PL-1,2026-03-23,AM,/,2026-03-23T09:00:00Z\n`,
    );
    expect(errors).toEqual([
      {
        line: 2,
        column: 'date',
        value: '2026-03-23',
        reason: '2026-03-23 is outside placement PL-1 (2026-01-05 to 2026-03-20)',
      },
    ]);
  });

  it('an unknown attendance code, session or timestamp', async () => {
    const errors = await rejected(
      'attendance',
      `${attendanceHeader}PL-1,2026-01-06,AM,Q9,2026-01-06T09:00:00Z\nPL-1,2026-01-06,XM,/,\nPL-1,2026-01-07,AM,/,yesterday\n`,
    );
    expect(errors).toEqual([
      {
        line: 2,
        column: 'code',
        value: 'Q9',
        reason: 'unknown attendance code Q9 (see attendance-codes.csv)',
      },
      { line: 3, column: 'session', value: 'XM', reason: 'must be one of: AM, PM' },
      { line: 4, column: 'recorded_at', value: 'yesterday', reason: expect.stringContaining('ISO 8601') },
    ]);
  });

  it('references to a pupil, school, provider or placement that does not exist', async () => {
    const ghost = '100999';
    const pupils = await rejected(
      'pupils',
      `upn,first_name,last_name,date_of_birth,la_code,school_urn\n${UPN_802},A,B,2011-01-01,804,${ghost}\n`,
    );
    expect(pupils.map((e) => e.reason)).toEqual([
      'authority 804 does not exist',
      'school 100999 does not exist',
    ]);
    const placements = await rejected(
      'placements',
      `placement_ref,upn,provider_ref,type,start_date,hours_per_week,commissioner_urn\nPL-9,${makeUpn('802200026999')},NOPE,part_time,2026-02-01,10,${ghost}\n`,
    );
    expect(placements.map((e) => e.column).sort()).toEqual(['commissioner_urn', 'provider_ref', 'upn']);
    const attendance = await rejected('attendance', `${attendanceHeader}PL-404,2026-01-06,AM,/,\n`);
    expect(attendance).toEqual([
      { line: 2, column: 'placement_ref', value: 'PL-404', reason: 'placement PL-404 does not exist' },
    ]);
    const targets = await rejected(
      'targets',
      'placement_ref,target_ref,kind,description\nPL-404,T1,academic,Maths\n',
    );
    expect(targets[0].reason).toBe('placement PL-404 does not exist');
  });

  it('the same natural key twice in one file', async () => {
    const errors = await rejected(
      'attendance',
      `${attendanceHeader}PL-1,2026-01-06,AM,/,\nPL-1,2026-01-06,PM,/,\npl-1,2026-01-06,am,N,\nPL-1,2026-01-06,am,N,\n`,
    );
    expect(errors.map((e) => [e.line, e.reason])).toEqual([
      [4, 'placement pl-1 does not exist'],
      [5, 'the same placement_ref, date, session is on line 2'],
    ]);
  });

  it('lists every bad row of a file with many problems', async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) => `PL-1,2026-01-${String(i + 1).padStart(2, '0')},AM,ZZ,`,
    );
    const errors = await rejected('attendance', `${attendanceHeader}${rows.join('\n')}\n`);
    expect(errors.filter((e) => e.column === 'code')).toHaveLength(30);
    expect(errors.map((e) => e.line)).toEqual([...errors.map((e) => e.line)].sort((a, b) => a - b));
  });
});
