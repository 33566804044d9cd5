import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFixture } from '../../bench/attendance-fixture';
import { openDatabase } from '../../src/db/database';
import { spawnCli, spawnSource } from '../support/child';

// each test starts several processes (the CLI, a server, a cluster): minutes on a loaded machine
jest.setTimeout(600_000);

/**
 * The embedded database (PGlite in a folder) killed with SIGKILL while it writes, then opened again:
 * every change whose COMMIT had returned is there, nothing of a transaction in progress is, and an
 * import cut short runs again to the complete result. Runs in every CI run: it needs no server.
 */
describe('embedded database killed mid-write', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'alp-kill-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const embedded = { DATABASE_URL: undefined };

  it('keeps every committed transaction, whole, and nothing of the one in progress', async () => {
    const dataDir = path.join(dir, 'commits');
    const writer = spawnSource('test/support/embedded-writer.ts', ['commits', dataDir], embedded);
    await writer.waitForOutput(/committed batch-20\n/);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
    writer.process.kill('SIGKILL');
    expect(await writer.exited).toBe('SIGKILL');
    const printed = writer.stdout().match(/committed (one|batch)-\d+/g) ?? [];

    const db = await openDatabase({ dataDir, migrate: false });
    try {
      const rows: { key: string; n: number }[] = await db.dataSource.query(
        'SELECT key, count(*)::integer AS n FROM setting_change GROUP BY key',
      );
      const stored = new Map(rows.map((r) => [r.key, r.n]));
      for (const line of printed) {
        const key = line.replace('committed ', '');
        expect([key, stored.get(key)]).toEqual([key, key.startsWith('batch') ? 2000 : 1]);
      }
      // the transaction cut short is absent or (when it committed just before the kill) whole
      for (const [key, n] of stored) expect([key, n]).toEqual([key, key.startsWith('batch') ? 2000 : 1]);
      expect(stored.size - printed.length).toBeLessThanOrEqual(1);
    } finally {
      await db.close();
    }
  });

  it('an import killed mid-write stores nothing of its file; the same import then succeeds', async () => {
    const dataDir = path.join(dir, 'import');
    const fx = await writeFixture(path.join(dir, 'fixture'), 40_000);
    const env = { ...embedded, ALP_HUB_DATA_DIR: dataDir };
    const reference = spawnCli(['import', fx.referenceDir], env);
    expect(await reference.exited).toBe(0);

    const writer = spawnSource(
      'test/support/embedded-writer.ts',
      ['import', path.join(dataDir), fx.attendanceFile],
      embedded,
    );
    await writer.waitForOutput(/phase connect\n/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    writer.process.kill('SIGKILL');
    expect(await writer.exited).toBe('SIGKILL');
    expect(writer.stdout()).not.toContain('imported');

    const db = await openDatabase({ dataDir, migrate: false });
    try {
      const [{ placements, attendance }] = await db.dataSource.query(
        'SELECT (SELECT count(*)::integer FROM placement) AS placements, (SELECT count(*)::integer FROM attendance) AS attendance',
      );
      expect({ placements, attendance }).toEqual({ placements: fx.placements, attendance: 0 });
    } finally {
      await db.close();
    }
    const again = spawnCli(['import', fx.attendanceFile], env);
    expect(await again.exited).toBe(0);
    expect(again.stdout()).toBe(
      `attendance.csv: ${fx.rows} rows: ${fx.rows} inserted, 0 updated, 0 unchanged\n`,
    );
  });
});
