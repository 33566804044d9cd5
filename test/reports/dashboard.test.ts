import path from 'node:path';
import request from 'supertest';
import { localAdministrator } from '../../src/auth/principal';
import { importFolder } from '../../src/ingest';
import { startTestApi, TestApi } from '../support/api-server';

const EXAMPLE = path.join(__dirname, '../../spec/example');

describe('dashboard', () => {
  let api: TestApi;
  let base: string;
  let token: string;
  const get = (path: string) => request(base).get(path).set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    api = await startTestApi();
    const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    base = api.base;
  });
  afterAll(() => api.close());
  beforeEach(() => {
    token = api.adminToken;
  });

  it('shows an officer every flagged child with the reasons, and the flag counts', async () => {
    const res = await get('/').query({ asOf: '2026-11-03', authority: '801' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alternative provision: Bristol, as of 2026-11-03');
    // Pupil3 is of compulsory age on no roll in 801: a child missing education
    expect(res.text).toMatch(
      /Pupil3 Test<\/td><td>Z801200025003<\/td><td>none<\/td><td><div><code>NOT_ON_ROLL<\/code>/,
    );
    // a North Somerset pupil is not on Bristol's page
    expect(res.text).not.toContain('A802200025001');
    expect(res.text).toMatch(/<code>NOT_ON_ROLL<\/code><\/td><td>[^<]+<\/td><td>pupil<\/td><td>1<\/td>/);
  });

  it('shows aggregates only, with small numbers suppressed, to an analyst', async () => {
    token = await api.tokenFor('analyst', { authorities: ['801'] });
    const res = await get('/').query({ asOf: '2026-11-03', authority: '801' });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Z801200025003');
    expect(res.text).not.toContain('Children to act on');
    expect(res.text).toMatch(
      /<code>NOT_ON_ROLL<\/code><\/td><td>[^<]+<\/td><td>pupil<\/td><td>suppressed<\/td>/,
    );
  });

  it('answers a bad date with a clear 400', async () => {
    const res = await get('/').query({ asOf: '2026-02-30' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('asOf must be a date YYYY-MM-DD');
  });

  it('draws the weekly attendance chart as a PNG', async () => {
    const res = await get('/charts/attendance.png').query({ asOf: '2025-11-30' }).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect((res.body as Buffer).subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
