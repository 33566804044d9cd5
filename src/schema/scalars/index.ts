import { GraphQLError, GraphQLScalarType } from 'graphql';
import {
  DateTimeResolver,
  LocalDateResolver,
  NonNegativeFloatResolver,
  NonNegativeIntResolver,
  PositiveIntResolver,
} from 'graphql-scalars';

export { UpnScalar } from './upn.scalar';

/**
 * The scalars of the API. LocalDate keeps `YYYY-MM-DD` strings both ways (dates never become JS Date,
 * so no time zone can move a day); DateTime is for instants (created, recorded at).
 */
export const LocalDate = new GraphQLScalarType<string, string>({
  ...LocalDateResolver.toConfig(),
  parseValue: (value) => withinYears(LocalDateResolver.parseValue(value) as string),
  parseLiteral: (ast, variables) => withinYears(LocalDateResolver.parseLiteral(ast, variables) as string),
});

/** The years a day the hub records can fall in: PostgreSQL's `date` has no year 0, and no child was born in 1066. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2199;

function withinYears(day: string): string {
  const year = Number(day.slice(0, 4));
  if (!(year >= FIRST_YEAR && year <= LAST_YEAR))
    throw new GraphQLError(
      `${day} is not a date the hub records: the year is from ${FIRST_YEAR} to ${LAST_YEAR}`,
    );
  return day;
}
export const DateTime = DateTimeResolver;
export const NonNegativeFloat = NonNegativeFloatResolver;
export const NonNegativeInt = NonNegativeIntResolver;
export const PositiveInt = PositiveIntResolver;
