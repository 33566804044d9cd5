import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { FragmentDefinitionNode, GraphQLError, Kind, ValidationContext, ValidationRule } from 'graphql';
import { rootFields } from '../auth/access-rules';
import { principalOf } from '../auth/authenticate';

/**
 * Limits checked while the query is validated, before anything executes, so a query bomb costs the
 * database nothing. The numbers leave room for every query in docs/api.md and the dashboard: the
 * deepest real query is 6 levels (flags → placement → pupil → school → authority), the widest a few
 * dozen fields.
 */
export const QUERY_LIMITS = {
  maxDepth: 8,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 200_000,
} as const;

/**
 * Root fields that each compute indicators over a whole authority (a report: indicators, flags twice
 * and a series, then rendering): one of them per operation.
 */
export const EXPENSIVE_ROOT_FIELDS = new Set(['indicators', 'indicatorSeries', 'flags', 'generateReport']);

/**
 * Refuses an operation that asks for more than one expensive root field: aliases included, and
 * through inline fragments and fragment spreads (as the access rules read root fields).
 */
export const oneExpensiveFieldRule: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(node) {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of context.getDocument().definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const n = rootFields(node, fragments).filter((f) => EXPENSIVE_ROOT_FIELDS.has(f)).length;
    if (n > 1)
      context.reportError(
        new GraphQLError(
          `an operation may ask for one of ${[...EXPENSIVE_ROOT_FIELDS].join(', ')} at a time (it asked for ${n}); send separate requests`,
          { nodes: [node], extensions: { code: 'QUERY_TOO_EXPENSIVE' } },
        ),
      );
  },
});

export function armor(production: boolean): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
} {
  const protection = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return {
    plugins: protection.plugins as ApolloServerPlugin[],
    validationRules: [...(protection.validationRules as ValidationRule[]), oneExpensiveFieldRule],
  };
}

export interface RateLimits {
  /** Requests a minute per signed-in user (token or session). */
  perUser: number;
  /** Requests a minute per remote address, before sign-in. */
  perAddress: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perUser: 600, perAddress: 1_200 };

function limiter(limit: number, keyGenerator: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator,
    message: { errors: [{ message: 'too many requests; slow down', extensions: { code: 'RATE_LIMITED' } }] },
  });
}

/** Per address (before sign-in is decided): a flood from one machine is cut off first. */
export function addressLimiter(limits: RateLimits): RequestHandler {
  return limiter(
    limits.perAddress,
    (req) => `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '')}`,
  );
}

/** Per user, after sign-in: one token cannot starve the others. */
export function userLimiter(limits: RateLimits): RequestHandler {
  return limiter(limits.perUser, (req) => `user:${principalOf(req).name}`);
}
