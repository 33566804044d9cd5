import type { DataSource } from 'typeorm';
import { AuditEntry, recordReadAudits } from '../../src/audit/audit.service';
import { localAdministrator } from '../../src/auth/principal';
import { startTestApi, TestApi } from '../support/api-server';
import { factories } from '../support/factories';

/** A data source that only takes INSERTs: it keeps each statement's parameters, or fails them all. */
function fakeDataSource(fail?: Error) {
  const inserts: unknown[][] = [];
  const release: (() => void)[] = [];
  const ds = {
    query: (_sql: string, parameters: unknown[]) =>
      new Promise<void>((resolve, reject) => {
        inserts.push(parameters);
        release.push(() => (fail ? reject(fail) : resolve()));
      }),
  } as unknown as DataSource;
  return { ds, inserts, release };
}

const read = (subject: string): AuditEntry[] => [
  { action: 'read', operation: 'query', subjectKind: 'pupil', subjects: [subject] },
];
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('read audits of concurrent requests (group commit)', () => {
  it('writes the first at once and those that end meanwhile in one statement after it', async () => {
    const { ds, inserts, release } = fakeDataSource();
    const who = localAdministrator('batch');
    const settled: string[] = [];
    const all = ['A', 'B', 'C', 'D'].map((s) =>
      recordReadAudits(ds, who, read(s)).then(() => settled.push(s)),
    );
    await tick();
    expect(inserts).toHaveLength(1);
    expect(inserts[0]).toContain('batch');
    expect(inserts[0].flat()).toContain('A');
    release[0]();
    await tick();
    expect(settled).toEqual(['A']);
    // B, C and D waited for A's statement: one statement, three rows, 13 parameters each
    expect(inserts).toHaveLength(2);
    expect(inserts[1]).toHaveLength(3 * 13);
    expect(inserts[1].flat()).toEqual(expect.arrayContaining(['B', 'C', 'D']));
    expect(settled).toEqual(['A']);
    release[1]();
    await Promise.all(all);
    expect(settled.sort()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('fails every request whose rows were in a statement that failed', async () => {
    const { ds, release } = fakeDataSource(new Error('disk full'));
    const who = localAdministrator('batch');
    const results = ['A', 'B', 'C'].map((s) =>
      recordReadAudits(ds, who, read(s)).then(
        () => 'ok',
        (e) => e.message,
      ),
    );
    await tick();
    release[0]();
    await tick();
    release[1]();
    expect(await Promise.all(results)).toEqual(['disk full', 'disk full', 'disk full']);
    expect(await recordReadAudits(ds, who, [])).toBeUndefined();
  });
});

describe('the read audit over HTTP, under concurrent requests', () => {
  let api: TestApi;
  const upns: string[] = [];
  beforeAll(async () => {
    api = await startTestApi();
    const f = factories(api.db);
    const authority = await f.authority();
    for (let i = 0; i < 8; i++) upns.push((await f.pupil({ laCode: authority.laCode })).upn);
  }, 120_000);
  afterAll(() => api?.close());

  it('holds a row for every request, with its own operation and subjects', async () => {
    const token = await api.tokenFor('admin', { username: 'concurrent' });
    const answers = await Promise.all(
      upns.map((upn, i) => api.gqlAs(token, `query q${i} { pupil(upn: "${upn}") { firstName } }`)),
    );
    for (const a of answers) expect(a.errors).toBeUndefined();
    const rows: { operation: string; subjects: string[] }[] = await api.db.dataSource.query(
      "SELECT operation, subjects FROM audit_event WHERE actor = 'concurrent' AND action = 'read' ORDER BY operation",
    );
    expect(rows).toEqual(upns.map((upn, i) => ({ operation: `query q${i}`, subjects: [upn] })));
  });
});
