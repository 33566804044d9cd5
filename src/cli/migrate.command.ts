import { Command } from 'commander';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations (or, with --revert, undo the last one)')
    .option('--revert', 'undo the most recent migration')
    .action(async (opts: { revert?: boolean }) => {
      const config = loadConfig();
      const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.ALP_HUB_DATA_DIR });
      try {
        if (opts.revert) {
          await db.dataSource.undoLastMigration({ transaction: 'each' });
          console.log('reverted the last migration');
        } else {
          const done = await db.dataSource.runMigrations({ transaction: 'each' });
          console.log(done.length ? `applied ${done.map((m) => m.name).join(', ')}` : 'up to date');
        }
      } finally {
        await db.close();
      }
    });
}
