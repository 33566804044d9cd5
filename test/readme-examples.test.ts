import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localAdministrator } from '../src/auth/principal';
import { startTestApi, TestApi } from './support/api-server';
import { importAsHistory } from './support/example';

const README = readFileSync(path.join(__dirname, '../README.md'), 'utf8');
const EXAMPLES = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);

/** The README's GraphQL examples run verbatim, on the spec's example data. */
describe('README examples', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await importAsHistory(api.db, localAdministrator());
  });
  afterAll(() => api.close());

  it('has examples', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(EXAMPLES.map((q, i) => [i + 1, q]))('example %i runs without errors', async (_i, query) => {
    const res = await api.gql(query as string);
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.data).toBeTruthy();
  });
});
