import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { addDays, londonToday } from '../../src/domain/dates';
import { computeIndicators, computeSeries, SeriesPoint } from '../../src/indicators/indicators.service';
import { scopeKey } from '../../src/indicators/series-points';
import { importFile } from '../../src/ingest';
import { erasePupil } from '../../src/records/erasure.service';
import { createTestDatabase } from '../support/database';
import { EXAMPLE, EXAMPLE_KNOWN_AT, exampleCsv, importAsHistory } from '../support/example';
import { storedDates } from '../support/points';

const admin = localAdministrator();
const RANGE = { from: '2026-03-30', to: '2026-05-25' };

async function expectSnapshots(db: Database, series: SeriesPoint[], authority?: string): Promise<void> {
  for (const point of series) {
    const snapshot = await computeIndicators(db.dataSource, admin, { asOf: point.date, authority });
    expect({ date: point.date, headline: point.headline, flags: point.flagCounts }).toEqual({
      date: point.date,
      headline: snapshot.headline,
      flags: snapshot.flagCounts,
    });
  }
}

/** One mark (`date,session,code,recorded_at`) of the example's first placement, imported. */
async function importMark(db: Database, mark: string, opts: { knownAt?: Date } = {}): Promise<void> {
  const [first] = exampleCsv('attendance.csv');
  const csv = ['placement_ref,date,session,code,recorded_at', `${first.placement_ref},${mark}`].join('\n');
  const result = await importFile(db, admin, 'attendance', { content: Buffer.from(csv) }, opts);
  expect(result.errors).toEqual([]);
}

/** A stored point's pupils in AP, changed in the store only: what a series then says comes from the store. */
async function tamper(db: Database, date: string, pupils: number): Promise<void> {
  await db.dataSource.query(
    `UPDATE indicator_point
     SET figures = jsonb_set(figures, '{population,0,pupils}', to_jsonb($2::integer))
     WHERE scope = '*' AND as_of = $1`,
    [date, pupils],
  );
}

/**
 * A point as of a day that has ended is computed once and stored (src/indicators/series-points.ts); it
 * must stay equal to the snapshot at its date through ordinary imports (known from now: the past is
 * unchanged) and be computed again after anything that rewrites the past.
 */
describe('stored series points', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createTestDatabase({ history: 'as received' });
    await importAsHistory(db, admin);
  });
  afterAll(() => db.close());

  it('stores every point of ended days and reads them back unchanged', async () => {
    const first = await computeSeries(db.dataSource, admin, RANGE);
    expect(first).toHaveLength(9);
    expect(await storedDates(db)).toEqual(first.map((p) => p.date));
    await expectSnapshots(db, first);
    const again = await computeSeries(db.dataSource, admin, RANGE);
    expect(again).toEqual(first);
  });

  it('answers from the store (a changed stored figure shows), per scope', async () => {
    await computeSeries(db.dataSource, admin, RANGE);
    await tamper(db, '2026-04-20', 999);
    const served = await computeSeries(db.dataSource, admin, RANGE);
    expect(served.find((p) => p.date === '2026-04-20')?.headline.pupilsInAp.value).toBe(999);
    // another scope has points of its own
    const one = await computeSeries(db.dataSource, admin, { ...RANGE, authority: '802' });
    expect(await storedDates(db, scopeKey(['802']))).toEqual(one.map((p) => p.date));
    await expectSnapshots(db, one, '802');
  });

  it('keeps the points through an ordinary import: what was known on an ended day does not change', async () => {
    await computeSeries(db.dataSource, admin, RANGE);
    await tamper(db, '2026-04-20', 999);
    await importMark(db, '2026-04-16,PM,O,2026-04-16T13:00:00Z');
    const served = await computeSeries(db.dataSource, admin, RANGE);
    expect(served.find((p) => p.date === '2026-04-20')?.headline.pupilsInAp.value).toBe(999);
  });

  it('computes every point again after a back-load, and the points equal the snapshots', async () => {
    await computeSeries(db.dataSource, admin, RANGE);
    await tamper(db, '2026-04-20', 999);
    await importMark(db, '2026-04-17,AM,O,2026-04-17T09:00:00Z', {
      knownAt: new Date(EXAMPLE_KNOWN_AT.getTime() + 86_400_000 * 240),
    });
    expect(await storedDates(db)).toEqual([]);
    const series = await computeSeries(db.dataSource, admin, RANGE);
    expect(series.find((p) => p.date === '2026-04-20')?.headline.pupilsInAp.value).not.toBe(999);
    await expectSnapshots(db, series);
  });

  it('computes every point again after an erasure', async () => {
    const before = await computeSeries(db.dataSource, admin, RANGE);
    const [pupil] = exampleCsv('placements.csv');
    await erasePupil(db.dataSource, admin, pupil.upn);
    expect(await storedDates(db)).toEqual([]);
    const after = await computeSeries(db.dataSource, admin, RANGE);
    expect(after).not.toEqual(before);
    await expectSnapshots(db, after);
  });

  it('stores no point for today or yesterday, whose registers may still be arriving', async () => {
    const today = londonToday();
    const series = await computeSeries(db.dataSource, admin, { from: addDays(today, -14), to: today });
    expect(series.map((p) => p.date)).toEqual([addDays(today, -14), addDays(today, -7), today]);
    const stored = await storedDates(db);
    expect(stored).toContain(addDays(today, -14));
    expect(stored).toContain(addDays(today, -7));
    expect(stored).not.toContain(today);
    const yesterday = addDays(today, -1);
    await computeSeries(db.dataSource, admin, { from: yesterday, to: yesterday });
    expect(await storedDates(db)).not.toContain(yesterday);
  });

  it('does not read a point computed by other rules', async () => {
    await computeSeries(db.dataSource, admin, RANGE);
    await tamper(db, '2026-04-20', 999);
    await db.dataSource.query(`UPDATE indicator_point SET rules = 'other' WHERE as_of = '2026-04-20'`);
    const series = await computeSeries(db.dataSource, admin, RANGE);
    expect(series.find((p) => p.date === '2026-04-20')?.headline.pupilsInAp.value).not.toBe(999);
  });
});

describe('stored series points with fixtures known from 2000', () => {
  it('are forgotten by any write known from the past, whatever made it', async () => {
    const db = await createTestDatabase();
    try {
      await importAsHistory(db, admin, EXAMPLE, new Date('2000-01-01T00:00:00Z'));
      await computeSeries(db.dataSource, admin, RANGE);
      expect((await storedDates(db)).length).toBe(9);
      // fixtures mode: every change is known from 2000, so a plain UPDATE rewrites the past
      await db.dataSource.query(`UPDATE pupil SET gender = gender WHERE id = (SELECT min(id) FROM pupil)`);
      expect(await storedDates(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
