import request from 'supertest';
import { Logger } from 'typeorm';
import { operator, Role } from '../../src/auth/principal';
import { createToken } from '../../src/auth/tokens.service';
import { addUser, NewUser } from '../../src/auth/users.service';
import { Database } from '../../src/db/database';
import { RunningServer, startServer } from '../../src/server/app';
import { RateLimits } from '../../src/server/security';
import { createTestDatabase } from './database';

/** A parsed JSON response body; tests check its shape with their assertions. */
// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by each test's assertions
export type Json = any;

export interface GraphQLResponse<T = Json> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A response that failed with `code` (and `message`), with no data for its field. */
export function expectGraphQLError(res: GraphQLResponse, code: string, message?: RegExp): void {
  expect(res.data?.[Object.keys(res.data ?? {})[0]] ?? null).toBeNull();
  expect(res.errors?.[0]?.extensions?.code).toBe(code);
  if (message) expect(res.errors?.[0]?.message).toMatch(message);
}

export interface TestApi {
  db: Database;
  server: RunningServer;
  /** The server's root URL (no /graphql). */
  base: string;
  /** A bearer token of the administrator `test-admin`, made through the CLI's own service. */
  adminToken: string;
  /** POSTs one GraphQL operation over HTTP as the administrator and returns the status and body. */
  gql<T = Json>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** The same as the holder of `token` (null: anonymous). */
  gqlAs<T = Json>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** Adds a user with this role and scope and returns a bearer token for it. */
  tokenFor(role: Role, scope?: Omit<NewUser, 'username' | 'role'> & { username?: string }): Promise<string>;
  close(): Promise<void>;
}

let users = 0;

/** A fresh migrated database and the hub's server on a free loopback port. */
export async function startTestApi(
  opts: { logger?: Logger; rateLimits?: RateLimits; uploadDir?: string } = {},
): Promise<TestApi> {
  const db = await createTestDatabase({ logger: opts.logger });
  const server = await startServer({
    db,
    port: 0,
    host: '127.0.0.1',
    rateLimits: opts.rateLimits ?? { perUser: 100_000, perAddress: 100_000 },
    uploadDir: opts.uploadDir,
  });
  const tokenFor: TestApi['tokenFor'] = async (role, scope = {}) => {
    const username = scope.username ?? `${role.replace('_', '-')}-${++users}`;
    await addUser(db.dataSource, operator('test'), { ...scope, username, role });
    return (await createToken(db.dataSource, operator('test'), username, 3_600_000)).token;
  };
  const adminToken = await tokenFor('admin', { username: 'test-admin' });
  const gqlAs: TestApi['gqlAs'] = async (token, query, variables) => {
    const req = request(server.url).post('').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body.data, errors: res.body.errors };
  };
  return {
    db,
    server,
    base: server.url.replace(/\/graphql$/, ''),
    adminToken,
    gql: (query, variables) => gqlAs(adminToken, query, variables),
    gqlAs,
    tokenFor,
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

  /** The statements that open, set and end the row-level wall of a read (src/auth/row-wall.ts). */
  get wallStatements(): number {
    return this.statements.filter((s) =>
      /^(START TRANSACTION|ROLLBACK|SELECT set_config\('role')/.test(s.trim()),
    ).length;
  }

  /**
   * Reads made in one round trip behind the wall (`readBehindWall`): `BEGIN`, the wall's settings, the
   * read and `ROLLBACK` in one message, counted as one statement. A read by a statement already
   * prepared on its connection is logged with the statement's text after it.
   */
  get oneTripReads(): string[] {
    return this.statements.filter((s) =>
      /^BEGIN; SELECT set_config\('role'.*; ROLLBACK( -- alp_wall_\d+: .*)?$/s.test(s.trim()),
    );
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
