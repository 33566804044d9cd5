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
    db = await createTestDatabase();
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
      'attendance',
      'destinations',
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
