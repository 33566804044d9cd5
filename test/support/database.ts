import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Logger } from 'typeorm';
import { Database, openDatabase } from '../../src/db/database';

/**
 * A fresh, migrated database for one test file: a new database on the real server when DATABASE_URL
 * is set (dropped on close), else an in-memory embedded PGlite.
 */
export async function createTestDatabase(
  opts: { migrate?: boolean; logger?: Logger } = {},
): Promise<Database> {
  const migrate = opts.migrate ?? true;
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({ dataDir: null, migrate, logger: opts.logger });

  const name = `alp_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), migrate, logger: opts.logger });
  return {
    ...db,
    async close() {
      await db.close();
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
