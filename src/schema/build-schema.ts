import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { RESOLVERS } from '../resolvers';
import './enums';

/**
 * The hub's GraphQL schema. `validate: true` runs class-validator on every input and args class, so
 * resolvers only ever see arguments that passed their decorators.
 */
export async function buildHubSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    validate: true,
    emitSchemaFile: false,
  });
}

/** The SDL as committed in `schema.graphql`: sorted, so that the file only changes when the API does. */
export async function printHubSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildHubSchema()))}\n`;
}
