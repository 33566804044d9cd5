import { localAdministrator } from '../../src/auth/principal';
import { makeUpn } from '../../src/domain/upn';
import { importFolder } from '../../src/ingest';
import { expectGraphQLError, startTestApi, TestApi } from '../support/api-server';
import { EXAMPLE } from '../support/example';

/**
 * What a school changes among what it reads (docs/access.md): the pupils on its own roll and the
 * placements it commissioned, and its own visits. It reads more (the pupils of placements it
 * commissioned, the placements of pupils on its roll) but those are another school's or the
 * authority's records. And a write outside the caller's scope answers as a key that does not exist.
 */

const SCHOOL = '100049';
const ON_ROLL = 'L802200025000'; // on the roll of 100049 (spec/example/pupils.csv)
const ELSEWHERE = 'G802200025005'; // on the roll of 100000, authority 802

let api: TestApi;
let school: string;
let officer801: string;
let provider2: string;

const expectError = expectGraphQLError;

async function asAdmin(query: string, variables?: Record<string, unknown>) {
  const res = await api.gqlAs(api.adminToken, query, variables);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const one = async (sql: string, values: unknown[]) => (await api.db.dataSource.query(sql, values))[0];

const CREATE_PLACEMENT = `mutation ($input: CreatePlacementInput!) {
  createPlacement(input: $input) { placementRef commissionerSchool { urn } } }`;
const placementInput = (ref: string, upn: string, commissioner?: string) => ({
  placementRef: ref,
  upn,
  providerRef: 'ALP-001',
  ...(commissioner === undefined ? {} : { commissionerSchoolUrn: commissioner }),
  type: 'PART_TIME',
  startDate: '2026-09-07',
  hoursPerWeek: 10,
  sessions: ['MON_AM', 'TUE_AM'],
});

beforeAll(async () => {
  api = await startTestApi();
  const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  school = await api.tokenFor('school', { schoolUrn: SCHOOL });
  officer801 = await api.tokenFor('la_officer', { authorities: ['801'] });
  provider2 = await api.tokenFor('provider', { providerRef: 'ALP-002' });
  // the school commissions a placement for a pupil on another school's roll; another school
  // commissions one for a pupil on this school's roll
  await asAdmin(CREATE_PLACEMENT, { input: placementInput('PL-THEIRS-PUPIL', ELSEWHERE, SCHOOL) });
  await asAdmin(CREATE_PLACEMENT, { input: placementInput('PL-THEIRS', ON_ROLL, '100000') });
});

afterAll(() => api.close());

describe('pupils a school reads but may not change', () => {
  it('refuses a change of a pupil not on its roll, and leaves the pupil as it was', async () => {
    const read = await api.gqlAs(school, `{ pupil(upn: "${ELSEWHERE}") { upn } }`);
    expect(read.data?.pupil).toEqual({ upn: ELSEWHERE });
    const before = await one('SELECT school_id, fsm FROM pupil WHERE upn = $1', [ELSEWHERE]);
    expectError(
      await api.gqlAs(
        school,
        `mutation { updatePupil(upn: "${ELSEWHERE}", input: { fsm: ${!before.fsm} }) { upn } }`,
      ),
      'FORBIDDEN',
      /not on the roll of school 100049/,
    );
    expectError(
      await api.gqlAs(
        school,
        `mutation { updatePupil(upn: "${ELSEWHERE}", input: { schoolUrn: "${SCHOOL}" }) { upn } }`,
      ),
      'FORBIDDEN',
    );
    expect(await one('SELECT school_id, fsm FROM pupil WHERE upn = $1', [ELSEWHERE])).toEqual(before);
  });

  it('refuses a destination for a pupil not on its roll, and records one for its own', async () => {
    const create = (upn: string) =>
      `mutation { createDestination(input: { upn: "${upn}", recordedOn: "2026-10-01", activity: EDUCATION }) { recordedOn } }`;
    expectError(await api.gqlAs(school, create(ELSEWHERE)), 'FORBIDDEN');
    expect(
      await one(
        `SELECT count(*)::int AS n FROM destination d JOIN pupil p ON p.id = d.pupil_id WHERE p.upn = $1 AND d.recorded_on = '2026-10-01'`,
        [ELSEWHERE],
      ),
    ).toEqual({ n: 0 });
    const mine = await api.gqlAs(school, create(ON_ROLL));
    expect(mine.errors).toBeUndefined();
  });

  it('changes a pupil on its roll', async () => {
    const res = await api.gqlAs(
      school,
      `mutation { updatePupil(upn: "${ON_ROLL}", input: { fsm: true }) { fsm } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.updatePupil).toEqual({ fsm: true });
  });
});

describe('placements a school reads but did not commission', () => {
  it('refuses a change and a deletion of a placement another school commissioned', async () => {
    const read = await api.gqlAs(school, `{ placement(placementRef: "PL-THEIRS") { placementRef } }`);
    expect(read.data?.placement).toEqual({ placementRef: 'PL-THEIRS' });
    expectError(
      await api.gqlAs(
        school,
        `mutation { updatePlacement(placementRef: "PL-THEIRS", input: { hoursPerWeek: 20 }) { placementRef } }`,
      ),
      'FORBIDDEN',
      /not commissioned by school 100049/,
    );
    expectError(
      await api.gqlAs(school, `mutation { deletePlacement(placementRef: "PL-THEIRS") { placementRef } }`),
      'FORBIDDEN',
    );
    expect(
      await one(`SELECT hours_per_week::float AS h FROM placement WHERE placement_ref = 'PL-THEIRS'`, []),
    ).toEqual({
      h: 10,
    });
  });

  it('refuses targets and reviews on a placement another school commissioned, and keeps its own', async () => {
    const target = (ref: string, t: string) =>
      `mutation { createTarget(input: { placementRef: "${ref}", targetRef: "${t}", description: "Reading", kind: ACADEMIC }) { targetRef } }`;
    const review = (ref: string) =>
      `mutation { createReview(input: { placementRef: "${ref}", reviewDate: "2026-10-05", kind: REVIEW }) { reviewDate } }`;
    expectError(
      await api.gqlAs(school, target('PL-THEIRS', 'T-S1')),
      'FORBIDDEN',
      /not commissioned by school 100049/,
    );
    expectError(await api.gqlAs(school, review('PL-THEIRS')), 'FORBIDDEN');
    await asAdmin(target('PL-THEIRS', 'T-ADMIN'));
    expectError(
      await api.gqlAs(
        school,
        `mutation { deleteTarget(placementRef: "PL-THEIRS", targetRef: "T-ADMIN") { targetRef } }`,
      ),
      'FORBIDDEN',
    );
    expect(
      await one(
        `SELECT count(*)::int AS n FROM target t JOIN placement p ON p.id = t.placement_id WHERE p.placement_ref = 'PL-THEIRS'`,
        [],
      ),
    ).toEqual({ n: 1 });
    expect((await api.gqlAs(school, target('PL-THEIRS-PUPIL', 'T-S2'))).errors).toBeUndefined();
  });

  it('changes a placement it commissioned, even for a pupil on another roll', async () => {
    const res = await api.gqlAs(
      school,
      `mutation { updatePlacement(placementRef: "PL-THEIRS-PUPIL", input: { hoursPerWeek: 12 }) { hoursPerWeek } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.updatePlacement).toEqual({ hoursPerWeek: 12 });
  });

  it('commissions a new placement in its own name only', async () => {
    const own = await api.gqlAs(school, CREATE_PLACEMENT, {
      input: placementInput('PL-SCHOOL-NEW', ON_ROLL),
    });
    expect(own.errors).toBeUndefined();
    expect(own.data?.createPlacement).toEqual({
      placementRef: 'PL-SCHOOL-NEW',
      commissionerSchool: { urn: SCHOOL },
    });
    expectError(
      await api.gqlAs(school, CREATE_PLACEMENT, {
        input: placementInput('PL-SCHOOL-OTHER', ON_ROLL, '100000'),
      }),
      'FORBIDDEN',
    );
    expectError(
      await api.gqlAs(school, CREATE_PLACEMENT, {
        input: placementInput('PL-SCHOOL-NONE', ON_ROLL, null as never),
      }),
      'FORBIDDEN',
    );
    expect(
      await one(`SELECT count(*)::int AS n FROM placement WHERE placement_ref LIKE 'PL-SCHOOL-%'`, []),
    ).toEqual({
      n: 1,
    });
  });
});

describe('visits', () => {
  const VISIT = (visitor: string, date: string) =>
    `mutation { createProviderVisit(input: { providerRef: "ALP-000", visitDate: "${date}", visitor: ${visitor}, healthSafetyChecked: true }) { visitor } }`;

  it("lets a school record its own visits and not the authority's", async () => {
    expectError(await api.gqlAs(school, VISIT('LA', '2026-11-20')), 'FORBIDDEN', /visitor: school/);
    expect((await api.gqlAs(school, VISIT('SCHOOL', '2026-11-20'))).errors).toBeUndefined();
    expectError(
      await api.gqlAs(
        school,
        `mutation { updateProviderVisit(providerRef: "ALP-000", visitDate: "2025-11-03", visitor: LA, input: { notes: "x" }) { notes } }`,
      ),
      'FORBIDDEN',
    );
    expectError(
      await api.gqlAs(
        school,
        `mutation { deleteProviderVisit(providerRef: "ALP-000", visitDate: "2025-11-03", visitor: LA) { visitor } }`,
      ),
      'FORBIDDEN',
    );
    expect(
      await one(
        `SELECT count(*)::int AS n FROM provider_visit v JOIN provider p ON p.id = v.provider_id
         WHERE p.provider_ref = 'ALP-000' AND v.visitor = 'la' AND (v.visit_date = '2025-11-03' OR v.visit_date = '2026-11-20') AND v.notes IS NULL`,
        [],
      ),
    ).toEqual({ n: 1 });
  });
});

describe('writes outside the scope answer as keys that do not exist', () => {
  it('gives an officer of another authority the same answer for a pupil it cannot see as for none', async () => {
    const outside = await api.gqlAs(officer801, CREATE_PLACEMENT, {
      input: placementInput('PL-801-A', ON_ROLL),
    });
    const absent = await api.gqlAs(officer801, CREATE_PLACEMENT, {
      input: placementInput('PL-801-B', makeUpn('801200099999')),
    });
    expectError(outside, 'NOT_FOUND', new RegExp(`pupil ${ON_ROLL} does not exist`));
    expect(absent.errors?.[0]?.extensions?.code).toBe(outside.errors?.[0]?.extensions?.code);
  });

  it("gives a provider the same answer for another provider's placement as for none", async () => {
    const target = (ref: string) =>
      `mutation { createTarget(input: { placementRef: "${ref}", targetRef: "T-X", description: "x", kind: ACADEMIC }) { targetRef } }`;
    expectError(
      await api.gqlAs(provider2, target('PL-0002')),
      'NOT_FOUND',
      /placement PL-0002 does not exist/,
    );
    expectError(
      await api.gqlAs(provider2, target('PL-NONE')),
      'NOT_FOUND',
      /placement PL-NONE does not exist/,
    );
    expectError(
      await api.gqlAs(provider2, `{ attendanceHistory(placementRef: "PL-0002") { code } }`),
      'NOT_FOUND',
      /placement PL-0002 does not exist/,
    );
  });
});
