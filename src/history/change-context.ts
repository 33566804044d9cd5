import type { EntityManager } from 'typeorm';

/** What a transaction's changes are recorded as (the version triggers of migration RecordVersions). */
export interface ChangeContext {
  /** Who sent the change: the principal's name (the OS user for the CLI). */
  actor: string;
  /** The import run that makes the change; none for a mutation. */
  runId?: number | null;
  /** When the hub received the change (an import's time); default: the transaction's start. */
  receivedAt?: Date | null;
  /** Back-loading: the versions are known from this time instead of when they were received. */
  knownAt?: Date | null;
}

/** Anything that runs one SQL statement with positional parameters inside the open transaction. */
export interface TransactionSql {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Sets who, which import and from when for every version the open transaction writes. The settings are
 * transaction-local, so they end with the transaction and never reach the next user of the connection.
 * A time not given is left as the session has it (unset: the transaction's time); the test databases
 * use that to load their fixtures as history (test/support/database.ts).
 */
export async function setChangeContext(
  tx: TransactionSql | EntityManager,
  context: ChangeContext,
): Promise<void> {
  await tx.query(
    `SELECT set_config('alp.actor', $1, true), set_config('alp.import_run', $2, true),
            set_config('alp.received_at', coalesce($3, current_setting('alp.received_at', true), ''), true),
            set_config('alp.known_at', coalesce($4, current_setting('alp.known_at', true), ''), true)`,
    [
      context.actor,
      context.runId == null ? '' : String(context.runId),
      context.receivedAt?.toISOString() ?? null,
      context.knownAt?.toISOString() ?? null,
    ],
  );
}
