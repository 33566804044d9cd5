import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { underWall, Walled } from '../auth/row-wall';
import { badInput } from './record-errors';

export interface PageRequest {
  first: number;
  after?: string | null;
}

export interface Page<T> {
  rows: { cursor: string; row: T }[];
  hasNextPage: boolean;
  endCursor: string | null;
  /** Counted when first asked for (a list that does not select `totalCount` costs one statement less). */
  totalCount: () => Promise<number>;
}

/** Cursors are opaque to clients: base64url of the record's surrogate id, prefixed so junk is caught. */
export function encodeCursor(id: number): string {
  return Buffer.from(`c:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^c:(\d{1,10})$/.exec(text);
  if (!m) throw badInput(`cursor ${cursor} is not one this API gave out`, 'after');
  return Number(m[1]);
}

/**
 * One page of `qb` in id order (keyset pagination: stable while records are added), plus the count of
 * all matching records when asked for. One statement whatever the page size, two with the count.
 * Pupil-level lists give `behind`: both statements then run behind the row-level wall.
 */
export async function pageOf<T extends ObjectLiteral & { id: number }>(
  qb: SelectQueryBuilder<T>,
  page: PageRequest,
  behind?: Walled,
): Promise<Page<T>> {
  const run = <R>(q: SelectQueryBuilder<T>, f: (q: SelectQueryBuilder<T>) => Promise<R>) =>
    behind ? underWall(behind, q, f) : f(q);
  const alias = qb.alias;
  const afterId = page.after ? decodeCursor(page.after) : null;
  const countQb = qb.clone();
  let counted: Promise<number> | undefined;
  const rowsQb = qb
    .clone()
    .orderBy(`${alias}.id`, 'ASC')
    .limit(page.first + 1);
  if (afterId !== null) rowsQb.andWhere(`${alias}.id > :afterId`, { afterId });
  const found = await run(rowsQb, (q) => q.getMany());
  const rows = found.slice(0, page.first).map((row) => ({ cursor: encodeCursor(row.id), row }));
  return {
    rows,
    hasNextPage: found.length > page.first,
    endCursor: rows.length ? rows[rows.length - 1].cursor : null,
    totalCount: () => {
      counted ??= run(countQb, (q) => q.getCount());
      return counted;
    },
  };
}
