import { Command } from 'commander';
import { londonToday } from '../domain/dates';
import { INDICATOR_DEFINITIONS } from '../indicators/aggregates/indicator-definitions';
import { computeIndicators } from '../indicators/indicators.service';
import { formatTable } from '../indicators/text-table';
import { formatMeasure } from '../reports/measure-format';
import { withDatabase } from './database';
import { cliOperator } from './operator';

export function registerIndicators(program: Command): void {
  program
    .command('indicators')
    .description('the aggregate indicators and flag counts of an authority (or all) at a date')
    .option('--as-of <date>', 'YYYY-MM-DD (default: today, Europe/London)')
    .option('--authority <la>', 'one authority (LA code); default: every authority')
    .option('--json', 'the whole report as JSON (breakdowns, destinations, providers included)')
    .action(async (opts: { asOf?: string; authority?: string; json?: boolean }) => {
      await withDatabase(async (db) => {
        const report = await computeIndicators(db.dataSource, cliOperator(), {
          asOf: opts.asOf ?? londonToday(),
          authority: opts.authority ?? null,
        });
        if (opts.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        const rows = INDICATOR_DEFINITIONS.filter((d) => report.headline[d.key]).map((d) => [
          d.title,
          formatMeasure(report.headline[d.key], d.unit),
        ]);
        console.log(`as of ${report.asOf}, ${report.authorities?.join(', ') ?? 'every authority'}\n`);
        console.log(formatTable(['indicator', 'value'], rows));
        console.log();
        console.log(
          formatTable(
            ['flag', 'count'],
            report.flagCounts.map((c) => [c.code, formatMeasure(c.count, 'count')]),
          ),
        );
      });
    });
}
