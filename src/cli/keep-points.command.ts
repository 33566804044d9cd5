import { Command } from 'commander';
import { authoritiesInScope, requireDate } from '../indicators/access';
import { IndicatorError } from '../indicators/indicator-error';
import { keepPoints, keptDays } from '../indicators/points-keeper';
import { withDatabase } from './database';
import { cliOperator } from './operator';
import { setInProgress } from './run';

export function registerKeepPoints(program: Command): void {
  program
    .command('keep-points')
    .description(
      'compute and store the series points not stored yet: a point per ended day for every authority together, each alone, and scopes asked for lately (the server does this in the background)',
    )
    .option('--from <date>', 'first day, YYYY-MM-DD (default: the longest series back from two days ago)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default and latest: two days ago)')
    .option('--authority <la>', 'only this authority alone (LA code)')
    .action(async (opts: { from?: string; to?: string; authority?: string }) => {
      const days = keptDays();
      const from = requireDate(opts.from ?? days.from, 'from');
      const to = requireDate(opts.to ?? days.to, 'to');
      if (from > to) throw new IndicatorError('INVALID_RANGE', 'from must be on or before to', 'to');
      await withDatabase(async (db) => {
        const started = performance.now();
        // an authority that does not exist is an error, not an empty scope kept
        const one =
          opts.authority && (await authoritiesInScope(db.dataSource, cliOperator(), opts.authority));
        const result = await keepPoints(db.dataSource, {
          from,
          to,
          scopes: one ? [one] : undefined,
          onChunk: (p) => {
            console.error(`${p.scope}: ${p.computed} of ${p.missing} points computed`);
            // what an interruption leaves: every chunk stored so far stays stored
            setInProgress(`the points computed so far are stored; run it again for the rest`);
          },
        });
        console.log(
          `${result.computed} points computed and stored for ${result.scopes} scopes, ${result.days} days from ${from} (${Math.round(performance.now() - started)} ms)`,
        );
      });
    });
}
