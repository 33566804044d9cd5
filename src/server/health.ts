import { RequestHandler } from 'express';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { Database } from '../db/database';
import { describeFailure } from '../db/db-failure';

export interface HealthReport {
  /** `ok` when the database answers and every migration of this build has run. */
  status: 'ok' | 'unavailable';
  database: 'reachable' | 'unreachable';
  migrations: 'current' | 'pending' | 'unknown';
  /** Migrations of this build that the database has not run. */
  pending?: string[];
  /** Why the database could not be checked. */
  error?: string;
}

/** A health check answers within this, whatever the database does. */
const CHECK_TIMEOUT_MS = 2_000;

const EXPECTED = MIGRATIONS.map((M) => new M().name ?? M.name);

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * On the real server the check opens a connection of its own, so that a pool held by slow requests
 * does not make a working hub look dead to whatever restarts it; the embedded database has one
 * connection, which the check waits for.
 */
async function appliedMigrations(db: Database, timeoutMs: number): Promise<string[]> {
  const sql = 'SELECT name FROM migration';
  if (db.embedded) {
    const rows: { name: string }[] = await withTimeout(db.dataSource.query(sql), timeoutMs);
    return rows.map((r) => r.name);
  }
  const url = (db.dataSource.options as { url?: string }).url;
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), timeoutMs);
    const res = await withTimeout(client.query<{ name: string }>(sql), timeoutMs);
    return res.rows.map((r) => r.name);
  } finally {
    void client.end().catch(() => undefined);
  }
}

/** Whether the database answers and its migrations are those of this build. */
export async function checkHealth(db: Database, timeoutMs = CHECK_TIMEOUT_MS): Promise<HealthReport> {
  let applied: string[];
  try {
    applied = await appliedMigrations(db, timeoutMs);
  } catch (err) {
    // a database without the migration table answers, but has run nothing
    if ((err as { code?: string }).code === '42P01')
      return { status: 'unavailable', database: 'reachable', migrations: 'pending', pending: EXPECTED };
    return {
      status: 'unavailable',
      database: 'unreachable',
      migrations: 'unknown',
      error: describeFailure(err),
    };
  }
  const done = new Set(applied);
  const pending = EXPECTED.filter((name) => !done.has(name));
  return pending.length === 0
    ? { status: 'ok', database: 'reachable', migrations: 'current' }
    : { status: 'unavailable', database: 'reachable', migrations: 'pending', pending };
}

/** GET /health: 200 and the report when healthy, 503 and the report otherwise; never cached. */
export function healthHandler(db: Database): RequestHandler {
  return async (_req, res) => {
    const report = await checkHealth(db);
    res
      .status(report.status === 'ok' ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(report);
  };
}
