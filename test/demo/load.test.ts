import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { generateDemo, loadDemo, loadDemoIfEmpty } from '../../src/demo';
import { computeFlags } from '../../src/indicators/flags.service';
import { FLAG_CODES } from '../../src/indicators/registry';
import { createTestDatabase } from '../support/database';

const TODAY = '2026-11-27';
const OPTIONS = { seed: 1, pupils: 600, today: TODAY };

describe('loading the demo through the real importer', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase({ history: 'as received' });
  });
  afterAll(async () => {
    await db?.close();
  });

  const count = async (sql: string) => Number((await db.dataSource.query(sql))[0].n);

  test('the default demo imports whole into an empty database, corrections as new versions', async () => {
    // loadDemo throws DEMO_REJECTED with the importer's reasons if a single row is refused.
    const summary = await loadDemoIfEmpty(db, OPTIONS);
    expect(summary).not.toBeNull();
    expect(summary?.files.filter((f) => !f.corrections).map((f) => f.kind)).toEqual([
      'authorities',
      'calendar',
      'schools',
      'providers',
      'provider_evidence',
      'provider_visits',
      'pupils',
      'placements',
      'targets',
      'reviews',
      'destinations',
      'attendance',
    ]);

    const demo = generateDemo(OPTIONS);
    const marks = [...demo.attendance()].length;
    const corrections = [...demo.corrections()].length;
    expect(await count('SELECT count(*) AS n FROM authority')).toBe(3);
    expect(await count('SELECT count(*) AS n FROM pupil')).toBe(demo.pupils.length);
    expect(await count('SELECT count(*) AS n FROM placement')).toBe(demo.placements.length);
    expect(await count('SELECT count(*) AS n FROM provider_evidence')).toBe(demo.provider_evidence.length);
    expect(await count('SELECT count(*) AS n FROM target')).toBe(demo.targets.length);
    expect(await count('SELECT count(*) AS n FROM review')).toBe(demo.reviews.length);
    expect(await count('SELECT count(*) AS n FROM destination')).toBe(demo.destinations.length);
    expect(await count('SELECT count(*) AS n FROM attendance WHERE superseded_at IS NULL')).toBe(marks);
    expect(await count('SELECT count(*) AS n FROM attendance WHERE superseded_at IS NOT NULL')).toBe(
      corrections,
    );
    expect(summary?.files.at(-1)).toMatchObject({
      kind: 'attendance',
      corrections: true,
      updated: corrections,
    });
  });

  test('loads as the history of the year: each placement known a few days after it starts, its ending after it ends', async () => {
    const [p] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE v.v_change = 'insert' AND v.v_known_from < v.start_date::timestamptz)::int AS early,
              count(*) FILTER (WHERE v.v_change = 'insert' AND v.v_known_from > v.start_date::timestamptz + interval '7 days'
                                 AND v.start_date >= DATE '2025-09-01')::int AS late,
              count(*) FILTER (WHERE v.v_change = 'insert' AND v.end_date IS NOT NULL)::int AS ended_at_start,
              count(*) FILTER (WHERE v.v_change = 'update' AND v.end_date IS NOT NULL
                                 AND v.v_known_from < v.end_date::timestamptz)::int AS ended_early,
              count(DISTINCT v.id) FILTER (WHERE v.v_change = 'update')::int AS ended
       FROM placement_version v`,
    );
    expect(p).toMatchObject({ early: 0, late: 0, ended_at_start: 0, ended_early: 0 });
    expect(p.ended).toBeGreaterThan(0);
    const [a] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE recorded_on <> (recorded_at AT TIME ZONE 'Europe/London')::date)::int AS n FROM attendance`,
    );
    expect(a.n).toBe(0);
    // so the number of placements open differs as the year goes on, as the trend shows it
    const open = async (d: string) =>
      (
        await db.dataSource.transaction(async (m) => {
          await m.query(
            `SELECT set_config('alp.as_of_end', alp_day_end($1::date)::text, true),
                    set_config('search_path', 'alp_asof, public', true)`,
            [d],
          );
          return m.query('SELECT count(*)::int AS n FROM placement WHERE end_date IS NULL');
        })
      )[0].n;
    expect(await open('2025-10-01')).not.toEqual(await open(TODAY));
  });

  test('the flags of indicators.md all have cases to show in the demo', async () => {
    const flags = await computeFlags(db.dataSource, localAdministrator(), { asOf: TODAY });
    const raised = new Set(flags.map((f) => f.code));
    const missing = FLAG_CODES.filter((c) => !raised.has(c));
    expect(missing).toEqual([]);
  });

  test('loadDemoIfEmpty leaves a database with authorities alone; loadDemo again changes nothing', async () => {
    expect(await loadDemoIfEmpty(db, { ...OPTIONS, seed: 2 })).toBeNull();
    const again = await loadDemo(db, localAdministrator('demo'), OPTIONS);
    expect(again.files.every((f) => f.inserted === 0 && f.updated === 0)).toBe(true);
  });
});
