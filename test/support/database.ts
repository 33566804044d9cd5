import { Logger } from 'typeorm';
import { Database, openDatabase } from '../../src/db/database';
import { createScratchDatabase } from '../../src/db/scratch-database';

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

  const server = await createScratchDatabase(serverUrl, `alp_test_${process.pid}`);
  const db = await openDatabase({ url: server.url, migrate, logger: opts.logger });
  return {
    ...db,
    async close() {
      await db.close();
      await server.drop();
    },
  };
}
