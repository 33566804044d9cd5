import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { createScratchDatabase } from '../src/db/scratch-database';

/**
 * API load benchmark: the server started as `npm start` starts it (built JS, `node dist/src/main.js`)
 * on the real PostgreSQL with the demo authorities (600 pupils, loaded through the import on first
 * start), loaded by autocannon. Usage (after `npm run build`):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/api-load.js \
 *     [--before <checkout>] [--workers 2] [--seconds 15] [--rounds 2] [--memory 60] [--port 4100]
 *
 * `--before` names another built checkout (its dist/src/main.js); each round runs every variant in
 * turn (before, after, after with `--workers` processes) on the same database, so that ratios are
 * measured side by side on a machine whose load changes. Prints one JSON object of figures.
 */
const PLACEMENTS = `{ placements(first: 50) { nodes { placementRef pupil { upn school { name } } provider { name } } } }`;
const INDICATORS = `{ indicators(asOf: "2026-03-02") {
  asOf headline { key title unit measure { value denominator suppressed } }
  flagCounts { code count { value suppressed } }
  breakdowns { dimension value pupils { value suppressed } placements { value suppressed } }
  providers { providerRef name placements { value } pupils { value } attendanceRate { value }
    targetsMetShare { value } destinationRate { value } costPerPupilWeekGbp { value } }
  destinations { activity pupils { value } share { value } } } }`;

interface Options {
  before?: string;
  workers: number;
  seconds: number;
  rounds: number;
  memorySeconds: number;
  port: number;
}

function options(argv: string[]): Options {
  const o: Options = { workers: 0, seconds: 15, rounds: 2, memorySeconds: 60, port: 4100 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--before') o.before = value;
    else if (flag === '--workers') o.workers = Number(value);
    else if (flag === '--seconds') o.seconds = Number(value);
    else if (flag === '--rounds') o.rounds = Number(value);
    else if (flag === '--memory') o.memorySeconds = Number(value);
    else if (flag === '--port') o.port = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  return o;
}

interface Variant {
  name: string;
  main: string;
  env: Record<string, string>;
}

/** The demo's data folder (its users' passwords); the database is the scratch one. */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'alp-bench-'));

/** A token made as an operator makes one: `alp-hub tokens create <user>`, on the bench's database. */
function createToken(databaseUrl: string, username: string): string {
  const cli = path.resolve(__dirname, '../../bin/alp-hub.js');
  return execFileSync(process.execPath, [cli, 'tokens', 'create', username, '--expires-in', '12h'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

interface Running {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** The bearer token every request carries (an LA officer of the demo's first authority). */
let token = '';

async function post(url: string, query: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"')) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  return text;
}

async function start(v: Variant, databaseUrl: string, port: number): Promise<Running> {
  const child = spawn(process.execPath, [v.main], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ALP_HUB_DEMO: '1',
      ALP_HUB_DATA_DIR: dataDir,
      // one token makes every request: the per-user limit would answer 429 after 600 a minute
      RATE_LIMIT_PER_USER: '10000000',
      RATE_LIMIT_PER_ADDRESS: '10000000',
      // the keeper of series points would compute beside the runs (and the build before has none)
      KEEP_POINTS_MINUTES: '0',
      ...v.env,
    },
    // the server's start-up lines (the demo users) would mix with the figures on stdout
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  const until = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${v.name} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url.replace(/graphql$/, 'health'));
      if (res.status !== 200) throw new Error(`health ${res.status}`);
      break;
    } catch {
      if (Date.now() > until) throw new Error(`${v.name} did not answer within 300 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    child,
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** RSS in MB of the server and its worker processes (Linux /proc). */
function rssMb(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  let kb = 0;
  for (const p of [String(pid), ...children]) {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    kb += Number(m?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
}

/** CPU seconds (user + system, all threads) one process has used so far (Linux /proc, 100 ticks a second). */
function processCpuSeconds(pid: string): number {
  // the fields after the command name, which is in parentheses and may hold spaces
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds (user + system) the server and its workers have used so far: per request, a figure that
 * the machine's other load changes much less than requests per second.
 */
function cpuSeconds(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return [String(pid), ...children].reduce((s, p) => s + processCpuSeconds(p), 0);
}

/**
 * CPU seconds (user + system) used so far by the database's backends serving `dbName` (the server's
 * pool), read from /proc: null when PostgreSQL is not on this machine or its processes are not
 * readable. Backends that are gone by the second reading are left out of both.
 */
async function backendCpu(serverUrl: string, dbName: string): Promise<Map<number, number> | null> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName],
    );
    const ticks = new Map<number, number>();
    for (const { pid } of r.rows) ticks.set(pid, processCpuSeconds(String(pid)));
    return ticks;
  } catch {
    return null;
  } finally {
    await c.end();
  }
}

/** CPU seconds the backends of `before` used since then (those still there). */
function backendCpuSince(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
): number | null {
  if (!before || !after) return null;
  let s = 0;
  for (const [pid, t] of after) if (before.has(pid)) s += t - (before.get(pid) as number);
  return s;
}

/** Transactions of the database so far; each autocommit statement of the server is one. */
async function transactions(serverUrl: string, dbName: string): Promise<number> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    // the statistics of other backends arrive within a second of their transactions
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const r = await c.query(
      'SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = $1',
      [dbName],
    );
    return Number(r.rows[0].n);
  } finally {
    await c.end();
  }
}

async function load(url: string, query: string, connections: number, seconds: number, expected: string) {
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    connections,
    duration: seconds,
    // a slow answer on a loaded machine is not an error: only the server's own failures count
    timeout: 120,
    expectBody: expected,
  });
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    wrongBodies: r.mismatches,
  };
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('set DATABASE_URL: the load bench runs on the real PostgreSQL');
  const here = path.resolve(__dirname, '../src/main.js');
  const variants: Variant[] = [];
  if (o.before) {
    const main = path.resolve(o.before, 'dist/src/main.js');
    if (!existsSync(main)) throw new Error(`${main} does not exist: build that checkout first`);
    variants.push({ name: 'before', main, env: {} });
  }
  variants.push({ name: 'after', main: here, env: {} });
  if (o.workers > 1)
    variants.push({
      name: `after, ${o.workers} processes`,
      main: here,
      env: { ALP_HUB_WORKERS: String(o.workers) },
    });

  const scratch = await createScratchDatabase(serverUrl, 'alp_bench');
  const dbName = new URL(scratch.url).pathname.slice(1);
  const results: Record<string, Record<string, unknown>[]> = {};
  let memory: Record<string, unknown> | undefined;
  try {
    // first start migrates and loads the demo; every variant then reads the same data
    const setup = await start(variants[variants.length - 1], scratch.url, o.port);
    token = createToken(scratch.url, 'demo-officer');
    const expectedPlacements = await post(setup.url, PLACEMENTS);
    const expectedIndicators = await post(setup.url, INDICATORS);
    await setup.stop();

    for (let round = 0; round < o.rounds; round++)
      for (const v of variants) {
        const s = await start(v, scratch.url, o.port);
        try {
          await load(s.url, PLACEMENTS, 10, 3, expectedPlacements); // warm-up: JIT, caches, pool
          const pid = s.child.pid as number;
          const t0 = await transactions(serverUrl, dbName);
          const b0 = await backendCpu(serverUrl, dbName);
          const c0 = cpuSeconds(pid);
          const placements = await load(s.url, PLACEMENTS, 10, o.seconds, expectedPlacements);
          const c1 = cpuSeconds(pid);
          const b1 = await backendCpu(serverUrl, dbName);
          const t1 = await transactions(serverUrl, dbName);
          const database = backendCpuSince(b0, b1);
          const c2 = cpuSeconds(pid);
          const indicators = await load(s.url, INDICATORS, 20, o.seconds, expectedIndicators);
          const c3 = cpuSeconds(pid);
          results[v.name] ??= [];
          results[v.name].push({
            round: round + 1,
            placements: {
              ...placements,
              // the statistics reader's own transaction (one per reading) is subtracted
              statementsPerRequest: Number(((t1 - t0 - 1) / placements.requests).toFixed(2)),
              serverCpuMsPerRequest: Number((((c1 - c0) * 1000) / placements.requests).toFixed(1)),
              // the database's side: its backends serving the server's pool, when they are readable here
              databaseCpuMsPerRequest:
                database === null ? null : Number(((database * 1000) / placements.requests).toFixed(1)),
            },
            indicators: {
              ...indicators,
              serverCpuMsPerRequest: Number((((c3 - c2) * 1000) / indicators.requests).toFixed(1)),
            },
            rssMb: rssMb(s.child.pid as number),
          });
        } finally {
          await s.stop();
        }
      }

    if (o.memorySeconds > 0) {
      const v = variants[variants.length - 1];
      const s = await start(v, scratch.url, o.port);
      try {
        const samples: number[] = [];
        const timer = setInterval(() => samples.push(rssMb(s.child.pid as number)), 1000);
        const run = await load(s.url, PLACEMENTS, 10, o.memorySeconds, expectedPlacements);
        clearInterval(timer);
        const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
        const tens = Array.from({ length: Math.ceil(samples.length / 10) }, (_, i) =>
          avg(samples.slice(10 * i, 10 * i + 10)),
        );
        memory = {
          variant: v.name,
          seconds: o.memorySeconds,
          ...run,
          // resident memory averaged over each 10 s of the run: flat once warm, or growing
          rssMbPer10s: tens,
          rssMbMax: Math.max(...samples),
        };
      } finally {
        await s.stop();
      }
    }
  } finally {
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  type Figures = { requestsPerSecond: number; serverCpuMsPerRequest: number };
  const ratio = (name: string, key: keyof Figures) => {
    const base = results.before ?? results.after;
    // `--rounds 0` measures memory only: there is nothing to compare
    if (!base || !results[name]) return null;
    const mean = (rs: Record<string, unknown>[]) =>
      rs.reduce((a, r) => a + (r.placements as Figures)[key], 0) / rs.length;
    return Number((mean(results[name]) / mean(base)).toFixed(2));
  };
  console.log(
    JSON.stringify(
      {
        machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0].toFixed(1)}`,
        node: process.version,
        seconds: o.seconds,
        results,
        listRequestsPerSecondVsBefore: Object.fromEntries(
          variants.map((v) => [v.name, ratio(v.name, 'requestsPerSecond')]),
        ),
        listServerCpuPerRequestVsBefore: Object.fromEntries(
          variants.map((v) => [v.name, ratio(v.name, 'serverCpuMsPerRequest')]),
        ),
        memory,
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
