import pino from 'pino';

/**
 * What of an error reaches the log: its kind, message and database error code. Never the SQL, its
 * parameters (personal data: names, dates of birth), the database's message and `detail` (which quote
 * values) or a stack trace.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; constraint?: unknown; driverError?: { code?: unknown } };
  const code = e.code ?? e.driverError?.code;
  // a database message can quote a value ("invalid input syntax for type date: ..."): the code says enough
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
  return {
    type: e.name,
    message: sqlState ? `database error ${code}` : e.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}),
  };
}

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: undefined,
  serializers: { err: safeError },
});
