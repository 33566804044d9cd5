import { DomainError } from '../errors';

/** What a caller can get wrong about who they are or what they may do. */
export type AuthErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';

export class AuthError extends DomainError {
  constructor(code: AuthErrorCode, message: string, field?: string) {
    super(code, message, field);
  }
}

export function forbidden(message: string): AuthError {
  return new AuthError('FORBIDDEN', message);
}
