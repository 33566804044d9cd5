import { once } from 'node:events';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { Database } from '../db/database';
import { dashboardRouter } from '../reports/dashboard.routes';
import { buildHubSchema } from '../schema/build-schema';
import { Context, createContext, defaultPrincipalFor, PrincipalFor } from './context';
import { formatError } from './format-error';
import { freshAfterMutationPlugin } from './fresh-after-mutation.plugin';
import { healthHandler } from './health';

/** A 20 MB import file posted as a JSON string, with room for escaping. */
const BODY_LIMIT = '64mb';

export interface AppOptions {
  db: Database;
  principalFor?: PrincipalFor;
}

/**
 * The hub's express app: the GraphQL API at /graphql (the Apollo landing page on GET in a browser,
 * introspection on) and the dashboard at /, both deciding the caller with the same `principalFor`.
 */
export async function createApp(opts: AppOptions): Promise<{ app: express.Express; stop(): Promise<void> }> {
  const principalFor = opts.principalFor ?? defaultPrincipalFor;
  const apollo = new ApolloServer<Context>({
    schema: await buildHubSchema(),
    formatError,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // no cache hints are set: the cache-control plugin would only add a hook to every field resolved
    plugins: [
      ApolloServerPluginLandingPageLocalDefault({ footer: false }),
      ApolloServerPluginCacheControlDisabled(),
      freshAfterMutationPlugin,
    ],
  });
  await apollo.start();
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', healthHandler(opts.db));
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(opts.db, principalFor(req)),
    }),
  );
  app.use(dashboardRouter(opts.db, principalFor));
  return { app, stop: () => apollo.stop() };
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
