import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Logger } from 'typeorm';
import { Database, openDatabase } from '../../src/db/database';

export interface ServerDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the real server named by `serverUrl`; `drop()` removes it. */
export async function createServerDatabase(serverUrl: string): Promise<ServerDatabase> {
  const name = `alp_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

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

  const server = await createServerDatabase(serverUrl);
  const db = await openDatabase({ url: server.url, migrate, logger: opts.logger });
  return {
    ...db,
    async close() {
      await db.close();
      await server.drop();
    },
  };
}
