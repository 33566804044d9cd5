import 'reflect-metadata';
import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { loadDemoIfEmpty } from './demo';
import { logger } from './logger';
import { startServer } from './server/app';

/** `npm start`: migrate, load the demo authority into an empty database, serve GraphQL and the dashboard. */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.ALP_HUB_DATA_DIR,
    migrate: true,
  });
  logger.info(
    { embedded: db.embedded },
    db.embedded ? `embedded database in ${config.ALP_HUB_DATA_DIR}` : 'PostgreSQL',
  );
  const demo =
    config.DEMO_PUPILS > 0
      ? await loadDemoIfEmpty(db, { seed: config.DEMO_SEED, pupils: config.DEMO_PUPILS })
      : null;
  if (demo) {
    const rows = demo.files.reduce((n, f) => n + f.rows, 0);
    logger.info(
      `loaded the demo authorities (${rows} rows) in ${Math.round(demo.generateMs + demo.importMs)} ms`,
    );
  }
  const server = await startServer({ db, port: config.PORT, host: config.HOST });
  logger.info(`GraphQL at ${server.url}; dashboard at ${server.url.replace(/\/graphql$/, '/')}`);

  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err }, 'alp-hub failed to start');
  process.exit(1);
});
