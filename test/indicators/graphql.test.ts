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

  it("cuts the pages after the first from the first page's list: a flag raised between pages shows in the next traversal", async () => {
    const list = `query($after: String) {
      flags(asOf: "2026-03-02", first: 12, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { code subjectKey }
      }
    }`;
    const everyPage = async (token: string, first: GraphQLResponse) => {
      const nodes = [...first.data.flags.nodes];
      let page = first;
      while (page.data.flags.pageInfo.hasNextPage) {
        page = await api.gqlAs(token, list, { after: page.data.flags.pageInfo.endCursor });
        expect(page.errors).toBeUndefined();
        nodes.push(...page.data.flags.nodes);
      }
      return { nodes, totalCount: page.data.flags.totalCount as number };
    };
    const [{ upn, school_id }]: { upn: string; school_id: number }[] = await api.db.dataSource.query(
      `SELECT upn, school_id FROM pupil WHERE school_id IS NOT NULL AND NOT home_educated
         AND alp_is_compulsory_age(date_of_birth, '2026-03-02') ORDER BY upn LIMIT 1`,
    );
    const before = await api.gql(list, {});
    try {
      // the pupil leaves their school's roll between the first page and the next
      await api.db.dataSource.query('UPDATE pupil SET school_id = NULL WHERE upn = $1', [upn]);
      const traversal = await everyPage(api.adminToken, before);
      expect(traversal.totalCount).toBe(30);
      expect(traversal.nodes).toHaveLength(30);
      expect(traversal.nodes).not.toContainEqual({ code: 'NOT_ON_ROLL', subjectKey: upn });
      // a new traversal computes the list again
      const fresh = await everyPage(api.adminToken, await api.gql(list, {}));
      expect(fresh.nodes).toContainEqual({ code: 'NOT_ON_ROLL', subjectKey: upn });
      expect(fresh.totalCount).toBe(31);
    } finally {
      await api.db.dataSource.query('UPDATE pupil SET school_id = $2 WHERE upn = $1', [upn, school_id]);
    }
  });

  it('reads a kept list only for the caller and question it was computed for', async () => {
    const list = `query($after: String, $authority: String) {
      flags(asOf: "2026-03-02", first: 5, after: $after, authority: $authority) {
        totalCount nodes { authorities }
      }
    }`;
    const first = await api.gql(`{ flags(asOf: "2026-03-02", first: 5) { pageInfo { endCursor } } }`);
    const cursor = first.data.flags.pageInfo.endCursor;
    const officer = await api.tokenFor('la_officer', { authorities: ['801'] });
    const theirs = await api.gqlAs(officer, list, { after: cursor });
    expect(theirs.errors).toBeUndefined();
    const own = await api.gqlAs(officer, list, {});
    expect(theirs.data.flags.totalCount).toBe(own.data.flags.totalCount);
    for (const f of theirs.data.flags.nodes) expect(f.authorities).toContain('801');
    // the same caller with another question: that question's list
    const narrower = await api.gql(list, { after: cursor, authority: '802' });
    const of802 = await api.gql(list, { authority: '802' });
    expect(narrower.data.flags.totalCount).toBe(of802.data.flags.totalCount);
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
    expect(bad.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
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
    const audited = await api.db.dataSource.query(
      `SELECT actor, operation, subjects, before, after FROM audit_event WHERE action = 'settings'`,
    );
    expect(audited).toEqual([
      {
        actor: 'test-admin',
        operation: 'update settings',
        subjects: ['801'],
        before: { partTimeLimitWeeks: null },
        after: { partTimeLimitWeeks: 100 },
      },
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
