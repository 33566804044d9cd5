import { operator } from '../auth/principal';
import { Config } from '../config';
import { openDatabase } from '../db/database';
import { DemoLoadSummary, loadDemoIfEmpty } from '../demo';
import { createDemoUsers, describeDemoUsers, readDemoUsers } from '../demo/demo-users';
import { logger } from '../logger';
import { RunningServer, startServer } from './app';

export interface RunningHub {
  server: RunningServer;
  /** What the first run loaded; null when the database already had data (or DEMO_PUPILS is 0). */
  demo: DemoLoadSummary | null;
  close(): Promise<void>;
}

/** What `npm start` does: migrate, load the demo into an empty database, serve GraphQL and the dashboard. */
export async function startHub(config: Config, opts: { demoToday?: string } = {}): Promise<RunningHub> {
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.ALP_HUB_DATA_DIR,
    migrate: true,
    role: 'server',
  });
  try {
    logger.info(
      db.embedded ? `embedded database in ${config.ALP_HUB_DATA_DIR}` : 'PostgreSQL from DATABASE_URL',
    );
    const wantDemo =
      config.DEMO_PUPILS > 0 && (db.embedded ? config.ALP_HUB_DEMO !== '0' : config.ALP_HUB_DEMO === '1');
    const demo = wantDemo
      ? await loadDemoIfEmpty(db, {
          seed: config.DEMO_SEED,
          pupils: config.DEMO_PUPILS,
          today: opts.demoToday,
        })
      : null;
    if (demo) {
      const rows = demo.files.reduce((n, f) => n + f.rows, 0);
      logger.info(
        `loaded the demo authorities (${rows} rows) in ${Math.round(demo.generateMs + demo.importMs)} ms`,
      );
      await createDemoUsers(db, operator('demo'), config.ALP_HUB_DATA_DIR);
    } else if (!db.embedded && config.DEMO_PUPILS > 0 && config.ALP_HUB_DEMO !== '1') {
      logger.info('no demo data on a real database unless ALP_HUB_DEMO=1');
    }
    const server = await startServer({
      db,
      port: config.PORT,
      host: config.HOST,
      production: config.NODE_ENV === 'production',
      corsOrigins: config.CORS_ORIGINS?.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    });
    const dashboard = server.url.replace(/\/graphql$/, '/');
    logger.info(`GraphQL at ${server.url}; dashboard at ${dashboard}`);
    const demoUsers = readDemoUsers(config.ALP_HUB_DATA_DIR);
    if (demoUsers.length) console.log(describeDemoUsers(demoUsers, dashboard));
    return {
      server,
      demo,
      async close() {
        await server.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
