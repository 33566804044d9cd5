import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { upnProblem } from '../../domain/upn';

function parseUpn(value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError('a UPN is a string of 13 characters');
  const problem = upnProblem(value);
  if (problem) throw new GraphQLError(`UPN ${value} is not valid: ${problem}`);
  return value;
}

/**
 * Unique Pupil Number: a check letter then 12 characters, the check letter validated (DfE algorithm,
 * src/domain/upn.ts). Invalid values are refused before any resolver runs.
 */
export const UpnScalar = new GraphQLScalarType<string, string>({
  name: 'UPN',
  description:
    'Unique Pupil Number (DfE): 13 characters, a check letter, 11 digits, then a digit or letter; the check letter must validate.',
  serialize: (value) => parseUpn(value),
  parseValue: (value) => parseUpn(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('a UPN is a string of 13 characters');
    return parseUpn(ast.value);
  },
});
