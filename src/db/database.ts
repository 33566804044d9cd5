import path from 'node:path';
import { DataSource, Logger } from 'typeorm';
import { createDataSource, SERVER_SESSION_SETTINGS } from './data-source';
import { startEmbedded } from './embedded';

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

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const embeddedServer = opts.url
    ? undefined
    : await startEmbedded(
        opts.dataDir === null ? undefined : path.resolve(opts.dataDir ?? '.alp-hub', 'pgdata'),
      );
  const url = opts.url ?? embeddedServer?.url;
  if (!url) throw new Error('no database URL');
  const dataSource = createDataSource({
    url,
    poolSize: embeddedServer ? 1 : (opts.limits?.poolSize ?? 10),
    acquireTimeoutMs: opts.limits?.acquireTimeoutMs,
    statementTimeoutMs: embeddedServer ? undefined : opts.limits?.statementTimeoutMs,
    logger: opts.logger,
    // the embedded database lives in this process's memory: it keeps its defaults
    sessionSettings: embeddedServer ? undefined : SERVER_SESSION_SETTINGS,
  });
  try {
    await dataSource.initialize();
    if (opts.migrate) await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embeddedServer?.stop();
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
