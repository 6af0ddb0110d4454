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
 * (PostgreSQL keeps JSON keys in its own order) without its null ones, so two values compare equal when they
 * state the same.
 * `field` names the value, for a list that is ordered.
 */
export function comparable(value: unknown, field?: string): string {
  return canonicalText(value, field !== undefined && ORDERED_LISTS.has(field));
}

// Built as text in one pass: each member is written once, and a set's members are sorted as written.
function canonicalText(value: unknown, ordered: boolean): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const members = value.map((member) => canonicalText(member, false));
    return `[${(ordered ? members : members.sort()).join(',')}]`;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return JSON.stringify(value) ?? 'null';
  const object = value as Record<string, unknown>;
  let text = '';
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    // An optional key given as null states what its absence states (a form sends null, a file leaves it out).
    if (member === undefined || member === null) continue;
    text += `${text ? ',' : '{'}${keyText(key)}${canonicalText(member, ORDERED_LISTS.has(key))}`;
  }
  return text ? `${text}}` : '{}';
}

/**
 * A key as the canonical text writes it, `"key":`: every record of a bulk import has the same few dozen keys, so
 * each is escaped once, not once per record (the fingerprint is taken of every imported record).
 */
function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    // Keys come from the record types' inputs, a fixed set; a bound keeps a file with odd keys from growing it.
    if (keyTexts.size < 10_000) keyTexts.set(key, text);
  }
  return text;
}

const keyTexts = new Map<string, string>();

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

/**
 * A record's parts kept in tables of their own (a dataset's consent scope and access route: lifecycle.ts
 * RecordParts), listed field by field under their name (`consentScope.duoPermission`, `accessRoute.steps`), in
 * the order of the field names; one the record gains or loses is listed whole.
 */
const PARTS: ReadonlySet<string> = new Set(['consentScope', 'accessRoute']);

/** The fields whose value a change really moved, between two audit snapshots (either may be null). */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  return movedFields((before ?? {}) as Record<string, unknown>, (after ?? {}) as Record<string, unknown>, '');
}

function movedFields(from: Record<string, unknown>, to: Record<string, unknown>, prefix: string): FieldChange[] {
  const text = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const isPart = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
  const fields = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  return (prefix ? fields.sort() : fields).flatMap((field) => {
    if (BOOKKEEPING.has(field)) return [];
    const [was, is] = [from[field] ?? null, to[field] ?? null];
    if (!prefix && PARTS.has(field) && isPart(was) && isPart(is)) return movedFields(was, is, `${field}.`);
    return comparable(was, field) === comparable(is, field) ? [] : [{ field: prefix + field, before: text(was), after: text(is) }];
  });
}
