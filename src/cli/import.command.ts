import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { auditImport } from '../audit/import-audit';
import type { Principal } from '../auth/principal';
import { Database } from '../db/database';
import {
  errorsCsv,
  IMPORT_KINDS,
  ImportResult,
  IngestError,
  importFile,
  importFolder,
  isImportKind,
} from '../ingest';
import { withDatabase } from './database';
import { cliOperator } from './operator';

/** Bad rows printed to the terminal; all of them go to the .errors.csv file. */
const PRINTED_ERRORS = 20;

interface ImportCommandOptions {
  kind?: string;
  format?: 'csv' | 'xlsx';
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import a folder of <kind>.csv files in dependency order, or one file with --kind; each file is all or nothing',
    )
    .argument('<path>', 'a folder, or one .csv or .xlsx file')
    .option('--kind <kind>', `the kind of a single file: ${IMPORT_KINDS.join(', ')} (default: from its name)`)
    .option('--format <format>', 'csv or xlsx (default: from the file name)')
    .action(async (target: string, opts: ImportCommandOptions) => {
      const principal = cliOperator();
      process.exitCode = await withDatabase((db) => runImport(db, principal, target, opts));
    });
}

function describe(file: string, r: ImportResult): string {
  return `${path.basename(file)}: ${r.rows} rows: ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged`;
}

/** Prints a rejected file's bad rows and writes them beside it; returns the exit code. */
async function reportRejected(file: string, r: ImportResult): Promise<number> {
  const total = r.errors.length + r.errorsNotListed;
  console.error(
    `${path.basename(file)}: rejected, nothing stored: ${total} problem${total === 1 ? '' : 's'}`,
  );
  for (const e of r.errors.slice(0, PRINTED_ERRORS))
    console.error(
      `  line ${e.line}${e.column ? `, ${e.column}` : ''}${e.value ? ` "${e.value}"` : ''}: ${e.reason}`,
    );
  if (r.errors.length > PRINTED_ERRORS) console.error(`  ... and ${r.errors.length - PRINTED_ERRORS} more`);
  if (r.errorsNotListed > 0) console.error(`  (${r.errorsNotListed} more not listed)`);
  const out = `${file}.errors.csv`;
  try {
    await writeFile(out, errorsCsv(r.errors));
    console.error(`bad rows written to ${out}`);
  } catch (err) {
    console.error(`could not write ${out}: ${(err as Error).message}`);
  }
  return 1;
}

/** The command itself, on an open database (tests call it directly). Returns the exit code. */
export async function runImport(
  db: Database,
  principal: Principal,
  target: string,
  opts: ImportCommandOptions,
): Promise<number> {
  try {
    const isFolder = (await stat(target).catch(() => null))?.isDirectory() ?? false;
    if (isFolder) {
      if (opts.kind) throw new IngestError('INGEST_BAD_REQUEST', '--kind is for one file, not a folder');
      let rejected: { file: string; result: ImportResult } | undefined;
      const done: { file: string; result: ImportResult }[] = [];
      const results = await importFolder(db, principal, target, {
        onFile: (file, result) => {
          done.push({ file, result });
          if (result.errors.length === 0) console.log(describe(file, result));
          else rejected = { file, result };
        },
      });
      for (const { file, result } of done)
        await auditImport(db.dataSource, principal, 'import', path.basename(file), result);
      if (!rejected) {
        console.log(`imported ${results.length} file${results.length === 1 ? '' : 's'}`);
        return 0;
      }
      await reportRejected(rejected.file, rejected.result);
      console.error(`stopped at ${path.basename(rejected.file)}; the files after it were not imported`);
      return 1;
    }
    const kind =
      opts.kind ??
      path
        .basename(target)
        .replace(/\.(csv|xlsx)$/i, '')
        .toLowerCase();
    if (!isImportKind(kind))
      throw new IngestError(
        'INGEST_UNKNOWN_KIND',
        opts.kind
          ? `unknown kind ${kind}; kinds are ${IMPORT_KINDS.join(', ')}`
          : `cannot tell the kind of ${path.basename(target)}: name it <kind>.csv or give --kind`,
      );
    const result = await importFile(db, principal, kind, { path: target }, { format: opts.format });
    await auditImport(db.dataSource, principal, 'import', path.basename(target), result);
    if (result.errors.length > 0) return reportRejected(target, result);
    console.log(describe(target, result));
    return 0;
  } catch (err) {
    if (!(err instanceof IngestError)) throw err;
    console.error(`${err.message}; nothing of that file was stored`);
    return 1;
  }
}
