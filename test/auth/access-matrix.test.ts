import request from 'supertest';
import { localAdministrator, Role } from '../../src/auth/principal';
import { importFolder } from '../../src/ingest';
import { startTestApi, TestApi } from '../support/api-server';
import { EXAMPLE, exampleCsv } from '../support/example';

/**
 * The role matrix of docs/access.md, tried from outside: for each role, what it may read comes back,
 * and what lies outside its scope is refused or empty. The expected sets are worked out here from the
 * example's CSV files, not from the hub, so a dropped rule shows as a difference.
 */

const pupils = exampleCsv('pupils.csv');
const placements = exampleCsv('placements.csv');
const pupilLa = new Map(pupils.map((p) => [p.upn, p.la_code]));
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

const SCHOOL = '100049';
const PROVIDER = 'ALP-001';
const LA = '802';

const expected = {
  officer: {
    pupils: sorted(pupils.filter((p) => p.la_code === LA).map((p) => p.upn)),
    placements: sorted(placements.filter((pl) => pupilLa.get(pl.upn) === LA).map((pl) => pl.placement_ref)),
  },
  school: {
    pupils: sorted([
      ...pupils.filter((p) => p.school_urn === SCHOOL).map((p) => p.upn),
      ...placements.filter((pl) => pl.commissioner_urn === SCHOOL).map((pl) => pl.upn),
    ]),
    placements: sorted(
      placements
        .filter(
          (pl) =>
            pl.commissioner_urn === SCHOOL || pupils.find((p) => p.upn === pl.upn)?.school_urn === SCHOOL,
        )
        .map((pl) => pl.placement_ref),
    ),
  },
  provider: {
    pupils: sorted(placements.filter((pl) => pl.provider_ref === PROVIDER).map((pl) => pl.upn)),
    placements: sorted(placements.filter((pl) => pl.provider_ref === PROVIDER).map((pl) => pl.placement_ref)),
  },
};

const outsideOf = (mine: string[], all: string[]) => all.filter((x) => !mine.includes(x));
const ALL_UPNS = sorted(pupils.map((p) => p.upn));
const ALL_REFS = sorted(placements.map((p) => p.placement_ref));

let api: TestApi;
const tokens = {} as Record<
  'admin' | 'officer' | 'officer801' | 'school' | 'governor' | 'provider' | 'analyst',
  string
>;

beforeAll(async () => {
  api = await startTestApi();
  const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  tokens.admin = api.adminToken;
  tokens.officer = await api.tokenFor('la_officer', { authorities: [LA] });
  tokens.officer801 = await api.tokenFor('la_officer', { authorities: ['801'] });
  tokens.school = await api.tokenFor('school', { schoolUrn: SCHOOL });
  tokens.governor = await api.tokenFor('governor', { schoolUrn: SCHOOL });
  tokens.provider = await api.tokenFor('provider', { providerRef: PROVIDER });
  tokens.analyst = await api.tokenFor('analyst', { authorities: [LA] });
});

afterAll(() => api.close());

const PUPILS = '{ pupils(first: 100) { totalCount nodes { upn } } }';
const PLACEMENTS = '{ placements(first: 100) { totalCount nodes { placementRef } } }';

async function upnsAs(token: string): Promise<string[]> {
  const res = await api.gqlAs(token, PUPILS);
  expect(res.errors).toBeUndefined();
  return sorted(res.data.pupils.nodes.map((n: { upn: string }) => n.upn));
}

async function refsAs(token: string): Promise<string[]> {
  const res = await api.gqlAs(token, PLACEMENTS);
  expect(res.errors).toBeUndefined();
  return sorted(res.data.placements.nodes.map((n: { placementRef: string }) => n.placementRef));
}

function codeOf(res: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return res.errors?.[0]?.extensions?.code;
}

describe('pupil-level reads, per role', () => {
  it('gives an administrator every pupil and placement', async () => {
    expect(await upnsAs(tokens.admin)).toEqual(ALL_UPNS);
    expect(await refsAs(tokens.admin)).toEqual(ALL_REFS);
  });

  it.each(['officer', 'school', 'provider'] as const)(
    'gives a %s exactly its own pupils and placements',
    async (who) => {
      expect(expected[who].pupils.length).toBeGreaterThan(0);
      expect(expected[who].pupils.length).toBeLessThan(ALL_UPNS.length);
      expect(await upnsAs(tokens[who])).toEqual(expected[who].pupils);
      expect(await refsAs(tokens[who])).toEqual(expected[who].placements);
    },
  );

  it.each(['officer', 'school', 'provider'] as const)(
    'answers a %s asking for a pupil or placement outside its scope with null',
    async (who) => {
      const upn = outsideOf(expected[who].pupils, ALL_UPNS)[0];
      const ref = outsideOf(expected[who].placements, ALL_REFS)[0];
      const res = await api.gqlAs(
        tokens[who],
        `{ pupil(upn: "${upn}") { upn firstName } placement(placementRef: "${ref}") { placementRef } }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ pupil: null, placement: null });
    },
  );

  it('hides placements outside the scope when reached through a pupil', async () => {
    const res = await api.gqlAs(
      tokens.provider,
      '{ pupils(first: 100) { nodes { placements { placementRef } } } }',
    );
    const seen = sorted(
      res.data.pupils.nodes.flatMap((n: { placements: { placementRef: string }[] }) =>
        n.placements.map((p) => p.placementRef),
      ),
    );
    expect(seen).toEqual(expected.provider.placements);
  });

  it.each(['governor', 'analyst'] as const)('refuses pupil and placement rows to a %s', async (who) => {
    for (const query of [PUPILS, PLACEMENTS, `{ pupil(upn: "${ALL_UPNS[0]}") { upn } }`]) {
      const res = await api.gqlAs(tokens[who], query);
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(res.data ?? null).toBeNull();
    }
  });

  it('answers attendance history of a placement outside the scope as of one that does not exist', async () => {
    const ref = outsideOf(expected.provider.placements, ALL_REFS)[0];
    const res = await api.gqlAs(tokens.provider, `{ attendanceHistory(placementRef: "${ref}") { code } }`);
    expect(codeOf(res)).toBe('NOT_FOUND');
    const mine = await api.gqlAs(
      tokens.provider,
      `{ attendanceHistory(placementRef: "${expected.provider.placements[0]}") { code } }`,
    );
    expect(mine.errors).toBeUndefined();
  });
});

describe('flags, per role', () => {
  const FLAGS =
    '{ flags(asOf: "2026-11-03", first: 500) { totalCount nodes { code subjectType subjectKey authorities } } }';
  type F = { code: string; subjectType: string; subjectKey: string; authorities: string[] };
  const flagsAs = async (token: string): Promise<F[]> => {
    const res = await api.gqlAs(token, FLAGS);
    expect(res.errors).toBeUndefined();
    return res.data.flags.nodes;
  };

  it('narrows a school and a provider to their own pupils and placements', async () => {
    const all = await flagsAs(tokens.admin);
    for (const who of ['school', 'provider'] as const) {
      const mine = await flagsAs(tokens[who]);
      expect(mine.length).toBeLessThan(all.length);
      for (const f of mine) {
        if (f.subjectType === 'pupil') expect(expected[who].pupils).toContain(f.subjectKey);
        if (f.subjectType === 'placement') expect(expected[who].placements).toContain(f.subjectKey);
        if (who === 'provider' && f.subjectType === 'provider') expect(f.subjectKey).toBe(PROVIDER);
      }
      const inScope = all.filter(
        (f) =>
          (f.subjectType === 'pupil' && expected[who].pupils.includes(f.subjectKey)) ||
          (f.subjectType === 'placement' && expected[who].placements.includes(f.subjectKey)),
      );
      expect(mine.filter((f) => f.subjectType !== 'provider')).toEqual(inScope);
    }
  });

  it("keeps an LA officer to its authority and refuses another's", async () => {
    // providers are shared by the framework's authorities; pupils and placements are the authority's own
    const flags = await flagsAs(tokens.officer);
    expect(flags.filter((f) => f.subjectType !== 'provider').length).toBeGreaterThan(0);
    for (const f of flags) if (f.subjectType !== 'provider') expect(f.authorities).toEqual([LA]);
    const res = await api.gqlAs(
      tokens.officer,
      '{ flags(asOf: "2026-11-03", authority: "801") { totalCount } }',
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('gives an analyst pseudonyms: no UPN or placement reference of the example anywhere', async () => {
    const res = await api.gqlAs(tokens.analyst, FLAGS);
    expect(res.errors).toBeUndefined();
    const text = JSON.stringify(res.data);
    for (const upn of ALL_UPNS) expect(text).not.toContain(upn);
    for (const ref of ALL_REFS) expect(text).not.toContain(`"${ref}"`);
    const pupilFlags = (res.data.flags.nodes as F[]).filter((f) => f.subjectType === 'pupil');
    expect(pupilFlags.length).toBeGreaterThan(0);
    for (const f of pupilFlags) expect(f.subjectKey).toMatch(/^P[0-9A-F]{16}$/);
    // stable: the same pupil gets the same pseudonym in every answer
    const again = await api.gqlAs(tokens.analyst, FLAGS);
    expect(again.data).toEqual(res.data);
    const nested = await api.gqlAs(
      tokens.analyst,
      '{ flags(asOf: "2026-11-03", subjectType: pupil, first: 5) { nodes { pupil { upn } } } }',
    );
    expect(codeOf(nested)).toBe('FORBIDDEN');
  });

  it('refuses flag rows to a governor', async () => {
    expect(codeOf(await api.gqlAs(tokens.governor, FLAGS))).toBe('FORBIDDEN');
  });
});

describe('indicators and settings, per role', () => {
  const INDICATORS =
    '{ indicators(asOf: "2026-11-03") { authorities flagCounts { code count { value suppressed } } } }';

  it.each([
    ['admin', true],
    ['officer', true],
    ['analyst', true],
    ['school', false],
    ['governor', false],
    ['provider', false],
  ] as const)('lets a %s read authority-wide indicators: %s', async (who, allowed) => {
    const res = await api.gqlAs(tokens[who], INDICATORS);
    if (allowed) expect(res.errors).toBeUndefined();
    else expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('suppresses small numbers for an analyst', async () => {
    const res = await api.gqlAs(tokens.analyst, INDICATORS);
    const counts = res.data.indicators.flagCounts as {
      count: { value: number | null; suppressed: boolean };
    }[];
    expect(counts.some((c) => c.count.suppressed)).toBe(true);
    for (const c of counts)
      if (c.count.value !== null) expect(c.count.value === 0 || c.count.value >= 5).toBe(true);
  });

  it("lets an LA officer change its own authority's settings only", async () => {
    const set = (la: string) =>
      `mutation { updateSettings(authority: "${la}", changes: [{ key: "neetRiskThreshold", value: "5" }]) { laCode } }`;
    expect((await api.gqlAs(tokens.officer, set(LA))).errors).toBeUndefined();
    expect(codeOf(await api.gqlAs(tokens.officer, set('801')))).toBe('FORBIDDEN');
    for (const who of ['school', 'governor', 'provider', 'analyst'] as const)
      expect(codeOf(await api.gqlAs(tokens[who], set(LA)))).toBe('FORBIDDEN');
    const reset = `mutation { updateSettings(authority: "${LA}", changes: [{ key: "neetRiskThreshold", value: null }]) { laCode } }`;
    expect((await api.gqlAs(tokens.officer, reset)).errors).toBeUndefined();
  });

  it('keeps users and the audit to administrators', async () => {
    for (const who of ['officer', 'school', 'governor', 'provider', 'analyst'] as const) {
      expect(codeOf(await api.gqlAs(tokens[who], '{ users { username } }'))).toBe('FORBIDDEN');
      expect(codeOf(await api.gqlAs(tokens[who], '{ auditEvents { id } }'))).toBe('FORBIDDEN');
    }
    expect((await api.gqlAs(tokens.admin, '{ users { username } }')).errors).toBeUndefined();
  });
});

describe('writes, per role', () => {
  const update = (upn: string) => `mutation { updatePupil(upn: "${upn}", input: { fsm: true }) { upn fsm } }`;

  it("lets an officer change its own pupils, not another authority's", async () => {
    const mine = expected.officer.pupils[0];
    const theirs = outsideOf(expected.officer.pupils, ALL_UPNS)[0];
    expect((await api.gqlAs(tokens.officer, update(mine))).data.updatePupil.fsm).toBe(true);
    const fsmOf = async () =>
      (await api.db.dataSource.query('SELECT fsm FROM pupil WHERE upn = $1', [theirs]))[0].fsm;
    const before = await fsmOf();
    await api.db.dataSource.query('UPDATE pupil SET fsm = false WHERE upn = $1', [theirs]);
    expect(codeOf(await api.gqlAs(tokens.officer, update(theirs)))).toBe('NOT_FOUND');
    expect(await fsmOf()).toBe(false);
    await api.db.dataSource.query('UPDATE pupil SET fsm = $2 WHERE upn = $1', [theirs, before]);
  });

  it('refuses pupil changes to a provider, a governor and an analyst', async () => {
    for (const who of ['provider', 'governor', 'analyst'] as const)
      expect(codeOf(await api.gqlAs(tokens[who], update(expected.provider.pupils[0])))).toBe('FORBIDDEN');
  });

  it('keeps an officer from moving a pupil into another authority', async () => {
    const res = await api.gqlAs(
      tokens.officer,
      `mutation { updatePupil(upn: "${expected.officer.pupils[0]}", input: { laCode: "801" }) { upn } }`,
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it("lets a provider submit attendance for its own placements and not another provider's", async () => {
    const mine = expected.provider.placements[0];
    const theirs = outsideOf(expected.provider.placements, ALL_REFS)[0];
    const register = (ref: string) =>
      `mutation { submitAttendance(register: { date: "2026-11-02", session: AM, marks: [{ placementRef: "${ref}", code: "/" }] }) { inserted errors { reason } } }`;
    const before = await api.db.dataSource.query('SELECT count(*)::int AS n FROM attendance');
    const refused = await api.gqlAs(tokens.provider, register(theirs));
    expect(refused.data.submitAttendance.inserted).toBe(0);
    expect(refused.data.submitAttendance.errors[0].reason).toBe(`placement ${theirs} does not exist`);
    expect(await api.db.dataSource.query('SELECT count(*)::int AS n FROM attendance')).toEqual(before);
    const accepted = await api.gqlAs(tokens.provider, register(mine));
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.submitAttendance.errors).toEqual([]);
    for (const who of ['school', 'governor', 'analyst', 'officer'] as const)
      expect(codeOf(await api.gqlAs(tokens[who], register(mine)))).toBe('FORBIDDEN');
  });

  it("refuses a provider's file with one row of another provider's placement, storing nothing", async () => {
    const theirs = outsideOf(expected.provider.placements, ALL_REFS)[0];
    const content = `placement_ref,target_ref,kind,description\n${expected.provider.placements[0]},TX1,academic,Maths\n${theirs},TX2,academic,English\n`;
    const res = await api.gqlAs(
      tokens.provider,
      `mutation($c: String!) { importFile(kind: TARGETS, filename: "targets.csv", content: $c) { inserted errors { line reason } } }`,
      { c: content },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.importFile.inserted).toBe(0);
    expect(res.data.importFile.errors).toEqual([{ line: 3, reason: `placement ${theirs} does not exist` }]);
    const pupilsFile = await api.gqlAs(
      tokens.provider,
      `mutation($c: String!) { importFile(kind: PUPILS, filename: "pupils.csv", content: $c) { inserted } }`,
      { c: 'upn\n' },
    );
    expect(codeOf(pupilsFile)).toBe('INGEST_FORBIDDEN');
  });

  it("tells a provider of another provider's placement what it would of one the hub does not hold", async () => {
    const theirs = outsideOf(expected.provider.placements, ALL_REFS)[0];
    // a Saturday, years before any placement: a placement of its own would get both errors
    const content = `placement_ref,date,session,code\n${theirs},2020-01-04,AM,/\n`;
    const res = await api.gqlAs(
      tokens.provider,
      `mutation($c: String!) { importFile(kind: ATTENDANCE, filename: "a.csv", content: $c) { inserted errors { line column reason } } }`,
      { c: content },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.importFile.errors).toEqual([
      { line: 2, column: 'placement_ref', reason: `placement ${theirs} does not exist` },
    ]);
    const officer = await api.gqlAs(
      tokens.officer801,
      `mutation($c: String!) { importFile(kind: ATTENDANCE, filename: "a.csv", content: $c) { errors { reason } } }`,
      { c: `placement_ref,date,session,code\n${expected.officer.placements[0]},2020-01-04,AM,/\n` },
    );
    expect(officer.data.importFile.errors).toEqual([
      { reason: `placement ${expected.officer.placements[0]} does not exist` },
    ]);
  });

  it("refuses uploads of another authority's pupils to an officer", async () => {
    const theirs = outsideOf(expected.officer.pupils, ALL_UPNS)[0];
    const res = await request(api.base)
      .post('/imports')
      .set('authorization', `Bearer ${tokens.officer}`)
      .field('kind', 'destinations')
      .attach(
        'file',
        Buffer.from(`upn,recorded_on,activity\n${theirs},2026-10-01,education\n`),
        'destinations.csv',
      );
    expect(res.status).toBe(422);
    // as for a pupil the hub does not hold: a file cannot probe which UPNs it holds
    expect(res.body.errors[0].reason).toBe(`pupil ${theirs} does not exist`);
  });

  it("refuses an officer's file that would take over another authority's pupil, school or placement", async () => {
    const theirPupil = pupils.find((p) => p.la_code === '801');
    const theirPlacement = placements.find((pl) => pupilLa.get(pl.upn) === '801');
    const theirSchool = exampleCsv('schools.csv').find((s) => s.la_code === '801');
    const myPupil = expected.officer.pupils[0];
    if (!theirPupil || !theirPlacement || !theirSchool)
      throw new Error('the example has no authority 801 records');
    const stored = () =>
      api.db.dataSource.query(
        `SELECT (SELECT a.la_code FROM pupil p JOIN authority a ON a.id = p.authority_id WHERE p.upn = $1) AS pupil,
                (SELECT a.la_code FROM school s JOIN authority a ON a.id = s.authority_id WHERE s.urn = $2) AS school,
                (SELECT p.upn FROM placement pl JOIN pupil p ON p.id = pl.pupil_id WHERE pl.placement_ref = $3) AS placement`,
        [theirPupil.upn, theirSchool.urn, theirPlacement.placement_ref],
      );
    const before = await stored();
    expect(before).toEqual([{ pupil: '801', school: '801', placement: theirPlacement.upn }]);
    const upload = (kind: string, content: string) =>
      api.gqlAs(
        tokens.officer,
        `mutation($k: ImportKind!, $c: String!) { importFile(kind: $k, filename: "f.csv", content: $c) { inserted updated errors { line column reason } } }`,
        { k: kind, c: content },
      );
    // each file's la_code or pupil is the officer's own; the record its key names is not
    const files: [kind: string, content: string, line: number, column: string, subject: string][] = [
      [
        'PUPILS',
        `upn,la_code\n${myPupil},${LA}\n${theirPupil.upn},${LA}\n`,
        3,
        'upn',
        `pupil ${theirPupil.upn}`,
      ],
      [
        'SCHOOLS',
        `urn,name,la_code,type\n${theirSchool.urn},Taken,${LA},academy\n`,
        2,
        'urn',
        `school ${theirSchool.urn}`,
      ],
      [
        'PLACEMENTS',
        `placement_ref,upn\n${theirPlacement.placement_ref},${myPupil}\n`,
        2,
        'placement_ref',
        `placement ${theirPlacement.placement_ref}`,
      ],
    ];
    for (const [kind, content, line, column, subject] of files) {
      const res = await upload(kind, content);
      expect(res.errors).toBeUndefined();
      expect(res.data.importFile).toMatchObject({ inserted: 0, updated: 0 });
      expect(res.data.importFile.errors).toContainEqual({
        line,
        column,
        reason:
          kind === 'SCHOOLS'
            ? `${subject} belongs to authority 801, which is not one you act for`
            : `${subject} is held by the hub outside the authorities you act for: this file cannot change it`,
      });
    }
    expect(await stored()).toEqual(before);
  });
});

describe('routes, per role', () => {
  const page = (token: string | null, path: string) => {
    const r = request(api.base).get(path);
    return token ? r.set('authorization', `Bearer ${token}`) : r;
  };

  it('refuses the dashboard of another authority to an officer, and to a governor', async () => {
    expect((await page(tokens.officer, `/?asOf=2026-11-03&authority=${LA}`)).status).toBe(200);
    expect((await page(tokens.officer, '/?asOf=2026-11-03&authority=801')).status).toBe(403);
    const governed = await page(tokens.governor, '/?asOf=2026-11-03');
    expect(governed.status).toBe(303);
    expect(governed.headers.location).toBe(`/schools/${SCHOOL}?asOf=2026-11-03`);
    expect((await page(tokens.governor, `/schools/${SCHOOL}?asOf=2026-11-03`)).status).toBe(200);
    expect((await page(tokens.governor, '/schools/100007?asOf=2026-11-03')).status).toBe(403);
    expect((await page(tokens.officer801, '/trends?asOf=2026-11-03&authority=802')).status).toBe(403);
    expect((await page(tokens.provider, '/providers/ALP-000?asOf=2026-11-03')).status).toBe(403);
    expect((await page(tokens.school, '/reports/la.pdf?asOf=2026-11-03&authority=802')).status).toBe(403);
  });

  it('shows an analyst the dashboard without a pupil', async () => {
    const res = await page(tokens.analyst, '/?asOf=2026-11-03');
    expect(res.status).toBe(200);
    for (const upn of ALL_UPNS) expect(res.text).not.toContain(upn);
  });
});

describe('every role', () => {
  it.each(['admin', 'la_officer', 'school', 'governor', 'provider', 'analyst'] as Role[])(
    'is known as a %s by its bearer token, and is told who it is',
    async (role) => {
      const key = (
        {
          admin: 'admin',
          la_officer: 'officer',
          school: 'school',
          governor: 'governor',
          provider: 'provider',
          analyst: 'analyst',
        } as const
      )[role];
      const res = await api.gqlAs(tokens[key], '{ me { role aggregatesOnly } }');
      expect(res.data.me).toEqual({ role, aggregatesOnly: role === 'governor' || role === 'analyst' });
    },
  );
});
