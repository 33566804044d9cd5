import { once } from 'node:events';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import helmet from 'helmet';
import { readAuditPlugin } from '../audit/read-audit.plugin';
import { accessRulesPlugin } from '../auth/access-rules';
import { authenticate, principalOf } from '../auth/authenticate';
import { loadOidcConfig, OidcConfig } from '../auth/oidc.config';
import { oidcRouter } from '../auth/oidc.routes';
import { sameOriginWrites } from '../auth/request-checks';
import { signInRouter } from '../auth/sign-in.routes';
import { Database } from '../db/database';
import { databaseFailure } from '../db/db-failure';
import { uploadRouter } from '../ingest/upload.routes';
import { logger } from '../logger';
import { buildHubSchema } from '../schema/build-schema';
import { webRouter } from '../web/web.routes';
import { Context, createContext } from './context';
import { DATABASE_CODES, formatError } from './format-error';
import { freshAfterMutationPlugin } from './fresh-after-mutation.plugin';
import { healthHandler } from './health';
import { addressLimiter, armor, DEFAULT_RATE_LIMITS, RateLimits, userLimiter } from './security';

/** JSON bodies: a GraphQL operation with its variables. Files go through the CLI or the upload route. */
const BODY_LIMIT = '1mb';

export interface AppOptions {
  db: Database;
  /** Production: introspection and field suggestions off. Default: NODE_ENV=production. */
  production?: boolean;
  rateLimits?: RateLimits;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: string[];
  /** Sign-in by OpenID Connect; off when null (default: from the OIDC_* variables). */
  oidc?: OidcConfig | null;
  /** Where `POST /imports` writes a file while it is imported (default: the system's temp folder). */
  uploadDir?: string;
  /** express's `trust proxy` (TRUST_PROXY): default `loopback`. */
  trustProxy?: string;
}

/** TRUST_PROXY as express takes it: false, a number of hops, or a comma-separated list. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * The hub's express app. Open without sign-in: the sign-in routes and /health. Everything else (the
 * GraphQL API at /graphql with an offline IDE for browsers, the dashboard, reports) needs a session cookie or a bearer token,
 * is rate-limited per address and per user, and carries helmet's headers.
 */
export async function createApp(opts: AppOptions): Promise<{ app: express.Express; stop(): Promise<void> }> {
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const limits = opts.rateLimits ?? DEFAULT_RATE_LIMITS;
  const protection = armor(production);
  const apollo = new ApolloServer<Context>({
    schema: await buildHubSchema(),
    formatError,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    validationRules: protection.validationRules,
    // no cache hints are set: the cache-control plugin would only add a hook to every field resolved
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...protection.plugins,
      accessRulesPlugin,
      readAuditPlugin,
      freshAfterMutationPlugin,
    ],
  });
  await apollo.start();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(opts.trustProxy ?? 'loopback'));
  app.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } } }));
  app.use(cors(opts.corsOrigins ?? []));
  app.use(sameOriginWrites(opts.corsOrigins ?? []));
  app.use(addressLimiter(limits));
  app.get('/health', healthHandler(opts.db));
  const oidc = opts.oidc === undefined ? loadOidcConfig() : opts.oidc;
  if (oidc) app.use(oidcRouter(opts.db, oidc));
  app.use(signInRouter(opts.db, oidc));
  app.use(authenticate(opts.db));
  app.use(userLimiter(limits));
  // the dashboard first: it answers GET /graphql from a browser with the offline IDE, and passes the rest on
  app.use(webRouter(opts.db, principalOf));
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(opts.db, principalOf(req)),
    }),
  );
  app.use(uploadRouter(opts.db, principalOf, { dir: opts.uploadDir }));
  app.use(lastErrorHandler);
  return { app, stop: () => apollo.stop() };
}

/**
 * What reaches express's error path (a body too large, the database gone while deciding who is
 * asking): one JSON error in GraphQL's shape, never a stack trace or the cause's SQL.
 */
const lastErrorHandler: express.ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : null;
  if (status) {
    res.status(status).json({
      errors: [{ message: String(err.message ?? 'bad request'), extensions: { code: 'BAD_REQUEST' } }],
    });
    return;
  }
  const failure = databaseFailure(err);
  if (failure) {
    logger.warn({ err, failure: failure.kind }, 'database failure before a request was handled');
    res
      .status(503)
      .json({ errors: [{ message: failure.message, extensions: { code: DATABASE_CODES[failure.kind] } }] });
    return;
  }
  logger.error({ err }, 'unexpected error in a request');
  res
    .status(500)
    .json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
};

/** No cross-origin reads unless an origin is configured: then only it, with credentials. */
function cors(origins: string[]): express.RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Vary', 'Origin');
      res.set('Access-Control-Allow-Credentials', 'true');
      res.set('Access-Control-Allow-Headers', 'authorization, content-type');
      res.set('Access-Control-Allow-Methods', 'GET, POST');
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:4000/graphql */
  url: string;
  app: express.Express;
  close(): Promise<void>;
}

/** Starts the app on `host:port` (port 0 picks a free port, for tests). */
export async function startServer(opts: AppOptions & { port: number; host: string }): Promise<RunningServer> {
  const { app, stop } = await createApp(opts);
  const server: Server = app.listen(opts.port, opts.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/graphql`,
    app,
    async close() {
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeAllConnections();
      await closed;
      await stop();
    },
  };
}
