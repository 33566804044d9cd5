import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { localAdministrator } from '../src/auth/principal';
import { Database } from '../src/db/database';
import { ImportResult, importFile, importFolder } from '../src/ingest';
import { writeFixture } from './attendance-fixture';
import { openBenchDatabase } from './bench-database';

/**
 * Attendance import benchmark. Usage (after `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/import-attendance.js [rows]
 *   node dist/bench/import-attendance.js [rows]          (embedded PGlite, in a temp folder)
 * Creates (and drops) its own database on the server; prints one JSON object of figures.
 */
/** Runs `fn`, sampling this process's RSS every 10 ms. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const start = process.hrtime.bigint();
  try {
    const result = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, seconds, peakRssMb: Math.round(peak / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

const phases: Record<string, Record<string, string>> = {};
function phasesOf(run: string) {
  phases[run] = {};
  const total: Record<string, number> = {};
  return (name: string, ms: number) => {
    total[name] = (total[name] ?? 0) + ms;
    phases[run][name] = (total[name] / 1000).toFixed(2);
  };
}

async function attendanceCount(db: Database): Promise<number> {
  const [row] = await db.dataSource.query('SELECT count(*)::int AS n FROM attendance');
  return row.n;
}

function summary(r: ImportResult) {
  return {
    rows: r.rows,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    errors: r.errors.length,
  };
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alp-bench-'));
  const principal = localAdministrator('bench');
  const { db, drop } = await openBenchDatabase({ dataDir: path.join(dir, 'db') });
  try {
    const fixture = await writeFixture(dir, rows);
    await importFolder(db, principal, fixture.referenceDir);
    global.gc?.();

    const bad = await measure(() =>
      importFile(
        db,
        principal,
        'attendance',
        { path: fixture.badAttendanceFile },
        { onPhase: phasesOf('badFile') },
      ),
    );
    const afterBad = await attendanceCount(db);
    const good = await measure(() =>
      importFile(
        db,
        principal,
        'attendance',
        { path: fixture.attendanceFile },
        { onPhase: phasesOf('firstImport') },
      ),
    );
    const afterGood = await attendanceCount(db);
    const again = await measure(() =>
      importFile(
        db,
        principal,
        'attendance',
        { path: fixture.attendanceFile },
        { onPhase: phasesOf('reimport') },
      ),
    );
    const afterAgain = await attendanceCount(db);

    const figures = {
      database: db.embedded ? 'embedded PGlite' : 'PostgreSQL server',
      machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
      node: process.version,
      rows: fixture.rows,
      placements: fixture.placements,
      badFile: {
        seconds: bad.seconds.toFixed(2),
        errors: bad.result.errors,
        attendanceRowsAfter: afterBad,
      },
      firstImport: {
        ...summary(good.result),
        seconds: good.seconds.toFixed(2),
        rowsPerSecond: Math.round(fixture.rows / good.seconds),
        peakRssMb: good.peakRssMb,
        attendanceRowsAfter: afterGood,
      },
      reimport: {
        ...summary(again.result),
        seconds: again.seconds.toFixed(2),
        rowsPerSecond: Math.round(fixture.rows / again.seconds),
        peakRssMb: again.peakRssMb,
        attendanceRowsAfter: afterAgain,
      },
      phaseSeconds: phases,
      processMaxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await drop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
