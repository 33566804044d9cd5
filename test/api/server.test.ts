import request from 'supertest';
import { localAdministrator } from '../../src/auth/principal';
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
  it('takes a request body the size of a 20 MB import file sent as a string', async () => {
    const file = 'upn,first_name\n'.padEnd(21 * 1024 * 1024, 'x');
    const res = await request(api.server.url)
      .post('')
      .set('content-type', 'application/json')
      .send({ query: '{ authorities { totalCount } }', variables: { file } });
    expect(res.body.errors ?? []).toEqual([]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { authorities: { totalCount: 0 } } });
  });

  it('serves the landing page to a browser and answers introspection', async () => {
    const page = await request(api.server.url).get('').set('accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<!DOCTYPE html>');
    const res = await api.gql('{ __type(name: "Pupil") { description fields { name description } } }');
    expect(res.data.__type.description).toContain('never stored');
    const ncYear = res.data.__type.fields.find((f: { name: string }) => f.name === 'ncYear');
    expect(ncYear.description).toContain('National curriculum year');
  });

  it('reports the URL it listens on, with the port it was given', async () => {
    expect(api.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(api.server.url).not.toContain(':0/');
  });

  it('asks principalFor who each request is from', async () => {
    const principalFor = jest.fn(() => localAdministrator('tester'));
    const { app, stop } = await createApp({ db: api.db, principalFor });
    try {
      const res = await request(app)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('x-caller', 'someone')
        .send({ query: '{ authorities { totalCount } }' });
      expect(res.status).toBe(200);
      expect(principalFor).toHaveBeenCalledTimes(1);
      expect(principalFor.mock.calls[0]).toEqual([
        expect.objectContaining({ headers: expect.objectContaining({ 'x-caller': 'someone' }) }),
      ]);
    } finally {
      await stop();
    }
  });
});
