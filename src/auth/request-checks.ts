import type { Request, RequestHandler } from 'express';

/** Only a path on this site: never an open redirect. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[^\\\s]*$/.test(value) ? value : '/';
}

/**
 * Whether a cookie set in answer to `req` is Secure: always when the request came over https (to the
 * hub, or to a trusted proxy that says so in X-Forwarded-Proto), and whenever the hub is reached by a
 * name other than localhost. Plain http to localhost is for a hub on one's own machine; a proxy that
 * reaches the hub as 127.0.0.1 must say X-Forwarded-Proto: https (docs/operations.md).
 */
export function secureCookie(req: Request): boolean {
  return req.secure || !['localhost', '127.0.0.1', '[::1]', '::1'].includes(req.hostname);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request that a page of another site made the browser send (cross-site
 * request forgery), before anything reads its body: a forged sign-in would sign the user into the
 * forger's account, a forged upload import a file under theirs. SameSite=Lax keeps the session
 * cookie off cross-site POSTs already; this also covers sign-in (no cookie yet), pages on sibling
 * sites (same-site, not same-origin) and browsers that ignore SameSite.
 *
 * The browser's `Sec-Fetch-Site` decides where it is sent (every current browser): only
 * `same-origin` and `none` (typed or bookmarked) pass. Without it, an `Origin` must name this host.
 * Origins listed in `CORS_ORIGINS` pass either way. A request with neither header is not from a
 * browser page (curl, a provider's system with its token) and passes.
 */
export function sameOriginWrites(corsOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(corsOrigins);
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    if (origin && allowed.has(origin)) return next();
    const site = req.get('sec-fetch-site');
    const sameOrigin = site
      ? site === 'same-origin' || site === 'none'
      : origin === undefined || hostOf(origin) === req.get('host');
    if (sameOrigin) return next();
    res.status(403).json({
      errors: [
        {
          message: 'a request from another site may not change anything here; use the hub’s own pages',
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
  };
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
