import { Pool, PoolClient } from 'pg';
import { QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Database } from '../../src/db/database';
import { preparedQuery } from '../../src/db/prepared-query';
import { createTestDatabase } from '../support/database';

/** A statement every request runs (the token check) goes as a named prepared statement. */

let db: Database;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.query('CREATE TABLE prepared_probe (n integer)');
});

afterAll(() => db?.close());

/** The names of the statements prepared on each idle connection of the pool. */
async function preparedOnIdle(): Promise<string[][]> {
  const pool = (db.dataSource.driver as PostgresDriver).master as Pool;
  const clients: PoolClient[] = await Promise.all(
    Array.from({ length: pool.idleCount }, () => pool.connect()),
  );
  try {
    return await Promise.all(
      clients.map(async (c) =>
        (await c.query('SELECT name FROM pg_prepared_statements')).rows.map((r) => r.name),
      ),
    );
  } finally {
    for (const c of clients) c.release();
  }
}

test('answers as a plain query does, prepared once on each connection that ran it', async () => {
  for (let i = 0; i < 5; i++)
    expect(await preparedQuery(db.dataSource, 'alp_test_plus', 'SELECT $1::int + 1 AS n', [i])).toEqual([
      { n: i + 1 },
    ]);
  const names = await preparedOnIdle();
  expect(names.some((n) => n.includes('alp_test_plus'))).toBe(true);
  for (const n of names) expect(n.filter((x) => x === 'alp_test_plus').length).toBeLessThanOrEqual(1);
});

test('sees what the database holds at each run, not what it held when prepared', async () => {
  const count = async () =>
    (
      await preparedQuery<{ n: number }>(
        db.dataSource,
        'alp_test_count',
        'SELECT count(*)::int AS n FROM prepared_probe',
        [],
      )
    )[0].n;
  expect(await count()).toBe(0);
  await db.dataSource.query('INSERT INTO prepared_probe VALUES (1), (2)');
  expect(await count()).toBe(2);
});

test('inside a caller’s transaction it runs there, and a failure is a QueryFailedError', async () => {
  await db.dataSource.transaction(async (m) => {
    await m.query('INSERT INTO prepared_probe VALUES (3)');
    const [r] = await preparedQuery<{ n: number }>(
      m,
      'alp_test_count',
      'SELECT count(*)::int AS n FROM prepared_probe',
      [],
    );
    expect(r.n).toBe(3);
  });
  await expect(preparedQuery(db.dataSource, 'alp_test_fail', 'SELECT 1 / $1::int AS n', [0])).rejects.toThrow(
    QueryFailedError,
  );
  expect(await preparedQuery(db.dataSource, 'alp_test_fail', 'SELECT 1 / $1::int AS n', [1])).toEqual([
    { n: 1 },
  ]);
  // a failed statement does not cost the connection, nor the statements prepared on it
  expect((await preparedOnIdle()).some((n) => n.includes('alp_test_plus'))).toBe(true);
});
