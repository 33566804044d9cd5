import { escapeLiteral, Pool, PoolClient } from 'pg';
import {
  DataSource,
  EntityManager,
  ObjectLiteral,
  QueryFailedError,
  QueryRunner,
  SelectQueryBuilder,
} from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { asOfSettings } from '../history/as-of';
import type { Queryable } from '../indicators/queryable';
import type { RowWall } from './policy';

/** The role pupil-level reads run as: it owns nothing, may only SELECT, and is bound by the policies. */
export const READER_ROLE = 'alp_reader';

/**
 * What the policies read (migration RowSecurity): `alp.scope` and the one value that scope needs.
 * Every setting is set, empty when unused, so that nothing is left over from an earlier transaction
 * of the same connection.
 */
function settings(wall: RowWall): [string, string, string, string] {
  switch (wall.scope) {
    case 'all':
      return ['all', '', '', ''];
    case 'authorities':
      return ['authorities', wall.laCodes.join(','), '', ''];
    case 'school':
      return ['school', '', wall.urn, ''];
    case 'provider':
      return ['provider', '', '', wall.ref];
    default:
      return ['none', '', '', ''];
  }
}

/** A value as pg sends a parameter: text, arrays as array literals; other objects are refused. */
function parameterText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v))
    return `{${v
      .map((e) => {
        const t = parameterText(e);
        return t === null ? 'NULL' : `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      })
      .join(',')}}`;
  throw new Error(`cannot inline a ${typeof v} value as a literal`);
}

/**
 * `sql` with each `$n` replaced by its value as an escaped literal (pg's escapeLiteral). A quoted
 * literal is of unknown type, as an extended-protocol parameter sent by pg is, so PostgreSQL gives it
 * the same type from where it stands. `sql` itself must hold no `$n` inside a string.
 */
export function inlineParameters(sql: string, values: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const i = Number(n) - 1;
    if (i >= values.length) throw new Error(`statement has $${n} but ${values.length} values`);
    const text = parameterText(values[i]);
    return text === null ? 'NULL' : escapeLiteral(text);
  });
}

/** The settings statement of the wall, with literals: it goes in the same message as BEGIN. */
function settingsSql(wall: RowWall): string {
  const [scope, authorities, school, provider] = settings(wall).map((v) => escapeLiteral(v));
  return `SELECT set_config('role', '${READER_ROLE}', true), set_config('alp.scope', ${scope}, true),
    set_config('alp.authorities', ${authorities}, true), set_config('alp.school', ${school}, true),
    set_config('alp.provider', ${provider}, true), set_config('jit', 'off', true)`;
}

/**
 * The statements `readBehindWall` prepared on each pooled connection: text, name, least recently used
 * first. A prepared statement keeps its plan, so a read that comes again is neither parsed nor planned
 * again (planning the policies' subqueries is a good part of a short read's cost). The policies read
 * the wall from the transaction's settings when they run, so one plan serves every caller.
 */
const preparedOn = new WeakMap<PoolClient, Map<string, string>>();
/** Prepared statements kept per connection; the least recently used one is deallocated beyond. */
export const MAX_PREPARED = 64;
/** Statement names are unique in the process, so a name left by a failed message never collides. */
const PREPARED_PREFIX = 'alp_wall_';
let lastName = 0;

/**
 * Runs one read statement behind the wall in one round trip: `BEGIN`, the wall's settings, the read
 * and `ROLLBACK` go as one simple-protocol message, the values inlined as escaped literals. The read is
 * a statement prepared on the connection (`PREPARE` in the first message that runs it there, then
 * `EXECUTE` with the values as arguments); prepared statements outlive transactions, so the rollback
 * keeps it. When the read fails, PostgreSQL skips the rest of the message and leaves the transaction
 * aborted: it is rolled back before the connection goes back to the pool, the connection's prepared
 * statements are checked against what is known of them, and a connection on which that fails is
 * destroyed rather than reused, so that no role or setting outlives the read. Inside a caller's
 * transaction it goes through `behindWall` (a savepoint) instead. Returns the read's rows.
 */
export async function readBehindWall<R>(
  db: Queryable,
  wall: RowWall,
  sql: string,
  values: readonly unknown[],
): Promise<R[]> {
  const own = db instanceof DataSource || !db.queryRunner || db.queryRunner.isReleased;
  if (!own) return behindWall(db, wall, (m) => m.query(sql, values as unknown[]));
  const ds = db instanceof DataSource ? db : db.dataSource;
  const client = await ((ds.driver as PostgresDriver).master as Pool).connect();
  let prepared = preparedOn.get(client);
  if (!prepared) {
    prepared = new Map();
    preparedOn.set(client, prepared);
  }
  let name = prepared.get(sql);
  let prepare = '';
  if (name) prepared.delete(sql);
  else {
    name = `${PREPARED_PREFIX}${++lastName}`;
    prepare = `PREPARE ${name} AS ${sql}; `;
    if (prepared.size >= MAX_PREPARED) {
      const [oldest, oldName] = prepared.entries().next().value as [string, string];
      prepared.delete(oldest);
      prepare = `DEALLOCATE ${oldName}; ${prepare}`;
    }
  }
  const args = values.length ? `(${values.map((_v, i) => `$${i + 1}`).join(', ')})` : '';
  const read = inlineParameters(`EXECUTE ${name}${args}`, values);
  const message = `BEGIN; ${settingsSql(wall)}; ${prepare}${read}; ROLLBACK`;
  let broken: Error | undefined;
  try {
    ds.logger.logQuery(prepare ? message : `${message} -- ${name}: ${sql}`);
    const results = (await client.query(message)) as unknown as { rows: R[] }[];
    prepared.set(sql, name);
    return results[results.length - 2].rows;
  } catch (err) {
    ds.logger.logQueryError(err as Error, message);
    // the read's own error is the one to report; a connection that cannot roll back is not reused
    await client
      .query('ROLLBACK')
      .then(() => reconcilePrepared(client, prepared))
      .catch((e: Error) => {
        broken = e;
      });
    throw new QueryFailedError(message, [], err as Error);
  } finally {
    client.release(broken);
  }
}

/**
 * After a failed message, which of its PREPARE and DEALLOCATE ran is not known: forgets the
 * statements the connection no longer holds and deallocates those it holds that nothing names.
 */
async function reconcilePrepared(client: PoolClient, prepared: Map<string, string>): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT name FROM pg_prepared_statements WHERE starts_with(name, $1)',
    [PREPARED_PREFIX],
  );
  const held = new Set(rows.map((r) => r.name));
  for (const [sql, name] of prepared) if (!held.has(name)) prepared.delete(sql);
  const named = new Set(prepared.values());
  const stray = [...held].filter((n) => !named.has(n));
  if (stray.length) await client.query(stray.map((n) => `DEALLOCATE ${n}`).join('; '));
}

/**
 * Runs `read` in a transaction behind the row-level wall: as `alp_reader`, with the wall's settings,
 * all local to the transaction. One statement sets them all (with JIT off, which every analytic
 * statement wants, and with `asOf` the settings of an as-of read: src/history/as-of.ts), so the wall
 * costs one round trip besides BEGIN and the end. Inside a caller's transaction it nests as a savepoint.
 *
 * `read` must use only the manager it is given: on the embedded database (one connection) anything
 * else waits for this transaction forever. It may only read: the role has no other privilege. The
 * transaction is rolled back, not committed, so that the role and settings end with it even when
 * nested (a released savepoint would keep them for the rest of the caller's transaction).
 */
export async function behindWall<T>(
  db: Queryable,
  wall: RowWall,
  read: (manager: EntityManager) => Promise<T>,
  opts: { asOf?: string } = {},
): Promise<T> {
  const own = db instanceof DataSource || !db.queryRunner || db.queryRunner.isReleased;
  const runner: QueryRunner = own
    ? (db instanceof DataSource ? db : db.dataSource).createQueryRunner()
    : (db.queryRunner as QueryRunner);
  try {
    await runner.startTransaction();
    let result: T;
    try {
      await runner.query(
        `SELECT set_config('role', '${READER_ROLE}', true), set_config('alp.scope', $1, true),
                set_config('alp.authorities', $2, true), set_config('alp.school', $3, true),
                set_config('alp.provider', $4, true), ${opts.asOf === undefined ? "set_config('jit', 'off', true)" : asOfSettings(5)}`,
        opts.asOf === undefined ? settings(wall) : [...settings(wall), opts.asOf],
      );
      result = await read(runner.manager);
    } catch (err) {
      // the read's own error is the one to report, not a failed rollback on a connection already gone
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
    await runner.rollbackTransaction();
    return result;
  } finally {
    if (own) await runner.release();
  }
}

/** Where a query builder's statement runs behind the wall: the database and the wall. */
export interface Walled {
  db: Queryable;
  wall: RowWall;
}

/**
 * Runs a statement of `qb` (built on the data source, as the services build them) behind the wall:
 * a copy of it on the wall's transaction.
 */
export function underWall<E extends ObjectLiteral, R>(
  behind: Walled,
  qb: SelectQueryBuilder<E>,
  run: (qb: SelectQueryBuilder<E>) => Promise<R>,
): Promise<R> {
  return behindWall(behind.db, behind.wall, (m) =>
    run(qb.clone().setQueryRunner(m.queryRunner as QueryRunner)),
  );
}
