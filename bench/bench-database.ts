import { Logger } from 'typeorm';
import { Database, openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch-database';

/**
 * The database a benchmark runs in: a new one on the server of DATABASE_URL, dropped by `drop()`, or
 * without it the embedded PGlite (in `dataDir`, or in memory).
 */
export async function openBenchDatabase(
  opts: { dataDir?: string | null; logger?: Logger } = {},
): Promise<{ db: Database; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir: opts.dataDir ?? null, migrate: true, logger: opts.logger });
    return { db, drop: () => db.close() };
  }
  const scratch = await createScratchDatabase(serverUrl, 'alp_bench');
  const db = await openDatabase({ url: scratch.url, migrate: true, logger: opts.logger });
  return {
    db,
    async drop() {
      await db.close();
      await scratch.drop();
    },
  };
}
