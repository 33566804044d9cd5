import { seesAllAuthorities } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { isIsoDate } from '../domain/dates';
import { IndicatorError } from './indicator-error';
import type { Queryable } from './queryable';

/**
 * The authorities (LA codes) a question covers: the one asked about, checked against what the caller
 * acts for, or every authority the caller may see (null = all, for an administrator). An unknown LA
 * code is an error rather than an empty answer.
 */
export async function authoritiesInScope(
  db: Queryable,
  principal: Principal,
  requested?: string | null,
): Promise<string[] | null> {
  const all = seesAllAuthorities(principal);
  if (requested) {
    if (!all && !principal.authorities.includes(requested)) {
      throw new IndicatorError('FORBIDDEN', `you may not see authority ${requested}`, 'authority');
    }
    const rows: unknown[] = await db.query('SELECT 1 FROM authority WHERE la_code = $1', [requested]);
    if (rows.length === 0) {
      throw new IndicatorError('UNKNOWN_AUTHORITY', `authority ${requested} does not exist`, 'authority');
    }
    return [requested];
  }
  if (all) return null;
  // A provider's placements span authorities: its flags are computed for all and then narrowed to its
  // own (src/auth/flag-scope.ts). Anyone else with no authority sees none.
  if (principal.role === 'provider') return null;
  if (principal.authorities.length === 0)
    throw new IndicatorError('FORBIDDEN', 'you act for no authority', 'authority');
  return [...principal.authorities].sort();
}

export function requireDate(value: string, field: string): string {
  if (!isIsoDate(value))
    throw new IndicatorError('INVALID_DATE', `${field} must be a date YYYY-MM-DD`, field);
  return value;
}

/**
 * Flag rows: pupil-level for those who may read rows, pseudonymised for analysts (src/auth/flag-scope.ts),
 * and not for governors, who see aggregates only.
 */
export function requireRowAccess(principal: Principal): void {
  if (principal.role === 'governor') {
    throw new IndicatorError('FORBIDDEN', 'you may see aggregates only, not individual flags');
  }
}
