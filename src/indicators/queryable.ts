import type { DataSource, EntityManager } from 'typeorm';
import type { RowWall } from '../auth/policy';
import { behindWall } from '../auth/row-wall';

/** A DataSource or a transaction's EntityManager: anything that runs SQL with positional parameters. */
export type Queryable = DataSource | EntityManager;

/**
 * Runs one analytic statement behind the row-level wall (src/auth/row-wall.ts), with JIT off.
 * PostgreSQL's planner overestimates these statements (generate_series, set-returning functions) and
 * JIT-compiles them: measured at 2.6 s of compilation for a statement that runs in 30 ms
 * (docs/indicators.md). The wall's transaction sets both; on a manager already inside a transaction
 * it nests as a savepoint on the same connection.
 */
export async function queryAnalytics<T>(
  db: Queryable,
  wall: RowWall,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  return behindWall(db, wall, (manager) => manager.query(sql, parameters));
}
