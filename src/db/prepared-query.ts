import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Queryable } from '../indicators/queryable';

/**
 * Runs a statement that every request runs (the token check) as a named prepared statement: pg parses
 * it once per pooled connection and then only binds and executes it, so PostgreSQL does not parse and
 * plan it again for each request. `name` must be unique to `sql` in the process, and an SQL
 * identifier. Inside a caller's transaction (an EntityManager) it runs there, unnamed.
 */
export async function preparedQuery<R>(
  db: Queryable,
  name: string,
  sql: string,
  values: readonly unknown[],
): Promise<R[]> {
  if (!(db instanceof DataSource)) return db.query(sql, values as unknown[]);
  db.logger.logQuery(sql, values as unknown[]);
  // not pool.query: it destroys the connection after any failed statement, and with it the prepared ones
  const client = await ((db.driver as PostgresDriver).master as Pool).connect();
  try {
    const run = () => client.query({ name, text: sql, values: values as unknown[] });
    const result = await run().catch(async (err: { code?: string }) => {
      // The embedded database is one session whatever connection reaches it: a connection made after
      // another closed finds the statement prepared already, which pg on this connection does not know.
      if (err.code !== '42P05') throw err;
      await client.query(`DEALLOCATE ${name}`);
      return run();
    });
    return result.rows as R[];
  } catch (err) {
    db.logger.logQueryError(err as Error, sql, values as unknown[]);
    throw new QueryFailedError(sql, values as unknown[], err as Error);
  } finally {
    client.release();
  }
}
