import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/database';
import { addDays } from '../src/domain/dates';
import { countFlags } from '../src/indicators/flags.service';
import { headlineFigures } from '../src/indicators/indicators.service';
import { FLAG_DEFINITIONS } from '../src/indicators/registry';
import { steppedYearRates } from '../src/indicators/year-rates';
import { DEFAULT_SETTINGS } from '../src/settings/settings.definitions';

/**
 * Where a series point's time goes: on a database loaded by indicator-shapes.ts (`--reuse`), for a few
 * weekly dates of 2025/26, each statement group of a point run alone, one after another (a series
 * runs them two at a time): the headline, each flag family, and the pupil family without
 * UNEXPLAINED_ABSENCE. Usage (after `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/alp_speed_short node dist/bench/series-point.js [--rounds 3]
 * Prints one JSON object: the median ms per point of each group over the dates and rounds.
 */
const FIRST = '2025-09-01';
const WEEKS = [5, 18, 26, 40];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL names a database loaded by indicator-shapes.ts');
  const db = await openDatabase({ url });
  try {
    const ds = db.dataSource;
    const rates = await steppedYearRates(ds, FIRST, Math.max(...WEEKS) + 1, null);
    const pupil = FLAG_DEFINITIONS.filter((d) => d.subjectType === 'pupil');
    const count = (defs: typeof pupil, week?: number) => (date: string) =>
      countFlags(ds, date, null, DEFAULT_SETTINGS, week === undefined ? undefined : rates[week], defs);
    const family = (type: string) => FLAG_DEFINITIONS.filter((d) => d.subjectType === type);
    const groups: Record<string, (date: string, week: number) => Promise<unknown>> = {
      headline: (date, week) =>
        headlineFigures(
          ds,
          { asOf: date, laCodes: null, settings: JSON.stringify(DEFAULT_SETTINGS) },
          rates[week],
          true,
        ),
      pupilFamily: (date, week) => count(pupil, week)(date),
      pupilFamilyWithoutUnexplained: (date, week) =>
        count(
          pupil.filter((d) => d.code !== 'UNEXPLAINED_ABSENCE'),
          week,
        )(date),
      placementFamily: count(family('placement')),
      providerFamily: count(family('provider')),
    };
    const times: Record<string, number[]> = {};
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const week of WEEKS) {
        const date = addDays(FIRST, 7 * week);
        for (const [name, run] of Object.entries(groups)) {
          const t = performance.now();
          await run(date, week);
          times[name] = [...(times[name] ?? []), performance.now() - t];
        }
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      JSON.stringify(
        {
          dates: WEEKS.map((w) => addDays(FIRST, 7 * w)),
          medianMs: Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, Math.round(median(xs))])),
        },
        null,
        2,
      ),
    );
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
