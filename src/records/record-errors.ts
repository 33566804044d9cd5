import { QueryFailedError } from 'typeorm';
import { DomainError } from '../errors';

/** The closed set of error codes of record reads and writes. */
export type RecordErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'BAD_USER_INPUT';

export class RecordError extends DomainError {
  constructor(code: RecordErrorCode, message: string, field?: string) {
    super(code, message, field);
  }
}

export function notFound(what: string, key: string, field: string): RecordError {
  return new RecordError('NOT_FOUND', `${what} ${key} does not exist`, field);
}

export function badInput(message: string, field: string): RecordError {
  return new RecordError('BAD_USER_INPUT', message, field);
}

/**
 * Constraint names of the schema migration → the API field they protect, for the constraints a write
 * through the API can still hit after the services' own checks (a concurrent duplicate, say).
 */
const CONSTRAINT_FIELDS: Record<string, string> = {
  authority_la_code_key: 'laCode',
  authority_la_code_check: 'laCode',
  school_urn_key: 'urn',
  school_urn_check: 'urn',
  provider_provider_ref_key: 'providerRef',
  provider_dfe_urn_check: 'dfeUrn',
  provider_evidence_natural_key: 'item',
  provider_evidence_value_pence_check: 'valuePence',
  provider_visit_natural_key: 'visitDate',
  pupil_upn_key: 'upn',
  pupil_upn_check: 'upn',
  placement_placement_ref_key: 'placementRef',
  placement_end_date_check: 'endDate',
  placement_planned_end_date_check: 'plannedEndDate',
  placement_hours_per_week_check: 'hoursPerWeek',
  placement_school_hours_per_week_check: 'schoolHoursPerWeek',
  placement_sessions_check: 'sessions',
  placement_review_every_weeks_check: 'reviewEveryWeeks',
  placement_weekly_cost_pence_check: 'weeklyCostPence',
  target_natural_key: 'targetRef',
  review_natural_key: 'reviewDate',
  destination_natural_key: 'recordedOn',
};

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * The database constraints are the last line of defence: a violation that slipped past the service
 * checks becomes a RecordError naming the field, never the raw SQL message. Anything else is rethrown.
 */
export function translateDbError(err: unknown): never {
  if (err instanceof QueryFailedError) {
    const pg = (err as QueryFailedError & { driverError?: PgError }).driverError ?? {};
    const constraint = pg.constraint ?? '';
    const field = CONSTRAINT_FIELDS[constraint];
    switch (pg.code) {
      case '23505':
        throw new RecordError('CONFLICT', `a record with this ${field ?? 'key'} already exists`, field);
      case '23514':
        throw new RecordError('BAD_USER_INPUT', `the value of ${field ?? 'a field'} is not allowed`, field);
      case '23503':
        throw new RecordError('NOT_FOUND', `a referenced record does not exist`, field);
      case '22003':
        throw new RecordError('BAD_USER_INPUT', 'a number is out of range', field);
      case '22007':
      case '22008':
        throw new RecordError('BAD_USER_INPUT', 'a date or time is out of range', field);
    }
  }
  throw err;
}

/** Runs a write, turning constraint violations into RecordErrors. */
export async function guardWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    translateDbError(err);
  }
}
