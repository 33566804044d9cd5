import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localAdministrator } from '../src/auth/principal';
import { openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch-database';
import { CORRECTIONS_FOLDER, DEMO_KINDS, generateDemo, loadDemo, writeDemoCsv } from '../src/demo';
import { importFile } from '../src/ingest';
import { demoOptionsFromArgs } from './demo-options';

/**
 * How long the demo takes to load into an empty database: open and migrate, then, as `npm start` loads
 * it (`loadDemo`), generate and write the files and import them as the history of the year (the dated
 * deliveries of src/demo/history-plan.ts, then the registers and the corrections). With `--flat`, each
 * file is imported once instead, as `alp-hub import <folder>` would (the attendance file's time
 * separately). Usage (after `npm run build`):
 *   node dist/bench/demo-load.js [--flat]       (embedded PGlite, data on disk as npm start keeps it)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/demo-load.js [--flat]
 * with the sizing options of `alp-hub demo` (--pupils 600 --seed 1 by default). On the server it creates
 * (and drops) its own database. Prints one JSON object of figures (ms).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flat = args.includes('--flat');
  const options = demoOptionsFromArgs(args.filter((a) => a !== '--flat'));
  const serverUrl = process.env.DATABASE_URL;
  const work = mkdtempSync(path.join(os.tmpdir(), 'alp-hub-demo-bench-'));
  const scratch = serverUrl ? await createScratchDatabase(serverUrl, 'alp_demo_bench') : undefined;
  const figures: Record<string, unknown> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    figures[name] = Math.round(now - t);
    t = now;
  };
  const db = await openDatabase({ url: scratch?.url, dataDir: path.join(work, 'data'), migrate: true });
  try {
    figures.embedded = db.embedded;
    lap('openAndMigrateMs');
    if (!flat) {
      const summary = await loadDemo(db, localAdministrator('bench'), options);
      figures.options = summary.options;
      figures.generateAndWriteMs = Math.round(summary.generateMs);
      figures.importMs = Math.round(summary.importMs);
      figures.totalMs = Number(figures.openAndMigrateMs) + Math.round(summary.generateMs + summary.importMs);
      figures.attendanceRows =
        summary.files.find((f) => f.kind === 'attendance' && !f.corrections)?.rows ?? 0;
      figures.rows = summary.files.reduce((n, f) => n + f.rows, 0);
    } else {
      const data = generateDemo(options);
      figures.options = data.options;
      const files = writeDemoCsv(path.join(work, 'csv'), data);
      lap('generateAndWriteMs');
      let importMs = 0;
      const principal = localAdministrator('bench');
      for (const [folder, kinds] of [
        [path.join(work, 'csv'), DEMO_KINDS],
        [path.join(work, 'csv', CORRECTIONS_FOLDER), ['attendance'] as const],
      ] as const) {
        for (const kind of kinds) {
          const result = await importFile(db, principal, kind, { path: path.join(folder, `${kind}.csv`) });
          if (result.errors.length) throw new Error(`${kind}: ${JSON.stringify(result.errors.slice(0, 3))}`);
          const label = folder.endsWith(CORRECTIONS_FOLDER) ? 'corrections' : kind;
          const now = performance.now();
          figures[`${label}Ms`] = Math.round(now - t);
          importMs += now - t;
          t = now;
        }
      }
      figures.importMs = Math.round(importMs);
      figures.totalMs =
        Number(figures.openAndMigrateMs) + Number(figures.generateAndWriteMs) + Number(figures.importMs);
      figures.attendanceRows = files.find((f) => f.kind === 'attendance')?.rows ?? 0;
      figures.rows = files.reduce((s, f) => s + f.rows, 0);
    }
  } finally {
    await db.close();
    rmSync(work, { recursive: true, force: true });
    await scratch?.drop();
  }
  console.log(JSON.stringify({ mode: flat ? 'flat' : 'as npm start', ...figures }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
