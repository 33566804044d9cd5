import { localAdministrator } from '../../src/auth/principal';
import { importFolder } from '../../src/ingest';
import { expectGraphQLError, startTestApi, TestApi } from '../support/api-server';
import { EXAMPLE } from '../support/example';

/** Inputs the database would refuse or change unseen are refused by the API first, naming why. */
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
  expect(results.flatMap((r) => r.errors)).toEqual([]);
});
afterAll(() => api.close());

const CREATE_PLACEMENT = `mutation ($input: CreatePlacementInput!) { createPlacement(input: $input) { placementRef hoursPerWeek } }`;
const placement = (over: Record<string, unknown>) => ({
  placementRef: 'PL-BOUNDS',
  upn: 'L802200025000',
  providerRef: 'ALP-001',
  type: 'PART_TIME',
  startDate: '2026-09-07',
  hoursPerWeek: 10,
  sessions: ['MON_AM'],
  ...over,
});

describe('dates', () => {
  it('refuses a year the hub cannot record, in a variable and in the query, instead of failing inside', async () => {
    const variable = await api.gql(CREATE_PLACEMENT, { input: placement({ startDate: '0000-01-01' }) });
    expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(variable.errors?.[0]?.message).toMatch(/the year is from 1900 to 2199/);
    const literal = await api.gql('{ pupils(first: 1, activeAt: "0000-01-01") { totalCount } }');
    expect(literal.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(literal.errors?.[0]?.message).toMatch(/the year is from 1900 to 2199/);
    expect(
      (await api.gql('{ pupils(first: 1, activeAt: "2026-03-02") { totalCount } }')).errors,
    ).toBeUndefined();
  });

  it('refuses a date of birth in the future, through the API and in a file', async () => {
    const res = await api.gql(
      `mutation { createPupil(input: { upn: "L802200025000", firstName: "Ada", lastName: "Later", dateOfBirth: "2199-01-01", laCode: "802" }) { upn } }`,
    );
    expectGraphQLError(res, 'BAD_USER_INPUT', /date of birth 2199-01-01 is in the future/);
    const file = await api.gql(
      `mutation ($c: String!) { importFile(kind: PUPILS, filename: "p.csv", content: $c) { inserted errors { line column reason } } }`,
      { c: 'upn,first_name,last_name,date_of_birth,la_code\nL802200025000,Ada,Later,2199-01-01,802\n' },
    );
    expect(file.data?.importFile).toEqual({
      inserted: 0,
      errors: [{ line: 2, column: 'date_of_birth', reason: 'the date of birth 2199-01-01 is in the future' }],
    });
  });
});

describe('hours', () => {
  it('refuses hours with more than two decimals rather than store them rounded', async () => {
    for (const hoursPerWeek of [39.999, 0.001])
      expectGraphQLError(
        await api.gql(CREATE_PLACEMENT, { input: placement({ hoursPerWeek }) }),
        'BAD_USER_INPUT',
        /at most two decimals/,
      );
    const ok = await api.gql(CREATE_PLACEMENT, { input: placement({ hoursPerWeek: 12.25 }) });
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.createPlacement).toEqual({ placementRef: 'PL-BOUNDS', hoursPerWeek: 12.25 });
  });
});

describe('text', () => {
  it('refuses blank names and references with spaces at either end, which no file could name', async () => {
    const provider = (providerRef: string, name: string) =>
      api.gql(
        `mutation ($ref: String!, $name: String!) { createProvider(input: { providerRef: $ref, name: $name, onFramework: true, registered: false }) { providerRef } }`,
        { ref: providerRef, name },
      );
    for (const [ref, name] of [
      ['ALP-SPACE ', 'Spaced'],
      [' ', 'Blank ref'],
      ['ALP-BLANK', '   '],
    ])
      expectGraphQLError(
        await provider(ref, name),
        'BAD_USER_INPUT',
        /must not be blank or begin or end with a space/,
      );
    expect((await provider('ALP-NEW', 'A new provider')).errors).toBeUndefined();
    const target = await api.gql(
      `mutation { createTarget(input: { placementRef: "PL-0001", targetRef: "T-BLANK", description: "   ", kind: ACADEMIC }) { targetRef } }`,
    );
    expectGraphQLError(target, 'BAD_USER_INPUT', /must not be blank/);
  });
});
