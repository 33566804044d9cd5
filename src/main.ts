import 'reflect-metadata';
import { loadConfig } from './config';
import { logger } from './logger';
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
  const hub = await startHub(loadConfig());
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await hub.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err }, 'alp-hub failed to start');
  process.exit(1);
});
