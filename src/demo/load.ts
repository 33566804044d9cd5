import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localAdministrator, Principal } from '../auth/principal';
import { Database } from '../db/database';
import { ImportResult, importFile } from '../ingest';
import { CORRECTIONS_FOLDER, csvText, writeDemoCsv } from './csv-writer';
import { DemoError } from './demo-error';
import { DemoOptions, generateDemo } from './generate';
import { historyPlan } from './history-plan';

export interface DemoLoadSummary {
  options: ReturnType<typeof generateDemo>['options'];
  /** Rows read per file, in load order: the first delivery, then the attendance corrections. */
  files: { kind: string; corrections: boolean; rows: number; inserted: number; updated: number }[];
  generateMs: number;
  importMs: number;
}

/**
 * Generates the demo into a temporary folder and loads it through the real importer as the history of
 * its year (src/demo/history-plan.ts): back-loaded deliveries week by week, then the registers and the
 * corrections, each mark known from its recorded_at, so "as of" any date of the year and the trends show
 * what the hub would have known then. Any rejected row is a bug in the generator,
 * so it is an error here, with the first reasons; the temporary folder is always removed.
 */
export async function loadDemo(
  db: Database,
  principal: Principal,
  opts: DemoOptions,
): Promise<DemoLoadSummary> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'alp-hub-demo-'));
  try {
    let t = performance.now();
    const data = generateDemo(opts);
    writeDemoCsv(folder, data);
    const generateMs = performance.now() - t;
    t = performance.now();
    const files = new Map<string, DemoLoadSummary['files'][number]>();
    const tally = (r: ImportResult, corrections: boolean) => {
      const key = `${r.kind}${corrections ? ' corrections' : ''}`;
      const f = files.get(key) ?? { kind: r.kind, corrections, rows: 0, inserted: 0, updated: 0 };
      f.rows += r.rows;
      f.inserted += r.inserted;
      f.updated += r.updated;
      files.set(key, f);
    };
    for (const d of historyPlan(data, new Date())) {
      const content = Buffer.from(d.columns.length ? csvText(d.columns, d.rows) : '');
      const [r] = checked([
        await importFile(
          db,
          principal,
          d.kind,
          { content },
          { knownAt: d.knownAt, fileName: `${d.kind}.csv` },
        ),
      ]);
      tally(r, false);
    }
    // each mark known from its own recorded_at: the registers as they came in over the year
    const historyStart = new Date(`${data.historyStart}T00:00:00Z`);
    for (const [file, corrections] of [
      [path.join(folder, 'attendance.csv'), false],
      [path.join(folder, CORRECTIONS_FOLDER, 'attendance.csv'), true],
    ] as const) {
      const [r] = checked([
        await importFile(db, principal, 'attendance', { path: file }, { knownAt: historyStart }),
      ]);
      tally(r, corrections);
    }
    return {
      options: data.options,
      files: [...files.values()],
      generateMs,
      importMs: performance.now() - t,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** For `npm start`: loads the demo when the database has no authority yet, else does nothing (null). */
export async function loadDemoIfEmpty(
  db: Database,
  opts: DemoOptions,
  principal: Principal = localAdministrator('demo'),
): Promise<DemoLoadSummary | null> {
  const [{ any }] = await db.dataSource.query('SELECT EXISTS (SELECT 1 FROM authority) AS any');
  if (any) return null;
  return loadDemo(db, principal, opts);
}

function checked(results: ImportResult[]): ImportResult[] {
  const rejected = results.find((r) => r.errors.length > 0);
  if (rejected) {
    const shown = rejected.errors
      .slice(0, 5)
      .map((e) => `line ${e.line} ${e.column} "${e.value}": ${e.reason}`)
      .join('; ');
    throw new DemoError(
      'DEMO_REJECTED',
      `the importer rejected ${rejected.errors.length + rejected.errorsNotListed} demo ${rejected.kind} rows: ${shown}`,
      rejected.kind,
      { errors: rejected.errors.slice(0, 50) },
    );
  }
  return results;
}
