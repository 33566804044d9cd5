import { DomainError } from '../errors';

/** Every way the demo can be refused or fail. */
export type DemoErrorCode = 'DEMO_OPTION_INVALID' | 'DEMO_OUTPUT_UNWRITABLE' | 'DEMO_REJECTED';

export class DemoError extends DomainError {
  constructor(
    override readonly code: DemoErrorCode,
    message: string,
    field?: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, field, details);
  }
}
