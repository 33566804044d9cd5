import { flagFamilyWall } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { DEFAULT_SETTINGS, SettingValues } from '../settings/settings.definitions';
import { settingsForScope } from '../settings/settings.service';
import { authoritiesInScope, requireDate, requireRowAccess } from './access';
import type { Flag, FlagDefinition, SubjectType } from './flag-definition';
import { IndicatorError } from './indicator-error';
import { Queryable, queryAnalytics } from './queryable';
import { FLAG_DEFINITIONS, familyStatement, flagDefinition, groupByFamily } from './registry';
import { GivenYearRates, givenParameters, PlacementYearMarks } from './year-rates';

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
 * What a request has already computed for the same date and scope, so that a page that shows both flags
 * and indicators (the dashboard) reads the year's attendance once: the pupils' year rates
 * (`yearRatesAt`) and, for the indicators, the flags themselves.
 */
export interface SharedComputation {
  yearRates?: GivenYearRates;
  /** The same pass per placement (the providers' attendance); read with yearRates. */
  placementYear?: PlacementYearMarks;
  /** Every flag in scope, or their computation under way (counted when it ends). */
  flags?: readonly Flag[] | Promise<readonly Flag[]>;
}

/**
 * Every flag raised at `asOf` from what was known on that date, for the authorities asked about: one
 * SQL statement per family of rules. `shared.yearRates`, when given, must be for the same date and scope.
 */
export async function computeFlags(
  db: Queryable,
  principal: Principal,
  query: FlagQuery,
  shared: SharedComputation = {},
): Promise<Flag[]> {
  requireRowAccess(principal);
  return computeFlagsUnchecked(db, principal, query, shared);
}

/** As computeFlags, for callers that only count flags (aggregates), where aggregatesOnly may ask. */
export async function computeFlagsUnchecked(
  db: Queryable,
  principal: Principal,
  query: FlagQuery,
  shared: SharedComputation = {},
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
  const providerSettings = await settingsForScope(db, scope, asOf);
  return flagRows(db, asOf, scope, providerSettings, wanted, shared.yearRates);
}

/** The flags of `definitions` at `asOf` in `scope` (already checked by the caller), in list order. */
export async function flagRows(
  db: Queryable,
  asOf: string,
  scope: string[] | null,
  providerSettings: SettingValues,
  definitions: readonly FlagDefinition[],
  yearRates?: GivenYearRates,
): Promise<Flag[]> {
  const results = await Promise.all(
    [...groupByFamily(definitions)].map(async ([family, defs]) => {
      const given = Boolean(yearRates) && family.subjectType === 'pupil';
      const params = familyParameters(family.subjectType, asOf, scope, providerSettings);
      const rows = await queryAnalytics<FlagRow>(
        db,
        flagFamilyWall(family.subjectType, scope),
        familyStatement(family, defs, { givenYearRates: given }),
        given && yearRates ? [...params, ...givenParameters(yearRates)] : params,
        asOf,
      );
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

function familyParameters(
  subjectType: SubjectType,
  asOf: string,
  scope: string[] | null,
  providerSettings: SettingValues,
): unknown[] {
  return [asOf, JSON.stringify(subjectType === 'provider' ? providerSettings : DEFAULT_SETTINGS), scope];
}

/**
 * How many of each flag are raised at `asOf` in `scope` (already checked by the caller), counted in SQL,
 * the families at once (as flagRows runs them); with `yearRates` the pupils' year attendance comes from
 * arrays computed beforehand.
 */
export async function countFlags(
  db: Queryable,
  asOf: string,
  scope: string[] | null,
  providerSettings: SettingValues,
  yearRates?: GivenYearRates,
  definitions: readonly FlagDefinition[] = FLAG_DEFINITIONS,
): Promise<Map<string, number>> {
  const perFamily = await Promise.all(
    [...groupByFamily(definitions)].map(([family, defs]) => {
      const given = Boolean(yearRates) && family.subjectType === 'pupil';
      const params = familyParameters(family.subjectType, asOf, scope, providerSettings);
      return queryAnalytics<{ code: string; n: number }>(
        db,
        flagFamilyWall(family.subjectType, scope),
        familyStatement(family, defs, { givenYearRates: given, countOnly: true }),
        given && yearRates ? [...params, ...givenParameters(yearRates)] : params,
        asOf,
      );
    }),
  );
  return new Map(perFamily.flat().map((r) => [r.code, r.n]));
}
