import { Command } from 'commander';
import { AuditEvent, listAudit } from '../audit/audit.service';
import { formatTable } from '../indicators/text-table';
import { safeCell } from '../reports/safe-cell';
import { withDatabase } from './database';
import { cliOperator } from './operator';

const COLUMNS: (keyof AuditEvent)[] = [
  'id',
  'at',
  'actor',
  'role',
  'action',
  'operation',
  'subjectKind',
  'subjectCount',
  'subjects',
  'address',
  'client',
  'before',
  'after',
  'detail',
];

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvField(value: string): string {
  const v = safeCell(value);
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('the audit trail, newest first: reads of pupil data, changes, sign-ins, exports')
    .option('--since <time>', 'from this date or ISO time')
    .option('--until <time>', 'before this date or ISO time')
    .option('--user <username>', 'done by this user (os:<name> for the CLI)')
    .option('--pupil <upn>', "touching this pupil's record")
    .option('--limit <n>', 'at most this many rows', '1000')
    .option('--csv', 'print CSV')
    .action(
      async (opts: {
        since?: string;
        until?: string;
        user?: string;
        pupil?: string;
        limit: string;
        csv?: boolean;
      }) => {
        const rows = await withDatabase((db) =>
          listAudit(db.dataSource, cliOperator(), {
            since: opts.since,
            until: opts.until,
            user: opts.user,
            subject: opts.pupil,
            limit: Number(opts.limit),
          }),
        );
        if (opts.csv) {
          console.log(COLUMNS.join(','));
          for (const r of rows) console.log(COLUMNS.map((c) => csvField(cell(r[c]))).join(','));
          return;
        }
        console.log(
          formatTable(
            ['at', 'actor', 'action', 'operation', 'subjects'],
            rows.map((r) => [
              r.at,
              r.actor,
              r.action,
              r.operation,
              r.subjectCount > r.subjects.length
                ? `${r.subjects.slice(0, 3).join(' ')} … (${r.subjectCount})`
                : r.subjects.slice(0, 3).join(' ') + (r.subjects.length > 3 ? ` … (${r.subjectCount})` : ''),
            ]),
          ),
        );
      },
    );
}
