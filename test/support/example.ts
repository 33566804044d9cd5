import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { Principal } from '../../src/auth/principal';
import type { Database } from '../../src/db/database';
import { type ImportResult, importFolder } from '../../src/ingest';

export const EXAMPLE = path.resolve(__dirname, '../../spec/example');

/** The rows of one of the example's files (`pupils.csv`, ...), as objects keyed by its header. */
export function exampleCsv(name: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(readFileSync(path.join(EXAMPLE, name), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  }).data;
}

/** The worked example's back-load time (spec/example/README.md): known before both of its dates. */
export const EXAMPLE_KNOWN_AT = new Date('2025-09-01T00:00:00Z');

/**
 * Imports a folder (the worked example by default) as the example's README says: a back-load known from
 * 2025-09-01, attendance rows from their own recorded_at. Throws if any file is rejected.
 */
export async function importAsHistory(
  db: Database,
  principal: Principal,
  folder: string = EXAMPLE,
  knownAt: Date = EXAMPLE_KNOWN_AT,
): Promise<ImportResult[]> {
  const results = await importFolder(db, principal, folder, { knownAt });
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0) throw new Error(`the import was rejected: ${JSON.stringify(errors.slice(0, 3))}`);
  return results;
}
