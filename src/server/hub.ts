import { Config } from '../config';
import { openDatabase } from '../db/database';
import { DemoLoadSummary, loadDemoIfEmpty } from '../demo';
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
    const demo =
      config.DEMO_PUPILS > 0
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
    }
    const server = await startServer({ db, port: config.PORT, host: config.HOST });
    logger.info(`GraphQL at ${server.url}; dashboard at ${server.url.replace(/\/graphql$/, '/')}`);
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
