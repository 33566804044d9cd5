import { loadConfig } from '../config';
import { Database, openDatabase } from '../db/database';

/** Opens the configured database (migrated), runs `fn`, and always closes it. */
export async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.ALP_HUB_DATA_DIR,
    migrate: true,
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
