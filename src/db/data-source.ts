import './pg-types';
import { DataSource, Logger } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from '../entities';

export interface DataSourceOptions {
  url: string;
  /** The embedded server serves one connection at a time. */
  poolSize?: number;
  logger?: Logger;
}

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
    extra: { max: opts.poolSize ?? 10 },
  });
}
