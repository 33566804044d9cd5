import { Command } from 'commander';
import { buildReportWorkbook } from '../reports/workbook';
import { withDatabase } from './database';
import { cliOperator } from './operator';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write the indicators, flag counts, providers, chart and flags at a date as an .xlsx workbook',
    )
    .option('--as-of <date>', 'YYYY-MM-DD (default: today, Europe/London)')
    .option('--authority <la>', 'one authority (LA code); default: every authority')
    .option('--out <file>', 'where to write the workbook', 'alp-hub-report.xlsx')
    .action(async (opts: { asOf?: string; authority?: string; out: string }) => {
      await withDatabase(async (db) => {
        const book = await buildReportWorkbook(db, cliOperator(), opts);
        await book.xlsx.writeFile(opts.out);
        console.log(`wrote ${opts.out}`);
      });
    });
}
