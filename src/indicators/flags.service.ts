import type { Principal } from '../auth/principal';
import { DEFAULT_SETTINGS } from '../settings/settings.definitions';
import { settingsForScope } from '../settings/settings.service';
import { authoritiesInScope, requireDate, requireRowAccess } from './access';
import type { Flag, SubjectType } from './flag-definition';
import { IndicatorError } from './indicator-error';
import { Queryable, queryAnalytics } from './queryable';
import { FLAG_DEFINITIONS, familyStatement, flagDefinition, groupByFamily } from './registry';

export interface FlagQuery {
  asOf: string;
  /** One LA code; absent = every authority the caller may see. */
  authority?: string | null;
  codes?: readonly string[] | null;
  subjectType?: SubjectType | null;
}

interface FlagRow {
  code: string;
  subject_id: number;
  subject_key: string;
  authorities: string[];
  reason: string;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The deterministic order of every flag list: code, subject type, subject key. */
export function compareFlags(a: Flag, b: Flag): number {
  return (
    compare(a.code, b.code) || compare(a.subjectType, b.subjectType) || compare(a.subjectKey, b.subjectKey)
  );
}

/**
 * Every flag raised at `asOf` from what was known on that date, for the authorities asked about: one
 * SQL statement per family of rules.
 */
export async function computeFlags(db: Queryable, principal: Principal, query: FlagQuery): Promise<Flag[]> {
  requireRowAccess(principal);
  return computeFlagsUnchecked(db, principal, query);
}

/** As computeFlags, for callers that only count flags (aggregates), where aggregatesOnly may ask. */
export async function computeFlagsUnchecked(
  db: Queryable,
  principal: Principal,
  query: FlagQuery,
): Promise<Flag[]> {
  const asOf = requireDate(query.asOf, 'asOf');
  for (const code of query.codes ?? []) {
    if (!flagDefinition(code))
      throw new IndicatorError('UNKNOWN_FLAG_CODE', `unknown flag code ${code}`, 'codes');
  }
  const scope = await authoritiesInScope(db, principal, query.authority);
  const wanted = FLAG_DEFINITIONS.filter(
    (d) =>
      (!query.codes?.length || query.codes.includes(d.code)) &&
      (!query.subjectType || d.subjectType === query.subjectType),
  );
  const providerSettings = await settingsForScope(db, scope);
  const results = await Promise.all(
    [...groupByFamily(wanted)].map(async ([family, definitions]) => {
      const settings = family.subjectType === 'provider' ? providerSettings : DEFAULT_SETTINGS;
      const rows = await queryAnalytics<FlagRow>(db, familyStatement(family, definitions), [
        asOf,
        JSON.stringify(settings),
        scope,
      ]);
      return rows.map(
        (r): Flag => ({
          code: r.code,
          subjectType: family.subjectType,
          subjectKey: r.subject_key,
          authorities: r.authorities,
          reason: r.reason,
          subjectId: r.subject_id,
        }),
      );
    }),
  );
  return results.flat().sort(compareFlags);
}
