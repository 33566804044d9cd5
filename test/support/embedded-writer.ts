// A process that writes to an embedded database in a folder until it is killed (test/db/embedded-kill.test.ts).
// `commits <dataDir>`: one committed row after another, and 2,000-row batches each in one transaction,
//   printing each as soon as its COMMIT has returned.
// `import <dataDir> <file>`: imports an attendance file, printing each phase as it ends.
import 'reflect-metadata';
import { localAdministrator } from '../../src/auth/principal';
import { openDatabase } from '../../src/db/database';
import { importFile } from '../../src/ingest';

async function main(): Promise<void> {
  const [mode, dataDir, file] = process.argv.slice(2);
  const db = await openDatabase({ dataDir, migrate: true });
  if (mode === 'import') {
    await importFile(
      db,
      localAdministrator(),
      'attendance',
      { path: file },
      {
        onPhase: (phase) => console.log(`phase ${phase}`),
      },
    );
    console.log('imported');
    await db.close();
    return;
  }
  const [{ id }] = await db.dataSource.query(
    "INSERT INTO authority (la_code, name) VALUES ('999', 'Kill test') RETURNING id",
  );
  console.log('committed authority');
  for (let i = 0; ; i++) {
    await db.dataSource.query(
      "INSERT INTO setting_change (authority_id, key, changed_by) VALUES ($1, $2, 'one')",
      [id, `one-${i}`],
    );
    console.log(`committed one-${i}`);
    await db.dataSource.transaction(async (m) => {
      await m.query(
        "INSERT INTO setting_change (authority_id, key, changed_by) SELECT $1, $2, 'batch' FROM generate_series(1, 2000)",
        [id, `batch-${i}`],
      );
    });
    console.log(`committed batch-${i}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
