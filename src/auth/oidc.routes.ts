import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import { Request, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import * as client from 'openid-client';
import { recordAudit } from '../audit/audit.service';
import type { Database } from '../db/database';
import type { Queryable } from '../indicators/queryable';
import { logger } from '../logger';
import { html, SafeHtml } from '../reports/html';
import { requestOrigin } from './authenticate';
import type { OidcConfig } from './oidc.config';
import { safeNext, secureCookie } from './request-checks';
import { openSession, SESSION_COOKIE, SESSION_HOURS } from './sessions.service';
import { principalOfUser } from './users.service';

export const OIDC_START_PATH = '/sign-in/oidc';
export const OIDC_CALLBACK_PATH = '/sign-in/oidc/callback';
/** Holds state, nonce, PKCE verifier and `next` between the redirect out and the callback. */
export const OIDC_FLOW_COOKIE = 'alp_oidc';
/** Long enough to type a password and pass multi-factor authentication, short enough to be one attempt. */
const FLOW_MINUTES = 10;

/** The sign-in page's button for OpenID Connect; `next` is where to go once signed in. */
export function oidcSignInLink(config: OidcConfig, next = '/'): SafeHtml {
  const href = `${OIDC_START_PATH}?next=${encodeURIComponent(safeNext(next))}`;
  return html`<p><a class="oidc-sign-in" href="${href}">${config.label}</a></p>`;
}

function page(title: string, message: string): string {
  return html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - alp-hub</title><link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
.error{border-left:5px solid #d4351c;padding-left:1rem}:focus{outline:3px solid #fd0;outline-offset:0}</style></head>
<body><main id="main">
<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
<p><a href="/sign-in">Back to sign in</a></p>
</main></body></html>`.value;
}

// ---- the flow cookie: signed, so the browser carries it but cannot change it -------------------------

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  /** Expiry, in ms since the epoch. */
  exp: number;
}

/** A key of its own for the flow cookie, derived from the client secret both ends of a cluster share. */
function flowKey(config: OidcConfig): Buffer {
  return Buffer.from(hkdfSync('sha256', config.clientSecret, 'alp-hub', 'oidc flow cookie', 32));
}

function sealFlow(key: Buffer, flow: Flow): string {
  const body = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

function openFlow(key: Buffer, value: string | undefined): Flow | null {
  if (!value || value.length > 2000) return null;
  const [body, mac, extra] = value.split('.');
  if (!body || !mac || extra !== undefined) return null;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const flow = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Flow;
    return typeof flow.exp === 'number' && flow.exp > Date.now() ? flow : null;
  } catch {
    return null;
  }
}

function flowCookieOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookies(header)[OIDC_FLOW_COOKIE] : undefined;
}

// ---- who the identity is ---------------------------------------------------------------------------

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  /**
   * The provider vouches for the email: `email_verified: true` (Google and most providers), or Entra
   * ID's `xms_edov: true` (the email's domain is verified by the tenant that issued the token).
   */
  emailVerified: boolean;
}

export type OidcRefusal =
  | 'unknown'
  | 'email_not_verified'
  | 'disabled'
  | 'already_linked'
  | 'ambiguous_email';

type Resolution =
  | { ok: true; userId: number; username: string; linked: boolean }
  | { ok: false; reason: OidcRefusal; username?: string };

export function identityOfClaims(claims: client.IDToken): OidcIdentity {
  const email = typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.trim() : null;
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email,
    emailVerified: email !== null && (claims.email_verified === true || claims.xms_edov === true),
  };
}

interface UserRow {
  id: number;
  username: string;
  disabled: boolean;
  machine: boolean;
  linked: boolean;
}

const USER_COLUMNS = `id, username, disabled_at IS NOT NULL AS disabled, machine,
  oidc_subject IS NOT NULL OR oidc_issuer IS NOT NULL AS linked`;

/**
 * Finds the hub user of an identity: by (issuer, subject) once linked; on a first sign-in, by a
 * verified email equal (ignoring case) to the email of exactly one enabled person not yet linked, whom
 * it then links. Nobody is created. Runs inside the caller's transaction.
 */
export async function resolveOidcUser(m: Queryable, id: OidcIdentity): Promise<Resolution> {
  const [byKey]: UserRow[] = await m.query(
    `SELECT ${USER_COLUMNS} FROM app_user WHERE oidc_issuer = $1 AND oidc_subject = $2`,
    [id.issuer, id.subject],
  );
  if (byKey)
    return byKey.disabled || byKey.machine
      ? { ok: false, reason: 'disabled', username: byKey.username }
      : { ok: true, userId: byKey.id, username: byKey.username, linked: false };
  if (!id.email) return { ok: false, reason: 'unknown' };
  if (!id.emailVerified) return { ok: false, reason: 'email_not_verified' };

  const candidates: UserRow[] = await m.query(
    `SELECT ${USER_COLUMNS} FROM app_user WHERE lower(email) = lower($1) AND NOT machine ORDER BY id FOR UPDATE`,
    [id.email],
  );
  const open = candidates.filter((c) => !c.disabled && !c.linked);
  if (open.length > 1) return { ok: false, reason: 'ambiguous_email' };
  if (open.length === 0) {
    if (!candidates.length) return { ok: false, reason: 'unknown' };
    const disabled = candidates.find((c) => c.disabled);
    return disabled
      ? { ok: false, reason: 'disabled', username: disabled.username }
      : { ok: false, reason: 'already_linked', username: candidates[0].username };
  }
  const [user] = open;
  await m.query('UPDATE app_user SET oidc_issuer = $2, oidc_subject = $3 WHERE id = $1', [
    user.id,
    id.issuer,
    id.subject,
  ]);
  return { ok: true, userId: user.id, username: user.username, linked: true };
}

const REFUSALS: Record<OidcRefusal, (email: string | null) => string> = {
  unknown: (email) =>
    `There is no alp-hub account for ${email ?? 'this sign-in'}. Ask your alp-hub administrator to add you with this email address.`,
  email_not_verified: (email) =>
    `Your sign-in service did not confirm that ${email} is your email address, so it cannot be matched to an alp-hub account.`,
  disabled: () => 'Your alp-hub account is disabled. Ask your alp-hub administrator.',
  already_linked: (email) =>
    `The alp-hub account for ${email} is already linked to another sign-in. Ask your alp-hub administrator.`,
  ambiguous_email: (email) =>
    `More than one alp-hub account has the email address ${email}. Ask your alp-hub administrator.`,
};

// ---- the routes ------------------------------------------------------------------------------------

/**
 * openid-client wraps the check that failed ("unexpected JWT "nonce" claim value") in a generic
 * error; only messages are taken, never the cause's payload (which can hold the token).
 */
function failedCheck(err: Error): string {
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}

/**
 * GET /sign-in/oidc (redirects to the provider: authorization code flow with PKCE, state and nonce)
 * and GET /sign-in/oidc/callback (checks the response and the ID token, finds the user, opens the same
 * session cookie as sign-in by password). Every sign-in and every refusal is audited. Mount it before
 * `authenticate`: both routes are for callers not yet signed in. Callbacks are limited per address
 * (`callbacksPerMinute`, 20 by default): each one costs a request to the provider and an audit row.
 */
export function oidcRouter(
  db: Database,
  config: OidcConfig,
  opts: { callbacksPerMinute?: number } = {},
): Router {
  const key = flowKey(config);
  const callbackUrl = new URL(config.redirectUri);
  let discovered: Promise<client.Configuration> | null = null;
  const provider = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(new URL(config.issuer), config.clientId, config.clientSecret, undefined, {
        // the ID token's signature is checked against the issuer's JWKS, beside TLS to the token endpoint
        execute: [
          client.enableNonRepudiationChecks,
          ...(config.allowInsecureIssuer ? [client.allowInsecureRequests] : []),
        ],
        timeout: 10,
      })
      .catch((err: unknown) => {
        // try again on the next sign-in rather than remember an outage
        discovered = null;
        throw err;
      });
    return discovered;
  };
  const flowCookie = (req: Request) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: secureCookie(req),
    path: OIDC_START_PATH,
  });

  const router = Router();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: opts.callbacksPerMinute ?? 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res
        .status(429)
        .type('html')
        .send(page('Too many attempts', 'Too many sign-in attempts; wait a minute.'));
    },
  });

  router.get(OIDC_START_PATH, async (req: Request, res: Response) => {
    let server: client.Configuration;
    try {
      server = await provider();
    } catch (err) {
      logger.error({ issuer: config.issuer, err: (err as Error).message }, 'OIDC discovery failed');
      res
        .status(503)
        .type('html')
        .send(
          page(
            'Sign-in unavailable',
            'The sign-in service could not be reached. Try again in a few minutes.',
          ),
        );
      return;
    }
    const flow: Flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      next: safeNext(req.query.next),
      exp: Date.now() + FLOW_MINUTES * 60_000,
    };
    const target = client.buildAuthorizationUrl(server, {
      redirect_uri: config.redirectUri,
      scope: config.scopes,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    res.cookie(OIDC_FLOW_COOKIE, sealFlow(key, flow), { ...flowCookie(req), maxAge: FLOW_MINUTES * 60_000 });
    res.redirect(303, target.href);
  });

  router.get(OIDC_CALLBACK_PATH, limiter, async (req: Request, res: Response, next) => {
    const from = requestOrigin(req);
    const operation = `GET ${OIDC_CALLBACK_PATH}`;
    const refuse = async (r: {
      status: number;
      title: string;
      message: string;
      /** Why, for the audit: an `OidcRefusal`, `no_flow`, `provider:<error>` or `invalid:<code>`. */
      reason: string;
      identity?: OidcIdentity;
      username?: string;
      /** The library's description of a check that failed (never a token or a claim value). */
      error?: string;
    }) => {
      const id = r.identity;
      await recordAudit(
        db.dataSource,
        null,
        {
          action: 'sign_in_failed',
          operation,
          subjectKind: 'user',
          subjects: r.username ? [r.username] : [],
          detail: {
            method: 'oidc',
            issuer: id?.issuer ?? config.issuer,
            reason: r.reason,
            ...(r.error ? { error: r.error.slice(0, 200) } : {}),
            ...(id ? { subject: id.subject } : {}),
            ...(id?.email ? { email: id.email } : {}),
            ...from,
          },
        },
        r.username ?? id?.email ?? (id ? `oidc:${id.subject}` : 'anonymous'),
      );
      res.status(r.status).type('html').send(page(r.title, r.message));
    };
    try {
      const flow = openFlow(key, flowCookieOf(req));
      res.clearCookie(OIDC_FLOW_COOKIE, flowCookie(req));
      if (!flow) {
        await refuse({
          status: 400,
          title: 'Sign-in expired',
          message: `This sign-in was not started here, or took longer than ${FLOW_MINUTES} minutes. Start again from the sign-in page.`,
          reason: 'no_flow',
        });
        return;
      }
      const current = new URL(callbackUrl);
      current.search = new URL(req.originalUrl, 'http://callback').search;
      let claims: client.IDToken | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(await provider(), current, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (err) {
        const e = err as Error & { code?: string; error?: string };
        logger.warn({ code: e.code, error: e.error, message: failedCheck(e) }, 'OIDC callback refused');
        if (err instanceof client.AuthorizationResponseError)
          await refuse({
            status: 403,
            title: 'Sign-in refused',
            message: `Your sign-in service did not sign you in (${e.error}). Start again from the sign-in page.`,
            reason: `provider:${e.error}`,
          });
        else
          await refuse({
            status: 400,
            title: 'Sign-in failed',
            message:
              'The answer from the sign-in service could not be checked. Start again from the sign-in page.',
            reason: `invalid:${e.code ?? e.name}`,
            error: failedCheck(e),
          });
        return;
      }
      if (!claims) throw new Error('no ID token claims after a checked authorization code grant');
      const identity = identityOfClaims(claims);

      const outcome = await db.dataSource.transaction(async (m) => {
        const found = await resolveOidcUser(m, identity);
        if (!found.ok) return found;
        const principal = await principalOfUser(m, { id: found.userId }, from);
        if (found.linked)
          await recordAudit(m, principal, {
            action: 'user',
            operation: 'users.link_oidc',
            subjectKind: 'user',
            subjects: [found.username],
            before: { oidc: false },
            after: { oidc: true, issuer: identity.issuer },
            detail: { email: identity.email },
          });
        const secret = await openSession(m, found.userId, from);
        await recordAudit(m, principal, {
          action: 'sign_in',
          operation,
          subjectKind: 'user',
          subjects: [found.username],
          detail: { method: 'oidc', issuer: identity.issuer },
        });
        return { ...found, secret };
      });
      if (!outcome.ok) {
        await refuse({
          status: 403,
          title: 'No access to alp-hub',
          message: REFUSALS[outcome.reason](identity.email),
          reason: outcome.reason,
          identity,
          username: outcome.username,
        });
        return;
      }
      res.cookie(SESSION_COOKIE, outcome.secret, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie(req),
        path: '/',
        maxAge: SESSION_HOURS * 3_600_000,
      });
      res.redirect(303, flow.next);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
