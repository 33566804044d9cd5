import { Database } from '../../src/db/database';
import {
  academicYearStart,
  addDays,
  isCompulsoryAge,
  isWeekday,
  keyStage,
  lastFridayOfJune,
  ncYear,
} from '../../src/domain/dates';
import { createTestDatabase } from '../support/database';

/** Edge dates: year ends, 31 August / 1 September, around the last Friday of June, leap days. */
const DATES = [
  '2025-08-31',
  '2025-09-01',
  '2026-02-28',
  '2026-06-25',
  '2026-06-26',
  '2026-06-27',
  '2026-06-30',
  '2026-08-31',
  '2026-09-01',
  '2027-06-25',
  '2027-06-26',
  '2028-02-29',
  '2028-06-30',
  '2028-07-01',
];
const BIRTHS = [
  '2009-08-31',
  '2009-09-01',
  '2010-08-31',
  '2010-09-01',
  '2020-08-31',
  '2020-09-01',
  '2012-02-29',
];

describe('SQL calendar and age functions agree with src/domain/dates.ts', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('national curriculum year, key stage and compulsory school age', async () => {
    const rows: { dob: string; d: string; nc: number; ks: string | null; compulsory: boolean; ay: number }[] =
      await db.dataSource.query(
        `SELECT b.dob::text AS dob, d.d::text AS d, alp_nc_year(b.dob, d.d) AS nc,
                alp_key_stage(alp_nc_year(b.dob, d.d)) AS ks, alp_is_compulsory_age(b.dob, d.d) AS compulsory,
                alp_academic_year_start(d.d) AS ay
         FROM unnest($1::date[]) AS b(dob) CROSS JOIN unnest($2::date[]) AS d(d)`,
        [BIRTHS, DATES],
      );
    expect(rows).toHaveLength(BIRTHS.length * DATES.length);
    for (const r of rows) {
      expect([r.dob, r.d, r.nc, r.ks, r.compulsory, r.ay]).toEqual([
        r.dob,
        r.d,
        ncYear(r.dob, r.d),
        keyStage(ncYear(r.dob, r.d)),
        isCompulsoryAge(r.dob, r.d),
        academicYearStart(r.d),
      ]);
    }
  });

  it('last Friday of June', async () => {
    const years = [2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031];
    const rows: { y: number; f: string }[] = await db.dataSource.query(
      'SELECT y, alp_last_friday_of_june(y)::text AS f FROM unnest($1::int[]) AS y',
      [years],
    );
    expect(rows.map((r) => r.f)).toEqual(years.map(lastFridayOfJune));
  });

  it('school days: weekdays in a term outside closures; every weekday with no calendar', async () => {
    await db.dataSource.query(
      `INSERT INTO authority (la_code, name) VALUES ('700', 'No calendar'), ('701', 'Terms')`,
    );
    await db.dataSource.query(
      `INSERT INTO calendar_entry (authority_id, start_date, end_date, kind)
       SELECT id, s::date, e::date, k FROM authority,
         (VALUES ('2026-01-05', '2026-02-13', 'term'), ('2026-02-23', '2026-03-27', 'term'),
                 ('2026-03-02', '2026-03-03', 'closure')) AS v(s, e, k)
       WHERE la_code = '701'`,
    );
    const rows: { la: string; day: string }[] = await db.dataSource.query(
      `SELECT a.la_code AS la, s.day::text AS day FROM alp_school_days('2026-02-09', '2026-03-08') s
       JOIN authority a ON a.id = s.authority_id ORDER BY 1, 2`,
    );
    const days = Array.from({ length: 28 }, (_, i) => addDays('2026-02-09', i));
    const in701 = (d: string) =>
      isWeekday(d) &&
      ((d >= '2026-01-05' && d <= '2026-02-13') || (d >= '2026-02-23' && d <= '2026-03-27')) &&
      !(d >= '2026-03-02' && d <= '2026-03-03');
    expect(rows.filter((r) => r.la === '700').map((r) => r.day)).toEqual(days.filter(isWeekday));
    expect(rows.filter((r) => r.la === '701').map((r) => r.day)).toEqual(days.filter(in701));
  });
});
