import type { DataSource, EntityManager } from 'typeorm';
import { withAsOf } from '../history/as-of';

/** A DataSource or a transaction's EntityManager: anything that runs SQL with positional parameters. */
export type Queryable = DataSource | EntityManager;

/**
 * Runs one analytic statement over the records as known at the end of `asOf` (src/history/as-of.ts),
 * with JIT off: PostgreSQL's planner overestimates these statements (generate_series, set-returning
 * functions) and JIT-compiles them: measured at 2.6 s of compilation for a statement that runs in 30 ms
 * (docs/indicators.md). The settings are transaction-local; on a manager already inside a transaction
 * TypeORM nests a savepoint on the same connection.
 */
export async function queryAnalytics<T>(
  db: Queryable,
  sql: string,
  parameters: unknown[],
  asOf: string,
): Promise<T[]> {
  return withAsOf(db, asOf, (manager) => manager.query(sql, parameters));
}
