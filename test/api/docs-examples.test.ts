import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Json, startTestApi, TestApi } from '../support/api-server';

/** Every ```graphql block of docs/api.md, verbatim, in the order the page gives them. */
const DOC = readFileSync(path.join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');
const EXAMPLES = [...DOC.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.close();
});

describe('docs/api.md', () => {
  it('has examples', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(10);
  });

  it('runs every example without errors, in order, and they answer what the page says', async () => {
    const answers: Json[] = [];
    for (const example of EXAMPLES) {
      const res = await api.gql(example);
      expect({ example, errors: res.errors }).toEqual({ example, errors: undefined });
      answers.push(res.data);
    }
    const byKey = (key: string) => answers.find((a) => key in a)[key];
    expect(byKey('createPupil')).toEqual({ upn: 'B801200005001', ncYear: 10, keyStage: 'KS4' });
    expect(byKey('createPlacement')).toEqual({
      placementRef: 'PL-2026-001',
      weeklyCostPounds: 350.5,
      active: true,
    });
    expect(byKey('updatePlacement').active).toBe(false);
    expect(byKey('placements').totalCount).toBe(1);
    expect(byKey('placements').nodes[0].targets).toEqual([
      { targetRef: 'T1', kind: 'ACADEMIC', status: 'MET' },
    ]);
    expect(byKey('pupils').nodes[0].placements).toHaveLength(1);
    expect(byKey('provider').evidence[0].valuePounds).toBe(5000000);
    expect(byKey('providers').nodes).toEqual([{ providerRef: 'FOREST-01', name: 'Oak Forest Skills' }]);
    expect(byKey('deleteReview')).toEqual({ reviewDate: '2026-02-16', progress: 'SOME' });
  });
});
