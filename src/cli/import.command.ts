import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Principal } from '../auth/principal';
import { Database } from '../db/database';
import { databaseFailure, describeFailure } from '../db/db-failure';
import {
  errorsCsv,
  IMPORT_KINDS,
  ImportResult,
  IngestError,
  importFile,
  importFolder,
  isImportKind,
} from '../ingest';
import { timestamp } from '../ingest/cell-parsers';
import { withDatabase } from './database';
import { cliOperator } from './operator';
import { setInProgress } from './run';

/** Bad rows printed to the terminal; all of them go to the .errors.csv file. */
const PRINTED_ERRORS = 20;

interface ImportCommandOptions {
  kind?: string;
  format?: 'csv' | 'xlsx';
  /** Back-loading: a timestamp (ISO 8601 or DD/MM/YYYY HH:MM) the records are known from. */
  knownAt?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import a folder of <kind>.csv files in dependency order, or one file with --kind; each file is all or nothing',
    )
    .argument('<path>', 'a folder, or one .csv or .xlsx file')
    .option('--kind <kind>', `the kind of a single file: ${IMPORT_KINDS.join(', ')} (default: from its name)`)
    .addOption(
      new Option('--format <format>', 'csv or xlsx (default: from the file name); a file only').choices([
        'csv',
        'xlsx',
      ]),
    )
    .option(
      '--known-at <timestamp>',
      'back-load history (administrators): the records are known from this past time, attendance rows from their own recorded_at',
    )
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

/** What a file that failed as a whole (not its rows) prints: which file, that nothing of it is stored, why. */
function failureLine(file: string, err: unknown): string {
  // importFolder's IngestErrors already start with the file's name
  if (err instanceof IngestError) return `${err.message}; nothing of that file was stored`;
  return `${path.basename(file)}: not imported, nothing of it was stored: ${describeFailure(err)}`;
}

/** The command itself, on an open database (tests call it directly). Returns the exit code. */
export async function runImport(
  db: Database,
  principal: Principal,
  target: string,
  opts: ImportCommandOptions,
): Promise<number> {
  let current = target;
  const done: string[] = [];
  const starting = (file: string) => {
    current = file;
    setInProgress(`nothing of ${path.basename(file)} was stored${done.length ? `; ${imported(done)}` : ''}`);
  };
  try {
    const knownAt = knownAtOption(opts.knownAt);
    const firstImport = !knownAt && (await isFirstImport(db));
    const isFolder = (await stat(target).catch(() => null))?.isDirectory() ?? false;
    if (isFolder) {
      if (opts.kind) throw new IngestError('INGEST_BAD_REQUEST', '--kind is for one file, not a folder');
      if (opts.format)
        throw new IngestError(
          'INGEST_BAD_REQUEST',
          '--format is for one file; a folder is read by its file names',
        );
      let rejected: { file: string; result: ImportResult } | undefined;
      const results = await importFolder(db, principal, target, {
        knownAt,
        audit: { operation: 'import' },
        onFileStart: starting,
        onFile: (file, result) => {
          if (result.errors.length === 0) {
            console.log(describe(file, result));
            done.push(path.basename(file));
          } else rejected = { file, result };
        },
      });
      if (!rejected) {
        console.log(`imported ${results.length} file${results.length === 1 ? '' : 's'}`);
        if (firstImport) console.log(KNOWN_FROM_NOW);
        if (knownAt) console.log(POINTS_FORGOTTEN);
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
    starting(target);
    const result = await importFile(
      db,
      principal,
      kind,
      { path: target },
      { format: opts.format, knownAt, audit: { operation: 'import' } },
    );
    if (result.errors.length > 0) return reportRejected(target, result);
    console.log(describe(target, result));
    if (firstImport) console.log(KNOWN_FROM_NOW);
    if (knownAt) console.log(POINTS_FORGOTTEN);
    return 0;
  } catch (err) {
    // a bug is not a rejected file: it goes on to the top level, which reports it as unexpected
    if (!(err instanceof IngestError) && !databaseFailure(err)) throw err;
    const folderNote =
      current === target
        ? ''
        : `; ${done.length ? imported(done) : 'no file before it was imported'}; the files after it were not imported`;
    console.error(`${failureLine(current, err)}${folderNote}`);
    return 1;
  } finally {
    setInProgress(undefined);
  }
}

const KNOWN_FROM_NOW = `These records are known from now: "as of" a past date the hub does not see them. To load past data as the history it was, import it with --known-at <timestamp> (an administrator; see docs/history.md).`;

const POINTS_FORGOTTEN = `A back-load changes what the hub knew on past days: the stored series points are computed again, by the running server within minutes, or now with \`npx alp-hub keep-points\` (docs/operations.md).`;

/** --known-at as an instant; a timestamp the import formats accept, never in the future (checked by the import). */
function knownAtOption(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  try {
    return new Date(timestamp(raw.trim()));
  } catch (err) {
    throw new IngestError('INGEST_BAD_REQUEST', `--known-at ${raw}: ${(err as Error).message}`, 'knownAt');
  }
}

/** No file has been stored yet: the hub's first import. */
async function isFirstImport(db: Database): Promise<boolean> {
  const [row] = await db.dataSource.query(
    `SELECT NOT EXISTS (SELECT 1 FROM import_run WHERE outcome = 'stored') AS first`,
  );
  return row.first;
}

function imported(files: string[]): string {
  return `${files.join(', ')} ${files.length === 1 ? 'is' : 'are'} imported`;
}
