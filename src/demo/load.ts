import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localAdministrator, Principal } from '../auth/principal';
import { Database } from '../db/database';
import { ImportResult, importFolder } from '../ingest';
import { CORRECTIONS_FOLDER, writeDemoCsv } from './csv-writer';
import { DemoError } from './demo-error';
import { DemoOptions, generateDemo } from './generate';

export interface DemoLoadSummary {
  options: ReturnType<typeof generateDemo>['options'];
  /** Rows read per file, in load order: the first delivery, then the attendance corrections. */
  files: { kind: string; corrections: boolean; rows: number; inserted: number; updated: number }[];
  generateMs: number;
  importMs: number;
}

/**
 * Generates the demo into a temporary folder and loads it through the real importer, as a user's files
 * would be: first the twelve kinds, then the corrections. Any rejected row is a bug in the generator,
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
    const first = checked(await importFolder(db, principal, folder));
    const corrections = checked(await importFolder(db, principal, path.join(folder, CORRECTIONS_FOLDER)));
    const file = (r: ImportResult, corrections: boolean) => ({
      kind: r.kind,
      corrections,
      rows: r.rows,
      inserted: r.inserted,
      updated: r.updated,
    });
    return {
      options: data.options,
      files: [...first.map((r) => file(r, false)), ...corrections.map((r) => file(r, true))],
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
