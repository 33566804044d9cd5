import { once } from 'node:events';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { authenticate, principalOf } from '../../src/auth/authenticate';
import { loadOidcConfig, OidcConfig } from '../../src/auth/oidc.config';
import { OIDC_FLOW_COOKIE, oidcRouter, oidcSignInLink } from '../../src/auth/oidc.routes';
import { operator } from '../../src/auth/principal';
import { SESSION_COOKIE } from '../../src/auth/sessions.service';
import { addUser, disableUser } from '../../src/auth/users.service';
import { Database } from '../../src/db/database';
import { createTestDatabase } from '../support/database';
import { factories } from '../support/factories';
import { IssueOptions, startTestIssuer, TestIdentity, TestIssuer } from '../support/oidc-issuer';

const admin = operator('test');

interface Reply {
  status: number;
  location: string | null;
  cookies: Map<string, string>;
  /** The raw Set-Cookie lines, to check their attributes. */
  setCookies: string[];
  body: string;
}

async function get(url: string, cookies: Map<string, string> = new Map()): Promise<Reply> {
  const res = await fetch(url, {
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
  const setCookies = res.headers.getSetCookie();
  const jar = new Map<string, string>();
  for (const line of setCookies) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return {
    status: res.status,
    location: res.headers.get('location'),
    cookies: jar,
    setCookies,
    body: await res.text(),
  };
}

let db: Database;
let issuer: TestIssuer;
let hub: Server;
let hubUrl: string;
let config: OidcConfig;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await startTestIssuer();
  const app = express();
  hub = app.listen(0, '127.0.0.1');
  await once(hub, 'listening');
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  const parsed = loadOidcConfig({
    OIDC_ISSUER: issuer.url,
    OIDC_CLIENT_ID: issuer.clientId,
    OIDC_CLIENT_SECRET: issuer.clientSecret,
    OIDC_REDIRECT_URI: `${hubUrl}/sign-in/oidc/callback`,
  });
  if (!parsed) throw new Error('OIDC configuration expected');
  config = parsed;
  issuer.allowRedirect(config.redirectUri);
  // as the hub mounts it: sign-in routes open, everything after `authenticate` needs a session
  app.use(oidcRouter(db, config, { callbacksPerMinute: 1000 }));
  app.use(authenticate(db));
  app.get('/whoami', (req, res) => {
    const p = principalOf(req);
    res.json({ name: p.name, role: p.role, authorities: p.authorities });
  });

  const f = factories(db);
  await f.authority({ laCode: '801', name: 'Northshire' });
  const provider = await f.provider();
  const people: { username: string; email: string }[] = [
    { username: 'officer', email: 'Officer.One@Northshire.example' },
    { username: 'unverified', email: 'unverified@northshire.example' },
    { username: 'leaver', email: 'leaver@northshire.example' },
    { username: 'gone', email: 'gone@northshire.example' },
    { username: 'entra', email: 'entra@northshire.example' },
    { username: 'twin-a', email: 'twin@northshire.example' },
    { username: 'twin-b', email: 'twin@northshire.example' },
  ];
  for (const p of people)
    await addUser(db.dataSource, admin, { ...p, role: 'la_officer', authorities: ['801'] });
  await addUser(db.dataSource, admin, {
    username: 'register-bot',
    role: 'provider',
    providerRef: provider.providerRef,
    machine: true,
    email: 'bot@provider.example',
  });
  await disableUser(db.dataSource, admin, 'gone');
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    hub.close(() => resolve());
    hub.closeAllConnections();
  });
  await issuer?.close();
  await db?.close();
});

/**
 * Runs the whole flow as a browser would, one redirect at a time: the hub's start route, the issuer's
 * /authorize, then the hub's callback (after `alter` has had its way with the callback URL).
 */
async function signIn(
  identity: TestIdentity,
  opts: IssueOptions & { next?: string; alter?: (callback: URL) => void; dropFlowCookie?: boolean } = {},
): Promise<Reply> {
  const start = await get(
    `${hubUrl}/sign-in/oidc${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`,
  );
  expect(start.status).toBe(303);
  expect(start.location?.startsWith(`${issuer.url}/authorize?`)).toBe(true);
  const flowCookie = start.setCookies.find((c) => c.startsWith(`${OIDC_FLOW_COOKIE}=`)) ?? '';
  expect(flowCookie).toMatch(/HttpOnly/i);
  expect(flowCookie).toMatch(/SameSite=Lax/i);
  expect(flowCookie).toMatch(/Path=\/sign-in\/oidc/);
  issuer.signInAs(identity, opts);
  const authorize = await get(start.location ?? '');
  expect(authorize.status).toBe(302);
  const callback = new URL(authorize.location ?? '');
  expect(`${callback.origin}${callback.pathname}`).toBe(config.redirectUri);
  opts.alter?.(callback);
  return get(callback.href, opts.dropFlowCookie ? new Map() : start.cookies);
}

async function whoami(reply: Reply): Promise<{ name: string; role: string; authorities: string[] }> {
  const session = reply.cookies.get(SESSION_COOKIE);
  expect(session).toBeTruthy();
  const res = await fetch(`${hubUrl}/whoami`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { name: string; role: string; authorities: string[] };
}

async function linkOf(
  username: string,
): Promise<{ oidc_issuer: string | null; oidc_subject: string | null }> {
  const [row] = await db.dataSource.query(
    'SELECT oidc_issuer, oidc_subject FROM app_user WHERE username = $1',
    [username],
  );
  return row;
}

async function lastAudit(
  action: string,
): Promise<{ actor: string; subjects: string[]; detail: Record<string, unknown> }> {
  const [row] = await db.dataSource.query(
    'SELECT actor, subjects, detail FROM audit_event WHERE action = $1 ORDER BY id DESC LIMIT 1',
    [action],
  );
  return row;
}

function expectNoSession(reply: Reply): void {
  expect(reply.cookies.has(SESSION_COOKIE)).toBe(false);
}

describe('sign-in by OpenID Connect', () => {
  it('links a user by verified email on the first sign-in, then finds them by subject', async () => {
    const first = await signIn(
      { sub: 'entra-oid-1', email: 'officer.one@northshire.example', email_verified: true },
      { next: '/reports/flags?la=801' },
    );
    expect(first.status).toBe(303);
    expect(first.location).toBe('/reports/flags?la=801');
    const sessionLine = first.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(sessionLine).toMatch(/HttpOnly/i);
    expect(sessionLine).toMatch(/SameSite=Lax/i);
    expect(sessionLine).toMatch(/Path=\/(;|$)/);
    expect(sessionLine).not.toMatch(/Secure/i); // loopback: Secure is left off, as for password sign-in
    // the flow cookie is spent
    expect(first.setCookies.some((c) => c.startsWith(`${OIDC_FLOW_COOKIE}=;`))).toBe(true);
    expect(await whoami(first)).toEqual({ name: 'officer', role: 'la_officer', authorities: ['801'] });
    expect(await linkOf('officer')).toEqual({ oidc_issuer: issuer.url, oidc_subject: 'entra-oid-1' });
    const linked = await lastAudit('user');
    expect(linked.subjects).toEqual(['officer']);
    const signedIn = await lastAudit('sign_in');
    expect(signedIn).toMatchObject({
      actor: 'officer',
      subjects: ['officer'],
      detail: { method: 'oidc', issuer: issuer.url },
    });

    // later: the subject decides, whatever the email now says
    const second = await signIn({
      sub: 'entra-oid-1',
      email: 'renamed@elsewhere.example',
      email_verified: false,
    });
    expect(second.status).toBe(303);
    expect(second.location).toBe('/');
    expect((await whoami(second)).name).toBe('officer');
    expect(second.cookies.get(SESSION_COOKIE)).not.toBe(first.cookies.get(SESSION_COOKIE));
  });

  it("accepts Entra ID's xms_edov (email domain verified by the tenant) as a verified email", async () => {
    const reply = await signIn({ sub: 'entra-oid-2', email: 'entra@northshire.example', xms_edov: true });
    expect(reply.status).toBe(303);
    expect((await whoami(reply)).name).toBe('entra');
  });

  it('refuses an email the provider has not verified, and links nobody', async () => {
    for (const identity of [
      { sub: 'google-1', email: 'unverified@northshire.example', email_verified: false },
      { sub: 'google-1', email: 'unverified@northshire.example' },
      { sub: 'google-1', email: 'unverified@northshire.example', email_verified: 'true' },
    ]) {
      const reply = await signIn(identity);
      expect(reply.status).toBe(403);
      expect(reply.body).toContain(
        'did not confirm that unverified@northshire.example is your email address',
      );
      expectNoSession(reply);
    }
    expect(await linkOf('unverified')).toEqual({ oidc_issuer: null, oidc_subject: null });
    const failed = await lastAudit('sign_in_failed');
    expect(failed.actor).toBe('unverified@northshire.example');
    expect(failed.detail).toMatchObject({
      method: 'oidc',
      reason: 'email_not_verified',
      subject: 'google-1',
    });
  });

  it('refuses an unknown identity with a 403 page and creates nobody', async () => {
    const [{ count: before }] = await db.dataSource.query('SELECT count(*)::int AS count FROM app_user');
    const reply = await signIn({
      sub: 'stranger',
      email: 'stranger@elsewhere.example',
      email_verified: true,
    });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('There is no alp-hub account for stranger@elsewhere.example');
    expectNoSession(reply);
    const failed = await lastAudit('sign_in_failed');
    expect(failed).toMatchObject({
      actor: 'stranger@elsewhere.example',
      detail: { method: 'oidc', issuer: issuer.url, reason: 'unknown', email: 'stranger@elsewhere.example' },
    });
    // an identity with no email at all
    expect((await signIn({ sub: 'no-email' })).status).toBe(403);
    // a machine client's email does not sign a person in
    const bot = await signIn({ sub: 'bot', email: 'bot@provider.example', email_verified: true });
    expect(bot.status).toBe(403);
    expect(await linkOf('register-bot')).toEqual({ oidc_issuer: null, oidc_subject: null });
    const [{ count: after }] = await db.dataSource.query('SELECT count(*)::int AS count FROM app_user');
    expect(after).toBe(before);
  });

  it('refuses an email two accounts share', async () => {
    const reply = await signIn({ sub: 'twin', email: 'twin@northshire.example', email_verified: true });
    expect(reply.status).toBe(403);
    expect((await lastAudit('sign_in_failed')).detail).toMatchObject({ reason: 'ambiguous_email' });
    expect(await linkOf('twin-a')).toEqual({ oidc_issuer: null, oidc_subject: null });
  });

  it('refuses a callback whose state is wrong, or that comes without the flow cookie', async () => {
    const identity = { sub: 'entra-oid-1', email: 'officer.one@northshire.example', email_verified: true };
    const tokensBefore = issuer.tokensIssued;
    const wrongState = await signIn(identity, { alter: (u) => u.searchParams.set('state', 'forged-state') });
    expect(wrongState.status).toBe(400);
    expectNoSession(wrongState);
    expect((await lastAudit('sign_in_failed')).detail).toMatchObject({
      method: 'oidc',
      reason: 'invalid:OAUTH_INVALID_RESPONSE',
    });
    expect(String((await lastAudit('sign_in_failed')).detail.error)).toMatch(/"state"/);

    const noCookie = await signIn(identity, { dropFlowCookie: true });
    expect(noCookie.status).toBe(400);
    expect(noCookie.body).toContain('Start again');
    expectNoSession(noCookie);
    expect((await lastAudit('sign_in_failed')).detail).toMatchObject({ reason: 'no_flow' });

    const forgedCookie = await get(
      `${hubUrl}/sign-in/oidc/callback?code=x&state=y`,
      new Map([[OIDC_FLOW_COOKIE, 'e30.AAAA']]),
    );
    expect(forgedCookie.status).toBe(400);
    expectNoSession(forgedCookie);
    // neither reached the token endpoint
    expect(issuer.tokensIssued).toBe(tokensBefore);
  });

  it('refuses the provider turning the sign-in down', async () => {
    const start = await get(`${hubUrl}/sign-in/oidc`);
    // nobody told the issuer who signs in: it answers access_denied
    const authorize = await get(start.location ?? '');
    const reply = await get(authorize.location ?? '', start.cookies);
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('access_denied');
    expect((await lastAudit('sign_in_failed')).detail).toMatchObject({ reason: 'provider:access_denied' });
  });

  it('refuses a disabled user, linked or not', async () => {
    const identity = { sub: 'leaver-sub', email: 'leaver@northshire.example', email_verified: true };
    expect((await signIn(identity)).status).toBe(303);
    await disableUser(db.dataSource, admin, 'leaver');
    const linked = await signIn(identity);
    expect(linked.status).toBe(403);
    expect(linked.body).toContain('disabled');
    expectNoSession(linked);
    expect(await lastAudit('sign_in_failed')).toMatchObject({
      actor: 'leaver',
      subjects: ['leaver'],
      detail: { reason: 'disabled' },
    });

    const notLinked = await signIn({
      sub: 'gone-sub',
      email: 'gone@northshire.example',
      email_verified: true,
    });
    expect(notLinked.status).toBe(403);
    expectNoSession(notLinked);
    expect(await linkOf('gone')).toEqual({ oidc_issuer: null, oidc_subject: null });
  });

  it('refuses a tampered ID token, or one signed by a key the issuer does not publish', async () => {
    for (const tamper of ['payload', 'foreign-key'] as const) {
      const reply = await signIn(
        { sub: `forger-${tamper}`, email: 'entra@northshire.example', email_verified: true },
        { tamper },
      );
      expect(reply.status).toBe(400);
      expectNoSession(reply);
      const failed = await lastAudit('sign_in_failed');
      expect(String(failed.detail.reason)).toMatch(/^invalid:/);
      expect(String(failed.detail.error)).toMatch(/signature/i);
    }
    // `entra` is still linked to its own subject only
    expect(await linkOf('entra')).toEqual({ oidc_issuer: issuer.url, oidc_subject: 'entra-oid-2' });
  });

  it('never redirects off the site', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const reply = await signIn({ sub: 'entra-oid-1' }, { next });
      expect(reply.status).toBe(303);
      expect(reply.location).toBe('/');
    }
  });

  it('answers 503 while the issuer cannot be reached, and tries again on the next sign-in', async () => {
    let up = false;
    const flaky = express();
    const server = flaky.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    flaky.get('/.well-known/openid-configuration', (_req, res) => {
      if (!up) res.status(502).send('bad gateway');
      else
        res.json({
          issuer: url,
          authorization_endpoint: `${url}/authorize`,
          token_endpoint: `${url}/token`,
          jwks_uri: `${url}/jwks`,
        });
    });
    try {
      const app = express().use(oidcRouter(db, { ...config, issuer: url }));
      const down = await request(app).get('/sign-in/oidc');
      expect(down.status).toBe(503);
      expect(down.text).toContain('could not be reached');
      up = true;
      const again = await request(app).get('/sign-in/oidc');
      expect(again.status).toBe(303);
      expect(again.headers.location.startsWith(`${url}/authorize?`)).toBe(true);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('limits callbacks per address', async () => {
    const app = express().use(oidcRouter(db, config, { callbacksPerMinute: 2 }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await request(app).get('/sign-in/oidc/callback?code=x&state=y')).status);
    expect(statuses).toEqual([400, 400, 429]);
  });

  it('gives the sign-in page a link with the configured label', () => {
    expect(oidcSignInLink({ ...config, label: 'Sign in with Northshire <Entra>' }, '/a?b=1').value).toBe(
      '<p><a class="oidc-sign-in" href="/sign-in/oidc?next=%2Fa%3Fb%3D1">Sign in with Northshire &lt;Entra&gt;</a></p>',
    );
  });
});

describe('OpenID Connect configuration', () => {
  const base = {
    OIDC_ISSUER: 'https://login.microsoftonline.com/8f6b2c1e-0000-4000-8000-000000000001/v2.0',
    OIDC_CLIENT_ID: 'client',
    OIDC_CLIENT_SECRET: 'secret',
    OIDC_REDIRECT_URI: 'https://hub.northshire.example/sign-in/oidc/callback',
  };

  it('is off without OIDC_ISSUER', () => {
    expect(loadOidcConfig({})).toBeNull();
    expect(loadOidcConfig({ OIDC_ISSUER: '', OIDC_CLIENT_ID: 'x' })).toBeNull();
  });

  it('reads the variables, with default scopes and label', () => {
    expect(loadOidcConfig(base)).toEqual({
      issuer: base.OIDC_ISSUER,
      clientId: 'client',
      clientSecret: 'secret',
      redirectUri: base.OIDC_REDIRECT_URI,
      scopes: 'openid email profile',
      label: 'Sign in with your council account',
      allowInsecureIssuer: false,
    });
    expect(
      loadOidcConfig({ ...base, OIDC_SCOPES: 'openid,email', OIDC_LABEL: 'Sign in with Google' }),
    ).toMatchObject({
      scopes: 'openid email',
      label: 'Sign in with Google',
    });
  });

  it('names each bad or missing variable', () => {
    expect(() => loadOidcConfig({ OIDC_ISSUER: base.OIDC_ISSUER })).toThrow(
      /OIDC_CLIENT_ID: OIDC_CLIENT_ID is required.*OIDC_CLIENT_SECRET.*OIDC_REDIRECT_URI/,
    );
    expect(() => loadOidcConfig({ ...base, OIDC_ISSUER: 'http://idp.example' })).toThrow(
      /OIDC_ISSUER must be an https: URL/,
    );
    expect(() => loadOidcConfig({ ...base, OIDC_REDIRECT_URI: 'https://hub.example/callback' })).toThrow(
      /must end in \/sign-in\/oidc\/callback/,
    );
    expect(() => loadOidcConfig({ ...base, OIDC_SCOPES: 'email profile' })).toThrow(
      /OIDC_SCOPES must include openid/,
    );
  });

  it("refuses Entra ID's multi-tenant issuers", () => {
    for (const tenant of ['common', 'organizations', 'consumers'])
      expect(() =>
        loadOidcConfig({ ...base, OIDC_ISSUER: `https://login.microsoftonline.com/${tenant}/v2.0` }),
      ).toThrow(/OIDC_ISSUER: use the council tenant's own issuer/);
  });
});
