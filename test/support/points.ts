import type { Database } from '../../src/db/database';

/** The days of a scope's stored series points that a series would read (not forgotten), in order. */
export async function storedDates(db: Database, scope = '*'): Promise<string[]> {
  const rows: { as_of: string }[] = await db.dataSource.query(
    `SELECT as_of::text FROM indicator_point
     WHERE scope = $1 AND computed_at > alp_points_forgotten_at() ORDER BY as_of`,
    [scope],
  );
  return rows.map((r) => r.as_of);
}
