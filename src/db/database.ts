import path from 'node:path';
import { DataSource, Logger } from 'typeorm';
import { logger } from '../logger';
import { createDataSource, SERVER_SESSION_SETTINGS } from './data-source';
import { startEmbedded } from './embedded';
import { DatabaseInUseError, LockHolder, lockFolder } from './folder-lock';

export interface Database {
  dataSource: DataSource;
  /** True on the embedded PGlite server: one connection, no COPY. */
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A PostgreSQL URL; when absent the embedded database is started. */
  url?: string;
  /** Folder of the embedded database; null keeps it in memory. */
  dataDir?: string | null;
  migrate?: boolean;
  logger?: Logger;
  /**
   * For an embedded database in a folder: `server` (npm start) holds the folder and lets commands use
   * its database; `command` (the default) uses a running server's, or holds the folder while it runs.
   */
  role?: OpenRole;
  /** Limits for a server that answers requests (the CLI has none: an import may run for minutes). */
  limits?: PoolLimits;
}

export interface PoolLimits {
  /** Connections of the pool on the real server (the embedded one always has one). */
  poolSize?: number;
  /** A query that waits longer than this for a connection fails as busy. */
  acquireTimeoutMs?: number;
  /** The real server cancels a statement that runs longer (PGlite has no statement timeout). */
  statementTimeoutMs?: number;
}

export type OpenRole = 'server' | 'command';

/** Connections a server's embedded database takes: its own pool's one, and commands run beside it. */
const SERVER_CONNECTIONS = 8;

/**
 * The embedded database of a folder is opened by one process at a time, guarded by a lock file (see
 * lockFolder): `npm start` (role `server`) serves it on a loopback port, and a CLI command (`command`)
 * run meanwhile uses that server's database through the port instead of opening the files itself.
 */
async function openEmbedded(
  dataDir: string | null | undefined,
  role: OpenRole,
): Promise<{ url: string; stop(): Promise<void>; server?: LockHolder }> {
  if (dataDir === null) return startEmbedded(undefined);
  const folder = path.resolve(dataDir ?? '.alp-hub');
  const lock = await lockFolder(folder, role);
  if ('server' in lock) {
    logger.info(`using the database of the alp-hub server running on ${folder} (pid ${lock.server.pid})`);
    return { url: lock.server.url as string, async stop() {}, server: lock.server };
  }
  try {
    const server = await startEmbedded(path.join(folder, 'pgdata'), {
      maxConnections: role === 'server' ? SERVER_CONNECTIONS : 1,
    });
    lock.held.setUrl(server.url);
    return {
      url: server.url,
      async stop() {
        try {
          await server.stop();
        } finally {
          lock.held.release();
        }
      },
    };
  } catch (err) {
    lock.held.release();
    throw err;
  }
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const embeddedServer = opts.url ? undefined : await openEmbedded(opts.dataDir, opts.role ?? 'command');
  const url = opts.url ?? embeddedServer?.url;
  if (!url) throw new Error('no database URL');
  const dataSource = createDataSource({
    url,
    poolSize: embeddedServer ? 1 : (opts.limits?.poolSize ?? 10),
    keepConnections: Boolean(embeddedServer),
    acquireTimeoutMs: opts.limits?.acquireTimeoutMs,
    statementTimeoutMs: embeddedServer ? undefined : opts.limits?.statementTimeoutMs,
    logger: opts.logger,
    // the embedded database lives in this process's memory: it keeps its defaults
    sessionSettings: embeddedServer ? undefined : SERVER_SESSION_SETTINGS,
  });
  let connected = false;
  try {
    await dataSource.initialize();
    connected = true;
    if (opts.migrate) await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embeddedServer?.stop();
    const server = embeddedServer?.server;
    if (server && !connected)
      throw new DatabaseInUseError(
        `the alp-hub server holding ${opts.dataDir ?? '.alp-hub'} (pid ${server.pid}) does not answer at ${server.url}: ${(err as Error).message}; try again, or stop that server`,
        { lock: 'alp-hub.lock', holder: server },
      );
    throw err;
  }
  return {
    dataSource,
    embedded: Boolean(embeddedServer),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embeddedServer?.stop();
    },
  };
}
