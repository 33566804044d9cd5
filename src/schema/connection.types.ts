import { Max, Min } from 'class-validator';
import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { NonNegativeInt } from './scalars';

/** Bounds of `first` on every list query. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

@ObjectType({ simpleResolvers: true, description: 'Where a page ends and whether another follows.' })
export class PageInfo {
  @Field({ description: 'True when more records follow this page.' })
  hasNextPage: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last record of this page; pass it as `after` to get the next page.',
  })
  endCursor: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many records to return (1 to ${MAX_PAGE_SIZE}).`,
  })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, {
    nullable: true,
    description: 'Return records after this cursor (a `pageInfo.endCursor` or an edge `cursor`).',
  })
  after?: string | null;
}

export interface EdgeShape<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: EdgeShape<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  /** A promise from a getter when counting costs a statement: only a query that selects it counts. */
  totalCount: number | Promise<number>;
}

/**
 * A Relay-style connection type for `node`: `edges { cursor node }`, `nodes`, `pageInfo` and
 * `totalCount` (records matching the filters, across all pages).
 */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `A ${name} and its cursor.` })
  class Edge implements EdgeShape<T> {
    @Field({ description: 'Opaque position of this record in the list.' })
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionClass implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => [node], { description: 'The records of this page (the edges without cursors).' })
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => NonNegativeInt, { description: 'How many records match the filters, across all pages.' })
    totalCount: number | Promise<number>;
  }
  return ConnectionClass;
}

/** Maps a page of entities to a connection of API objects. */
export function connectionOf<R, T>(
  page: {
    rows: { cursor: string; row: R }[];
    hasNextPage: boolean;
    endCursor: string | null;
    totalCount: () => Promise<number>;
  },
  map: (row: R) => T,
): ConnectionShape<T> {
  const edges = page.rows.map(({ cursor, row }) => ({ cursor, node: map(row) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    get totalCount() {
      return page.totalCount();
    },
  };
}
