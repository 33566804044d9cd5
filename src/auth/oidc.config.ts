import { z } from 'zod';

/** Sign-in by OpenID Connect (a council's Entra ID tenant, or Google): on when OIDC_ISSUER is set. */
export interface OidcConfig {
  /** The issuer identifier, exactly as the provider's discovery document states it. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This hub's callback, `https://<host>/sign-in/oidc/callback`, as registered with the provider. */
  redirectUri: string;
  /** Space-separated; always includes `openid`. */
  scopes: string;
  /** The text of the sign-in button. */
  label: string;
  /**
   * True only for an `http:` issuer on a loopback address (a test's own issuer): every other issuer
   * must be `https:`.
   */
  allowInsecureIssuer: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLoopbackHttp(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

const httpsOrLoopback = (what: string) =>
  z
    .string()
    .url()
    .refine((v) => new URL(v).protocol === 'https:' || isLoopbackHttp(v), {
      message: `${what} must be an https: URL (http: only on a loopback address)`,
    });

/** Entra ID's multi-tenant endpoints would let any organisation's users reach the match by email. */
const ENTRA_MULTI_TENANT = /^https:\/\/login\.microsoftonline\.com\/(common|organizations|consumers)(\/|$)/i;

const oidcEnvSchema = z
  .object({
    OIDC_ISSUER: httpsOrLoopback('OIDC_ISSUER')
      .refine((v) => !ENTRA_MULTI_TENANT.test(v), {
        message:
          "use the council tenant's own issuer, https://login.microsoftonline.com/<tenant-id>/v2.0, not common, organizations or consumers",
      })
      .optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_REDIRECT_URI: httpsOrLoopback('OIDC_REDIRECT_URI')
      .refine((v) => new URL(v).pathname.endsWith('/sign-in/oidc/callback') && !new URL(v).search, {
        message: 'OIDC_REDIRECT_URI must end in /sign-in/oidc/callback, with no query string',
      })
      .optional(),
    OIDC_SCOPES: z
      .string()
      .default('openid email profile')
      .transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))])
      .refine((s) => s.includes('openid'), { message: 'OIDC_SCOPES must include openid' })
      .transform((s) => s.join(' ')),
    OIDC_LABEL: z.string().trim().min(1).max(80).default('Sign in with your council account'),
  })
  .superRefine((env, ctx) => {
    if (!env.OIDC_ISSUER) return;
    for (const key of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const)
      if (!env[key])
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required when OIDC_ISSUER is set` });
  });

/**
 * Reads the OIDC_* variables; null when OIDC_ISSUER is absent (sign-in by OpenID Connect is off).
 * Throws a readable error naming each bad or missing variable.
 */
export function loadOidcConfig(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('OIDC_') && v !== ''),
  );
  const parsed = oidcEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid OpenID Connect configuration: ${issues}`);
  }
  const e = parsed.data;
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET || !e.OIDC_REDIRECT_URI) return null;
  return {
    issuer: e.OIDC_ISSUER,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    redirectUri: e.OIDC_REDIRECT_URI,
    scopes: e.OIDC_SCOPES,
    label: e.OIDC_LABEL,
    allowInsecureIssuer: isLoopbackHttp(e.OIDC_ISSUER),
  };
}
