import 'reflect-metadata';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { localAdministrator, Principal } from '../src/auth/principal';
import { Database, openDatabase } from '../src/db/database';
import { CORRECTIONS_FOLDER, DEMO_KINDS, DemoOptions, generateDemo, writeDemoCsv } from '../src/demo';
import { addDays, daysBetween } from '../src/domain/dates';
import { authoritiesInScope } from '../src/indicators/access';
import { computeSeries } from '../src/indicators/indicators.service';
import { keepPoints } from '../src/indicators/points-keeper';
import { importFile } from '../src/ingest';
import { updateSettings } from '../src/settings/settings.service';

/**
 * Indicators on data of several shapes, each written as import files and loaded through the real
 * importer (autovacuum left as it is), then all flags, the snapshot, the weekly series of the academic
 * year and the dashboard page timed; then (unless --no-series) the keeper storing a point for every day
 * of the year, and the year's series read from those points (`kept`). Usage (after `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/indicator-shapes.js --shape short
 *   node dist/bench/indicator-shapes.js --shape short          (embedded PGlite, data in the OS temp folder)
 * Options: --shape short|long|authorities|corrections|large; --reuse keeps the loaded database
 * (`alp_speed_<shape>` on the server, `<tmp>/alp-speed-<shape>` for PGlite) for later runs; --old <dist>
 * also times another build of the hub (its `dist` folder, e.g. the code before a change) on the same
 * data, alternating with this one, and checks both give the same answers; --rounds N (default 2);
 * --no-series; --as la_officer asks as an LA officer of every authority loaded instead of as an
 * administrator (the same answers, through the officer's scope and, behind the row-level wall, the
 * officer's policy predicates). Prints one JSON object (milliseconds).
 */
const TODAY = '2026-03-03';
const AS_OF = '2026-03-02';
const YEAR = { from: '2025-09-01', to: '2026-08-31' };
/**
 * The files are back-loaded as known from before the demo's first record (attendance from its own
 * recorded_at), so that the dates asked about see them: a plain import today would be known only from
 * today, and a past `asOf` would see an empty hub.
 */
const KNOWN_AT = new Date('2024-09-01T00:00:00Z');

interface Shape {
  description: string;
  demo: Omit<DemoOptions, 'seed' | 'today'>;
  /** Per authority: settings overrides applied after the load. */
  settings?: Record<string, Record<string, number | string>>;
  /** Extra correction rounds over the first delivery: every `every`-th mark re-recorded `days` later. */
  corrections?: { every: number; days: number }[];
}

const SHAPES: Record<string, Shape> = {
  short: {
    description: 'many short placements: 6,000 pupils, 40,000 placements of about 5 weeks, one authority',
    demo: { pupils: 6000, placements: 40000, meanWeeks: 5, authorities: 1, historyYears: 1 },
  },
  long: {
    description: 'few long placements: 6,000 pupils, 3,200 placements of about 2 years, one authority',
    demo: {
      pupils: 6000,
      placements: 3200,
      meanWeeks: 100,
      authorities: 1,
      historyYears: 1,
      typeMix: { full_time: 70, part_time: 20, in_school: 10 },
    },
  },
  authorities: {
    description:
      'three authorities with their own calendars and settings: 6,000 pupils, 9,000 placements of about 40 weeks',
    demo: { pupils: 6000, placements: 9000, meanWeeks: 40, authorities: 3, historyYears: 1 },
    settings: {
      '801': { absenceMinSessions: 20, persistentAbsenceRate: 0.15, attendanceReportingDays: 3 },
      '803': { unexplainedAbsenceSessions: 4, reviewIntervalWeeks: 8, lateReportingWindowDays: 14 },
    },
  },
  corrections: {
    description:
      'heavy corrections: two authorities, 6,000 pupils, 8,000 placements of about 36 weeks; one mark in 5 re-recorded 10 days later, one in 15 again 20 days later',
    demo: { pupils: 6000, placements: 8000, meanWeeks: 36, authorities: 2, historyYears: 1 },
    corrections: [
      { every: 5, days: 10 },
      { every: 15, days: 20 },
    ],
  },
  large: {
    description:
      'a large authority: 20,000 pupils, 34,000 placements of about 30 weeks, about 3 million marks',
    demo: { pupils: 20000, placements: 34000, meanWeeks: 30, authorities: 1, historyYears: 1 },
  },
};

/** The surfaces timed, as functions of one build of the hub (this one or `--old`). */
interface Build {
  name: string;
  flags(db: Database): Promise<unknown[]>;
  indicators(db: Database): Promise<unknown>;
  /** The year's series with no point stored: every point computed. */
  series(db: Database): Promise<unknown[]>;
  /** The same series again, its points stored by the first (src/indicators/series-points.ts). */
  seriesStored(db: Database): Promise<unknown[]>;
  dashboard(db: Database): Promise<unknown>;
}

/** Forgets the stored series points, on a build that stores them. */
async function forgetPoints(db: Database): Promise<void> {
  const [{ stores }] = await db.dataSource.query(
    `SELECT to_regproc('alp_forget_indicator_points') IS NOT NULL AS stores`,
  );
  if (stores) await db.dataSource.query('SELECT alp_forget_indicator_points()');
}

let principal: Principal = localAdministrator('bench');

function loadBuild(name: string, root: string): Build {
  // biome-ignore lint/suspicious/noExplicitAny: modules of another build, loaded by path
  const req = (p: string): any => require(path.resolve(root, p));
  const flagsService = req('src/indicators/flags.service');
  const indicatorsService = req('src/indicators/indicators.service');
  const dashboardService = req('src/reports/dashboard.service');
  return {
    name,
    flags: (db) => flagsService.computeFlags(db.dataSource, principal, { asOf: AS_OF }),
    indicators: (db) => indicatorsService.computeIndicators(db.dataSource, principal, { asOf: AS_OF }),
    series: async (db) => {
      await forgetPoints(db);
      return indicatorsService.computeSeries(db.dataSource, principal, YEAR);
    },
    seriesStored: (db) => indicatorsService.computeSeries(db.dataSource, principal, YEAR),
    dashboard: (db) => dashboardService.buildDashboard(db, principal, { asOf: AS_OF }),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = performance.now();
  const result = await fn();
  return { ms: Math.round(performance.now() - t), result };
}

/** Re-records every `every`-th mark of `source` `days` later with another code: a school's corrections. */
async function writeCorrections(
  source: string,
  target: string,
  every: number,
  days: number,
): Promise<number> {
  const out = createWriteStream(target);
  const lines = createInterface({ input: createReadStream(source), crlfDelay: Number.POSITIVE_INFINITY });
  let i = -1;
  let written = 0;
  for await (const line of lines) {
    i += 1;
    if (i === 0) {
      out.write(`${line}\n`);
      continue;
    }
    if (i % every !== 0) continue;
    const [ref, date, session, code, recordedAt, , ...rest] = line.split(',');
    if (rest.length) throw new Error(`unexpected attendance line: ${line}`);
    const later = `${addDays(recordedAt.slice(0, 10), days)}${recordedAt.slice(10)}`;
    const fixed = code === 'N' || code === 'O' ? 'I' : code === '/' || code === '\\' ? 'O' : 'N';
    if (!out.write(`${ref},${date},${session},${fixed},${later},school\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
    written += 1;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return written;
}

async function load(db: Database, shape: Shape): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'alp-speed-files-'));
  const figures: Record<string, unknown> = {};
  try {
    let t = performance.now();
    const data = generateDemo({ seed: 11, today: TODAY, ...shape.demo });
    const files = writeDemoCsv(work, data);
    figures.writeFilesMs = Math.round(performance.now() - t);
    const deliveries: { kind: (typeof DEMO_KINDS)[number]; file: string }[] = [
      ...DEMO_KINDS.map((kind) => ({ kind, file: path.join(work, `${kind}.csv`) })),
      { kind: 'attendance', file: path.join(work, CORRECTIONS_FOLDER, 'attendance.csv') },
    ];
    for (const [i, c] of (shape.corrections ?? []).entries()) {
      const file = path.join(work, CORRECTIONS_FOLDER, `round-${i + 1}.csv`);
      await writeCorrections(path.join(work, 'attendance.csv'), file, c.every, c.days);
      deliveries.push({ kind: 'attendance', file });
    }
    figures.files = files.map((f) => ({ file: path.relative(work, f.file), rows: f.rows }));
    const imports: Record<string, number> = {};
    for (const d of deliveries) {
      t = performance.now();
      const result = await importFile(db, principal, d.kind, { path: d.file }, { knownAt: KNOWN_AT });
      if (result.errors.length) throw new Error(`${d.file}: ${JSON.stringify(result.errors.slice(0, 3))}`);
      imports[path.relative(work, d.file)] = Math.round(performance.now() - t);
    }
    figures.importMs = imports;
    for (const [la, values] of Object.entries(shape.settings ?? {})) {
      await updateSettings(
        db.dataSource,
        principal,
        la,
        Object.entries(values).map(([key, value]) => ({ key, value })),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

async function openShapeDatabase(shapeName: string, reuse: boolean): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  const name = `alp_speed_${shapeName}`;
  if (!serverUrl) {
    const dir = path.join(os.tmpdir(), `alp-speed-${shapeName}`);
    if (!reuse) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return openDatabase({ dataDir: dir, migrate: true });
  }
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    if (exists && !reuse) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    if (!exists || !reuse) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return openDatabase({ url: url.toString(), migrate: true });
}

/**
 * The keeper (src/indicators/points-keeper.ts) from nothing stored: every day of the academic year for
 * the asker's scope, as `alp-hub keep-points` computes them, on a "today" whose chart shows the year's
 * weekly dates (so those come first: `chartedMs` is when they are all stored); then the year's series
 * in two alignments, read from what it stored, and whether they say what the series computed from
 * nothing said.
 */
async function keptSeries(db: Database, computed: unknown): Promise<Record<string, unknown>> {
  await forgetPoints(db);
  const scope = await authoritiesInScope(db.dataSource, principal, null);
  const charted = daysBetween(YEAR.from, YEAR.to) / 7 + 1;
  const started = performance.now();
  let chartedMs: number | undefined;
  const keep = await timed(() =>
    keepPoints(db.dataSource, {
      ...YEAR,
      today: addDays(YEAR.to, 7),
      scopes: [scope],
      onChunk: (p) => {
        if (chartedMs === undefined && p.computed >= charted)
          chartedMs = Math.round(performance.now() - started);
      },
    }),
  );
  const series = await timed(() => computeSeries(db.dataSource, principal, YEAR));
  const shifted = await timed(() =>
    computeSeries(db.dataSource, principal, { ...YEAR, from: addDays(YEAR.from, 3) }),
  );
  return {
    points: keep.result.computed,
    chartedMs,
    keepMs: keep.ms,
    msPerPoint: Math.round(keep.ms / keep.result.computed),
    seriesMs: series.ms,
    shiftedSeriesMs: shifted.ms,
    sameAnswers: same(series.result, computed),
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      shape: { type: 'string', default: 'short' },
      reuse: { type: 'boolean', default: false },
      old: { type: 'string' },
      rounds: { type: 'string', default: '2' },
      'no-series': { type: 'boolean', default: false },
      as: { type: 'string', default: 'admin' },
    },
  });
  const shapeName = values.shape as string;
  const shape = SHAPES[shapeName];
  if (!shape) throw new Error(`--shape is one of ${Object.keys(SHAPES).join(', ')}`);
  if (values.as !== 'admin' && values.as !== 'la_officer') throw new Error('--as is admin or la_officer');
  const db = await openShapeDatabase(shapeName, values.reuse as boolean);
  const figures: Record<string, unknown> = {
    shape: shapeName,
    description: shape.description,
    database: db.embedded ? 'embedded PGlite' : 'PostgreSQL server',
    asOf: AS_OF,
  };
  try {
    const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM attendance');
    if (n === 0) figures.load = await load(db, shape);
    figures.rows = (
      await db.dataSource.query(`SELECT (SELECT count(*) FROM authority)::int AS authorities,
        (SELECT count(*) FROM pupil)::int AS pupils, (SELECT count(*) FROM placement)::int AS placements,
        (SELECT count(*) FROM placement WHERE start_date <= '${AS_OF}' AND (end_date IS NULL OR end_date >= '${AS_OF}'))::int AS active_placements,
        (SELECT count(*) FROM attendance)::int AS attendance,
        (SELECT count(*) FROM attendance WHERE superseded_at IS NOT NULL)::int AS superseded`)
    )[0];
    if (values.as === 'la_officer') {
      const las: { la_code: string }[] = await db.dataSource.query(
        'SELECT la_code FROM authority ORDER BY 1',
      );
      principal = { ...principal, role: 'la_officer', authorities: las.map((a) => a.la_code) };
    }
    figures.as = values.as;
    const builds = [loadBuild('new', path.resolve(__dirname, '..'))];
    if (values.old) builds.push(loadBuild('old', values.old));
    const surfaces: (keyof Omit<Build, 'name'>)[] = ['flags', 'indicators', 'dashboard'];
    if (!values['no-series']) surfaces.push('series', 'seriesStored');
    const times: Record<string, Record<string, number[]>> = {};
    const answers: Record<string, Record<string, unknown>> = {};
    let flagCount = 0;
    for (let round = 0; round < Number(values.rounds); round += 1) {
      // alternate which build goes first, so neither always runs on a warmer cache
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const build of order) {
        for (const surface of surfaces) {
          const r = await timed(() => build[surface](db));
          times[build.name] = times[build.name] ?? {};
          times[build.name][surface] = [...(times[build.name][surface] ?? []), r.ms];
          answers[build.name] = { ...answers[build.name], [surface]: r.result };
          if (surface === 'flags') flagCount = (r.result as unknown[]).length;
        }
      }
    }
    figures.flags = flagCount;
    figures.ms = times;
    if (!values['no-series']) figures.kept = await keptSeries(db, answers.new.series);
    if (values.old) {
      const best = (b: string, s: string) => Math.min(...times[b][s]);
      figures.oldOverNew = Object.fromEntries(
        surfaces.map((s) => [s, Math.round((best('old', s) / best('new', s)) * 10) / 10]),
      );
      figures.sameAnswers = Object.fromEntries(
        surfaces.map((s) => [s, same(answers.old[s], answers.new[s])]),
      );
    }
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await db.close();
    if (
      !values.reuse &&
      !process.env.DATABASE_URL &&
      existsSync(path.join(os.tmpdir(), `alp-speed-${shapeName}`))
    )
      rmSync(path.join(os.tmpdir(), `alp-speed-${shapeName}`), { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
