import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { addDays } from '../../src/domain/dates';
import { computeIndicators, computeSeries, yearRatesAt } from '../../src/indicators/indicators.service';
import { steppedYearRates } from '../../src/indicators/year-rates';
import { importFile } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { World } from './support/world';

const admin = localAdministrator();

/**
 * The series computes every week's year attendance in one pass (year-rates.ts); each point must equal
 * the snapshot asked at its date: across the 31 August / 1 September boundary, with marks recorded
 * late and corrections recorded weeks later.
 */
describe('weekly series equals the snapshots', () => {
  let db: Database;
  const w = new World('2025-09-30');
  const pupils = [0, 1, 2, 3, 4, 5].map(() => w.pupil({ date_of_birth: '2011-01-01' }));
  const refs = pupils.map((upn) =>
    w.placement(upn, { start_date: '2025-06-02', planned_end_date: '2026-07-01' }),
  );
  const codes = ['B', 'I', 'O', 'N', 'B', 'B', 'G', 'B', 'N', 'O', 'O', 'O', 'O', 'O', 'O', 'B'];
  refs.forEach((ref, i) => {
    w.marks(ref, '2025-07-18', codes.slice(i).concat(codes.slice(0, i)), i);
    w.marks(ref, '2025-09-26', [...codes, ...codes].slice(0, 20 + i), 6 + 2 * i);
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    await w.load(db);
    const corrections = [
      'placement_ref,date,session,code,recorded_at',
      `${refs[0]},2025-09-26,PM,O,2025-10-01T10:00:00Z`,
      `${refs[1]},2025-09-25,AM,B,2025-09-29T10:00:00Z`,
      `${refs[2]},2025-07-18,PM,I,2025-09-02T10:00:00Z`,
    ].join('\n');
    const result = await importFile(db, admin, 'attendance', { content: Buffer.from(corrections) });
    expect(result.errors).toEqual([]);
  });
  afterAll(() => db.close());

  it('point by point, headline and flag counts', async () => {
    const series = await computeSeries(db.dataSource, admin, { from: '2025-07-14', to: '2025-10-06' });
    expect(series).toHaveLength(13);
    for (const point of series) {
      const snapshot = await computeIndicators(db.dataSource, admin, { asOf: point.date });
      expect({ date: point.date, headline: point.headline }).toEqual({
        date: point.date,
        headline: snapshot.headline,
      });
      expect({ date: point.date, flags: point.flagCounts }).toEqual({
        date: point.date,
        flags: snapshot.flagCounts,
      });
    }
    const attending = series.map((p) => p.headline.attendanceRate.denominator);
    expect(Math.max(...(attending as number[]))).toBeGreaterThan(0);
  });

  it('day by day (the keeper step), the year attendance of one pass equals the scan of each day', async () => {
    const first = '2025-08-25';
    const days = 45;
    const stepped = await steppedYearRates(db.dataSource, first, days, null, 1);
    for (let i = 0; i < days; i += 1) {
      const date = addDays(first, i);
      expect({ date, rates: stepped[i] }).toEqual({
        date,
        rates: await yearRatesAt(db.dataSource, date, null),
      });
    }
    expect(stepped.some((r) => r.pupilIds.length > 0)).toBe(true);
  });
});
