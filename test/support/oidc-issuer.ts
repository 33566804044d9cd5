import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';

/** The claims the next sign-in at the test issuer puts in its ID token (beside iss, aud, nonce, times). */
export interface TestIdentity {
  sub: string;
  email?: string;
  email_verified?: unknown;
  [claim: string]: unknown;
}

export interface IssueOptions {
  /** `payload`: the ID token's claims are changed after signing; `foreign-key`: signed by a key not in the JWKS. */
  tamper?: 'payload' | 'foreign-key';
}

export interface TestIssuer {
  /** The issuer identifier, e.g. http://127.0.0.1:40123 */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Registers the hub's callback: /authorize and /token refuse any other redirect_uri. */
  allowRedirect(uri: string): void;
  /** Who is signed in by the next visit to /authorize. */
  signInAs(identity: TestIdentity, opts?: IssueOptions): void;
  /** Token requests the issuer answered with an ID token. */
  tokensIssued: number;
  close(): Promise<void>;
}

interface PendingCode {
  identity: TestIdentity;
  opts: IssueOptions;
  nonce: string;
  challenge: string;
  redirectUri: string;
}

const b64url = (b: Buffer) => b.toString('base64url');

/**
 * A minimal OpenID Provider on a loopback port for tests: discovery, a JWKS, /authorize that signs in
 * whoever `signInAs` names and redirects back with a code, /token that checks the client secret, the
 * redirect URI and the PKCE verifier and returns an RS256 ID token.
 */
export async function startTestIssuer(
  opts: { clientId?: string; clientSecret?: string } = {},
): Promise<TestIssuer> {
  const clientId = opts.clientId ?? 'alp-hub-test';
  const clientSecret = opts.clientSecret ?? b64url(randomBytes(24));
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
  const redirects = new Set<string>();
  const codes = new Map<string, PendingCode>();
  let next: { identity: TestIdentity; opts: IssueOptions } | null = null;

  const app = express();
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer: url,
      authorization_endpoint: `${url}/authorize`,
      token_endpoint: `${url}/token`,
      jwks_uri: `${url}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      scopes_supported: ['openid', 'email', 'profile'],
    });
  });
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [jwk] });
  });

  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const back = q.redirect_uri ?? '';
    if (q.client_id !== clientId || !redirects.has(back)) {
      res.status(400).send('unknown client or redirect_uri');
      return;
    }
    const target = new URL(back);
    if (q.state) target.searchParams.set('state', q.state);
    if (q.response_type !== 'code' || !q.scope?.split(' ').includes('openid')) {
      target.searchParams.set('error', 'invalid_request');
    } else if (q.code_challenge_method !== 'S256' || !q.code_challenge || !q.nonce) {
      target.searchParams.set('error', 'invalid_request');
    } else if (!next) {
      target.searchParams.set('error', 'access_denied');
    } else {
      const code = b64url(randomBytes(16));
      codes.set(code, { ...next, nonce: q.nonce, challenge: q.code_challenge, redirectUri: back });
      next = null;
      target.searchParams.set('code', code);
    }
    res.redirect(302, target.href);
  });

  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const pending = body.code ? codes.get(body.code) : undefined;
    if (body.code) codes.delete(body.code);
    if (body.client_id !== clientId || body.client_secret !== clientSecret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const verifierOk =
      pending &&
      body.code_verifier &&
      b64url(createHash('sha256').update(body.code_verifier).digest()) === pending.challenge;
    if (
      body.grant_type !== 'authorization_code' ||
      !pending ||
      !verifierOk ||
      body.redirect_uri !== pending.redirectUri
    ) {
      res.status(400).json({ error: 'invalid_grant' });
      return;
    }
    const key: CryptoKey = pending.opts.tamper === 'foreign-key' ? foreign.privateKey : privateKey;
    let idToken = await new SignJWT({ ...pending.identity, nonce: pending.nonce })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-1' })
      .setIssuer(url)
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    if (pending.opts.tamper === 'payload') {
      const [header, payload, signature] = idToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      claims.sub = `${claims.sub}-tampered`;
      idToken = [header, b64url(Buffer.from(JSON.stringify(claims))), signature].join('.');
    }
    issuer.tokensIssued += 1;
    res.set('cache-control', 'no-store').json({
      access_token: b64url(randomBytes(16)),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken,
    });
  });

  const issuer: TestIssuer = {
    url,
    clientId,
    clientSecret,
    allowRedirect: (uri) => {
      redirects.add(uri);
    },
    signInAs: (identity, o = {}) => {
      next = { identity, opts: o };
    },
    tokensIssued: 0,
    async close() {
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
  return issuer;
}
