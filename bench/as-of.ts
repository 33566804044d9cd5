import 'reflect-metadata';
import { Client } from 'pg';
import { localAdministrator } from '../src/auth/principal';
import { Database, openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch-database';
import { loadDemo } from '../src/demo';
import { computeFlags } from '../src/indicators/flags.service';
import { openBenchDatabase } from './bench-database';

/**
 * What reading history costs: the same demo loaded twice, as the history of its year (its records known
 * week by week, so a past date reads the as-of views) and as known from long before (so a past date
 * reads the tables themselves), then every flag at past dates on each, alternating. Usage (after
 * `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/as-of.js [pupils] [rounds]
 *   node dist/bench/as-of.js [pupils] [rounds]          (embedded PGlite, in memory)
 * Prints one JSON object: per date and round, the milliseconds and flag count of each.
 */
async function main(): Promise<void> {
  const pupils = Number(process.argv[2] ?? 2000);
  const rounds = Number(process.argv[3] ?? 2);
  const today = '2026-11-27';
  const dates = ['2026-03-02', '2026-11-26'];
  const admin = localAdministrator('bench');
  const history = await openBenchDatabase();
  const settled = await openSettledDatabase();
  try {
    const loaded = await loadDemo(history.db, admin, { seed: 1, pupils, today });
    await loadDemo(settled.db, admin, { seed: 1, pupils, today });
    const runs: Record<string, unknown>[] = [];
    for (let round = 1; round <= rounds; round += 1)
      for (const asOf of dates)
        for (const [hub, db] of [
          ['history (views)', history.db],
          ['settled (tables)', settled.db],
        ] as const) {
          const t = performance.now();
          const flags = await computeFlags(db.dataSource, admin, { asOf });
          runs.push({ round, asOf, hub, ms: Math.round(performance.now() - t), flags: flags.length });
        }
    const database = history.db.embedded ? 'PGlite' : 'PostgreSQL server';
    console.log(
      JSON.stringify({ database, pupils, historyLoadMs: Math.round(loaded.importMs), runs }, null, 2),
    );
  } finally {
    await history.drop();
    await settled.drop();
  }
}

/**
 * A hub that knows every record from 2000 (a database default of alp.known_at, as the test databases
 * have it): no version changed after the dates asked about, so they read the tables.
 */
async function openSettledDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  const known = `SET alp.known_at = '2000-01-01T00:00:00Z'`;
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir: null, migrate: true });
    await db.dataSource.query(known); // the embedded database is one session
    return { db, drop: () => db.close() };
  }
  const scratch = await createScratchDatabase(serverUrl, 'alp_bench');
  const name = new URL(scratch.url).pathname.slice(1);
  const c = new Client({ connectionString: scratch.url });
  await c.connect();
  await c.query(`ALTER DATABASE ${name} ${known}`);
  await c.end();
  const db = await openDatabase({ url: scratch.url, migrate: true });
  return {
    db,
    async drop() {
      await db.close();
      await scratch.drop();
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
