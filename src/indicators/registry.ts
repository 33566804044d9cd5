import type { FlagDefinition, FlagFamily, SubjectType } from './flag-definition';
import { PLACEMENT_FLAGS } from './flags/placement.flags';
import { PROVIDER_FLAGS } from './flags/provider.flags';
import { PUPIL_FLAGS } from './flags/pupil.flags';
import { withYearRates } from './year-rates';

/**
 * Every flag, declared once. The CLI, the GraphQL enum and its descriptions, the aggregate counts and
 * CSV headers read this list; adding a flag is adding one entry to its family's file.
 */
export const FLAG_DEFINITIONS: readonly FlagDefinition[] = [
  ...PUPIL_FLAGS,
  ...PLACEMENT_FLAGS,
  ...PROVIDER_FLAGS,
];

export const FLAG_CODES: readonly string[] = FLAG_DEFINITIONS.map((f) => f.code);

export const SUBJECT_TYPES: readonly SubjectType[] = ['pupil', 'placement', 'provider'];

export function flagDefinition(code: string): FlagDefinition | undefined {
  return FLAG_DEFINITIONS.find((f) => f.code === code);
}

/** The families of `definitions`, each with the definitions asked for, in registry order. */
export function groupByFamily(definitions: readonly FlagDefinition[]): Map<FlagFamily, FlagDefinition[]> {
  const byFamily = new Map<FlagFamily, FlagDefinition[]>();
  for (const d of definitions) byFamily.set(d.family, [...(byFamily.get(d.family) ?? []), d]);
  return byFamily;
}

/**
 * One statement for a family: its CTEs once, then each flag's SELECT, labelled with its code. CTEs
 * that no selected flag reads are never evaluated. `givenYearRates` reads the pupils' year attendance
 * from parameters $4-$6 (see year-rates.ts); `countOnly` returns (code, n) rows instead of flags.
 */
export function familyStatement(
  family: FlagFamily,
  definitions: readonly FlagDefinition[],
  opts: { givenYearRates?: boolean; countOnly?: boolean } = {},
): string {
  const parts = definitions.map(
    (d) =>
      `SELECT '${d.code}' AS code, f.subject_id, f.subject_key, f.authorities, f.reason FROM (${d.select}\n) AS f`,
  );
  const statement = withYearRates(
    `WITH ${family.ctes}\n${parts.join('\nUNION ALL\n')}`,
    Boolean(opts.givenYearRates),
  );
  return opts.countOnly
    ? `SELECT code, count(*)::integer AS n FROM (${statement}) AS flags GROUP BY code`
    : statement;
}
