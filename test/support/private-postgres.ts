import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * A throwaway PostgreSQL 15 cluster of this test's own (initdb into a temp folder, run as the
 * postgres user on a free port), so that restart tests never touch the shared server that other
 * test files run against.
 */
export interface PrivatePostgres {
  url: string;
  /** `pg_ctl restart -m fast`: every open connection is terminated, as an operator's restart does. */
  restart(): void;
  stop(): void;
  start(): void;
  /** Stops the cluster and removes its folder. */
  drop(): void;
}

const BIN = '/usr/lib/postgresql/15/bin';

/** Why restart tests cannot run here, or null when they can. */
export function privatePostgresUnavailable(): string | null {
  if (!process.env.DATABASE_URL)
    return 'DATABASE_URL is not set: the embedded PGlite run has no server to restart';
  if (!existsSync(`${BIN}/initdb`)) return `no PostgreSQL 15 binaries in ${BIN}`;
  if (process.getuid?.() !== 0) return 'a private cluster is made with runuser, which needs root';
  return null;
}

/** A loopback port that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
}

/** `parent`: the folder to make the cluster in (a small filesystem, for a full disk); default the temp folder. */
export async function startPrivatePostgres(parent = os.tmpdir()): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(parent, 'alp-pg-'));
  chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  asPostgres(`${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const ctl = (...args: string[]) =>
    asPostgres(`${BIN}/pg_ctl`, ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', ...args]);
  ctl('-o', opts, 'start');
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => ctl('-o', opts, '-m', 'fast', 'restart'),
    stop() {
      ctl('-m', 'fast', 'stop');
      running = false;
    },
    start() {
      ctl('-o', opts, 'start');
      running = true;
    },
    drop() {
      try {
        if (running) ctl('-m', 'immediate', 'stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}

/** A tmpfs of `mb` megabytes mounted on a new folder, or why one cannot be (not root, no permission). */
export function mountSmallDisk(mb: number): { dir: string; unmount(): void } | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'alp-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a small filesystem for a full disk: ${(err as Error).message.split('\n')[0]}`;
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Ends every other backend of the cluster's database `dbName`: a dropped connection. */
export async function terminateBackends(serverUrl: string, dbName: string): Promise<number> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    const r = await c.query(
      'SELECT count(pg_terminate_backend(pid))::integer AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName],
    );
    return r.rows[0].n;
  } finally {
    await c.end();
  }
}

/** Waits until a backend of the cluster runs a statement matching `pattern` (checked every 20 ms). */
export async function waitForStatement(
  serverUrl: string,
  pattern: RegExp,
  timeoutMs = 120_000,
): Promise<string> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const r = await c.query<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()",
      );
      const hit = r.rows.find((row) => pattern.test(row.query));
      if (hit) return hit.query;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no statement matching ${pattern} within ${timeoutMs} ms`);
  } finally {
    await c.end();
  }
}
