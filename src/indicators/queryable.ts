/** A DataSource or a transaction's EntityManager: anything that runs SQL with positional parameters. */
export interface Queryable {
  // biome-ignore lint/suspicious/noExplicitAny: rows are typed by each caller
  query(sql: string, parameters?: unknown[]): Promise<any>;
}
