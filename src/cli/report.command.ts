import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Argument, Command, Option } from 'commander';
import { buildReport, REPORT_KINDS } from '../reports/documents';
import type { ReportKind } from '../reports/documents/document';
import { REPORT_FORMATS, renderReport } from '../reports/render';
import { auditReport } from '../reports/report.service';
import { buildReportWorkbook } from '../reports/workbook';
import { withDatabase } from './database';
import { cliOperator } from './operator';

interface ReportOptions {
  asOf?: string;
  authority?: string;
  school?: string;
  provider?: string;
  from?: string;
  to?: string;
  format?: string;
  table?: string;
  out?: string;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (pipes and CI logs stay clean). */
function progress(): { step(name: string): void; stop(): void } {
  if (!process.stderr.isTTY) return { step() {}, stop() {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'report [{bar}] {value}/{total} {step}',
    hideCursor: true,
    clearOnComplete: true,
  });
  const steps = 3;
  bar.start(steps, 0, { step: 'reading' });
  return {
    step(name) {
      bar.increment(1, { step: name });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Writes beside the target and renames, so a failed run never leaves half a file. */
async function writeWhole(file: string, data: Buffer): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write a report: la (monitoring report), governor (a school), provider (scorecard); with no kind, the indicators workbook (.xlsx) as before',
    )
    .addArgument(new Argument('[kind]', `one of ${REPORT_KINDS.join(', ')}`))
    .option('--as-of <date>', 'YYYY-MM-DD (default: today, Europe/London)')
    .option('--authority <la>', 'the authority (LA code); needed for la')
    .option('--school <urn>', 'the school (URN); needed for governor')
    .option('--provider <ref>', 'the provider reference; needed for provider')
    .option(
      '--from <date>',
      'period start (governor, provider; default 1 September) or previous report date (la)',
    )
    .option('--to <date>', 'period end (governor, provider; default the as-of date)')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]))
    .option('--table <name>', 'with --format csv: the table to write (default: the first)')
    .option('--out <file>', 'where to write (default: alp-hub-<kind>-report.<format>)')
    .action(async (kind: ReportKind | undefined, opts: ReportOptions) => {
      if (!kind) {
        const out = opts.out ?? 'alp-hub-report.xlsx';
        await withDatabase(async (db) => {
          await buildReportWorkbook(db, cliOperator(), opts, async (book) =>
            writeWhole(out, Buffer.from(await book.xlsx.writeBuffer())),
          );
          console.log(`wrote ${out}`);
        });
        return;
      }
      if (!(REPORT_KINDS as readonly string[]).includes(kind))
        throw new Error(`unknown report ${kind}; one of ${REPORT_KINDS.join(', ')}`);
      const format = opts.format ?? (opts.out ? path.extname(opts.out).slice(1) : 'pdf');
      if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
        throw new Error(
          `--format must be one of ${REPORT_FORMATS.join(', ')} (or give --out with that extension)`,
        );
      }
      const out = opts.out ?? `alp-hub-${kind}-report.${format}`;
      const bar = progress();
      try {
        await withDatabase(async (db) => {
          const req = {
            kind,
            asOf: opts.asOf,
            authority: opts.authority,
            schoolUrn: opts.school,
            providerRef: opts.provider,
            from: opts.from,
            to: opts.to,
          };
          const who = cliOperator();
          const doc = await buildReport(db, who, req);
          bar.step('rendering');
          const data = await renderReport(doc, format, { table: opts.table });
          bar.step('writing');
          await writeWhole(out, data);
          // a report on disk that names children is never left without its audit row
          await auditReport(db, who, { ...req, format }, doc).catch(async (err) => {
            await rm(out, { force: true });
            throw err;
          });
          bar.step('done');
        });
      } finally {
        bar.stop();
      }
      console.log(`wrote ${out}`);
    });
}
