/**
 * What went wrong with the database, in words an operator can act on. pg reports a failure as a
 * server error (a SQLSTATE in `code`), a socket error (an errno such as ECONNRESET in `code`), or a
 * bare Error from the driver ("Connection terminated unexpectedly"); TypeORM wraps the first kind in a
 * QueryFailedError that keeps `code` and the original as `driverError`.
 */
export type DatabaseFailureKind =
  /** The server cannot be reached, or refuses new connections while starting or stopping. */
  | 'UNREACHABLE'
  /** The connection ended under a statement: a restart, a crash, a terminated backend, a network cut. */
  | 'CONNECTION_LOST'
  /** The server's disk (or this machine's) is full. */
  | 'DISK_FULL'
  /** A statement ran past its time limit and was cancelled. */
  | 'TIMEOUT'
  /** Every connection is in use and none came free in time. */
  | 'BUSY';

export interface DatabaseFailure {
  kind: DatabaseFailureKind;
  /** One sentence, no trailing full stop: "the connection to the database was lost (write EPIPE)". */
  message: string;
}

const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P05', '08000', '08003', '08006', '08007', '08P01']);
const UNREACHABLE_SQLSTATES = new Set(['57P03', '08001', '08004', '3D000', '28000', '28P01', '53300']);
const LOST_ERRNOS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH']);
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);
const LOST_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^Client was closed and is not queryable/,
  /^the database connection closed/,
  /^Query read timeout/,
];

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Walks `cause` and AggregateError's `errors` (Node reports a refused dual-stack connect that way). */
function* chain(err: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const queue = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === undefined || e === null || seen.has(e)) continue;
    seen.add(e);
    yield e;
    const o = e as { cause?: unknown; errors?: unknown[]; driverError?: unknown };
    queue.push(o.driverError, o.cause, ...(Array.isArray(o.errors) ? o.errors : []));
  }
}

/** The database failure that `err` is, or null when it is something else (a bug, bad input). */
export function databaseFailure(err: unknown): DatabaseFailure | null {
  for (const e of chain(err)) {
    const code = codeOf(e);
    const text = messageOf(e);
    const detail = text && code && !text.includes(code) ? `${text}, ${code}` : text || code || '';
    if (code === '53100' || code === 'ENOSPC')
      return { kind: 'DISK_FULL', message: `the database's disk is full (${detail})` };
    if (code === '57014' && /statement timeout/.test(text))
      return {
        kind: 'TIMEOUT',
        message: `the database took too long and the statement was cancelled (${text})`,
      };
    if (code && LOST_SQLSTATES.has(code))
      return { kind: 'CONNECTION_LOST', message: `the database connection was lost (${detail})` };
    if (code && UNREACHABLE_SQLSTATES.has(code))
      return { kind: 'UNREACHABLE', message: `the database is not accepting connections (${detail})` };
    if (code && UNREACHABLE_ERRNOS.has(code))
      return { kind: 'UNREACHABLE', message: `the database cannot be reached (${detail})` };
    if ((code && LOST_ERRNOS.has(code)) || LOST_MESSAGES.some((m) => m.test(text)))
      return { kind: 'CONNECTION_LOST', message: `the database connection was lost (${detail})` };
    if (/timeout exceeded when trying to connect/i.test(text))
      return { kind: 'BUSY', message: 'every database connection is in use; try again shortly' };
  }
  return null;
}

/** One line for a terminal: the database failure in words, else the error's own message. */
export function describeFailure(err: unknown): string {
  const failure = databaseFailure(err);
  if (failure) return failure.message;
  const text = messageOf(err);
  const code = codeOf(err);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
