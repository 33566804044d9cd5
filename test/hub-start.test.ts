import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { createScratchDatabase, ScratchDatabase } from '../src/db/scratch-database';
import { readDemoUsers } from '../src/demo/demo-users';
import { startHub } from '../src/server/hub';

/** `npm start` in-process: first run loads the demo, a second run on the same database does not. */
describe('startHub', () => {
  let dataDir: string;
  let server: ScratchDatabase | null = null;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alp-hub-start-'));
    if (process.env.DATABASE_URL)
      server = await createScratchDatabase(process.env.DATABASE_URL, `alp_test_${process.pid}`);
  });
  afterAll(async () => {
    await server?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const config = () =>
    loadConfig({
      ...(server ? { DATABASE_URL: server.url } : {}),
      ALP_HUB_DATA_DIR: dataDir,
      PORT: '0',
      DEMO_PUPILS: '40',
      DEMO_SEED: '7',
      ALP_HUB_DEMO: '1',
    });

  /** Signs in as a demo user through the sign-in route and returns the session cookie. */
  const signIn = async (base: string, username: string): Promise<string> => {
    const user = readDemoUsers(dataDir).find((u) => u.username === username);
    const res = await request(base)
      .post('/sign-in')
      .set('content-type', 'application/json')
      .send({ username, password: user?.password });
    expect(res.status).toBe(200);
    return String(res.headers['set-cookie']).split(';')[0];
  };

  it('migrates, loads the demo once, and serves GraphQL and the dashboard', async () => {
    const first = await startHub(config(), { demoToday: '2026-11-27' });
    try {
      expect(first.demo?.files.find((f) => f.kind === 'pupils')?.inserted).toBe(40);
      // the keeper of series points runs in the background (its first pass a minute after the start)
      expect(first.keeper).not.toBeNull();
      const base = first.server.url.replace(/\/graphql$/, '');
      const anonymous = await request(first.server.url)
        .post('')
        .send({ query: '{ pupils(first: 1) { totalCount } }' });
      expect(anonymous.status).toBe(401);
      const cookie = await signIn(base, 'demo-admin');
      const res = await request(first.server.url)
        .post('')
        .set('cookie', cookie)
        .send({ query: '{ pupils(first: 1) { totalCount } }' });
      expect(res.body).toEqual({ data: { pupils: { totalCount: 40 } } });
      const page = await request(base).get('/?asOf=2026-11-27').set('cookie', cookie);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Pupils in AP');
    } finally {
      await first.close();
    }
    const second = await startHub({ ...config(), KEEP_POINTS_MINUTES: 0 }, { demoToday: '2026-11-27' });
    try {
      expect(second.demo).toBeNull();
      expect(second.keeper).toBeNull();
      const cookie = await signIn(second.server.url.replace(/\/graphql$/, ''), 'demo-officer');
      const res = await request(second.server.url)
        .post('')
        .set('cookie', cookie)
        .send({ query: '{ pupils(first: 1) { totalCount } }' });
      expect(res.body.data.pupils.totalCount).toBeGreaterThan(0);
      expect(res.body.data.pupils.totalCount).toBeLessThan(40);
    } finally {
      await second.close();
    }
  });
});
