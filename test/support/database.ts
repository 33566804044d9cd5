import { Client } from 'pg';
import { Logger } from 'typeorm';
import { Database, openDatabase } from '../../src/db/database';
import { createScratchDatabase } from '../../src/db/scratch-database';

/**
 * When the fixtures of a test database are known from, unless a test asks for receipt times: every
 * change is then a back-load known from this time, and attendance marks from their own recorded_at
 * (spec/import-formats.md, "History"), so a rule tested "as of" a past date sees the records the test
 * made a moment ago. The history tests open their databases with `history: 'as received'`.
 */
export const FIXTURES_KNOWN_AT = '2000-01-01T00:00:00Z';

export interface TestDatabaseOptions {
  migrate?: boolean;
  logger?: Logger;
  /** 'as received': changes are known from when the hub receives them, as in production. */
  history?: 'fixtures' | 'as received';
}

/**
 * A fresh, migrated database for one test file: a new database on the real server when DATABASE_URL
 * is set (dropped on close), else an in-memory embedded PGlite.
 */
export async function createTestDatabase(opts: TestDatabaseOptions = {}): Promise<Database> {
  const migrate = opts.migrate ?? true;
  const fixtures = (opts.history ?? 'fixtures') === 'fixtures';
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir: null, migrate, logger: opts.logger });
    // the embedded database is one session, whatever connection the pool holds
    if (fixtures)
      await db.dataSource.query(`SELECT set_config('alp.known_at', $1, false)`, [FIXTURES_KNOWN_AT]);
    return db;
  }

  const server = await createScratchDatabase(serverUrl, `alp_test_${process.pid}`);
  if (fixtures) {
    const c = new Client({ connectionString: server.url });
    await c.connect();
    try {
      const [{ name }] = (await c.query('SELECT current_database() AS name')).rows;
      await c.query(`ALTER DATABASE ${name} SET alp.known_at = '${FIXTURES_KNOWN_AT}'`);
    } finally {
      await c.end();
    }
  }
  const db = await openDatabase({ url: server.url, migrate, logger: opts.logger });
  return {
    ...db,
    async close() {
      await db.close();
      await server.drop();
    },
  };
}
