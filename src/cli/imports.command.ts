import { Command, InvalidArgumentError } from 'commander';
import { revertImport } from '../history/revert.service';
import { formatTable } from '../indicators/text-table';
import { ImportRunRecord, listImportRuns } from '../ingest/import-run.service';
import { withDatabase } from './database';
import { cliOperator } from './operator';

interface ListOptions {
  json?: boolean;
  limit?: number;
}

function count(n: number | null): string {
  return n === null ? '' : String(n);
}

export function renderImportRuns(runs: ImportRunRecord[]): string {
  if (runs.length === 0) return 'no imports yet';
  const rows = runs.map((r) => [
    String(r.id),
    r.startedAt.toISOString(),
    r.kind,
    r.fileName ?? (r.reverts === null ? '(register)' : `(undo of ${r.reverts})`),
    r.principalName,
    r.outcome,
    count(r.rows),
    count(r.inserted),
    count(r.updated),
    count(r.unchanged),
    note(r),
  ]);
  return formatTable(
    ['id', 'started', 'kind', 'file', 'who', 'outcome', 'rows', 'inserted', 'updated', 'unchanged', 'note'],
    rows,
  );
}

function note(r: ImportRunRecord): string {
  if (r.outcome === 'rejected') return `${r.errors} bad rows`;
  const notes = [
    r.message,
    r.knownAt ? `back-load known from ${r.knownAt.toISOString()}` : null,
    r.reverts ? `undoes import ${r.reverts}` : null,
    r.revertedBy ? `undone by import ${r.revertedBy}` : null,
  ];
  return notes.filter(Boolean).join('; ');
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('a whole number above 0');
  return n;
}

export function registerImports(program: Command): void {
  const imports = program.command('imports').description('the record of every import (CLI and API)');
  imports
    .command('list')
    .description('every import, newest first: id, when, kind, file, who, outcome and counts')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most this many (default 50)', positiveInteger)
    .action(async (opts: ListOptions) => {
      const principal = cliOperator();
      const runs = await withDatabase((db) => listImportRuns(db, principal, { limit: opts.limit }));
      console.log(opts.json ? JSON.stringify(runs, null, 2) : renderImportRuns(runs));
    });
  imports
    .command('revert')
    .description(
      'undo every change an import made, by new versions (history kept); refused where a later change touched the same records',
    )
    .argument('<id>', 'the import (see imports list)', positiveInteger)
    .option('--force', 'undo it even over later changes to the same records (those are undone too)')
    .action(async (id: number, opts: { force?: boolean }) => {
      const principal = cliOperator();
      const r = await withDatabase((db) => revertImport(db, principal, id, { force: opts.force }));
      console.log(
        `import ${r.reverted} (${r.kind}) undone by import ${r.runId}: ${r.deleted} records it added deleted, ${r.restored} records it changed restored`,
      );
    });
}
