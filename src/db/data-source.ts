import './pg-types';
import { DataSource, Logger } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from '../entities';

export interface DataSourceOptions {
  url: string;
  /** The embedded server serves one connection at a time. */
  poolSize?: number;
  logger?: Logger;
  /** Session settings sent when each connection opens (PostgreSQL's `options` startup parameter). */
  sessionSettings?: Record<string, string>;
  /** How long a query waits for a free pool connection before failing as busy; 0 waits forever. */
  acquireTimeoutMs?: number;
  /** The server cancels any statement running longer (PostgreSQL's statement_timeout); 0 is none. */
  statementTimeoutMs?: number;
  /** Idle connections stay open (the embedded database). */
  keepConnections?: boolean;
}

/**
 * On the real server an import stages a big file in temp tables; with the default 8 MB of temp buffers
 * they are written out and read back (a million attendance rows stage about 100 MB). temp_buffers can
 * only be set before a session's first temp table, hence at connection. It is allocated as used, and
 * idle pool connections close after 10 s, so only importing sessions hold it.
 */
export const SERVER_SESSION_SETTINGS = { temp_buffers: '256MB' };

export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: opts.logger ? 'all' : false,
    logger: opts.logger,
    extra: {
      max: opts.poolSize ?? 10,
      // the embedded database is one session: its one connection stays open rather than close when
      // idle and come back to a session still holding what the last one prepared
      ...(opts.keepConnections ? { idleTimeoutMillis: 0 } : {}),
      ...(opts.acquireTimeoutMs ? { connectionTimeoutMillis: opts.acquireTimeoutMs } : {}),
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
      ...(opts.sessionSettings && {
        options: Object.entries(opts.sessionSettings)
          .map(([name, value]) => `-c ${name}=${value}`)
          .join(' '),
      }),
    },
  });
}
