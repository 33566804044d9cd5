import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { localAdministrator } from '../src/auth/principal';
import { openDatabase } from '../src/db/database';
import { computeFlags } from '../src/indicators/flags.service';
import { computeIndicators, computeSeries } from '../src/indicators/indicators.service';
import { FLAG_DEFINITIONS, familyStatement, groupByFamily } from '../src/indicators/registry';
import { DEFAULT_SETTINGS } from '../src/settings/settings.definitions';
import { generateBenchData } from './indicators-data';

/**
 * Indicator benchmark on the real PostgreSQL. Usage (after `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/indicators.bench.js [--reuse]
 * Generates one authority (3,000 pupils, 4,000 placements, about 1.5 million attendance rows over 2024/25
 * and 2025/26; bench/indicators-data.ts) into the database `alp_bench_indicators` (kept with --reuse, so
 * later runs skip the generation), then times all flags as of a
 * date, the indicators snapshot and the weekly series of the whole academic year. Prints one JSON object;
 * with EXPLAIN_OUT=<file> also writes EXPLAIN ANALYZE of each flag family's statement.
 */
const AS_OF = '2026-03-04';
const YEAR = { from: '2025-09-01', to: '2026-08-31' };
const admin = localAdministrator('bench');

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = performance.now();
  const result = await fn();
  return { ms: Math.round(performance.now() - t), result };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('set DATABASE_URL to the real PostgreSQL server');
  const name = 'alp_bench_indicators';
  const reuse = process.argv.includes('--reuse');
  const admin0 = new Client({ connectionString: serverUrl });
  await admin0.connect();
  const exists = (await admin0.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  if (exists && !reuse) await admin0.query(`DROP DATABASE ${name} WITH (FORCE)`);
  if (!exists || !reuse) await admin0.query(`CREATE DATABASE ${name}`);
  await admin0.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), migrate: true });
  try {
    const figures: Record<string, unknown> = { asOf: AS_OF };
    const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM pupil');
    if (n === 0) {
      const load = await timed(() => generateBenchData(db.dataSource));
      figures.loadMs = load.ms;
    }
    // A bulk load leaves the visibility map unset: index-only scans would still visit the heap.
    await db.dataSource.query('VACUUM ANALYZE');
    figures.rows = (
      await db.dataSource.query(`SELECT (SELECT count(*) FROM pupil)::int AS pupils,
        (SELECT count(*) FROM placement)::int AS placements, (SELECT count(*) FROM attendance)::int AS attendance,
        (SELECT count(*) FROM attendance WHERE session_date BETWEEN '2025-09-01' AND '2026-08-31')::int
          AS attendance_2025_26`)
    )[0];

    await computeFlags(db.dataSource, admin, { asOf: AS_OF }); // warm the cache
    const runs: number[] = [];
    let flagCount = 0;
    for (let i = 0; i < 5; i += 1) {
      const r = await timed(() => computeFlags(db.dataSource, admin, { asOf: AS_OF }));
      runs.push(r.ms);
      flagCount = r.result.length;
    }
    figures.allFlagsMs = { median: median(runs), runs, flags: flagCount };

    const families: Record<string, number> = {};
    const explain: string[] = [];
    for (const [family, definitions] of groupByFamily(FLAG_DEFINITIONS)) {
      const sql = familyStatement(family, definitions);
      const params = [AS_OF, JSON.stringify(DEFAULT_SETTINGS), null];
      const ms: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        ms.push(
          (
            await timed(() =>
              db.dataSource.transaction(async (m) => {
                await m.query('SET LOCAL jit = off');
                return m.query(sql, params);
              }),
            )
          ).ms,
        );
      }
      families[family.name] = median(ms);
      if (process.env.EXPLAIN_OUT) {
        const plan = await db.dataSource.transaction(async (m) => {
          await m.query('SET LOCAL jit = off');
          return m.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        });
        explain.push(
          `-- ${family.name}\n${plan.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}`,
        );
      }
    }
    figures.familyMs = families;
    if (process.env.EXPLAIN_OUT) writeFileSync(process.env.EXPLAIN_OUT, explain.join('\n\n'));

    figures.indicatorsMs = (await timed(() => computeIndicators(db.dataSource, admin, { asOf: AS_OF }))).ms;
    if (!process.argv.includes('--no-series')) {
      const series = await timed(() => computeSeries(db.dataSource, admin, YEAR));
      figures.seriesMs = { ms: series.ms, points: series.result.length };
    }
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
