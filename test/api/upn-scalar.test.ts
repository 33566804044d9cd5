import { startTestApi, TestApi } from '../support/api-server';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.close();
});

/** The UPN scalar accepts a value when `pupil(upn:)` runs (null: no such pupil) and refuses it otherwise. */
async function lookUp(upn: string) {
  return api.gql(`query ($upn: UPN!) { pupil(upn: $upn) { upn } }`, { upn });
}

describe('UPN scalar', () => {
  it.each(['B801200005001', 'P207000016049'])('accepts the valid UPN %s', async (upn) => {
    const res = await lookUp(upn);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ pupil: null });
  });

  it.each([
    ['A801200005001', 'check letter is A, expected B'],
    ['B80120000500', 'a UPN has 13 characters, this has 12'],
    ['I801200005001', 'a UPN is a check letter, 11 digits, then a digit or letter'],
  ])('refuses %s with a clear message', async (upn, reason) => {
    const res = await lookUp(upn);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toContain(`UPN ${upn} is not valid: ${reason}`);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'upn' });
  });

  it('refuses a literal in the query as a validation error', async () => {
    const res = await api.gql(`{ pupil(upn: "A801200005001") { upn } }`);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toContain('check letter is A, expected B');
  });
});
