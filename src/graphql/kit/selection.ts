import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The field selections directly in `set`, fragments (inline and named) opened. */
function fieldsOf(info: GraphQLResolveInfo, set: SelectionSetNode | undefined): { name: string; set: SelectionSetNode | undefined }[] {
  return (set?.selections ?? []).flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [{ name: selection.name.value, set: selection.selectionSet }];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(info, selection.selectionSet);
    return fieldsOf(info, info.fragments[selection.name.value]?.selectionSet);
  });
}

/** Whether the client selected `field` directly under the resolved field (fragments included). */
export function selectsField(info: GraphQLResolveInfo, field: string): boolean {
  return selectedFields(info).has(field);
}

/**
 * The names of the fields the client selected at `path` below the resolved field (fragments included), e.g.
 * ['edges', 'node'] for what a connection's nodes show.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  let sets = info.fieldNodes.map((node) => node.selectionSet);
  for (const step of path) sets = sets.flatMap((set) => fieldsOf(info, set).filter((field) => field.name === step).map((field) => field.set));
  return new Set(sets.flatMap((set) => fieldsOf(info, set).map((field) => field.name)));
}
