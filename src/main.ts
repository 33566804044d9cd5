import 'reflect-metadata';
import { loadConfig } from './config';
import { logger } from './logger';
import { startHub } from './server/hub';

/** `npm start`. */
async function main(): Promise<void> {
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
