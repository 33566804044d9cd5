import { KindDefinition } from './kind-definition';

/**
 * Absent is not empty: a column missing from a file leaves that field of every stored record as it is.
 * The staged rows that match a stored record take its values for the absent columns (one UPDATE), so
 * the kind's checks and merge run unchanged and a names-only file changes names and nothing else. A
 * row that matches no stored record would create one: it needs every required column, so a required
 * column absent from the file is an error on each such row. Row checks reading an absent column run
 * again in SQL on the filled rows (an end date in the file against the stored start date).
 */
export interface AbsentColumns {
  /** Statements that fill the absent columns of the staged rows from their stored records. */
  fill: string[];
  /** Checks (line, column, value, reason) to run with the kind's own. */
  checks: string[];
}

/** `mapping` is mapHeader's: each column's index in the file's header, -1 when absent. */
export function absentColumns(def: KindDefinition, mapping: number[]): AbsentColumns {
  const absent = new Set(def.columns.filter((_, i) => mapping[i] === -1).map((c) => c.name));
  if (absent.size === 0) return { fill: [], checks: [] };
  const { from, match, columns } = def.stored;
  const filled = [...absent].filter((name) => columns[name] !== undefined);
  const fill =
    filled.length === 0
      ? []
      : [
          `UPDATE ingest_stage s SET ${filled.map((n) => `"${n}" = ${columns[n]}`).join(', ')}
           FROM ${from} WHERE ${match}`,
        ];
  const checks: string[] = [];
  const required = def.columns.filter((c) => c.required && absent.has(c.name)).map((c) => c.name);
  if (required.length > 0) {
    const named = required.join(', ');
    const key = def.naturalKey.join(', ');
    const reason = `no stored ${def.kind} record has this ${key}, so this row would create one; a file that creates records must have the column${required.length > 1 ? 's' : ''} ${named}`;
    checks.push(`SELECT s.line, '${required[0]}' AS column,
        concat_ws(' ', ${def.naturalKey.map((k) => `s."${k}"::text`).join(', ')}) AS value,
        '${reason}' AS reason
      FROM ingest_stage s WHERE NOT EXISTS (SELECT 1 FROM ${from} WHERE ${match})`);
  }
  for (const check of def.rowChecks ?? [])
    if (check.sql && check.reads?.some((name) => absent.has(name))) checks.push(check.sql);
  return { fill, checks };
}
