import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { addDays, londonToday } from '../../src/domain/dates';
import { computeIndicators, computeSeries } from '../../src/indicators/indicators.service';
import { keepPoints, keptDays, keptScopes } from '../../src/indicators/points-keeper';
import type { Queryable } from '../../src/indicators/queryable';
import { scopeKey } from '../../src/indicators/series-points';
import { logger } from '../../src/logger';
import { startPointsKeeper } from '../../src/server/points-keeper.job';
import { updateSettings } from '../../src/settings/settings.service';
import { createTestDatabase } from '../support/database';
import { importAsHistory } from '../support/example';
import { storedDates } from '../support/points';

const admin = localAdministrator();
/** Ten days of the worked example, a Thursday to a Saturday. */
const DAYS = { from: '2026-04-16', to: '2026-04-25' };

function everyDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Every stored point of the scope marked, so that a series showing the mark read it from the store. */
async function markStored(db: Database, scope = '*'): Promise<void> {
  await db.dataSource.query(
    `UPDATE indicator_point SET figures = jsonb_set(figures, '{population,0,pupils}', to_jsonb(4242))
     WHERE scope = $1`,
    [scope],
  );
}

/**
 * The keeper (src/indicators/points-keeper.ts) stores a point for every ended day per scope, so that
 * a series of any alignment reads its points; what it stores must be what a series computes.
 */
describe('the keeper of series points', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createTestDatabase({ history: 'as received' });
    await importAsHistory(db, admin);
  });
  afterAll(() => db.close());

  it('stores a point for every day and every kept scope: all authorities, and each alone', async () => {
    expect(await keptScopes(db.dataSource)).toEqual([null, ['801'], ['802']]);
    const result = await keepPoints(db.dataSource, { ...DAYS, chunkDays: 4 });
    expect(result).toEqual({ scopes: 3, days: 10, computed: 30, stopped: false });
    for (const scope of ['*', '801', '802'])
      expect(await storedDates(db, scope)).toEqual(everyDay(DAYS.from, DAYS.to));
  });

  it('stores what the snapshot of each day says', async () => {
    await keepPoints(db.dataSource, DAYS);
    // read back through a daily series: every point comes from the store
    for (const authority of [undefined, '802']) {
      for (const date of ['2026-04-16', '2026-04-21', '2026-04-25']) {
        const [point] = await computeSeries(db.dataSource, admin, { from: date, to: date, authority });
        const snapshot = await computeIndicators(db.dataSource, admin, { asOf: date, authority });
        expect({ headline: point.headline, flags: point.flagCounts }).toEqual({
          headline: snapshot.headline,
          flags: snapshot.flagCounts,
        });
      }
    }
  });

  it('serves a weekly series of any alignment from the store, and computes nothing already stored', async () => {
    await keepPoints(db.dataSource, DAYS);
    await markStored(db);
    for (const from of ['2026-04-16', '2026-04-17', '2026-04-18']) {
      const series = await computeSeries(db.dataSource, admin, { from, to: DAYS.to });
      expect(series.map((p) => p.headline.pupilsInAp.value)).toEqual([4242, 4242]);
    }
    expect(await keepPoints(db.dataSource, DAYS)).toMatchObject({ computed: 0 });
  });

  it('keeps a set of authorities a series was asked for, and computes again what was forgotten', async () => {
    const officer = { ...admin, role: 'la_officer' as const, authorities: ['802', '801'] };
    await computeSeries(db.dataSource, officer, { from: DAYS.from, to: DAYS.from });
    expect((await keptScopes(db.dataSource)).map(scopeKey)).toEqual(['*', '801', '802', '801,802']);
    // the keeper's own points do not make a set look asked for: only a series does, within 60 days
    await db.dataSource.query(`UPDATE indicator_scope SET asked_at = now() - interval '61 days'`);
    expect((await keptScopes(db.dataSource)).map(scopeKey)).toEqual(['*', '801', '802']);
    await db.dataSource.query(`UPDATE indicator_scope SET asked_at = now()`);
    await db.dataSource.query('SELECT alp_forget_indicator_points()');
    expect(await storedDates(db)).toEqual([]);
    const result = await keepPoints(db.dataSource, DAYS);
    expect(result).toMatchObject({ scopes: 4, computed: 40 });
    expect(await storedDates(db, '801,802')).toEqual(everyDay(DAYS.from, DAYS.to));
  });

  it('stores nothing for today or yesterday, and by default keeps the longest series back from two days ago', async () => {
    const today = londonToday();
    expect(keptDays(today)).toEqual({ from: addDays(today, -2 - 7 * 59), to: addDays(today, -2) });
    const result = await keepPoints(db.dataSource, {
      from: addDays(today, -3),
      to: today,
      scopes: [null],
    });
    expect(result).toMatchObject({ days: 2 });
    const stored = await storedDates(db);
    expect(stored).toContain(addDays(today, -2));
    expect(stored).not.toContain(addDays(today, -1));
    expect(stored).not.toContain(today);
  });

  it('stops between chunks when asked, keeping what it stored: the days a chart ending today shows first', async () => {
    await db.dataSource.query('SELECT alp_forget_indicator_points()');
    // one chunk a call: a chart ending on Monday 27 April shows the 20th, the 13th, the 6th
    const firstChunk = async () => {
      const controller = new AbortController();
      return keepPoints(db.dataSource, {
        from: '2026-04-01',
        to: DAYS.to,
        today: '2026-04-27',
        scopes: [null],
        chunkDays: 2,
        signal: controller.signal,
        onChunk: () => controller.abort(),
      });
    };
    expect(await firstChunk()).toMatchObject({ computed: 2, stopped: true });
    expect(await storedDates(db)).toEqual(['2026-04-13', '2026-04-20']);
    await firstChunk();
    expect(await storedDates(db)).toEqual(['2026-04-06', '2026-04-13', '2026-04-20']);
    // then the other days, newest first
    await firstChunk();
    expect(await storedDates(db)).toEqual([
      '2026-04-06',
      '2026-04-13',
      '2026-04-20',
      '2026-04-24',
      '2026-04-25',
    ]);
  });

  it('gives every scope its charted days, then its newest days first, a chunk of each in turn', async () => {
    await db.dataSource.query('SELECT alp_forget_indicator_points()');
    const order: string[] = [];
    await keepPoints(db.dataSource, {
      ...DAYS,
      today: '2026-04-27',
      scopes: [null, ['801']],
      chunkDays: 5,
      onChunk: (p) => order.push(`${p.scope} ${p.computed}/${p.missing}`),
    });
    // the 20th; then the 21st to the 25th; then the 16th to the 19th
    expect(order).toEqual(['* 1/10', '801 1/10', '* 6/10', '801 6/10', '* 10/10', '801 10/10']);
  });

  it('runs in the server: a pass on demand stores the points; stop waits for it', async () => {
    await db.dataSource.query('SELECT alp_forget_indicator_points()');
    const job = startPointsKeeper(db.dataSource, {
      intervalMs: 3_600_000,
      firstDelayMs: 3_600_000,
      keep: { ...DAYS, scopes: [null] },
    });
    try {
      await job.runNow();
      expect(await storedDates(db)).toEqual(everyDay(DAYS.from, DAYS.to));
    } finally {
      await job.stop();
    }
  });

  it('logs a failed pass and goes on: the points are a cache of what a series computes', async () => {
    const failing = {
      query: async () => {
        throw new Error('connection terminated');
      },
    } as unknown as Queryable;
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const job = startPointsKeeper(failing, { intervalMs: 3_600_000, firstDelayMs: 3_600_000 });
    try {
      await expect(job.runNow()).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.anything(), expect.stringMatching(/series points failed/));
    } finally {
      await job.stop();
      warn.mockRestore();
    }
  });
});

describe('series points with the settings of their own date', () => {
  it('a setting changed today counts from today on, in the series as in the snapshots', async () => {
    const db = await createTestDatabase({ history: 'as received' });
    try {
      await importAsHistory(db, admin);
      const today = londonToday();
      const range = { from: addDays(today, -14), to: addDays(today, 14), authority: '801' };
      await updateSettings(db.dataSource, admin, '801', [{ key: 'monitoringVisitMaxDays', value: 3650 }]);
      const series = await computeSeries(db.dataSource, admin, range);
      const overdue = series.map(
        (p) => p.flagCounts.find((c) => c.code === 'MONITORING_VISIT_OVERDUE')?.count.value,
      );
      // the change shows from today's point on
      expect(overdue[0]).not.toEqual(overdue[4]);
      for (const point of series) {
        const snapshot = await computeIndicators(db.dataSource, admin, {
          asOf: point.date,
          authority: '801',
        });
        expect({ date: point.date, flags: point.flagCounts, headline: point.headline }).toEqual({
          date: point.date,
          flags: snapshot.flagCounts,
          headline: snapshot.headline,
        });
      }
    } finally {
      await db.close();
    }
  });
});
