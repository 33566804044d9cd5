import { Json, startTestApi, TestApi } from '../support/api-server';
import { Factories, factories } from '../support/factories';

let api: TestApi;
let f: Factories;
const upns: Record<string, string> = {};

/**
 * Two authorities; pupils of several ages (years at 2026-03-02: Y10 born 2010-10, Y7 born 2013-10,
 * Y3 born 2017-10); placements ended, current and future.
 */
beforeAll(async () => {
  api = await startTestApi();
  f = factories(api.db);
  await f.authority({ laCode: '802', name: 'North Somerset' });
  await f.authority({ laCode: '803', name: 'South Gloucestershire' });
  await f.authority({ laCode: '801', name: 'Bristol' });
  await f.school({ urn: '100001', laCode: '802', type: 'academy', name: 'Hill Academy' });
  await f.school({ urn: '100002', laCode: '802', type: 'pru', name: 'Valley PRU' });
  await f.school({ urn: '100003', laCode: '803', type: 'academy', name: 'Vale Academy' });
  await f.provider({ providerRef: 'FOREST', onFramework: true, registered: false });
  await f.provider({ providerRef: 'WORKSHOP', onFramework: true, registered: true, dfeUrn: '654321' });
  await f.provider({ providerRef: 'OFFFRAME', onFramework: false, registered: false });

  const y10 = await f.pupil({
    laCode: '802',
    schoolUrn: '100001',
    dateOfBirth: '2010-10-15',
    senStatus: 'ehcp',
    lookedAfter: true,
  });
  const y7 = await f.pupil({ laCode: '802', schoolUrn: '100001', dateOfBirth: '2013-10-15', fsm: true });
  const y3 = await f.pupil({ laCode: '802', schoolUrn: '100002', dateOfBirth: '2017-10-15' });
  const other = await f.pupil({ laCode: '803', schoolUrn: '100003', dateOfBirth: '2010-12-01', fsm: true });
  Object.assign(upns, { y10: y10.upn, y7: y7.upn, y3: y3.upn, other: other.upn });

  await f.placement({
    placementRef: 'P-Y10-FOREST',
    upn: y10.upn,
    providerRef: 'FOREST',
    commissionerSchoolUrn: '100001',
    startDate: '2026-01-05',
    reason: 'semh',
  });
  await f.placement({
    placementRef: 'P-Y10-OLD',
    upn: y10.upn,
    providerRef: 'OFFFRAME',
    commissionerSchoolUrn: '100001',
    startDate: '2025-09-08',
    endDate: '2025-12-19',
    endReason: 'completed',
    type: 'full_time',
    hoursPerWeek: 25,
  });
  await f.placement({
    placementRef: 'P-Y7-WORKSHOP',
    upn: y7.upn,
    providerRef: 'WORKSHOP',
    commissionerSchoolUrn: '100001',
    startDate: '2026-02-02',
    reason: 'at_risk_of_exclusion',
  });
  await f.placement({
    placementRef: 'P-Y3-FUTURE',
    upn: y3.upn,
    providerRef: 'FOREST',
    commissionerSchoolUrn: '100002',
    startDate: '2026-04-13',
    type: 'in_school',
  });
  await f.placement({
    placementRef: 'P-OTHER',
    upn: other.upn,
    providerRef: 'WORKSHOP',
    startDate: '2026-01-12',
    reason: 'medical',
  });
});

afterAll(async () => {
  await api.close();
});

const refs = (nodes: { placementRef: string }[]) => nodes.map((n) => n.placementRef).sort();

describe('list queries', () => {
  it('pages through authorities with first/after and reports totalCount', async () => {
    const q = `query ($after: String) { authorities(first: 2, after: $after) {
      totalCount edges { cursor node { laCode } } nodes { laCode } pageInfo { hasNextPage endCursor } } }`;
    const first = await api.gql(q);
    expect(first.errors).toBeUndefined();
    const p1 = first.data.authorities;
    expect(p1.totalCount).toBe(3);
    expect(p1.nodes.map((n: Json) => n.laCode)).toEqual(['802', '803']);
    expect(p1.edges.map((e: Json) => e.node.laCode)).toEqual(['802', '803']);
    expect(p1.pageInfo).toEqual({ hasNextPage: true, endCursor: p1.edges[1].cursor });
    const second = (await api.gql(q, { after: p1.pageInfo.endCursor })).data.authorities;
    expect(second.nodes.map((n: Json) => n.laCode)).toEqual(['801']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.totalCount).toBe(3);
  });

  it('refuses a page size outside 1..500 and a cursor it did not issue, naming the argument', async () => {
    const big = await api.gql(`{ authorities(first: 501) { totalCount } }`);
    expect(big.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const zero = await api.gql(`{ pupils(first: 0) { totalCount } }`);
    expect(zero.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const junk = await api.gql(`{ authorities(after: "bm9wZQ") { totalCount } }`);
    expect(junk.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('filters schools by authority and type', async () => {
    const res = await api.gql(`{ a: schools(authority: "802") { nodes { urn } }
      b: schools(authority: "802", type: PRU) { nodes { urn authority { laCode } } }
      c: schools(type: ACADEMY) { totalCount } }`);
    expect(res.data.a.nodes.map((s: Json) => s.urn)).toEqual(['100001', '100002']);
    expect(res.data.b.nodes).toEqual([{ urn: '100002', authority: { laCode: '802' } }]);
    expect(res.data.c.totalCount).toBe(2);
  });

  it('filters providers by framework, registration and activity on a date', async () => {
    const res = await api.gql(`{
      onFw: providers(onFramework: true) { nodes { providerRef } }
      reg: providers(registered: true) { nodes { providerRef dfeUrn } }
      active: providers(activeAt: "2026-03-02") { nodes { providerRef } }
      before: providers(activeAt: "2025-10-01") { nodes { providerRef } } }`);
    expect(res.data.onFw.nodes.map((p: Json) => p.providerRef)).toEqual(['FOREST', 'WORKSHOP']);
    expect(res.data.reg.nodes).toEqual([{ providerRef: 'WORKSHOP', dfeUrn: '654321' }]);
    expect(res.data.active.nodes.map((p: Json) => p.providerRef)).toEqual(['FOREST', 'WORKSHOP']);
    expect(res.data.before.nodes.map((p: Json) => p.providerRef)).toEqual(['OFFFRAME']);
  });

  it('filters pupils by authority, school, provider, activity and attributes', async () => {
    const upnsOf = async (args: string) => {
      const res = await api.gql(`{ pupils(${args}) { totalCount nodes { upn } } }`);
      expect(res.errors).toBeUndefined();
      return res.data.pupils.nodes.map((p: Json) => p.upn).sort();
    };
    expect(await upnsOf('authority: "803"')).toEqual([upns.other]);
    expect(await upnsOf('school: "100001"')).toEqual([upns.y10, upns.y7].sort());
    expect(await upnsOf('provider: "FOREST"')).toEqual([upns.y10, upns.y3].sort());
    expect(await upnsOf('provider: "FOREST", activeAt: "2026-03-02"')).toEqual([upns.y10]);
    expect(await upnsOf('activeAt: "2026-03-02"')).toEqual([upns.y10, upns.y7, upns.other].sort());
    expect(await upnsOf('sen: EHCP')).toEqual([upns.y10]);
    expect(await upnsOf('lookedAfter: true')).toEqual([upns.y10]);
    expect(await upnsOf('fsm: true, authority: "802"')).toEqual([upns.y7]);
  });

  it('evaluates year group and key stage at asOf, in SQL, agreeing with the derived fields', async () => {
    const upnsOf = async (args: string) =>
      (await api.gql(`{ pupils(${args}) { nodes { upn } } }`)).data.pupils.nodes
        .map((p: Json) => p.upn)
        .sort();
    expect(await upnsOf('yearGroup: 10, asOf: "2026-03-02"')).toEqual([upns.y10, upns.other].sort());
    expect(await upnsOf('keyStage: KS3, asOf: "2026-03-02"')).toEqual([upns.y7]);
    // One academic year later the Year 7 pupil is in Year 8, still KS3; Year 10s are in Year 11.
    expect(await upnsOf('yearGroup: 11, asOf: "2026-09-01"')).toEqual([upns.y10, upns.other].sort());
    expect(await upnsOf('keyStage: KS1, asOf: "2026-03-02"')).toEqual([]);
    expect(await upnsOf('keyStage: KS2, asOf: "2026-03-02"')).toEqual([upns.y3]);

    const res = await api.gql(
      `query ($upn: UPN!) { pupil(upn: $upn) { ncYear(asOf: "2026-03-02") keyStage(asOf: "2026-03-02")
        compulsorySchoolAge(asOf: "2026-03-02") later: ncYear(asOf: "2027-09-01")
        leaver: compulsorySchoolAge(asOf: "2027-07-01") } }`,
      { upn: upns.y10 },
    );
    expect(res.data.pupil).toEqual({
      ncYear: 10,
      keyStage: 'KS4',
      compulsorySchoolAge: true,
      later: 12,
      leaver: false,
    });
  });

  it('filters placements by who, where, what and when', async () => {
    const of = async (args: string) => {
      const res = await api.gql(`{ placements(${args}) { totalCount nodes { placementRef } } }`);
      expect(res.errors).toBeUndefined();
      return refs(res.data.placements.nodes);
    };
    expect(await of('authority: "803"')).toEqual(['P-OTHER']);
    expect(await of('school: "100002"')).toEqual(['P-Y3-FUTURE']);
    expect(await of('provider: "WORKSHOP"')).toEqual(['P-OTHER', 'P-Y7-WORKSHOP']);
    expect(await of(`pupil: "${upns.y10}"`)).toEqual(['P-Y10-FOREST', 'P-Y10-OLD']);
    expect(await of('type: FULL_TIME')).toEqual(['P-Y10-OLD']);
    expect(await of('reason: MEDICAL')).toEqual(['P-OTHER']);
    expect(await of('activeAt: "2026-03-02"')).toEqual(['P-OTHER', 'P-Y10-FOREST', 'P-Y7-WORKSHOP']);
    expect(await of('activeAt: "2025-12-19"')).toEqual(['P-Y10-OLD']);
    expect(await of('activeAt: "2026-03-02", keyStage: KS4, asOf: "2026-03-02"')).toEqual([
      'P-OTHER',
      'P-Y10-FOREST',
    ]);
    expect(await of('yearGroup: 7, asOf: "2026-03-02"')).toEqual(['P-Y7-WORKSHOP']);
    expect(await of('sen: EHCP, lookedAfter: true')).toEqual(['P-Y10-FOREST', 'P-Y10-OLD']);
  });
});

describe('lookups by natural key', () => {
  it('finds each kind of record, null when there is none', async () => {
    const res = await api.gql(
      `query ($upn: UPN!) {
        authority(laCode: "802") { name calendar { startDate } }
        school(urn: "100002") { name type }
        provider(providerRef: "WORKSHOP") { name registered evidence { item } visits { visitDate } }
        pupil(upn: $upn) { firstName school { urn } authority { laCode } placements { placementRef active(asOf: "2026-03-02") } destinations { activity } }
        placement(placementRef: "P-Y10-FOREST") { type reason startDate endDate sessions pupil { upn } provider { providerRef } commissionerSchool { urn } }
        missing: placement(placementRef: "NOPE") { type } }`,
      { upn: upns.y10 },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.authority).toEqual({ name: 'North Somerset', calendar: [] });
    expect(res.data.school).toEqual({ name: 'Valley PRU', type: 'PRU' });
    expect(res.data.provider).toEqual({
      name: expect.any(String),
      registered: true,
      evidence: [],
      visits: [],
    });
    expect(res.data.pupil.school).toEqual({ urn: '100001' });
    expect(res.data.pupil.authority).toEqual({ laCode: '802' });
    expect(res.data.pupil.placements).toEqual([
      { placementRef: 'P-Y10-OLD', active: false },
      { placementRef: 'P-Y10-FOREST', active: true },
    ]);
    expect(res.data.placement).toMatchObject({
      type: 'PART_TIME',
      reason: 'SEMH',
      startDate: '2026-01-05',
      endDate: null,
      pupil: { upn: upns.y10 },
      provider: { providerRef: 'FOREST' },
      commissionerSchool: { urn: '100001' },
    });
    expect(res.data.placement.sessions).toHaveLength(10);
    expect(res.data.missing).toBeNull();
  });

  it("gives null for an authority-commissioned placement's school", async () => {
    const res = await api.gql(`{ placement(placementRef: "P-OTHER") { commissionerSchool { urn } } }`);
    expect(res.data.placement.commissionerSchool).toBeNull();
  });
});
