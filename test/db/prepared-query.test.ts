import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Database } from '../../src/db/database';
import { preparedQuery } from '../../src/db/prepared-query';
import { createTestDatabase } from '../support/database';

/**
 * The token check runs as a named prepared statement. The embedded database is one session whatever
 * connection reaches it, so a connection that replaces a closed one finds the name taken already.
 */
let db: Database;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(() => db.close());

const pool = () => (db.dataSource.driver as PostgresDriver).master as Pool;

test('a named statement still runs on a connection that replaced the one that prepared it', async () => {
  const ask = () => preparedQuery<{ n: number }>(db.dataSource, 'alp_test_named', 'SELECT $1::int AS n', [7]);
  expect(await ask()).toEqual([{ n: 7 }]);
  // the pool's connection closed (as an idle one would be) and a new one made
  const client = await pool().connect();
  client.release(true);
  // the embedded server takes one connection at a time: the closed one must be gone first
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await ask()).toEqual([{ n: 7 }]);
  expect(await ask()).toEqual([{ n: 7 }]);
});

(process.env.DATABASE_URL ? test.skip : test)(
  'the embedded database keeps its one connection open when idle',
  () => {
    expect((pool() as unknown as { options: { idleTimeoutMillis?: number } }).options.idleTimeoutMillis).toBe(
      0,
    );
  },
);
