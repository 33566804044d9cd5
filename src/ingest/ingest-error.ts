import { DomainError } from '../errors';

/** Every way a whole file (or request) can be refused; bad rows are returned, never thrown. */
export type IngestErrorCode =
  | 'INGEST_UNKNOWN_KIND'
  | 'INGEST_UNREADABLE'
  | 'INGEST_EMPTY_FILE'
  | 'INGEST_ENCODING'
  | 'INGEST_MALFORMED_CSV'
  | 'INGEST_ROW_TOO_LARGE'
  | 'INGEST_UNKNOWN_COLUMN'
  | 'INGEST_MISSING_COLUMN'
  | 'INGEST_DUPLICATE_COLUMN'
  | 'INGEST_FORBIDDEN'
  | 'INGEST_BAD_REQUEST'
  | 'INGEST_HISTORY_ORDER'
  | 'INGEST_CONFLICT';

export class IngestError extends DomainError {
  constructor(
    override readonly code: IngestErrorCode,
    message: string,
    field?: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, field, details);
  }
}
