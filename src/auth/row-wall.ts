import { DataSource, EntityManager, ObjectLiteral, QueryRunner, SelectQueryBuilder } from 'typeorm';
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
