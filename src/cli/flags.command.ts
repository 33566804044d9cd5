import { Command, Option } from 'commander';
import { recordAudit } from '../audit/audit.service';
import type { Flag } from '../indicators/flag-definition';
import { computeFlags } from '../indicators/flags.service';
import { FLAG_CODES, flagDefinition, SUBJECT_TYPES } from '../indicators/registry';
import { formatTable } from '../indicators/text-table';
import { safeCell } from '../reports/safe-cell';
import { withDatabase } from './database';
import { cliOperator } from './operator';

interface FlagsOptions {
  asOf: string;
  authority?: string;
  code?: string[];
  subjectType?: 'pupil' | 'placement' | 'provider';
  json?: boolean;
  csv?: boolean;
}

const CSV_HEADER = ['code', 'title', 'subject_type', 'subject_key', 'authorities', 'reason'];

function csvCell(raw: string): string {
  const value = safeCell(raw);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The flags as CSV (RFC 4180), titles from the registry; authorities space-separated. */
export function renderFlagsCsv(flags: Flag[]): string {
  const rows = flags.map((f) => [
    f.code,
    flagDefinition(f.code)?.title ?? f.code,
    f.subjectType,
    f.subjectKey,
    f.authorities.join(' '),
    f.reason,
  ]);
  return [CSV_HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\n');
}

/** The flags as one JSON array (stable key order), or a table for people. */
export function renderFlags(flags: Flag[], json: boolean): string {
  if (json) {
    return JSON.stringify(
      flags.map((f) => ({
        code: f.code,
        subjectType: f.subjectType,
        subjectKey: f.subjectKey,
        authorities: f.authorities,
        reason: f.reason,
      })),
      null,
      2,
    );
  }
  if (flags.length === 0) return 'no flags';
  const table = formatTable(
    ['code', 'subject', 'key', 'authorities', 'reason'],
    flags.map((f) => [f.code, f.subjectType, f.subjectKey, f.authorities.join(' '), f.reason]),
  );
  return `${table}\n${flags.length} flag${flags.length === 1 ? '' : 's'}`;
}

export function registerFlags(program: Command): void {
  program
    .command('flags')
    .description('every flag raised as of a date, from what the hub knew on that date')
    .requiredOption('--as-of <date>', 'the date, YYYY-MM-DD')
    .option('--authority <la>', 'one authority (LA code); default every authority')
    .addOption(new Option('--code <code...>', 'only these flag codes').choices([...FLAG_CODES]))
    .addOption(
      new Option('--subject-type <type>', 'only flags about this kind of subject').choices([
        ...SUBJECT_TYPES,
      ]),
    )
    .option('--json', 'a JSON array of {code, subjectType, subjectKey, authorities, reason}')
    .option('--csv', 'CSV with a header row (code, title, subject_type, subject_key, authorities, reason)')
    .action(async (opts: FlagsOptions) => {
      const flags = await withDatabase(async (db) => {
        const found = await computeFlags(db.dataSource, cliOperator(), {
          asOf: opts.asOf,
          authority: opts.authority,
          codes: opts.code,
          subjectType: opts.subjectType,
        });
        await recordAudit(db.dataSource, cliOperator(), {
          action: 'export',
          operation: 'flags',
          subjectKind: 'flag',
          subjects: found
            .filter((f) => f.subjectType !== 'provider')
            .map((f) => `${f.subjectType}:${f.subjectKey}`),
          detail: { asOf: opts.asOf, authority: opts.authority ?? null },
        });
        return found;
      });
      console.log(opts.csv ? renderFlagsCsv(flags) : renderFlags(flags, Boolean(opts.json)));
    });
}
