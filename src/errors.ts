/**
 * Errors that users cause carry a closed code from their domain and, where one field is at fault, its
 * name. The GraphQL boundary (src/server/format-error.ts) turns them into `extensions.code` and
 * `extensions.field`; anything else is logged and masked.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, key: string) {
    super('NOT_FOUND', `${what} ${key} does not exist`);
  }
}
