import { once } from 'node:events';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { Database } from '../db/database';
import { buildHubSchema } from '../schema/build-schema';
import { webRouter } from '../web/web.routes';
import { Context, createContext, defaultPrincipalFor, PrincipalFor } from './context';
import { formatError } from './format-error';
import { freshAfterMutationPlugin } from './fresh-after-mutation.plugin';

/** A 20 MB import file posted as a JSON string, with room for escaping. */
const BODY_LIMIT = '64mb';

export interface AppOptions {
  db: Database;
  principalFor?: PrincipalFor;
}

/**
 * The hub's express app: the GraphQL API at /graphql (an offline GraphQL IDE on GET in a browser,
 * introspection on) and the dashboard at /, both deciding the caller with the same `principalFor`.
 */
export async function createApp(opts: AppOptions): Promise<{ app: express.Express; stop(): Promise<void> }> {
  const principalFor = opts.principalFor ?? defaultPrincipalFor;
  const apollo = new ApolloServer<Context>({
    schema: await buildHubSchema(),
    formatError,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Apollo's landing page loads its sandbox from the internet; the hub serves its own IDE (src/web).
    plugins: [ApolloServerPluginLandingPageDisabled(), freshAfterMutationPlugin],
  });
  await apollo.start();
  const app = express();
  app.disable('x-powered-by');
  // the dashboard first: it answers GET /graphql from a browser with the offline IDE, and passes the rest on
  app.use(webRouter(opts.db, principalFor));
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(opts.db, principalFor(req)),
    }),
  );
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
