import { DomainError } from '../errors';

/** What a caller can get wrong when asking for flags, indicators or settings. */
export type IndicatorErrorCode =
  | 'INVALID_DATE'
  | 'INVALID_RANGE'
  | 'UNKNOWN_FLAG_CODE'
  | 'UNKNOWN_AUTHORITY'
  | 'FORBIDDEN'
  | 'INVALID_SETTING';

export class IndicatorError extends DomainError {
  constructor(
    override readonly code: IndicatorErrorCode,
    message: string,
    field?: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, field, details);
  }
}
