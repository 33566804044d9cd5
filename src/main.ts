import 'reflect-metadata';
import cluster from 'node:cluster';
import { loadConfig } from './config';
import { logger } from './logger';
import { startWorkers } from './server/cluster';
import { startHub } from './server/hub';

/** `npm start`. */
async function main(): Promise<void> {
  // A rejection nobody handles is a bug whose effects are unknown: log it and stop, so that whatever
  // runs the hub sees the exit and starts it again, instead of a server left in an unknown state.
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection; stopping');
    process.exit(1);
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; stopping');
    process.exit(1);
  });
  const config = loadConfig();
  let close: () => Promise<void>;
  if (config.ALP_HUB_WORKERS > 1 && config.DATABASE_URL) {
    close = await startWorkers({ ...config, DATABASE_URL: config.DATABASE_URL });
    if (cluster.isWorker) return;
  } else {
    if (config.ALP_HUB_WORKERS > 1)
      logger.warn(
        'the embedded database lives in one process: ALP_HUB_WORKERS is ignored without DATABASE_URL',
      );
    close = (await startHub(config)).close;
  }
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err }, 'alp-hub failed to start');
  process.exit(1);
});
