import { Command, InvalidArgumentError } from 'commander';
import { DemoLoadSummary, DemoOptions, generateDemo, loadDemo, TypeMix, writeDemoCsv } from '../demo';
import { withDatabase } from './database';
import { cliOperator } from './operator';

interface DemoCliOptions {
  seed: number;
  pupils: number;
  authorities?: number;
  placements?: number;
  meanWeeks?: number;
  historyYears?: number;
  typeMix?: TypeMix;
  today?: string;
  out?: string;
  force?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'synthetic, deterministic demo data: write it as import files (--out), or load it into the database',
    )
    .option('--seed <n>', 'random seed: the same seed and sizes give byte-identical files', integer, 1)
    .option('--pupils <n>', 'pupils across the authorities', integer, 600)
    .option('--authorities <n>', 'how many of the framework authorities 802, 801, 803 (1 to 3)', integer)
    .option('--placements <n>', 'total placements (default about 1.3 a pupil)', integer)
    .option('--mean-weeks <n>', 'mean planned placement length in weeks (default by type)', integer)
    .option('--history-years <n>', 'academic years of history before the current one (default 1)', integer)
    .option(
      '--type-mix <f,p,i>',
      'weights of full-time, part-time and in-school placements, e.g. 80,15,5 (default by reason)',
      typeMix,
    )
    .option('--today <date>', "the demo's today, YYYY-MM-DD (default today in Europe/London)")
    .option('--out <folder>', 'write <kind>.csv files (and corrections/attendance.csv) here; no database')
    .option('--force', 'load even when the database already has authorities (rows upsert by natural key)')
    .action(async (opts: DemoCliOptions) => {
      const demo: DemoOptions = {
        seed: opts.seed,
        pupils: opts.pupils,
        authorities: opts.authorities,
        placements: opts.placements,
        meanWeeks: opts.meanWeeks,
        historyYears: opts.historyYears,
        typeMix: opts.typeMix,
        today: opts.today,
      };
      if (opts.out) {
        const files = writeDemoCsv(opts.out, generateDemo(demo));
        for (const f of files) console.log(`${f.file}: ${f.rows} rows`);
        return;
      }
      const summary = await withDatabase(async (db) => {
        const [{ any }] = await db.dataSource.query('SELECT EXISTS (SELECT 1 FROM authority) AS any');
        if (any && !opts.force) return null;
        return loadDemo(db, cliOperator(), demo);
      });
      if (!summary) {
        // Not an error: `alp-hub demo` before every start should be safe to repeat.
        console.log('the database already has authorities: nothing loaded (use --force to load anyway)');
        return;
      }
      console.log(describeLoad(summary));
    });
}

export function describeLoad(s: DemoLoadSummary): string {
  const lines = s.files.map(
    (f) =>
      `${f.corrections ? `${f.kind} corrections` : f.kind}: ${f.rows} rows (${f.inserted} new, ${f.updated} changed)`,
  );
  lines.push(
    `generated in ${(s.generateMs / 1000).toFixed(1)} s, imported in ${(s.importMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

function typeMix(value: string): TypeMix {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p)))
    throw new InvalidArgumentError(`${value} is not three weights, like 80,15,5`);
  const [full_time, part_time, in_school] = parts.map(Number);
  return { full_time, part_time, in_school };
}

function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${value} is not a whole number`);
  return Number(value);
}
