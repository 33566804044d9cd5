import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { createScratchDatabase, ScratchDatabase } from '../src/db/scratch-database';
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
    });

  it('migrates, loads the demo once, and serves GraphQL and the dashboard', async () => {
    const first = await startHub(config(), { demoToday: '2026-11-27' });
    try {
      expect(first.demo?.files.find((f) => f.kind === 'pupils')?.inserted).toBe(40);
      const res = await request(first.server.url)
        .post('')
        .send({ query: '{ pupils(first: 1) { totalCount } }' });
      expect(res.body).toEqual({ data: { pupils: { totalCount: 40 } } });
      const page = await request(first.server.url.replace(/\/graphql$/, '')).get('/?asOf=2026-11-27');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Pupils in AP');
    } finally {
      await first.close();
    }
    const second = await startHub(config(), { demoToday: '2026-11-27' });
    try {
      expect(second.demo).toBeNull();
      const res = await request(second.server.url)
        .post('')
        .send({ query: '{ pupils(first: 1) { totalCount } }' });
      expect(res.body.data.pupils.totalCount).toBe(40);
    } finally {
      await second.close();
    }
  });
});
