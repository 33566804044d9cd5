import path from 'node:path';
import request from 'supertest';
import { localAdministrator } from '../../src/auth/principal';
import { importFolder } from '../../src/ingest';
import { startTestApi, TestApi } from '../support/api-server';

const EXAMPLE = path.join(__dirname, '../../spec/example');
const AT = { asOf: '2026-11-03', authority: '801' };

describe('dashboard pages, report links and downloads', () => {
  let api: TestApi;
  let base: string;
  let token = '';
  const get = (path: string) => request(base).get(path).set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    api = await startTestApi();
    const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    base = api.server.url.replace(/\/graphql$/, '');
  });
  afterAll(() => api.close());
  beforeEach(() => {
    token = api.adminToken;
  });

  it('shows the overview with every count a link to the list behind it', async () => {
    const res = await get('/').query(AT);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alternative provision: Bristol');
    expect(res.text).toContain('href="/flags?asOf=2026-11-03&amp;authority=801&amp;code=NOT_ON_ROLL">1</a>');
    expect(res.text).toContain('href="/reports/la.pdf?asOf=2026-11-03&amp;authority=801"');
    expect(res.text).toContain('<link rel="stylesheet" href="/assets/govuk-frontend.min.css">');
    expect(res.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('leads from a count to the child, with the reasons and the placements', async () => {
    const list = await get('/flags').query({ ...AT, code: 'NOT_ON_ROLL' });
    expect(list.status).toBe(200);
    expect(list.text).toContain(
      'href="/pupils/Z801200025003?asOf=2026-11-03&amp;authority=801">Pupil3 Test (Z801200025003)</a>',
    );
    const child = await get('/pupils/Z801200025003').query(AT);
    expect(child.status).toBe(200);
    expect(child.text).toContain('Year 8, of compulsory school age, on no school roll');
    expect(child.text).toContain('href="/placements/PL-0005?asOf=2026-11-03&amp;authority=801">PL-0005</a>');
    const placement = await get('/placements/PL-0005').query(AT);
    expect(placement.status).toBe(200);
    expect(placement.text).toContain('Functional Skills English L1');
    const pupils = await get('/pupils').query({ ...AT, keyStage: 'KS4' });
    expect(pupils.status).toBe(200);
    expect(pupils.text).toContain('Pupils in AP: KS4');
  });

  it('audits every page that names children, with the children it named', async () => {
    const audited = async (operation: string) =>
      (await api.db.dataSource.query(
        `SELECT subject_kind AS kind, subjects FROM audit_event
         WHERE action = 'read' AND operation = $1 AND actor = 'test-admin' ORDER BY id DESC LIMIT 3`,
        [operation],
      )) as { kind: string; subjects: string[] }[];
    const subjectsOf = async (operation: string, kind: string) =>
      (await audited(operation)).find((r) => r.kind === kind)?.subjects ?? [];

    expect((await get('/pupils/Z801200025003').query(AT)).status).toBe(200);
    expect(await subjectsOf('GET /pupils/Z801200025003', 'pupil')).toEqual(['Z801200025003']);
    expect(await subjectsOf('GET /pupils/Z801200025003', 'placement')).toContain('PL-0005');
    expect((await get('/placements/PL-0005').query(AT)).status).toBe(200);
    expect(await subjectsOf('GET /placements/PL-0005', 'pupil')).toEqual(['Z801200025003']);
    expect(await subjectsOf('GET /placements/PL-0005', 'placement')).toEqual(['PL-0005']);
    expect((await get('/flags').query({ ...AT, code: 'NOT_ON_ROLL' })).status).toBe(200);
    expect(await subjectsOf('GET /flags', 'flag')).toEqual(['pupil:Z801200025003']);
    expect(await subjectsOf('GET /flags', 'pupil')).toEqual(['Z801200025003']);
    const list = await get('/pupils').query(AT);
    const listed = [...list.text.matchAll(/href="\/pupils\/([A-Z0-9]{13})\?/g)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(0);
    expect((await subjectsOf('GET /pupils', 'pupil')).sort()).toEqual([...new Set(listed)].sort());
    const placements = await get('/placements').query(AT);
    const refs = [...placements.text.matchAll(/href="\/placements\/(PL-\d+)\?/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect((await subjectsOf('GET /placements', 'placement')).sort()).toEqual([...new Set(refs)].sort());
  });

  it('gives a governor aggregates without links to children, and a school page without names', async () => {
    token = await api.tokenFor('governor', { schoolUrn: '100049' });
    const overview = await get('/').query({ asOf: '2026-11-03', authority: '802' });
    expect(overview.status).toBe(303);
    expect(overview.headers.location).toBe('/schools/100049?asOf=2026-11-03&authority=802');
    const school = await get('/schools/100049').query({ asOf: '2026-11-03' });
    expect(school.status).toBe(200);
    expect(school.text).toContain('How alternative provision is working for School 7');
    expect(school.text).not.toMatch(/Pupil\d|[A-Z]80[12]\d{9}/);
    // the service refuses a list of children
    expect((await get('/flags').query({ asOf: '2026-11-03', authority: '802' })).status).toBe(403);
    expect((await get('/schools/100007').query({ asOf: '2026-11-03' })).status).toBe(403);
  });

  it('shows a provider scorecard, and answers bad input and unknown pages clearly', async () => {
    const card = await get('/providers/ALP-000').query(AT);
    expect(card.status).toBe(200);
    expect(card.text).toContain('Framework median');
    const bad = await get('/').query({ asOf: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('asOf must be a date YYYY-MM-DD');
    expect((await get('/pupils/Z000000000000').query(AT)).status).toBe(404);
  });

  it('streams each report from its link', async () => {
    const pdf = await get('/reports/provider.pdf')
      .query({ ...AT, provider: 'ALP-000' })
      .buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = await get('/reports/governor.csv').query({ asOf: '2026-11-03', school: '100049' });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="alp-hub-governor-100049-2026-11-03.csv"$/,
    );
    expect((await get('/reports/pupil.pdf')).status).toBe(404);
  });

  it('generates a report by mutation behind a short-lived link for its generator only', async () => {
    const res = await api.gql(
      `mutation { generateReport(input: { kind: GOVERNOR, format: HTML, asOf: "2026-11-03", school: "100049" }) { url expiresAt fileName contentType bytes } }`,
    );
    expect(res.errors ?? []).toEqual([]);
    const link = res.data.generateReport;
    expect(link.url).toMatch(/^\/downloads\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);
    const got = await get(link.url);
    expect(got.status).toBe(200);
    expect(got.text).toContain('How alternative provision is working for School 7');
    expect(Buffer.byteLength(got.text)).toBe(link.bytes);
    token = await api.tokenFor('admin', { username: 'someone-else' });
    expect((await get(link.url)).status).toBe(403);
    expect((await get('/downloads/nope')).status).toBe(404);
    const bad = await api.gql(`mutation { generateReport(input: { kind: GOVERNOR, format: PDF }) { url } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves the assets, a favicon and an offline GraphQL IDE from the hub', async () => {
    for (const asset of [
      '/assets/govuk-frontend.min.css',
      '/assets/chart.umd.min.js',
      '/assets/charts.js',
      '/assets/app.css',
      '/assets/fonts/Roboto-Regular.ttf',
      '/favicon.ico',
    ]) {
      expect((await get(asset)).status).toBe(200);
    }
    const ide = await get('/graphql').set('accept', 'text/html');
    expect(ide.status).toBe(200);
    expect(ide.text).toContain('/assets/ruru/ruru.js');
    expect(ide.text).not.toContain('unpkg.com');
    expect((await get('/assets/ruru/ruru.js')).status).toBe(200);
  });
});

describe('the overview asks once', () => {
  const statements: string[] = [];
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({
      logger: {
        logQuery: (query) => {
          statements.push(query);
        },
        logQueryError() {},
        logQuerySlow() {},
        logSchemaBuild() {},
        logMigration() {},
        log() {},
      },
    });
    const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
  });
  afterAll(() => api.close());

  it("reads the year's attendance once and computes each flag family once for the snapshot and the lists", async () => {
    statements.length = 0;
    const res = await request(api.base).get('/').query(AT).set('authorization', `Bearer ${api.adminToken}`);
    expect(res.status).toBe(200);
    const count = (pattern: RegExp) => statements.filter((s) => pattern.test(s)).length;
    // the year's pass: by placement, shared; none inside the pupil flags
    expect(count(/scope_placements AS MATERIALIZED/)).toBe(1);
    expect(count(/year_rate_placements/)).toBe(0);
    // each family's statement once: the pupil, placement and provider rules
    expect(count(/recent_latest AS MATERIALIZED/)).toBe(1);
    expect(count(/'ATTENDANCE_NOT_REPORTED' AS code/)).toBe(1);
    expect(count(/'INSURANCE_GAP' AS code/)).toBe(1);
  });
});
