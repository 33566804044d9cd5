import { operator } from '../auth/principal';
import { Config } from '../config';
import { Database, openDatabase } from '../db/database';
import { DemoLoadSummary, loadDemoIfEmpty } from '../demo';
import { createDemoUsers, describeDemoUsers, readDemoUsers } from '../demo/demo-users';
import { logger } from '../logger';
import { RunningServer, startServer } from './app';
import { PointsKeeperJob, startPointsKeeper } from './points-keeper.job';

export interface RunningHub {
  server: RunningServer;
  /** What the first run loaded; null when the database already had data (or DEMO_PUPILS is 0). */
  demo: DemoLoadSummary | null;
  /** The keeper of stored series points, when this process runs it. */
  keeper: PointsKeeperJob | null;
  close(): Promise<void>;
}

/**
 * On the real server: migrations and the first demo load, on a connection of their own (they may run
 * statements longer than a request's time limit). Done once, before any server process opens its pool.
 */
export async function prepareServerDatabase(
  config: Config & { DATABASE_URL: string },
  opts: { demoToday?: string } = {},
): Promise<DemoLoadSummary | null> {
  const setup = await openDatabase({ url: config.DATABASE_URL, migrate: true });
  try {
    return await loadDemo(setup, config, opts);
  } finally {
    await setup.close();
  }
}

export async function startHub(
  config: Config,
  opts: { demoToday?: string; prepared?: boolean; keepPoints?: boolean } = {},
): Promise<RunningHub> {
  const limits = {
    poolSize: config.DB_POOL_SIZE,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
    statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
  };
  // The embedded database has no statement timeout and one connection: it is opened once.
  let demo: DemoLoadSummary | null = null;
  if (config.DATABASE_URL && !opts.prepared)
    demo = await prepareServerDatabase({ ...config, DATABASE_URL: config.DATABASE_URL }, opts);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.ALP_HUB_DATA_DIR,
    migrate: !config.DATABASE_URL,
    limits,
    role: 'server',
  });
  try {
    logger.info(
      db.embedded ? `embedded database in ${config.ALP_HUB_DATA_DIR}` : 'PostgreSQL from DATABASE_URL',
    );
    if (db.embedded) demo = await loadDemo(db, config, opts);
    const server = await startServer({
      db,
      port: config.PORT,
      host: config.HOST,
      production: config.NODE_ENV === 'production',
      rateLimits: { perUser: config.RATE_LIMIT_PER_USER, perAddress: config.RATE_LIMIT_PER_ADDRESS },
      trustProxy: config.TRUST_PROXY,
      corsOrigins: config.CORS_ORIGINS?.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    });
    const keeper = opts.keepPoints === false ? null : pointsKeeper(db, config);
    const dashboard = server.url.replace(/\/graphql$/, '/');
    logger.info(`GraphQL at ${server.url}; dashboard at ${dashboard}`);
    const demoUsers = readDemoUsers(config.ALP_HUB_DATA_DIR);
    if (demoUsers.length) console.log(describeDemoUsers(demoUsers, dashboard));
    return {
      server,
      demo,
      keeper,
      async close() {
        await keeper?.stop();
        await server.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** The keeper of stored series points on `db`, or null when KEEP_POINTS_MINUTES is 0. */
export function pointsKeeper(db: Database, config: Config): PointsKeeperJob | null {
  if (config.KEEP_POINTS_MINUTES <= 0) return null;
  return startPointsKeeper(db.dataSource, {
    intervalMs: config.KEEP_POINTS_MINUTES * 60_000,
    // on the embedded database's one connection, a request waits for at most one statement of a chunk
    chunkDays: 7,
  });
}

async function loadDemo(
  db: Database,
  config: Config,
  opts: { demoToday?: string },
): Promise<DemoLoadSummary | null> {
  if (config.DEMO_PUPILS === 0) return null;
  // an empty real database is a council's: synthetic pupils never go there unless asked for
  if (!db.embedded && config.ALP_HUB_DEMO !== '1') {
    logger.info('no demo data on a real database unless ALP_HUB_DEMO=1');
    return null;
  }
  if (db.embedded && config.ALP_HUB_DEMO === '0') return null;
  const demo = await loadDemoIfEmpty(db, {
    seed: config.DEMO_SEED,
    pupils: config.DEMO_PUPILS,
    today: opts.demoToday,
  });
  if (demo) {
    const rows = demo.files.reduce((n, f) => n + f.rows, 0);
    logger.info(
      `loaded the demo authorities (${rows} rows) in ${Math.round(demo.generateMs + demo.importMs)} ms`,
    );
    await createDemoUsers(db, operator('demo'), config.ALP_HUB_DATA_DIR);
  }
  return demo;
}
