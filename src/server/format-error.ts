import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { ValidationError } from 'class-validator';
import { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DatabaseFailureKind, databaseFailure } from '../db/db-failure';
import { DomainError } from '../errors';
import { logger } from '../logger';

/** Codes that Apollo gives for requests the client got wrong; these pass through as Apollo made them. */
const CLIENT_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  // refusals decided before execution: the access rules and the query limits (src/auth, src/server/security.ts)
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'QUERY_TOO_EXPENSIVE',
]);

/** `extensions.code` of each database failure; a client retries the first three later. */
export const DATABASE_CODES: Record<DatabaseFailureKind, string> = {
  UNREACHABLE: 'DATABASE_UNAVAILABLE',
  CONNECTION_LOST: 'DATABASE_UNAVAILABLE',
  BUSY: 'SERVER_BUSY',
  TIMEOUT: 'DATABASE_TIMEOUT',
  DISK_FULL: 'DATABASE_DISK_FULL',
};

export interface FieldProblem {
  field: string;
  messages: string[];
}

/** Flattens class-validator's tree into dotted field paths (`sessions.0`, `input.hoursPerWeek`). */
export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });
}

/**
 * graphql-js reports a variable that fails its type (a bad UPN, a non-date) as
 * `Variable "$input" got invalid value ... at "input.upn"; ...`. The field is the path inside the
 * variable (`upn`, the input field's own name, as in every other error), or the variable's name when
 * the variable is the whole value.
 */
function variableField(message: string): string | undefined {
  const m = /^Variable "\$([^"]+)" got invalid value .*? at "([^"]+)"/s.exec(message);
  if (m) return m[2].slice(m[1].length).replace(/^\./, '') || m[1];
  return /^Variable "\$([^"]+)"/.exec(message)?.[1];
}

/**
 * The one boundary between errors and clients: DomainErrors carry their code and field; validation
 * failures become BAD_USER_INPUT with the fields at fault; Apollo's own client errors pass through;
 * anything else is logged and masked, so no stack trace or SQL reaches a client.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const { locations, path } = formatted;

  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations,
      path,
      extensions: {
        code: original.code,
        ...(original.field ? { field: original.field } : {}),
        ...(original.details ? { details: original.details } : {}),
      },
    };
  }

  if (original instanceof ArgumentValidationError) {
    const problems = fieldProblems(original.extensions.validationErrors as ValidationError[]);
    const text = problems.map((p) => p.messages.join(', ')).join('; ');
    return {
      message: `Invalid input: ${text}`,
      locations,
      path,
      extensions: { code: 'BAD_USER_INPUT', field: problems[0]?.field, fields: problems },
    };
  }

  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const field =
      code === ApolloServerErrorCode.BAD_USER_INPUT ? variableField(formatted.message) : undefined;
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, ...(field ? { field } : {}) } };
  }

  // The database failing is not the client's fault, but it is not a bug either: say what happened, so
  // that an import never looks like a success and a client knows to retry.
  const failure = databaseFailure(original);
  if (failure) {
    logger.warn({ err: original, path, failure: failure.kind }, 'database failure in a GraphQL request');
    return {
      message: failure.message,
      locations,
      path,
      extensions: { code: DATABASE_CODES[failure.kind] },
    };
  }

  logger.error({ err: original, path }, 'unexpected error in a GraphQL request');
  return {
    message: 'Internal server error',
    locations,
    path,
    extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR },
  };
}
