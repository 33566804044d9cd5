import { StatementCounter, startTestApi, TestApi } from '../support/api-server';
import { Factories, factories } from '../support/factories';

/**
 * Nested relations go through per-request DataLoaders, so the number of SQL statements of a query does
 * not grow with the number of parents.
 */
const NESTED = `{ placements(first: 500) { totalCount nodes {
  placementRef active(asOf: "2026-03-02")
  pupil { upn ncYear(asOf: "2026-03-02") school { urn } authority { laCode } placements { placementRef } destinations { activity } }
  provider { providerRef evidence { item } visits { visitDate } }
  commissionerSchool { urn authority { laCode } }
  reviews { reviewDate }
  targets { targetRef } } } }`;

/** `count` placements, each with its own pupil, provider and school, two targets and two reviews. */
async function seed(f: Factories, count: number): Promise<void> {
  const authority = await f.authority();
  for (let i = 0; i < count; i++) {
    const school = await f.school({ laCode: authority.laCode });
    const provider = await f.provider();
    await f.evidence({ providerRef: provider.providerRef, item: 'dsl', status: 'held' });
    await f.visit({ providerRef: provider.providerRef, visitDate: '2026-02-01', visitor: 'la' });
    const pupil = await f.pupil({ laCode: authority.laCode, schoolUrn: school.urn });
    await f.destination({ upn: pupil.upn, recordedOn: '2026-01-10', activity: 'education' });
    const placement = await f.placement({
      upn: pupil.upn,
      providerRef: provider.providerRef,
      commissionerSchoolUrn: school.urn,
    });
    for (const reviewDate of ['2026-02-02', '2026-03-02'])
      await f.review({ placementRef: placement.placementRef, reviewDate });
    for (let t = 0; t < 2; t++) await f.target({ placementRef: placement.placementRef });
  }
}

async function statementsFor(count: number): Promise<{ statements: number; placements: number }> {
  const counter = new StatementCounter();
  const api: TestApi = await startTestApi({ logger: counter });
  try {
    await seed(factories(api.db), count);
    counter.reset();
    const res = await api.gql(NESTED);
    expect(res.errors).toBeUndefined();
    const nodes = res.data.placements.nodes;
    expect(nodes).toHaveLength(count);
    for (const node of nodes) {
      expect(node.reviews).toHaveLength(2);
      expect(node.targets).toHaveLength(2);
      expect(node.pupil.placements).toEqual([{ placementRef: node.placementRef }]);
      expect(node.provider.evidence).toEqual([{ item: 'DSL' }]);
      expect(node.commissionerSchool.urn).toBe(node.pupil.school.urn);
    }
    // each pupil-level read runs behind the row-level wall: three statements of its own around it
    return { statements: counter.count - counter.wallStatements, placements: nodes.length };
  } finally {
    await api.close();
  }
}

describe('no N+1', () => {
  it('answers a nested query over 5 and over 100 placements with the same number of statements', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(100);
    expect(large.statements).toBe(small.statements);
    // count + page, then one batch per relation: a handful, never one per parent.
    expect(small.statements).toBeLessThan(20);
    // seeding writes 1,100 audited records through the services
  }, 600_000);
});

describe('the three-level placements list (bench/api-load.ts)', () => {
  const LIST =
    '{ placements(first: 50) { nodes { placementRef pupil { upn school { name } } provider { name } } } }';

  it('is three round trips, token, one read behind the wall, audit, for 5 or 50 placements; totalCount adds one', async () => {
    const counter = new StatementCounter();
    const api: TestApi = await startTestApi({ logger: counter });
    try {
      const f = factories(api.db);
      for (const target of [5, 50]) {
        await seed(f, target - (target === 5 ? 0 : 5));
        counter.reset();
        const res = await api.gql(LIST);
        expect(res.errors).toBeUndefined();
        expect(res.data.placements.nodes).toHaveLength(target);
        for (const node of res.data.placements.nodes) {
          expect(node.pupil.school.name).toEqual(expect.any(String));
          expect(node.provider.name).toEqual(expect.any(String));
        }
        // the token check, the page with its pupils, schools and providers (BEGIN, the wall's settings,
        // the read and ROLLBACK in one message), one audit statement for both kinds of subject read
        expect(counter.count).toBe(3);
        expect(counter.statements.filter((s) => s.includes('FROM api_token'))).toHaveLength(1);
        expect(counter.oneTripReads).toHaveLength(1);
        expect(counter.oneTripReads[0]).toMatch(/JOIN school s .* JOIN provider pr /s);
        expect(counter.statements.filter((s) => s.includes('INSERT INTO audit_event'))).toHaveLength(1);
        expect(counter.wallStatements).toBe(0);
      }
      counter.reset();
      const counted = await api.gql(LIST.replace('{ nodes', '{ totalCount nodes'));
      expect(counted.data.placements.totalCount).toBe(50);
      expect(counter.count).toBe(4);
      expect(counter.oneTripReads).toHaveLength(2);
    } finally {
      await api.close();
    }
  });
});
