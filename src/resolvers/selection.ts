import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The fields selected at `path` below the current field (through fragments, whatever their type
 * condition), e.g. `['nodes']` of a connection: every name that some selection at that path asks for.
 * Used to read related records with a list only when the query selects them; directives are not
 * evaluated, so a field under `@skip` counts as selected (reading it costs a join, never an answer).
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const name of path) {
    const next: SelectionSetNode[] = [];
    for (const set of sets)
      visit(info, set, (field, selectionSet) => {
        if (field === name && selectionSet) next.push(selectionSet);
      });
    sets = next;
  }
  const names = new Set<string>();
  for (const set of sets) visit(info, set, (field) => names.add(field));
  return names;
}

function visit(
  info: GraphQLResolveInfo,
  set: SelectionSetNode,
  onField: (name: string, selectionSet: SelectionSetNode | undefined) => void,
  seen = new Set<string>(),
): void {
  for (const s of set.selections) {
    if (s.kind === 'Field') onField(s.name.value, s.selectionSet);
    else if (s.kind === 'InlineFragment') visit(info, s.selectionSet, onField, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = info.fragments[s.name.value];
      if (fragment) visit(info, fragment.selectionSet, onField, seen);
    }
  }
}
