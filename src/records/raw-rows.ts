import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity's columns for a hand-written select, `alias."column" AS "<prefix><property>"`, and the way
 * back from a row of it to the entity's properties. The pg type parsers (src/db/pg-types.ts) already
 * give each column the value the entity holds and no entity has a transformer, so a row maps without
 * TypeORM's hydration. Built once per entity, alias, prefix and set of properties from the entity's
 * metadata.
 *
 * `only` names the properties to read (the primary key `id` always comes): the entity read then holds
 * those and no others, so it must not reach anything that reads the rest (a DataLoader's cache).
 * Absent or null: every column.
 */
export interface RawColumns<E> {
  select: string;
  read(row: Record<string, unknown>): E;
}

/** Built column sets; a query chooses its fields, so the number of sets is bounded by clearing. */
const made = new Map<string, RawColumns<unknown>>();
const MAX_MADE = 500;

export function rawColumns<E extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<E>,
  alias: string,
  prefix = '',
  only: readonly string[] | null = null,
): RawColumns<E> {
  const metadata = ds.getMetadata(entity);
  const key = `${metadata.name}\u0000${alias}\u0000${prefix}\u0000${only ? [...only].sort().join(',') : '*'}`;
  let columns = made.get(key) as RawColumns<E> | undefined;
  if (!columns) {
    if (metadata.columns.some((c) => c.transformer))
      throw new Error(`${metadata.name} has a column transformer: read it through TypeORM`);
    const wanted = only && new Set(['id', ...only]);
    const unknown = only?.filter((p) => !metadata.columns.some((c) => c.propertyName === p)) ?? [];
    if (unknown.length) throw new Error(`${metadata.name} has no column for ${unknown.join(', ')}`);
    const names = metadata.columns
      .filter((c) => !wanted || wanted.has(c.propertyName))
      .map((c) => [c.databaseName, c.propertyName, `${prefix}${c.propertyName}`]);
    columns = {
      select: names.map(([column, , as]) => `${alias}."${column}" AS "${as}"`).join(', '),
      read(row) {
        const e: Record<string, unknown> = {};
        for (const [, property, as] of names) e[property] = row[as];
        return e as E;
      },
    };
    if (made.size >= MAX_MADE) made.clear();
    made.set(key, columns as RawColumns<unknown>);
  }
  return columns;
}

/**
 * WHERE conditions written with TypeORM's `:name` parameters (so that the same filter helpers serve
 * query builders), turned into one SQL condition with positional `$n` parameters.
 */
export class Conditions {
  private readonly parts: string[] = [];
  private readonly params: Record<string, unknown> = {};

  andWhere(sql: string, params: ObjectLiteral = {}): this {
    this.parts.push(`(${sql})`);
    Object.assign(this.params, params);
    return this;
  }

  /** The conditions joined by AND, their parameters numbered from `$<offset + 1>`. */
  positional(offset = 0): { sql: string; values: unknown[] } {
    const names: string[] = [];
    const sql = (this.parts.length ? this.parts.join(' AND ') : 'TRUE').replace(
      /(?<!:):([A-Za-z_]\w*)/g,
      (_m, name: string) => {
        if (!(name in this.params)) throw new Error(`no value for :${name}`);
        let i = names.indexOf(name);
        if (i < 0) i = names.push(name) - 1;
        return `$${offset + i + 1}`;
      },
    );
    return { sql, values: names.map((n) => this.params[n]) };
  }
}
