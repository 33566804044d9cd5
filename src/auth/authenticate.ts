import { parse as parseCookies } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Database } from '../db/database';
import { logger } from '../logger';
import { unauthenticated } from './policy';
import type { Principal } from './principal';
import { principalOfSession, SESSION_COOKIE } from './sessions.service';
import { principalOfToken } from './tokens.service';

const principals = new WeakMap<Request, Principal>();

/** The caller of a request that passed `authenticate`; throws for one that did not. */
export function principalOf(req: Request): Principal {
  const p = principals.get(req);
  if (!p) throw unauthenticated();
  return p;
}

export function requestOrigin(req: Request): { address: string | null; client: string | null } {
  const agent = req.headers['user-agent'];
  return { address: req.ip ?? req.socket.remoteAddress ?? null, client: agent ? agent.slice(0, 200) : null };
}

function bearerOf(req: Request): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

export function sessionCookieOf(req: Request): string | null {
  const header = req.headers.cookie;
  return header ? (parseCookies(header)[SESSION_COOKIE] ?? null) : null;
}

/**
 * Decides who a request is from: a bearer token, else the dashboard's session cookie. A request with
 * neither, or with one that is unknown, expired, revoked or of a disabled user, gets 401 (pages are
 * sent to the sign-in page instead). Only the routes mounted before this middleware are open.
 */
export function authenticate(db: Database): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const from = requestOrigin(req);
      const bearer = bearerOf(req);
      const cookie = bearer === null ? sessionCookieOf(req) : null;
      const principal =
        bearer !== null
          ? bearer && (await principalOfToken(db.dataSource, bearer, from))
          : cookie
            ? await principalOfSession(db.dataSource, cookie, from)
            : null;
      if (principal) {
        principals.set(req, principal);
        next();
        return;
      }
      refuse(req, res, bearer !== null || cookie !== null);
    } catch (err) {
      next(err);
    }
  };
}

function refuse(req: Request, res: Response, presented: boolean): void {
  const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
  if (wantsPage && !req.path.startsWith('/graphql')) {
    res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  logger.info({ path: req.path, presented }, 'refused an unauthenticated request');
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer realm="alp-hub"')
    .json({
      errors: [
        {
          message: presented
            ? 'the token or session is not valid (unknown, expired, revoked, or the user is disabled)'
            : 'sign in first: send a session cookie or Authorization: Bearer <token>',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
}
