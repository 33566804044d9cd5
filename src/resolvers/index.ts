import { NonEmptyArray } from 'type-graphql';

/** Every resolver class of the API; each domain adds its own here. */
// biome-ignore lint/complexity/noBannedTypes: type-graphql takes resolver classes as Function
export const RESOLVERS: NonEmptyArray<Function> = [] as unknown as NonEmptyArray<Function>;
