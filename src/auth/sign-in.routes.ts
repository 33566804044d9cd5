import express, { Request, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { recordAudit } from '../audit/audit.service';
import type { Database } from '../db/database';
import { html } from '../reports/html';
import { requestOrigin, sessionCookieOf } from './authenticate';
import type { OidcConfig } from './oidc.config';
import { oidcSignInLink } from './oidc.routes';
import { decoyHash, verifyPassword } from './passwords';
import { safeNext, secureCookie } from './request-checks';
import { endSession, openSession, SESSION_COOKIE, SESSION_HOURS } from './sessions.service';
import { principalOfUser } from './users.service';

function signInPage(opts: {
  next: string;
  error?: string;
  username?: string;
  oidc?: OidcConfig | null;
}): string {
  return html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - alp-hub</title><link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
label{display:block;font-weight:bold;margin-top:1rem}input{font-size:1.1rem;padding:.4rem;width:100%;box-sizing:border-box;border:2px solid #0b0c0c}
button{margin-top:1.5rem;font-size:1.1rem;padding:.5rem 1.2rem;background:#00703c;color:#fff;border:0;box-shadow:0 2px 0 #002d18}
.error{border-left:5px solid #d4351c;padding-left:1rem;color:#d4351c;font-weight:bold}
:focus{outline:3px solid #fd0;outline-offset:0}</style></head>
<body><main id="main">
<h1>Sign in to alp-hub</h1>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/sign-in">
<input type="hidden" name="next" value="${opts.next}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${opts.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${opts.oidc ? oidcSignInLink(opts.oidc, opts.next) : ''}
</main></body></html>`.value;
}

/**
 * GET /sign-in (the form), POST /sign-in (form or JSON: username, password), POST /sign-out. A
 * successful sign-in sets the session cookie (HttpOnly, SameSite=Lax, Secure except on localhost) and
 * is audited; so is each failed one.
 */
export function signInRouter(db: Database, oidc: OidcConfig | null = null): Router {
  const router = Router();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: {
      errors: [{ message: 'too many sign-in attempts; wait a minute', extensions: { code: 'RATE_LIMITED' } }],
    },
  });
  const forms = [express.urlencoded({ extended: false, limit: '10kb' }), express.json({ limit: '10kb' })];

  router.get('/sign-in', (req, res) => {
    res.type('html').send(signInPage({ next: safeNext(req.query.next), oidc }));
  });

  router.post('/sign-in', limiter, ...forms, async (req: Request, res: Response, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim().toLowerCase() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const target = safeNext(body.next);
      const wantsJson = Boolean(req.is('application/json'));
      const from = requestOrigin(req);
      const [user]: { id: number; password_hash: string | null }[] = username
        ? await db.dataSource.query(
            'SELECT id, password_hash FROM app_user WHERE username = $1 AND disabled_at IS NULL AND NOT machine',
            [username],
          )
        : [];
      const ok = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
      if (!user?.password_hash || !ok) {
        await recordAudit(
          db.dataSource,
          null,
          {
            action: 'sign_in_failed',
            operation: 'POST /sign-in',
            subjectKind: 'user',
            subjects: username ? [username] : [],
            detail: { ...from },
          },
          username || 'anonymous',
        );
        const message = 'The username or password is not right, or the account is disabled.';
        if (wantsJson)
          res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
        else
          res
            .status(401)
            .type('html')
            .send(signInPage({ next: target, error: message, username, oidc }));
        return;
      }
      const principal = await principalOfUser(db.dataSource, { id: user.id }, from);
      const secret = await openSession(db.dataSource, user.id, from);
      await recordAudit(db.dataSource, principal, {
        action: 'sign_in',
        operation: 'POST /sign-in',
        subjectKind: 'user',
        subjects: [username],
      });
      res.cookie(SESSION_COOKIE, secret, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie(req),
        path: '/',
        maxAge: SESSION_HOURS * 3_600_000,
      });
      if (wantsJson) res.json({ username, role: principal?.role });
      else res.redirect(303, target);
    } catch (err) {
      next(err);
    }
  });

  router.post('/sign-out', async (req, res, next) => {
    try {
      const secret = sessionCookieOf(req);
      if (secret) await endSession(db.dataSource, secret);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/sign-in');
    } catch (err) {
      next(err);
    }
  });
  return router;
}
