import request from 'supertest';
import { createApp } from '../../src/server/app';
import { startTestApi, TestApi } from '../support/api-server';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.close();
});

describe('the HTTP server', () => {
  it('refuses a JSON body over 1 MB with 413, before it reaches GraphQL', async () => {
    const file = 'upn,first_name\n'.padEnd(1.5 * 1024 * 1024, 'x');
    const res = await request(api.server.url)
      .post('')
      .set('authorization', `Bearer ${api.adminToken}`)
      .set('content-type', 'application/json')
      .send({ query: '{ authorities { totalCount } }', variables: { file } });
    expect(res.status).toBe(413);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js|node_modules/);
  });

  it('answers introspection to a signed-in caller outside production', async () => {
    const res = await api.gql('{ __type(name: "Pupil") { description fields { name description } } }');
    expect(res.data.__type.description).toContain('never stored');
    const ncYear = res.data.__type.fields.find((f: { name: string }) => f.name === 'ncYear');
    expect(ncYear.description).toContain('National curriculum year');
  });

  it('turns introspection and field suggestions off in production', async () => {
    const { app, stop } = await createApp({ db: api.db, production: true });
    try {
      const ask = (query: string) =>
        request(app)
          .post('/graphql')
          .set('authorization', `Bearer ${api.adminToken}`)
          .set('content-type', 'application/json')
          .send({ query });
      const intro = await ask('{ __schema { types { name } } }');
      expect(intro.body.data).toBeUndefined();
      expect(JSON.stringify(intro.body.errors)).toMatch(/introspection/i);
      const typo = await ask('{ pupil { upnn } }');
      expect(JSON.stringify(typo.body.errors)).not.toMatch(/Did you mean/);
    } finally {
      await stop();
    }
  });

  it('sends helmet headers and no CORS permission to another origin', async () => {
    const res = await request(api.base).get('/health').set('origin', 'https://evil.example');
    expect(res.status).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports the URL it listens on, with the port it was given', async () => {
    expect(api.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(api.server.url).not.toContain(':0/');
  });
});
