import { serverAudits } from 'graphql-http';
import { startTestApi, TestApi } from '../support/api-server';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.close();
});

describe('GraphQL over HTTP', () => {
  it('passes every MUST audit of graphql-http for a signed-in client', async () => {
    const signedIn: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${api.adminToken}`);
      return fetch(input, { ...init, headers });
    };
    const audits = serverAudits({ url: api.server.url, fetchFn: signedIn });
    const must = audits.filter((a) => a.name.startsWith('MUST'));
    expect(must.length).toBeGreaterThan(0);
    const failed: string[] = [];
    for (const audit of must) {
      const result = await audit.fn();
      if (result.status !== 'ok') failed.push(`${audit.name}: ${result.reason}`);
    }
    expect(failed).toEqual([]);
  });
});
