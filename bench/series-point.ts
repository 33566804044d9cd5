import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/db/database';
import { addDays } from '../src/domain/dates';
import * as thisFlags from '../src/indicators/flags.service';
import * as thisIndicators from '../src/indicators/indicators.service';
import * as thisRegistry from '../src/indicators/registry';
import * as thisSettings from '../src/settings/settings.definitions';

/**
 * Where a series point's time goes: on a database loaded by indicator-shapes.ts (`--reuse`), for a few
 * weekly dates of 2025/26, each statement group of a point run alone, one after another (a series
 * runs them two at a time): the headline, each flag family, and the pupil family without
 * UNEXPLAINED_ABSENCE. With `--old <dist>` (another build's `dist` folder, e.g. the code before a
 * change) each group is run by both builds in turn, alternating which goes first, with the same year
 * rates, and their answers compared. Usage (after `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/alp_speed_short node dist/bench/series-point.js [--rounds 3] [--old <dist>] [--authority 801]
 * Prints one JSON object: the median ms per point of each group over the dates and rounds, per build;
 * with --old, old over new (total time of each group) and whether every answer was the same.
 */
const FIRST = '2025-09-01';
const WEEKS = [5, 18, 26, 40];

/** The modules of one build that a point's statement groups use. */
interface Build {
  flags: typeof thisFlags;
  indicators: typeof thisIndicators;
  registry: typeof thisRegistry;
  settings: typeof thisSettings;
}

function loadBuild(root: string): Build {
  const req = (p: string) => require(path.resolve(root, p));
  return {
    flags: req('src/indicators/flags.service'),
    indicators: req('src/indicators/indicators.service'),
    registry: req('src/indicators/registry'),
    settings: req('src/settings/settings.definitions'),
  };
}

type Rates = Awaited<ReturnType<typeof thisIndicators.yearRatesAt>>;
type Group = (b: Build, ds: DataSource, date: string, rates: Rates) => Promise<unknown>;

function groups(scope: string[] | null): Record<string, Group> {
  const count =
    (pick: (code: string, type: string) => boolean, withRates: boolean): Group =>
    async (b, ds, date, rates) =>
      [
        ...(await b.flags.countFlags(
          ds,
          date,
          scope,
          b.settings.DEFAULT_SETTINGS,
          withRates ? rates : undefined,
          b.registry.FLAG_DEFINITIONS.filter((d) => pick(d.code, d.subjectType)),
        )),
      ].sort();
  return {
    headline: (b, ds, date, rates) =>
      b.indicators.headlineFigures(
        ds,
        { asOf: date, laCodes: scope, settings: JSON.stringify(b.settings.DEFAULT_SETTINGS) },
        rates,
        true,
      ),
    pupilFamily: count((_, type) => type === 'pupil', true),
    pupilFamilyWithoutUnexplained: count(
      (code, type) => type === 'pupil' && code !== 'UNEXPLAINED_ABSENCE',
      true,
    ),
    placementFamily: count((_, type) => type === 'placement', false),
    providerFamily: count((_, type) => type === 'provider', false),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      old: { type: 'string' },
      authority: { type: 'string' },
    },
  });
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL names a database loaded by indicator-shapes.ts');
  const scope = values.authority ? values.authority.split(',') : null;
  const builds: [string, Build][] = [
    ['new', { flags: thisFlags, indicators: thisIndicators, registry: thisRegistry, settings: thisSettings }],
  ];
  if (values.old) builds.push(['old', loadBuild(values.old)]);
  const db = await openDatabase({ url });
  try {
    const ds = db.dataSource;
    const dates = WEEKS.map((w) => addDays(FIRST, 7 * w));
    const rates = new Map<string, Rates>();
    for (const date of dates) rates.set(date, await thisIndicators.yearRatesAt(ds, date, scope));
    const times: Record<string, Record<string, number[]>> = Object.fromEntries(
      builds.map(([name]) => [name, {}]),
    );
    let sameAnswers = true;
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const date of dates) {
        for (const [group, run] of Object.entries(groups(scope))) {
          const answers: string[] = [];
          const order = (round + dates.indexOf(date)) % 2 ? [...builds].reverse() : builds;
          for (const [name, build] of order) {
            const t = performance.now();
            const answer = await run(build, ds, date, rates.get(date) as Rates);
            times[name][group] = [...(times[name][group] ?? []), performance.now() - t];
            answers.push(JSON.stringify(answer));
          }
          if (answers.some((a) => a !== answers[0])) sameAnswers = false;
        }
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const perBuild = (f: (xs: number[]) => number) =>
      Object.fromEntries(
        Object.entries(times).map(([name, byGroup]) => [
          name,
          Object.fromEntries(Object.entries(byGroup).map(([g, xs]) => [g, Math.round(f(xs))])),
        ]),
      );
    console.log(
      JSON.stringify(
        {
          dates,
          scope,
          medianMs: perBuild(median),
          ...(values.old
            ? {
                oldOverNew: Object.fromEntries(
                  Object.keys(times.new).map((g) => [
                    g,
                    Math.round((sum(times.old[g]) / sum(times.new[g])) * 100) / 100,
                  ]),
                ),
                sameAnswers,
              }
            : {}),
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
