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
export const LocalDate = LocalDateResolver;
export const DateTime = DateTimeResolver;
export const NonNegativeFloat = NonNegativeFloatResolver;
export const NonNegativeInt = NonNegativeIntResolver;
export const PositiveInt = PositiveIntResolver;
