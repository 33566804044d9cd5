import type { Request } from 'express';

/** Only a path on this site: never an open redirect. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[^\\\s]*$/.test(value) ? value : '/';
}

/** Plain http is only for localhost: everywhere else the session cookie is Secure. */
export function isLocalhost(req: Request): boolean {
  return ['localhost', '127.0.0.1', '[::1]', '::1'].includes(req.hostname);
}
