import type { ApolloServerPlugin } from '@apollo/server';
import { FragmentDefinitionNode, GraphQLError, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import type { Context } from '../server/context';
import { ROLES, Role } from './principal';

/**
 * Which roles may call each root field (query or mutation). Every root field declares its roles with
 * `@Allow`; one that does not is refused to everyone, so a new query that forgets its rule fails closed
 * instead of open. Checked once per operation, before anything executes; the services below apply the
 * row scope.
 */
const RULES = new Map<string, readonly Role[]>();

export function Allow(...roles: Role[]): MethodDecorator {
  return (_target, property) => {
    RULES.set(String(property), roles.length ? roles : ROLES);
  };
}

export function accessRuleOf(field: string): readonly Role[] | undefined {
  return RULES.get(field);
}

/** Introspection's own root fields, open to anyone signed in (and off in production). */
const META_FIELDS = new Set(['__typename', '__schema', '__type']);

/** The root field names an operation selects, through fragments. */
export function rootFields(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): string[] {
  const names: string[] = [];
  const walk = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === 'Field') names.push(s.name.value);
      else if (s.kind === 'InlineFragment') walk(s.selectionSet, seen);
      else if (!seen.has(s.name.value) && fragments[s.name.value]) {
        seen.add(s.name.value);
        walk(fragments[s.name.value].selectionSet, seen);
      }
    }
  };
  walk(operation.selectionSet, new Set());
  return names;
}

/** Why `role` may not run these root fields, or null when it may. */
export function refusal(role: Role, fields: readonly string[]): string | null {
  for (const f of fields) {
    if (META_FIELDS.has(f)) continue;
    const roles = RULES.get(f);
    if (!roles) return `${f} has no access rule, so it is refused`;
    if (!roles.includes(role)) return `a ${role} user may not use ${f}`;
  }
  return null;
}

export const accessRulesPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, contextValue }) {
        if (!operation) return;
        const fragments: Record<string, FragmentDefinitionNode> = {};
        for (const d of document.definitions)
          if (d.kind === 'FragmentDefinition') fragments[d.name.value] = d;
        const why = refusal(contextValue.principal.role, rootFields(operation, fragments));
        if (why) throw new GraphQLError(why, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
      },
    };
  },
};
