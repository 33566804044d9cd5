import { spawnSync } from 'node:child_process';
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DatabaseInUseError,
  FolderLock,
  LOCK_FILE,
  LockHolder,
  LockOutcome,
  lockFolder,
} from '../../src/db/folder-lock';
import { spawnSource } from '../support/child';

// several child processes per race, each compiling the sources on a cold cache
jest.setTimeout(300_000);

/** A pid that certainly is not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** A folder whose lock was left by a process that is gone. */
function folderWithStaleLock(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'alp-folder-lock-'));
  const stale: LockHolder = {
    role: 'server',
    pid: deadPid(),
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command: 'alp-hub crashed',
    url: null,
    token: 'stale',
  };
  writeFileSync(path.join(folder, LOCK_FILE), JSON.stringify(stale));
  return folder;
}

describe('taking over a stale lock', () => {
  const folders: string[] = [];
  const held: FolderLock[] = [];
  afterEach(() => {
    jest.restoreAllMocks();
    for (const h of held.splice(0)) h.release();
    for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
  });

  it('two takers that both found it stale: the one that comes second is refused, not given it too', async () => {
    const folder = folderWithStaleLock();
    folders.push(folder);
    const lock = path.join(folder, LOCK_FILE);
    const read = fs.readFileSync;
    let first: Promise<LockOutcome> | undefined;
    let interleaved = false;
    // the second taker reads the stale lock; before it acts on what it read, the first takes over
    jest.spyOn(fs, 'readFileSync').mockImplementation(((
      file: fs.PathOrFileDescriptor,
      ...rest: unknown[]
    ) => {
      const content = (read as (...a: unknown[]) => unknown)(file, ...rest);
      if (file === lock && !interleaved) {
        interleaved = true;
        first = lockFolder(folder, 'command');
      }
      return content;
    }) as typeof fs.readFileSync);
    const second = lockFolder(folder, 'command').catch((err: unknown) => err);

    const one = await first;
    const two = await second;
    for (const outcome of [one, two])
      if (outcome && typeof outcome === 'object' && 'held' in outcome) held.push(outcome.held as FolderLock);
    expect(one && 'held' in one).toBe(true);
    expect(two).toBeInstanceOf(DatabaseInUseError);
    expect((two as DatabaseInUseError).message).toMatch(/is in use by another alp-hub command/);
    expect(JSON.parse(readFileSync(lock, 'utf8')).token).toBe((held[0] as FolderLock).holder.token);
    expect(readdirSync(folder)).toEqual([LOCK_FILE]);
  });

  it('eight processes racing for it: exactly one takes it, each time', async () => {
    for (let round = 0; round < 5; round++) {
      const folder = folderWithStaleLock();
      folders.push(folder);
      const takers = Array.from({ length: 8 }, () => spawnSource('test/support/lock-taker.ts', [folder], {}));
      try {
        await Promise.all(takers.map((t) => t.waitForOutput(/^ready$/m)));
        for (const t of takers) t.process.stdin?.write('go\n');
        await Promise.all(takers.map((t) => t.waitForOutput(/^(held|refused .*)$/m)));
        const outcomes = takers.map((t) => (t.stdout().match(/^(held|refused .*)$/m) as RegExpMatchArray)[1]);
        expect(outcomes.filter((o) => o === 'held')).toHaveLength(1);
        expect(outcomes.filter((o) => o !== 'held')).toEqual(Array(7).fill('refused DATABASE_IN_USE'));
      } finally {
        for (const t of takers) t.process.stdin?.end();
        await Promise.all(takers.map((t) => t.exited));
      }
      expect(readdirSync(folder)).toEqual([]);
    }
  });
});
