import request from 'supertest';
import { Logger } from 'typeorm';
import { Database } from '../../src/db/database';
import { RunningServer, startServer } from '../../src/server/app';
import { PrincipalFor } from '../../src/server/context';
import { createTestDatabase } from './database';

/** A parsed JSON response body; tests check its shape with their assertions. */
// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by each test's assertions
export type Json = any;

export interface GraphQLResponse<T = Json> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestApi {
  db: Database;
  server: RunningServer;
  /** POSTs one GraphQL operation over HTTP and returns the status and parsed body. */
  gql<T = Json>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** A fresh migrated database and the hub's server on a free loopback port. */
export async function startTestApi(
  opts: { logger?: Logger; principalFor?: PrincipalFor } = {},
): Promise<TestApi> {
  const db = await createTestDatabase({ logger: opts.logger });
  const server = await startServer({ db, port: 0, host: '127.0.0.1', principalFor: opts.principalFor });
  return {
    db,
    server,
    async gql(query, variables) {
      const res = await request(server.url)
        .post('')
        .set('content-type', 'application/json')
        .send({ query, variables });
      return { status: res.status, data: res.body.data, errors: res.body.errors };
    },
    async close() {
      await server.close();
      await db.close();
    },
  };
}

/** Counts the SQL statements the application sends (migrations included until `reset`). */
export class StatementCounter implements Logger {
  count = 0;
  statements: string[] = [];

  reset(): void {
    this.count = 0;
    this.statements = [];
  }

  logQuery(query: string): void {
    this.count += 1;
    this.statements.push(query);
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
