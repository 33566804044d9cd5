import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedServer {
  /** A postgres:// URL for the ordinary `pg` driver. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres in WebAssembly) and serves it on a loopback port so that TypeORM's ordinary
 * postgres driver can talk to it. `dataDir` undefined keeps the database in memory (tests).
 * Each process's pool has size one: a query outside an open transaction's connection waits for it.
 */
export async function startEmbedded(
  dataDir?: string,
  opts: { port?: number; maxConnections?: number } = {},
): Promise<EmbeddedServer> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // More than one connection (a server's, and commands run beside it) take turns per query, and a
  // connection's open transaction runs to its end before another's queries (pglite-socket's queue).
  const server = new PGLiteSocketServer({
    db,
    port: opts.port ?? 0,
    host: '127.0.0.1',
    maxConnections: opts.maxConnections ?? 1,
  });
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
