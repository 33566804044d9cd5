import cluster from 'node:cluster';
import { Config } from '../config';
import { openDatabase } from '../db/database';
import { logger } from '../logger';
import { pointsKeeper, prepareServerDatabase, startHub } from './hub';

/**
 * `npm start` with ALP_HUB_WORKERS > 1 on the real server: the primary process migrates and loads the
 * demo once, then forks the workers, which share the port (the primary hands each new connection to
 * the next worker) and each open their own pool of DB_POOL_SIZE connections. A worker that dies is
 * replaced; SIGINT/SIGTERM stop them all. Returns a stop function in the primary, nothing in a worker.
 */
export async function startWorkers(config: Config & { DATABASE_URL: string }): Promise<() => Promise<void>> {
  if (cluster.isWorker) {
    // the primary keeps the series points, once for every worker
    const hub = await startHub(config, { prepared: true, keepPoints: false });
    process.once('SIGTERM', () => void hub.close().then(() => process.exit(0)));
    process.once('SIGINT', () => undefined); // the primary decides
    return async () => hub.close();
  }
  await prepareServerDatabase(config);
  const keeperDb = await openDatabase({
    url: config.DATABASE_URL,
    limits: { poolSize: 1, statementTimeoutMs: config.STATEMENT_TIMEOUT_MS },
  });
  const keeper = pointsKeeper(keeperDb, config);
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'server process died; starting another');
    fork();
  });
  for (let i = 0; i < config.ALP_HUB_WORKERS; i++) fork();
  logger.info(`${config.ALP_HUB_WORKERS} server processes`);
  return async () => {
    stopping = true;
    await keeper?.stop();
    await keeperDb.close();
    const workers = Object.values(cluster.workers ?? {});
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (!w || w.isDead()) return resolve();
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    );
  };
}
