import { EntityManager } from 'typeorm';
import type { Queryable } from '../indicators/queryable';

/**
 * The settings of an as-of read, as a select list whose date is parameter `$n`, for a statement that
 * makes other settings too (the row-level wall's, src/auth/row-wall.ts).
 */
export function asOfSettings(n: number): string {
  return `set_config('jit', 'off', true),
          set_config('alp.as_of_end', alp_day_end($${n}::date)::text, true),
          set_config('search_path',
            CASE WHEN alp_changed_since(alp_day_end($${n}::date)) THEN 'alp_asof, ' ELSE '' END
              || regexp_replace(current_setting('search_path'), '^alp_asof, ', ''), true)`;
}

/**
 * Runs `work` in a transaction that reads every versioned table as the hub knew it at the end of the
 * Europe/London day `asOf` (spec/import-formats.md, "History"): the schema alp_asof, whose views have
 * the tables' names and columns over their versions (migration RecordVersions), goes first on the
 * search_path, so the same SQL serves today and any past date. When no record changed at or after the
 * end of the date (always so for today: nothing is known from a time after now, back-loads are never in
 * the future), the tables themselves are those versions and are read instead, with their own statistics
 * and indexes. Attendance keeps its own versions and its readers pick them with `knownOn`. JIT is off
 * for analytic statements (queryable.ts).
 */
export async function withAsOf<T>(
  db: Queryable,
  asOf: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return db.transaction(async (manager) => {
    await manager.query(`SELECT ${asOfSettings(1)}`, [asOf]);
    const result = await work(manager);
    // Settings made in a savepoint outlive it: an enclosing transaction must read its own date again.
    if (db instanceof EntityManager && db.queryRunner?.isTransactionActive)
      await manager.query(
        `SELECT set_config('search_path', regexp_replace(current_setting('search_path'), '^alp_asof, ', ''), true)`,
      );
    return result;
  });
}
