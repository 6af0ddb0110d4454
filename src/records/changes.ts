/**
 * What counts as a change to a record, for every writer (GraphQL, import, harvest): the fingerprint of an
 * imported or harvested description and the fields a history entry lists both compare values through
 * `comparable`.
 */

/**
 * Lists whose order is part of their value: a distribution's or a result's place is where it stands in the
 * list. Every other list is a set (keywords, themes, spatial coverage, data holders, DUO modifiers...): RDF
 * states no order for repeated properties, and an access route step carries its own `order`.
 */
const ORDERED_LISTS: ReadonlySet<string> = new Set(['distributions', 'results']);

/**
 * A value as text in which every set lists its members in one order and every object its keys in one order
 * (PostgreSQL keeps JSON keys in its own order), so two values compare equal when they state the same.
 * `field` names the value, for a list that is ordered.
 */
export function comparable(value: unknown, field?: string): string {
  return canonicalText(value, field !== undefined && ORDERED_LISTS.has(field));
}

// Built as text in one pass: each member is written once, and a set's members are sorted as written.
function canonicalText(value: unknown, ordered: boolean): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const members = value.map((member) => canonicalText(member, false));
    return `[${(ordered ? members : members.sort()).join(',')}]`;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return JSON.stringify(value) ?? 'null';
  const object = value as Record<string, unknown>;
  let text = '';
  for (const key of Object.keys(object).sort()) {
    if (object[key] === undefined) continue;
    text += `${text ? ',' : ''}${JSON.stringify(key)}:${canonicalText(object[key], ORDERED_LISTS.has(key))}`;
  }
  return `{${text}}`;
}

/** One field a change moved, with its value before and after (as JSON text). */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

/**
 * Columns every write moves, which say nothing about what the record states: its version, dates the write
 * sets, the fingerprint of its source, and when a harvest last copied it. Where it was harvested from
 * (harvestedFrom, provenanceSource) is listed when it changes.
 */
const BOOKKEEPING: ReadonlySet<string> = new Set(['version', 'modified', 'createdAt', 'sourceFingerprint', 'harvestedAt']);

/** The fields whose value a change really moved, between two audit snapshots (either may be null). */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const from = (before ?? {}) as Record<string, unknown>;
  const to = (after ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  return [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((field) => !BOOKKEEPING.has(field) && comparable(from[field] ?? null, field) !== comparable(to[field] ?? null, field))
    .map((field) => ({ field, before: text(from[field]), after: text(to[field]) }));
}
