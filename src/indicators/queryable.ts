import type { DataSource, EntityManager } from 'typeorm';

/** A DataSource or a transaction's EntityManager: anything that runs SQL with positional parameters. */
export type Queryable = DataSource | EntityManager;

/**
 * Runs one analytic statement with JIT off. PostgreSQL's planner overestimates these statements
 * (generate_series, set-returning functions) and JIT-compiles them: measured at 2.6 s of compilation
 * for a statement that runs in 30 ms (docs/indicators.md). SET LOCAL needs a transaction; on a manager
 * already inside one TypeORM nests a savepoint on the same connection.
 */
export async function queryAnalytics<T>(db: Queryable, sql: string, parameters: unknown[]): Promise<T[]> {
  return db.transaction(async (manager) => {
    await manager.query('SET LOCAL jit = off');
    return manager.query(sql, parameters);
  });
}
