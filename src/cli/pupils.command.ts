import { Command } from 'commander';
import { isIsoDate } from '../domain/dates';
import { upnProblem } from '../domain/upn';
import { formatTable } from '../indicators/text-table';
import {
  ErasureResult,
  erasePupil,
  pupilsPastRetention,
  RetentionCandidate,
} from '../records/erasure.service';
import { badInput } from '../records/record-errors';
import { withDatabase } from './database';
import { cliOperator } from './operator';

// checked in the actions rather than as commander argument parsers: a nested command's parse error
// would exit the process instead of failing the command
function upnArgument(value: string): string {
  const upn = value.trim().toUpperCase();
  const problem = upnProblem(upn);
  if (problem) throw badInput(`${value} is not a UPN: ${problem}`, 'upn');
  return upn;
}

function dateOption(value: string | undefined): string | undefined {
  if (value !== undefined && !isIsoDate(value))
    throw badInput(`--on ${value} is not a date YYYY-MM-DD`, 'on');
  return value;
}

export function renderErasure(upn: string, r: ErasureResult): string {
  const rows = Object.entries(r.removed)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => [table, String(n)]);
  return [
    `erased pupil ${upn} (internal id ${r.pupilId}); the audit keeps the id only`,
    formatTable(['table', 'rows removed'], rows),
    `audit rows redacted: ${r.auditRowsRedacted}`,
  ].join('\n');
}

export function renderRetention(rows: RetentionCandidate[], on: string): string {
  if (rows.length === 0) return `no pupil is past retention on ${on}`;
  return formatTable(
    ['upn', 'la', 'last placement ended', 'kept until', 'retention years'],
    rows.map((r) => [
      r.upn,
      r.laCode,
      r.lastPlacementEnded ?? '(none)',
      r.keptUntil,
      String(r.retentionYears),
    ]),
  );
}

export function registerPupils(program: Command): void {
  const pupils = program.command('pupils').description('erasure of pupils, and who is past retention');
  pupils
    .command('erase <upn>')
    .description(
      'erase a pupil: every version of every record about them, their attendance, their UPN in the audit (cannot be undone)',
    )
    .action(async (raw: string) => {
      const upn = upnArgument(raw);
      const result = await withDatabase((db) => erasePupil(db.dataSource, cliOperator(), upn));
      console.log(renderErasure(upn, result));
    });
  pupils
    .command('retention')
    .description("pupils past their authority's retentionYears setting: candidates for erasure")
    .option('--on <date>', 'as on this date (default today, Europe/London)')
    .option('--json', 'print JSON')
    .action(async (opts: { on?: string; json?: boolean }) => {
      const on = dateOption(opts.on);
      const rows = await withDatabase((db) => pupilsPastRetention(db.dataSource, cliOperator(), on));
      console.log(opts.json ? JSON.stringify(rows, null, 2) : renderRetention(rows, opts.on ?? 'today'));
    });
}
