import { makeUpn } from '../../src/domain/upn';
import { Json, startTestApi, TestApi } from '../support/api-server';

let api: TestApi;
const UPN = makeUpn('801200005001');

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.close();
});

/** Runs a mutation that must succeed and returns its data. */
async function ok(query: string, variables?: Record<string, unknown>): Promise<Json> {
  const res = await api.gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data;
}

/** Runs an operation that must fail and returns its first error's extensions and message. */
async function fails(query: string, variables?: Record<string, unknown>) {
  const res = await api.gql(query, variables);
  expect(res.errors).toHaveLength(1);
  const [error] = res.errors ?? [];
  return { message: error.message, ...error.extensions };
}

const CREATE_PLACEMENT = `mutation ($input: CreatePlacementInput!) {
  createPlacement(input: $input) { placementRef startDate hoursPerWeek weeklyCostPence weeklyCostPounds sessions
    pupil { upn } provider { providerRef } commissionerSchool { urn } } }`;
const UPDATE_PLACEMENT = `mutation ($ref: String!, $input: UpdatePlacementInput!) {
  updatePlacement(placementRef: $ref, input: $input) { placementRef endDate endReason hoursPerWeek commissionerSchool { urn } } }`;

describe('create and update through the API', () => {
  it('creates the whole chain of records by natural keys and changes each', async () => {
    await ok(`mutation { createAuthority(input: { laCode: "801", name: "Bristol" }) { laCode } }`);
    const authority = await ok(
      `mutation { updateAuthority(laCode: "801", input: { name: "City of Bristol" }) { laCode name } }`,
    );
    expect(authority.updateAuthority).toEqual({ laCode: '801', name: 'City of Bristol' });

    await ok(
      `mutation { createSchool(input: { urn: "108000", name: "Harbour School", laCode: "801", type: ACADEMY }) { urn } }`,
    );
    await ok(
      `mutation { createSchool(input: { urn: "108001", name: "Bridge PRU", laCode: "801", type: PRU }) { urn } }`,
    );
    const school = await ok(
      `mutation { updateSchool(urn: "108000", input: { phase: "secondary" }) { urn phase type authority { laCode } } }`,
    );
    expect(school.updateSchool).toEqual({
      urn: '108000',
      phase: 'secondary',
      type: 'ACADEMY',
      authority: { laCode: '801' },
    });

    await ok(
      `mutation { createProvider(input: { providerRef: "P1", name: "Forest Skills", onFramework: true, registered: false, forms: ["forest school"], environmentRisk: MEDIUM }) { providerRef } }`,
    );
    const provider = await ok(
      `mutation { updateProvider(providerRef: "P1", input: { online: true, environmentRisk: null }) { online environmentRisk forms } }`,
    );
    expect(provider.updateProvider).toEqual({
      online: true,
      environmentRisk: null,
      forms: ['forest school'],
    });

    const evidence =
      await ok(`mutation { createProviderEvidence(input: { providerRef: "P1", item: PUBLIC_LIABILITY_INSURANCE, status: HELD,
      evidenceDate: "2025-09-01", expiresOn: "2026-08-31", valuePence: 500000000 }) { item status valuePence valuePounds } }`);
    expect(evidence.createProviderEvidence).toEqual({
      item: 'PUBLIC_LIABILITY_INSURANCE',
      status: 'HELD',
      valuePence: 500000000,
      valuePounds: 5000000,
    });
    const evidence2 = await ok(
      `mutation { updateProviderEvidence(providerRef: "P1", item: PUBLIC_LIABILITY_INSURANCE, input: { status: MISSING }) { status valuePence } }`,
    );
    expect(evidence2.updateProviderEvidence).toEqual({ status: 'MISSING', valuePence: 500000000 });

    await ok(
      `mutation { createProviderVisit(input: { providerRef: "P1", visitDate: "2026-02-10", visitor: LA, healthSafetyChecked: true }) { visitDate } }`,
    );
    const visit = await ok(
      `mutation { updateProviderVisit(providerRef: "P1", visitDate: "2026-02-10", visitor: LA, input: { judgement: GOOD, competentPerson: true }) { visitDate visitor judgement competentPerson healthSafetyChecked } }`,
    );
    expect(visit.updateProviderVisit).toEqual({
      visitDate: '2026-02-10',
      visitor: 'LA',
      judgement: 'GOOD',
      competentPerson: true,
      healthSafetyChecked: true,
    });

    await ok(
      `mutation ($upn: UPN!) { createPupil(input: { upn: $upn, firstName: "Ada", lastName: "Example", dateOfBirth: "2010-10-15", laCode: "801", schoolUrn: "108000" }) { upn } }`,
      { upn: UPN },
    );
    const pupil = await ok(
      `mutation ($upn: UPN!) { updatePupil(upn: $upn, input: { senStatus: SEN_SUPPORT, schoolUrn: null }) { senStatus school { urn } } }`,
      { upn: UPN },
    );
    expect(pupil.updatePupil).toEqual({ senStatus: 'SEN_SUPPORT', school: null });

    const created = await ok(CREATE_PLACEMENT, {
      input: {
        placementRef: 'PL1',
        upn: UPN,
        providerRef: 'P1',
        commissionerSchoolUrn: '108000',
        type: 'PART_TIME',
        startDate: '2026-01-05',
        hoursPerWeek: 12.5,
        sessions: ['MON_AM', 'TUE_PM'],
        weeklyCostPence: 35050,
      },
    });
    expect(created.createPlacement).toEqual({
      placementRef: 'PL1',
      startDate: '2026-01-05',
      hoursPerWeek: 12.5,
      weeklyCostPence: 35050,
      weeklyCostPounds: 350.5,
      sessions: ['MON_AM', 'TUE_PM'],
      pupil: { upn: UPN },
      provider: { providerRef: 'P1' },
      commissionerSchool: { urn: '108000' },
    });
    const updated = await ok(UPDATE_PLACEMENT, {
      ref: 'PL1',
      input: { endDate: '2026-03-27', endReason: 'REINTEGRATED', commissionerSchoolUrn: null },
    });
    expect(updated.updatePlacement).toEqual({
      placementRef: 'PL1',
      endDate: '2026-03-27',
      endReason: 'REINTEGRATED',
      hoursPerWeek: 12.5,
      commissionerSchool: null,
    });

    await ok(
      `mutation { createTarget(input: { placementRef: "PL1", targetRef: "T1", kind: ACADEMIC, description: "Functional Skills English L1" }) { targetRef status } }`,
    );
    const target = await ok(
      `mutation { updateTarget(placementRef: "PL1", targetRef: "T1", input: { status: MET, agreedByPupil: true }) { status agreedByPupil } }`,
    );
    expect(target.updateTarget).toEqual({ status: 'MET', agreedByPupil: true });

    await ok(
      `mutation { createReview(input: { placementRef: "PL1", reviewDate: "2026-02-02", progress: SOME }) { reviewDate kind } }`,
    );
    const review = await ok(
      `mutation { updateReview(placementRef: "PL1", reviewDate: "2026-02-02", input: { progress: GOOD, parentsInvolved: true }) { kind progress parentsInvolved } }`,
    );
    expect(review.updateReview).toEqual({ kind: 'REVIEW', progress: 'GOOD', parentsInvolved: true });

    await ok(
      `mutation ($upn: UPN!) { createDestination(input: { upn: $upn, recordedOn: "2027-10-01", activity: EDUCATION, providerName: "City College" }) { activity } }`,
      { upn: UPN },
    );
    const destination = await ok(
      `mutation ($upn: UPN!) { updateDestination(upn: $upn, recordedOn: "2027-10-01", input: { sustained: true }) { activity providerName sustained } }`,
      { upn: UPN },
    );
    expect(destination.updateDestination).toEqual({
      activity: 'EDUCATION',
      providerName: 'City College',
      sustained: true,
    });

    const read = await ok(
      `query ($upn: UPN!) { pupil(upn: $upn) { placements { targets { targetRef status } reviews { reviewDate progress } } destinations { recordedOn } } }`,
      { upn: UPN },
    );
    expect(read.pupil).toEqual({
      placements: [
        {
          targets: [{ targetRef: 'T1', status: 'MET' }],
          reviews: [{ reviewDate: '2026-02-02', progress: 'GOOD' }],
        },
      ],
      destinations: [{ recordedOn: '2027-10-01' }],
    });
  });
});

describe('several mutations in one operation', () => {
  it('read what the earlier ones wrote (loaders do not serve stale lists)', async () => {
    const data = await ok(`mutation {
      before: updatePlacement(placementRef: "PL1", input: {}) { targets { targetRef } }
      added: createTarget(input: { placementRef: "PL1", targetRef: "T2", kind: BEHAVIOUR, description: "Calm exits" }) { targetRef }
      after: updatePlacement(placementRef: "PL1", input: {}) { targets { targetRef } }
    }`);
    expect(data.before.targets).toEqual([{ targetRef: 'T1' }]);
    expect(data.after.targets).toEqual([{ targetRef: 'T1' }, { targetRef: 'T2' }]);
  });
});

describe('bad input comes back with a code and the field at fault', () => {
  const base = () => ({
    placementRef: `X${Math.random().toString(36).slice(2, 8)}`,
    upn: UPN,
    providerRef: 'P1',
    type: 'PART_TIME',
    startDate: '2026-01-05',
    hoursPerWeek: 10,
  });

  it('an invalid UPN (variable or literal)', async () => {
    const bad = await fails(CREATE_PLACEMENT, { input: { ...base(), upn: 'A801200005001' } });
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'upn' });
    expect(bad.message).toContain('check letter is A, expected B');
    const item = await fails(CREATE_PLACEMENT, { input: { ...base(), sessions: ['MON_AM', 'MONDAY'] } });
    expect(item).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessions[1]' });
    const whole = await fails(`query ($upn: UPN!) { pupil(upn: $upn) { upn } }`, { upn: 'A801200005001' });
    expect(whole).toMatchObject({ code: 'BAD_USER_INPUT', field: 'upn' });
    const literal = await fails(`{ pupil(upn: "A801200005001") { upn } }`);
    expect(literal).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(literal.message).toContain('check letter');
  });

  it('unknown references are NOT_FOUND with the field that carried them', async () => {
    expect(await fails(CREATE_PLACEMENT, { input: { ...base(), providerRef: 'NOPE' } })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'providerRef',
    });
    expect(
      await fails(CREATE_PLACEMENT, { input: { ...base(), upn: makeUpn('801200009999') } }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'upn' });
    expect(
      await fails(CREATE_PLACEMENT, { input: { ...base(), commissionerSchoolUrn: '999999' } }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'commissionerSchoolUrn' });
    expect(
      await fails(
        `mutation { createSchool(input: { urn: "108009", name: "S", laCode: "999", type: FREE }) { urn } }`,
      ),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'laCode' });
    expect(
      await fails(
        `mutation { updateTarget(placementRef: "PL1", targetRef: "T9", input: { status: MET }) { status } }`,
      ),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'targetRef' });
    expect(
      await fails(`mutation { updateAuthority(laCode: "999", input: { name: "x" }) { name } }`),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'laCode' });
  });

  it('a duplicate natural key is a CONFLICT', async () => {
    expect(
      await fails(`mutation { createAuthority(input: { laCode: "801", name: "Again" }) { laCode } }`),
    ).toMatchObject({ code: 'CONFLICT', field: 'laCode' });
    expect(await fails(CREATE_PLACEMENT, { input: { ...base(), placementRef: 'PL1' } })).toMatchObject({
      code: 'CONFLICT',
      field: 'placementRef',
    });
    expect(
      await fails(
        `mutation { createReview(input: { placementRef: "PL1", reviewDate: "2026-02-02" }) { kind } }`,
      ),
    ).toMatchObject({ code: 'CONFLICT', field: 'reviewDate' });
  });

  it('dates that break the rules', async () => {
    expect(await fails(CREATE_PLACEMENT, { input: { ...base(), endDate: '2026-01-04' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'endDate',
    });
    expect(await fails(UPDATE_PLACEMENT, { ref: 'PL1', input: { startDate: '2026-04-01' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'endDate',
    });
    expect(await fails(CREATE_PLACEMENT, { input: { ...base(), startDate: '2026-02-30' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'startDate',
    });
    expect(
      await fails(UPDATE_PLACEMENT, { ref: 'PL1', input: { plannedEndDate: '2025-12-31' } }),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'plannedEndDate',
    });
  });

  it('hours outside 0..40, malformed keys, and null for a required field', async () => {
    const hours = await fails(CREATE_PLACEMENT, { input: { ...base(), hoursPerWeek: 41 } });
    expect(hours).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hoursPerWeek' });
    expect(hours.message).toContain('hoursPerWeek must not be greater than 40');
    expect(await fails(UPDATE_PLACEMENT, { ref: 'PL1', input: { schoolHoursPerWeek: -1 } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'schoolHoursPerWeek',
    });
    expect(await fails(UPDATE_PLACEMENT, { ref: 'PL1', input: { hoursPerWeek: null } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'hoursPerWeek',
    });
    expect(
      await fails(`mutation { createAuthority(input: { laCode: "80", name: "Short" }) { laCode } }`),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'laCode' });
    expect(
      await fails(UPDATE_PLACEMENT, { ref: 'PL1', input: { sessions: ['MON_AM', 'MON_AM'] } }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessions' });
  });

  it('leaves nothing half-written after a refused write', async () => {
    const before = await ok(`{ placements { totalCount } }`);
    await fails(CREATE_PLACEMENT, { input: { ...base(), hoursPerWeek: 41 } });
    await fails(CREATE_PLACEMENT, { input: { ...base(), endDate: '2025-01-01' } });
    const after = await ok(
      `{ placements { totalCount } placement(placementRef: "PL1") { startDate endDate } }`,
    );
    expect(after.placements.totalCount).toBe(before.placements.totalCount);
    expect(after.placement).toEqual({ startDate: '2026-01-05', endDate: '2026-03-27' });
  });
});
