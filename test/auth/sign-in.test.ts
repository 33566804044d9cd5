import path from 'node:path';
import { GraphQLSchema, isObjectType } from 'graphql';
import request from 'supertest';
import { accessRuleOf, refusal } from '../../src/auth/access-rules';
import { loadOidcConfig } from '../../src/auth/oidc.config';
import { operator } from '../../src/auth/principal';
import { secretHash } from '../../src/auth/secrets';
import { createToken, revokeToken } from '../../src/auth/tokens.service';
import { addUser, disableUser, setPassword } from '../../src/auth/users.service';
import { importFolder } from '../../src/ingest';
import { buildHubSchema } from '../../src/schema/build-schema';
import { createApp, trustProxySetting } from '../../src/server/app';
import { StatementCounter, startTestApi, TestApi } from '../support/api-server';

const EXAMPLE = path.join(__dirname, '../../spec/example');
const op = operator('test');

let api: TestApi;
const counter = new StatementCounter();

beforeAll(async () => {
  api = await startTestApi({ logger: counter });
  const results = await importFolder(api.db, op, EXAMPLE);
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  await addUser(api.db.dataSource, op, {
    username: 'officer',
    role: 'la_officer',
    authorities: ['802'],
    password: 'correct horse battery',
  });
});

afterAll(() => api.close());

const gqlWith = (headers: Record<string, string>, query: string) => {
  const req = request(api.server.url).post('').set('content-type', 'application/json');
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return req.send({ query });
};

describe('anonymous and bad credentials', () => {
  it('answers 401 on every route but sign-in and /health', async () => {
    expect((await gqlWith({}, '{ me { role } }')).status).toBe(401);
    expect((await request(api.base).get('/graphql')).status).toBe(401);
    expect((await request(api.base).get('/charts/attendance.png')).status).toBe(401);
    expect((await request(api.base).post('/imports')).status).toBe(401);
    expect((await request(api.base).get('/').set('accept', 'application/json')).status).toBe(401);
    const page = await request(api.base).get('/?asOf=2026-11-03').set('accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/sign-in?next=%2F%3FasOf%3D2026-11-03');
    expect((await request(api.base).get('/sign-in')).status).toBe(200);
    expect((await request(api.base).get('/health')).status).toBe(200);
  });

  it('refuses forged, expired, revoked and disabled-user tokens', async () => {
    const ask = (token: string) => gqlWith({ authorization: `Bearer ${token}` }, '{ me { role } }');
    expect((await ask('alp_forged0000000000000000000000000000000000')).status).toBe(401);
    expect((await ask(`${api.adminToken}x`)).status).toBe(401);
    expect((await gqlWith({ authorization: 'Basic abc' }, '{ me { role } }')).status).toBe(401);

    const expiring = await createToken(api.db.dataSource, op, 'officer', 60_000);
    expect((await ask(expiring.token)).status).toBe(200);
    await api.db.dataSource.query(
      "UPDATE api_token SET expires_at = now() - interval '1 second' WHERE token_hash = $1",
      [secretHash(expiring.token)],
    );
    expect((await ask(expiring.token)).status).toBe(401);

    const revoked = await createToken(api.db.dataSource, op, 'officer', 60_000);
    expect((await ask(revoked.token)).status).toBe(200);
    await revokeToken(api.db.dataSource, op, revoked.token);
    expect((await ask(revoked.token)).status).toBe(401);

    await addUser(api.db.dataSource, op, { username: 'leaver', role: 'analyst' });
    const leaver = await createToken(api.db.dataSource, op, 'leaver', 60_000);
    expect((await ask(leaver.token)).status).toBe(200);
    await disableUser(api.db.dataSource, op, 'leaver');
    expect((await ask(leaver.token)).status).toBe(401);
  });

  it('stores tokens only as hashes and records their last use', async () => {
    expect((await api.gql('{ me { role } }')).data.me.role).toBe('admin');
    const rows: { token_hash: Buffer; last_used_at: Date | null }[] = await api.db.dataSource.query(
      "SELECT t.token_hash, t.last_used_at FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'test-admin'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash.equals(secretHash(api.adminToken))).toBe(true);
    expect(rows[0].token_hash.toString('utf8')).not.toContain(api.adminToken.slice(4, 20));
    expect(rows[0].last_used_at).not.toBeNull();
  });
});

describe('password sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie that every route accepts, and audits it', async () => {
    const res = await request(api.base)
      .post('/sign-in')
      .type('form')
      .send({ username: 'officer', password: 'correct horse battery', next: '/?asOf=2026-11-03' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?asOf=2026-11-03');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^alp_session=s_[A-Za-z0-9_-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain http on localhost only
    const session = cookie.split(';')[0];
    const me = await gqlWith({ cookie: session }, '{ me { username role authorities } }');
    expect(me.body.data.me).toEqual({ username: 'officer', role: 'la_officer', authorities: ['802'] });
    expect((await request(api.base).get('/?asOf=2026-11-03').set('cookie', session)).status).toBe(200);
    const [audit] = await api.db.dataSource.query(
      "SELECT actor, action FROM audit_event WHERE action = 'sign_in' ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual({ actor: 'officer', action: 'sign_in' });

    await request(api.base).post('/sign-out').set('cookie', session);
    expect((await gqlWith({ cookie: session }, '{ me { role } }')).status).toBe(401);
  });

  it('ends the sessions of a user whose password is set anew', async () => {
    await addUser(api.db.dataSource, op, {
      username: 'reset-me',
      role: 'la_officer',
      authorities: ['802'],
      password: 'an old passphrase here',
    });
    const signIn = await request(api.base)
      .post('/sign-in')
      .type('form')
      .send({ username: 'reset-me', password: 'an old passphrase here' });
    const session = String(signIn.headers['set-cookie']).split(';')[0];
    expect((await gqlWith({ cookie: session }, '{ me { username } }')).status).toBe(200);
    await setPassword(api.db.dataSource, op, 'reset-me', 'a new passphrase here');
    expect((await gqlWith({ cookie: session }, '{ me { username } }')).status).toBe(401);
  });

  it('refuses a sign-in, a sign-out and an upload that a page of another site sends', async () => {
    const forged = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://other.council.example' },
      { origin: 'https://evil.example' },
    ];
    for (const headers of forged) {
      const signIn = await request(api.base)
        .post('/sign-in')
        .set(headers)
        .type('form')
        .send({ username: 'officer', password: 'correct horse battery' });
      expect(signIn.status).toBe(403);
      expect(signIn.headers['set-cookie']).toBeUndefined();
      expect((await request(api.base).post('/sign-out').set(headers)).status).toBe(403);
      const upload = await request(api.base)
        .post('/imports')
        .set({ ...headers, authorization: `Bearer ${api.adminToken}` })
        .field('kind', 'providers')
        .attach(
          'file',
          Buffer.from('provider_ref,name,on_framework,registered\nALP-EVIL,Evil,yes,no\n'),
          'p.csv',
        );
      expect(upload.status).toBe(403);
    }
    expect(await api.db.dataSource.query(`SELECT 1 FROM provider WHERE provider_ref = 'ALP-EVIL'`)).toEqual(
      [],
    );
    // the hub's own page, and a client that is not a browser page, pass
    const own = await request(api.base)
      .post('/sign-in')
      .set({ 'sec-fetch-site': 'same-origin', origin: api.base })
      .type('form')
      .send({ username: 'officer', password: 'correct horse battery' });
    expect(own.status).toBe(303);
    const host = new URL(api.base).host;
    const oldBrowser = await request(api.base)
      .post('/sign-in')
      .set({ origin: `http://${host}` })
      .type('form')
      .send({ username: 'officer', password: 'correct horse battery' });
    expect(oldBrowser.status).toBe(303);
  });

  it('sets a Secure cookie behind a proxy that says the request came over https', async () => {
    const res = await request(api.base)
      .post('/sign-in')
      .set('x-forwarded-proto', 'https')
      .type('form')
      .send({ username: 'officer', password: 'correct horse battery' });
    expect(res.status).toBe(303);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('2')).toBe(2);
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });

  it('refuses a wrong password and an unknown user alike, and audits both', async () => {
    for (const username of ['officer', 'nobody']) {
      const res = await request(api.base)
        .post('/sign-in')
        .set('content-type', 'application/json')
        .send({ username, password: 'wrong wrong wrong' });
      expect(res.status).toBe(401);
      expect(res.body.errors[0].message).toBe(
        'The username or password is not right, or the account is disabled.',
      );
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const failed = await api.db.dataSource.query(
      "SELECT actor FROM audit_event WHERE action = 'sign_in_failed' ORDER BY id",
    );
    expect(failed.map((r: { actor: string }) => r.actor)).toEqual(
      expect.arrayContaining(['officer', 'nobody']),
    );
  });

  it('never redirects off the site after sign-in', async () => {
    const res = await request(api.base)
      .post('/sign-in')
      .type('form')
      .send({ username: 'officer', password: 'correct horse battery', next: '//evil.example/' });
    expect(res.headers.location).toBe('/');
  });
});

describe('the app with OpenID Connect configured', () => {
  it('offers it on the sign-in page and keeps its routes open to callers not yet signed in', async () => {
    const oidc = loadOidcConfig({
      OIDC_ISSUER: 'http://127.0.0.1:9/issuer',
      OIDC_CLIENT_ID: 'hub',
      OIDC_CLIENT_SECRET: 'a secret for the test only',
      OIDC_REDIRECT_URI: 'http://127.0.0.1:9/sign-in/oidc/callback',
      OIDC_LABEL: 'Sign in with Test Council',
    });
    const { app, stop } = await createApp({ db: api.db, oidc });
    try {
      const page = await request(app).get('/sign-in?next=/pupils');
      expect(page.text).toContain('href="/sign-in/oidc?next=%2Fpupils"');
      expect(page.text).toContain('Sign in with Test Council');
      const start = await request(app).get('/sign-in/oidc');
      expect(start.status).not.toBe(401);
      expect((await request(app).get('/').set('accept', 'application/json')).status).toBe(401);
    } finally {
      await stop();
    }
  });
});

describe('query bombs', () => {
  const nested = (depth: number) => {
    let q = 'upn';
    for (let i = 0; i < depth; i++) q = i % 2 ? `pupil { ${q} }` : `placements { ${q} }`;
    return `{ pupils(first: 1) { nodes { ${q} } } }`;
  };
  const bombs: [string, string][] = [
    ['deep', nested(10)],
    ['aliased', `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: authorities { totalCount }`).join(' ')} }`],
    ['wide', `{ pupils(first: 1) { nodes { ${Array.from({ length: 1500 }, () => 'upn').join(' ')} } } }`],
    [
      'several expensive fields',
      `{ a: indicatorSeries(from: "2025-09-01", to: "2026-08-31") { asOf } b: indicatorSeries(from: "2025-09-01", to: "2026-08-31") { asOf } }`,
    ],
  ];

  it.each(bombs)(
    'refuses a %s query before it runs: no statement but the token check',
    async (_name, query) => {
      counter.reset();
      const res = await gqlWith({ authorization: `Bearer ${api.adminToken}` }, query);
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(res.body.data).toBeUndefined();
      const others = counter.statements.filter((s) => !s.includes('FROM api_token'));
      expect(others).toEqual([]);
    },
  );

  it('refuses batched requests', async () => {
    const res = await request(api.server.url)
      .post('')
      .set('authorization', `Bearer ${api.adminToken}`)
      .set('content-type', 'application/json')
      .send([{ query: '{ me { role } }' }, { query: '{ me { role } }' }]);
    expect(res.status).toBe(400);
  });
});

describe('the access rules', () => {
  it('give every root field of the schema a rule', async () => {
    const schema: GraphQLSchema = await buildHubSchema();
    const roots = [schema.getQueryType(), schema.getMutationType()].filter(isObjectType);
    const missing = roots.flatMap((t) => Object.keys(t.getFields())).filter((f) => !accessRuleOf(f));
    expect(missing).toEqual([]);
  });

  it('refuse a field that has no rule, to every role', () => {
    for (const role of ['admin', 'la_officer', 'school', 'governor', 'provider', 'analyst'] as const)
      expect(refusal(role, ['me', 'aNewQueryWithoutARule'])).toBe(
        'aNewQueryWithoutARule has no access rule, so it is refused',
      );
    expect(refusal('governor', ['pupils'])).toBe('a governor user may not use pupils');
    expect(refusal('governor', ['me', '__typename'])).toBeNull();
  });
});

describe('the audit', () => {
  it('holds a row for each pupil-level read, with who and which pupils', async () => {
    const token = await api.tokenFor('la_officer', { authorities: ['802'], username: 'reader' });
    const res = await api.gqlAs(token, '{ pupils(first: 3) { nodes { upn } } }');
    const upns = res.data.pupils.nodes.map((n: { upn: string }) => n.upn).sort();
    const [row] = await api.db.dataSource.query(
      "SELECT actor, role, action, operation, subjects, subject_count, address, client FROM audit_event WHERE actor = 'reader' AND subject_kind = 'pupil'",
    );
    expect(row.action).toBe('read');
    expect(row.role).toBe('la_officer');
    expect(row.operation).toBe('query');
    expect([...row.subjects].sort()).toEqual(upns);
    expect(row.subject_count).toBe(3);
    expect(row.address).toMatch(/127\.0\.0\.1/);
    const byPupil = await api.gql(`{ auditEvents(subject: "${upns[0]}") { actor action } }`);
    expect(byPupil.data.auditEvents).toEqual(expect.arrayContaining([{ actor: 'reader', action: 'read' }]));
  });

  it('holds every placement and pupil a list returns, through fragments and edges, keys unselected', async () => {
    const token = await api.tokenFor('la_officer', { authorities: ['802'], username: 'lister' });
    const res = await api.gqlAs(
      token,
      `query listed { placements(first: 4) { edges { node { ...P } } } }
       fragment P on Placement { type pupil { school { name } } provider { name } }`,
    );
    expect(res.errors).toBeUndefined();
    const listed: { placement_ref: string; upn: string }[] = await api.db.dataSource.query(
      `SELECT pl.placement_ref, p.upn FROM placement pl JOIN pupil p ON p.id = pl.pupil_id
        WHERE p.authority_id = (SELECT id FROM authority WHERE la_code = '802') ORDER BY pl.id LIMIT 4`,
    );
    expect(res.data.placements.edges).toHaveLength(listed.length);
    const rows: { subject_kind: string; subjects: string[]; operation: string }[] =
      await api.db.dataSource.query(
        "SELECT subject_kind, subjects, operation FROM audit_event WHERE actor = 'lister' ORDER BY subject_kind",
      );
    expect(rows.map((r) => ({ ...r, subjects: [...r.subjects].sort() }))).toEqual([
      {
        subject_kind: 'placement',
        subjects: listed.map((l) => l.placement_ref).sort(),
        operation: 'query listed',
      },
      {
        subject_kind: 'pupil',
        subjects: [...new Set(listed.map((l) => l.upn))].sort(),
        operation: 'query listed',
      },
    ]);
  });

  it('audits the flags of a page whose cursors alone were asked for: each holds its subject', async () => {
    const token = await api.tokenFor('la_officer', { authorities: ['802'], username: 'cursor-reader' });
    const res = await api.gqlAs(token, '{ flags(asOf: "2026-03-02", first: 5) { edges { cursor } } }');
    expect(res.errors).toBeUndefined();
    const keys = res.data.flags.edges.map((e: { cursor: string }) => {
      const [, , , subjectKey] = Buffer.from(e.cursor, 'base64url').toString().split(':');
      return subjectKey;
    });
    expect(keys).toHaveLength(5);
    const rows = await api.db.dataSource.query(
      "SELECT subjects FROM audit_event WHERE actor = 'cursor-reader' AND subject_kind = 'flag'",
    );
    expect(rows).toHaveLength(1);
    const audited = rows[0].subjects.map((s: string) => s.split(':')[1]);
    expect(audited.sort()).toEqual(expect.arrayContaining(keys.filter((k: string) => !k.startsWith('ALP-'))));
    expect(audited.length).toBeGreaterThan(0);
  });

  it('names the placement of every attendance version read', async () => {
    const token = await api.tokenFor('la_officer', { authorities: ['802'], username: 'history-reader' });
    const res = await api.gqlAs(token, '{ attendanceHistory(placementRef: "PL-0001") { code } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.attendanceHistory.length).toBeGreaterThan(0);
    const rows = await api.db.dataSource.query(
      "SELECT subjects, subject_count FROM audit_event WHERE actor = 'history-reader' AND subject_kind = 'attendance'",
    );
    expect(rows).toEqual([{ subjects: ['PL-0001'], subject_count: 1 }]);
  });

  it('records a change with before and after', async () => {
    const token = await api.tokenFor('la_officer', { authorities: ['802'], username: 'changer' });
    await api.gqlAs(
      token,
      'mutation { updatePupil(upn: "L802200025000", input: { lookedAfter: true }) { upn } }',
    );
    const [row] = await api.db.dataSource.query(
      "SELECT action, subjects, before, after FROM audit_event WHERE actor = 'changer' AND action = 'update'",
    );
    expect(row.subjects).toEqual(['L802200025000']);
    expect(row.before.lookedAfter).toBe(false);
    expect(row.after.lookedAfter).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the audit trail', async () => {
    for (const sql of ['UPDATE audit_event SET actor = $1', 'DELETE FROM audit_event WHERE actor <> $1']) {
      await expect(api.db.dataSource.query(sql, ['x'])).rejects.toThrow(/append-only/);
    }
    await expect(api.db.dataSource.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
  });
});
