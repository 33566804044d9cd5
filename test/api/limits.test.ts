import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { operator } from '../../src/auth/principal';
import { createToken } from '../../src/auth/tokens.service';
import { addUser } from '../../src/auth/users.service';
import { createDataSource } from '../../src/db/data-source';
import { Database, openDatabase, PoolLimits } from '../../src/db/database';
import { createScratchDatabase, ScratchDatabase } from '../../src/db/scratch-database';
import { RunningServer, startServer } from '../../src/server/app';
import { checkHealth } from '../../src/server/health';
import { spawnSource } from '../support/child';
import { createTestDatabase } from '../support/database';
import { freePort } from '../support/private-postgres';

const PUPILS = '{ pupils(first: 1) { totalCount } }';

/** The bearer token of an administrator of the real-server tests' database. */
let token = '';

async function gql(server: RunningServer, query: string) {
  const res = await request(server.url).post('').set('authorization', `Bearer ${token}`).send({ query });
  return res.body as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };
}

describe('/health', () => {
  let db: Database;
  let server: RunningServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ db, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it('reports the database reachable and its migrations current', async () => {
    const res = await request(server.url.replace(/\/graphql$/, '')).get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ status: 'ok', database: 'reachable', migrations: 'current' });
  });

  it('names the migrations a database has not run', async () => {
    const bare = await createTestDatabase({ migrate: false });
    try {
      await bare.dataSource.runMigrations({ transaction: 'each' });
      await bare.dataSource.undoLastMigration({ transaction: 'each' });
      const report = await checkHealth(bare);
      expect(report).toEqual({
        status: 'unavailable',
        database: 'reachable',
        migrations: 'pending',
        pending: [bare.dataSource.migrations.at(-1)?.name],
      });
    } finally {
      await bare.close();
    }
  });

  it('reports a database that cannot be reached, within its time limit', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const unreachable: Database = {
      dataSource: createDataSource({ url }),
      embedded: false,
      close: async () => {},
    };
    const report = await checkHealth(unreachable, 1_000);
    expect(report).toMatchObject({ status: 'unavailable', database: 'unreachable', migrations: 'unknown' });
    expect(report.error).toMatch(/^the database cannot be reached \(.*ECONNREFUSED/);
  });

  it('reports a database that takes connections but never answers, when its time limit ends', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const hung: Database = {
      dataSource: createDataSource({ url: `postgres://postgres@127.0.0.1:${port}/postgres` }),
      embedded: false,
      close: async () => {},
    };
    try {
      const report = await checkHealth(hung, 300);
      expect(report).toMatchObject({ status: 'unavailable', database: 'unreachable', migrations: 'unknown' });
      expect(report.error).toMatch(/timeout|within 300 ms/);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

/**
 * Slow requests are made by holding a lock on the pupil table from another connection, so the test
 * needs a second connection: the real server (PGlite serves one connection and has no statement timeout).
 */
const serverUrl = process.env.DATABASE_URL;
(serverUrl ? describe : describe.skip)('request limits on the real server', () => {
  let scratch: ScratchDatabase;
  const open: { db: Database; server: RunningServer }[] = [];
  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl as string, `alp_test_${process.pid}`);
    const db = await openDatabase({ url: scratch.url, migrate: true });
    await addUser(db.dataSource, operator('test'), { username: 'limits-admin', role: 'admin' });
    token = (await createToken(db.dataSource, operator('test'), 'limits-admin', 3_600_000)).token;
    await db.close();
  });
  afterAll(async () => {
    for (const o of open) {
      await o.server.close();
      await o.db.close();
    }
    await scratch.drop();
  });

  async function serve(limits: PoolLimits) {
    const db = await openDatabase({ url: scratch.url, limits });
    const server = await startServer({ db, port: 0, host: '127.0.0.1' });
    open.push({ db, server });
    return server;
  }

  async function lockPupils(): Promise<{ release(): Promise<void> }> {
    const c = new Client({ connectionString: scratch.url });
    await c.connect();
    await c.query('BEGIN');
    await c.query('LOCK TABLE pupil IN ACCESS EXCLUSIVE MODE');
    return {
      async release() {
        await c.query('ROLLBACK');
        await c.end();
      },
    };
  }

  it('a statement past its time limit answers DATABASE_TIMEOUT and gives its connection back', async () => {
    const server = await serve({ poolSize: 2, statementTimeoutMs: 300, acquireTimeoutMs: 5_000 });
    const lock = await lockPupils();
    try {
      // twice the pool: had a timed-out request kept its connection, the later ones would wait for ever
      const answers = await Promise.all([1, 2, 3, 4].map(() => gql(server, PUPILS)));
      for (const a of answers) {
        expect(a.data).toBeNull();
        expect(a.errors?.[0]).toEqual(
          expect.objectContaining({
            message:
              'the database took too long and the statement was cancelled (canceling statement due to statement timeout)',
            extensions: { code: 'DATABASE_TIMEOUT' },
          }),
        );
      }
    } finally {
      await lock.release();
    }
    expect(await gql(server, PUPILS)).toEqual({ data: { pupils: { totalCount: 0 } } });
  });

  it('slow requests holding every connection: others get SERVER_BUSY quickly, /health still answers', async () => {
    const server = await serve({ poolSize: 2, statementTimeoutMs: 20_000, acquireTimeoutMs: 300 });
    const lock = await lockPupils();
    let slow: Promise<unknown>[] = [];
    try {
      slow = [1, 2].map(() => gql(server, PUPILS));
      // both connections are now waiting on the lock
      const c = new Client({ connectionString: scratch.url });
      await c.connect();
      for (let waiting = 0; waiting < 2; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const r = await c.query(
          "SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        waiting = r.rows[0].n;
      }
      await c.end();
      const busy = await gql(server, '{ providers(first: 1) { totalCount } }');
      expect(busy.errors?.[0]).toEqual(
        expect.objectContaining({
          message: 'every database connection is in use; try again shortly',
          extensions: { code: 'SERVER_BUSY' },
        }),
      );
      const health = await request(server.url.replace(/\/graphql$/, '')).get('/health');
      expect(health.body).toEqual({ status: 'ok', database: 'reachable', migrations: 'current' });
    } finally {
      await lock.release();
    }
    for (const answer of await Promise.all(slow))
      expect(answer).toEqual({ data: { pupils: { totalCount: 0 } } });
    expect(await gql(server, '{ providers(first: 1) { totalCount } }')).toEqual({
      data: { providers: { totalCount: 0 } },
    });
  });

  it('ALP_HUB_WORKERS=2: two server processes on one port; one that dies is replaced; SIGTERM stops all', async () => {
    const port = await freePort();
    const hub = spawnSource('src/main.ts', [], {
      DATABASE_URL: scratch.url,
      PORT: String(port),
      DEMO_PUPILS: '0',
      ALP_HUB_WORKERS: '2',
      LOG_LEVEL: 'info',
    });
    const workers = () =>
      readFileSync(`/proc/${hub.process.pid}/task/${hub.process.pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    const url = `http://127.0.0.1:${port}`;
    try {
      await hub.waitForOutput(/GraphQL at [\s\S]*GraphQL at /);
      expect(workers()).toHaveLength(2);
      for (let i = 0; i < 10; i++)
        expect(
          (
            await request(url)
              .post('/graphql')
              .set('authorization', `Bearer ${token}`)
              .send({ query: PUPILS })
          ).body,
        ).toEqual({
          data: { pupils: { totalCount: 0 } },
        });
      const [first] = workers();
      process.kill(first, 'SIGKILL');
      await hub.waitForOutput(/starting another[\s\S]*GraphQL at /);
      expect(workers()).toHaveLength(2);
      expect(workers()).not.toContain(first);
      expect((await request(url).get('/health')).status).toBe(200);
    } finally {
      hub.process.kill('SIGTERM');
    }
    expect(await hub.exited).toBe(0);
    // three processes start and compile the sources: minutes on a loaded two-core machine
  }, 600_000);
});
