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
    poolSize: embeddedServer ? 1 : 10,
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
