import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { DatabaseInUseError, LOCK_FILE, LockHolder } from '../../src/db/folder-lock';
import { RunningHub, startHub } from '../../src/server/hub';
import { CliEnvironment, createCliEnvironment } from '../support/cli';

const AUTHORITIES = path.resolve(__dirname, '../../spec/example/authorities.csv');

/** A pid that certainly is not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function lockOf(folder: string, holder: Partial<LockHolder>): void {
  const full: LockHolder = {
    role: 'server',
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command: 'alp-hub test',
    url: null,
    token: 'test',
    ...holder,
  };
  writeFileSync(path.join(folder, LOCK_FILE), JSON.stringify(full));
}

/**
 * One writer on the embedded database (issue item 6): `npm start` on a folder and CLI commands on the
 * same folder share the server's database; a crashed server's lock is cleared. Always embedded PGlite,
 * whatever DATABASE_URL says: the lock is the embedded database's.
 */
describe('one writer on an embedded database folder', () => {
  let folder: string;
  let cli: CliEnvironment;
  let hub: RunningHub | undefined;
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'alp-hub-one-writer-'));
    cli = await createCliEnvironment({ embeddedIn: folder });
  });
  afterAll(async () => {
    await hub?.close();
    await cli.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const config = () => loadConfig({ ALP_HUB_DATA_DIR: folder, PORT: '0', DEMO_PUPILS: '0' });
  let token = '';
  const threshold = async (url: string) => {
    const res = await request(url)
      .post('')
      .set('authorization', `Bearer ${token}`)
      .send({ query: '{ settings(authority: "801") { settings { key value } } }' });
    return res.body.data.settings[0].settings.find((s: { key: string }) => s.key === 'neetRiskThreshold')
      .value;
  };

  it('a command run while the server serves the folder uses the server’s database', async () => {
    hub = await startHub(config());
    const lock = JSON.parse(readFileSync(path.join(folder, LOCK_FILE), 'utf8')) as LockHolder;
    expect(lock).toMatchObject({
      role: 'server',
      pid: process.pid,
      url: expect.stringMatching(/^postgres:\/\//),
    });

    const imported = await cli.run('import', AUTHORITIES);
    expect(imported).toMatchObject({ exitCode: 0, stderr: '' });
    expect(
      (await cli.run('users', 'add', 'officer', '--role', 'la_officer', '--authority', '801')).exitCode,
    ).toBe(0);
    token = (await cli.run('tokens', 'create', 'officer')).stdout;
    expect(await threshold(hub.server.url)).toBe('4');
    const set = await cli.run('settings', '--authority', '801', '--set', 'neetRiskThreshold=5');
    expect(set.exitCode).toBe(0);
    expect(await threshold(hub.server.url)).toBe('5');
    const list = await cli.run('imports', 'list', '--json');
    expect(JSON.parse(list.stdout)).toHaveLength(1);
    // the command left the server's lock alone
    expect(JSON.parse(readFileSync(path.join(folder, LOCK_FILE), 'utf8'))).toEqual(lock);
  });

  it('a second server on the same folder is refused, naming the first', async () => {
    await expect(startHub(config())).rejects.toThrow(DatabaseInUseError);
    await expect(startHub(config())).rejects.toThrow(
      new RegExp(`is already served by alp-hub \\(pid ${process.pid}, since .*\\) at postgres://`),
    );
  });

  it('stopping the server removes its lock; the data is in the folder', async () => {
    await hub?.close();
    hub = undefined;
    expect(existsSync(path.join(folder, LOCK_FILE))).toBe(false);
    const shown = await cli.run('settings', '--authority', '801', '--json');
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout)[0].values.neetRiskThreshold).toBe(5);
    expect(existsSync(path.join(folder, LOCK_FILE))).toBe(false);
  });

  it('a stale lock left by a crashed server (its pid dead) is recognised and cleared', async () => {
    lockOf(folder, { pid: deadPid(), url: 'postgres://postgres@127.0.0.1:1/postgres' });
    const shown = await cli.run('settings', '--authority', '801', '--json');
    expect(shown).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(shown.stdout)[0].values.neetRiskThreshold).toBe(5);
    expect(existsSync(path.join(folder, LOCK_FILE))).toBe(false);

    lockOf(folder, { pid: deadPid() });
    hub = await startHub(config());
    expect(JSON.parse(readFileSync(path.join(folder, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await hub.close();
    hub = undefined;
  });

  it('a live server that does not answer at its URL is named in the refusal', async () => {
    lockOf(folder, { url: 'postgres://postgres@127.0.0.1:1/postgres' });
    const res = await cli.run('settings', '--authority', '801');
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(
        `the alp-hub server holding ${folder} \\(pid ${process.pid}\\) does not answer at postgres://postgres@127.0.0.1:1/postgres`,
      ),
    );
    rmSync(path.join(folder, LOCK_FILE));
  });

  it('a folder held by a live command is refused with a clear message, and the lock kept', async () => {
    lockOf(folder, { role: 'command', command: 'alp-hub import big.csv' });
    const res = await cli.run('settings', '--authority', '801');
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(
        `the embedded database in ${folder} is in use by another alp-hub command \\(pid ${process.pid}, since .*: alp-hub import big.csv\\): wait for it to finish`,
      ),
    );
    await expect(openDatabase({ dataDir: folder, role: 'server' })).rejects.toThrow(
      /wait for it to finish, then start the server/,
    );
    expect(existsSync(path.join(folder, LOCK_FILE))).toBe(true);
    rmSync(path.join(folder, LOCK_FILE));
  });
});
