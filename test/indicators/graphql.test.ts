import path from 'node:path';
import { localAdministrator } from '../../src/auth/principal';
import { importFolder } from '../../src/ingest';
import { GraphQLResponse, startTestApi, TestApi } from '../support/api-server';

const EXAMPLE = path.join(__dirname, '../../spec/example');

describe('flags, indicators and settings over GraphQL', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await importFolder(api.db, localAdministrator(), EXAMPLE);
  });
  afterAll(() => api.close());

  it('pages through every flag with totalCount and links each to its subject', async () => {
    const query = `query($after: String) {
      flags(asOf: "2026-03-02", first: 12, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { code subjectType subjectKey authorities reason
                pupil { upn } placement { placementRef } provider { providerRef } }
      }
    }`;
    const seen: { code: string; subjectType: string; subjectKey: string; [k: string]: unknown }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const res: GraphQLResponse = await api.gql(query, { after });
      expect(res.errors).toBeUndefined();
      expect(res.data.flags.totalCount).toBe(30);
      seen.push(...res.data.flags.nodes);
      after = res.data.flags.pageInfo.endCursor;
      if (!res.data.flags.pageInfo.hasNextPage) break;
    }
    expect(seen).toHaveLength(30);
    for (const f of seen) {
      const linked =
        f.subjectType === 'pupil' ? f.pupil : f.subjectType === 'placement' ? f.placement : f.provider;
      expect(Object.values(linked as object)[0]).toBe(f.subjectKey);
    }
    const reduced = seen.find((f) => f.code === 'REDUCED_EDUCATION' && f.subjectKey === 'A802200025001');
    expect(reduced?.reason).toBe('12.5 h a week in total; full time at KS4 is 25 h');
  });

  it('pages by the key of the last flag shown, not its position', async () => {
    const list = `query($after: String, $codes: [FlagCode!]) {
      flags(asOf: "2026-03-02", first: 100, after: $after, codes: $codes) {
        pageInfo { endCursor } nodes { code subjectKey }
      }
    }`;
    const all = (await api.gql(list, {})).data.flags.nodes as { code: string; subjectKey: string }[];
    const first = await api.gql(
      `{ flags(asOf: "2026-03-02", first: 10) { pageInfo { endCursor } nodes { code subjectKey } } }`,
    );
    const cursor = first.data.flags.pageInfo.endCursor;
    // the same cursor on a narrower list (as if flags before it had cleared) starts after that key
    const later = [...new Set(all.slice(10).map((f) => f.code))].slice(0, 2);
    const narrowed = await api.gql(list, { after: cursor, codes: later });
    expect(narrowed.errors).toBeUndefined();
    expect(narrowed.data.flags.nodes).toEqual(all.slice(10).filter((f) => later.includes(f.code)));
    const bad = await api.gql(list, { after: 'bm90LWEtY3Vyc29y' });
    expect(bad.errors?.[0].message).toMatch(/not a cursor/);
  });

  it('filters by authority, code and subject type', async () => {
    const res = await api.gql(`{
      flags(asOf: "2026-11-03", authority: "801", codes: [OVERRUN, SAFEGUARDING_GAP], first: 50) {
        nodes { code subjectKey authorities }
      }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.flags.nodes).toEqual([
      { code: 'OVERRUN', subjectKey: 'PL-0006', authorities: ['801'] },
      { code: 'OVERRUN', subjectKey: 'PL-0012', authorities: ['801'] },
      { code: 'OVERRUN', subjectKey: 'PL-0014', authorities: ['801'] },
      { code: 'SAFEGUARDING_GAP', subjectKey: 'ALP-000', authorities: ['801', '802'] },
      { code: 'SAFEGUARDING_GAP', subjectKey: 'ALP-001', authorities: ['801', '802'] },
    ]);
  });

  it('refuses a date that does not exist and an unknown authority', async () => {
    const bad = await api.gql('{ flags(asOf: "2026-02-30") { totalCount } }');
    expect(bad.errors?.length).toBeGreaterThan(0);
    const unknown = await api.gql('{ flags(asOf: "2026-03-02", authority: "999") { totalCount } }');
    expect(unknown.errors?.[0].extensions?.code).toBe('UNKNOWN_AUTHORITY');
  });

  it('gives the aggregate indicators', async () => {
    const res = await api.gql(`{
      indicators(asOf: "2026-03-02") {
        headline { key measure { value denominator suppressed } }
        flagCounts { code count { value } }
        providers { providerRef pupils { value } complianceFlags { value } }
      }
    }`);
    expect(res.errors).toBeUndefined();
    const headline = Object.fromEntries(
      res.data.indicators.headline.map((h: { key: string; measure: unknown }) => [h.key, h.measure]),
    );
    expect(headline.placementLengthMeanDays).toEqual({ value: 191, denominator: 4, suppressed: false });
    expect(headline.placementLengthMedianDays).toEqual({ value: 167, denominator: 4, suppressed: false });
    const counts = Object.fromEntries(
      res.data.indicators.flagCounts.map((c: { code: string; count: { value: number } }) => [
        c.code,
        c.count.value,
      ]),
    );
    expect(counts.PERSISTENT_ABSENCE).toBe(5);
    expect(counts.REVIEW_OVERDUE).toBe(0);
  });

  it('reads and changes settings, recording who changed what', async () => {
    const before = await api.gql(`{ flags(asOf: "2026-03-02", codes: [PART_TIME_TOO_LONG]) { totalCount } }`);
    expect(before.data.flags.totalCount).toBe(1);
    const res = await api.gql(`mutation {
      updateSettings(authority: "801", changes: [{ key: "partTimeLimitWeeks", value: "100" }]) {
        laCode settings { key value default overridden }
      }
    }`);
    expect(res.errors).toBeUndefined();
    const setting = res.data.updateSettings.settings.find(
      (s: { key: string }) => s.key === 'partTimeLimitWeeks',
    );
    expect(setting).toEqual({ key: 'partTimeLimitWeeks', value: '100', default: '6', overridden: true });
    const after = await api.gql(`{ flags(asOf: "2026-03-02", codes: [PART_TIME_TOO_LONG]) { totalCount } }`);
    expect(after.data.flags.totalCount).toBe(0);
    const changes = await api.db.dataSource.query(
      `SELECT key, old_value, new_value, changed_by FROM setting_change`,
    );
    expect(changes).toEqual([
      { key: 'partTimeLimitWeeks', old_value: null, new_value: 100, changed_by: 'test-admin' },
    ]);

    const invalid = await api.gql(`mutation {
      updateSettings(authority: "801", changes: [{ key: "registrationSenCriterion", value: "some" }]) { laCode }
    }`);
    expect(invalid.errors?.[0].extensions?.code).toBe('INVALID_SETTING');
    const read = await api.gql(`{ settings(authority: "801") { settings { key value overridden } } }`);
    const sen = read.data.settings[0].settings.find(
      (s: { key: string }) => s.key === 'registrationSenCriterion',
    );
    expect(sen).toEqual({ key: 'registrationSenCriterion', value: 'ehcp', overridden: false });
  });
});
