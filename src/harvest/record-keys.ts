import type { LocatedWarning } from './import-source.js';
import type { Json, RecordKind } from './record-inputs.js';
import { columnPath, SHEETS, type Sheet } from './spreadsheet-columns.js';

/**
 * The keys read at one place of a record, each with the place its value is (null: a value read whole), and the
 * record rules' names of some of them (`parent` for `parentOrg`), which a file may give for the key.
 */
interface Place {
  keys: Map<string, Place | null>;
  aliases: Map<string, string>;
}

const newPlace = (keys: [string, Place | null][] = []): Place => ({ keys: new Map(keys), aliases: new Map() });

/** A record of the JSON shape by its kind; the catalogue record is one of its own. */
export type KeyedKind = RecordKind | 'catalogue';

/** The code of a key the import does not read: reported, the record imported without it. */
export const UNKNOWN_KEY = 'UNKNOWN_KEY';

/**
 * What the JSON form takes beyond the spreadsheet columns: the dates and record type any record may carry, the
 * description a harvested dataset keeps of its source, and DUO terms written out with their IRI and label (the
 * label is the catalogue's own, from its DUO release).
 */
const JSON_ONLY: Record<KeyedKind, string[]> = {
  catalogue: [],
  Organisation: ['issued', 'modified'],
  DataAccessBody: ['issued', 'modified'],
  Publication: ['issued', 'modified'],
  Study: ['recordType'],
  Dataset: [
    'recordType',
    'sourceDescription',
    'consentScope.duoPermission.iri',
    'consentScope.duoPermission.label',
    'consentScope.duoModifiers.iri',
    'consentScope.duoModifiers.label',
  ],
  HealthEconomicEvaluation: ['recordType'],
};

/** Adds a dotted path to a place; a place already there gains the keys of the one added. */
function addPath(place: Place, path: string, inner: Place | null): void {
  const [first, ...rest] = path.split('.');
  const there = place.keys.get(first);
  if (rest.length > 0) {
    const next = there ?? newPlace();
    place.keys.set(first, next);
    addPath(next, rest.join('.'), inner);
  } else if (inner && there) {
    for (const [key, value] of inner.keys) there.keys.set(key, value);
    for (const [alias, key] of inner.aliases) there.aliases.set(alias, key);
  } else place.keys.set(first, inner);
}

/** Where the rules' name for a field (`cohort.sequencing.assays`) differs from its path, the name leads to the path. */
function addAlias(place: Place, input: string, path: string): void {
  const names = input.split('.');
  const keys = path.split('.');
  let at: Place = place;
  let shared = 0;
  while (shared < names.length - 1 && names[shared] === keys[shared] && at.keys.get(keys[shared])) at = at.keys.get(keys[shared++])!;
  const alias = names.slice(shared).join('.');
  if (shared === names.length - 1 && !at.keys.has(alias)) at.aliases.set(alias, keys.slice(shared).join('.'));
}

/** The keys of a sheet's records: its columns' paths (a structured column's parts inside), and its parts sheets. */
function sheetKeys(sheet: Sheet): Place {
  const place = newPlace();
  const columns = sheet.columns.filter((column) => column.name !== sheet.parent?.column);
  for (const column of columns) addPath(place, columnPath(column), column.parts ? newPlace(column.parts.map((part) => [part, null])) : null);
  for (const part of SHEETS.filter((s) => s.parent?.sheet === sheet.name)) addPath(place, part.parent!.path, sheetKeys(part));
  for (const column of columns) if (column.input) addAlias(place, column.input, columnPath(column));
  for (const part of SHEETS.filter((s) => s.parent?.sheet === sheet.name)) addAlias(place, part.parent!.input, part.parent!.path);
  return place;
}

/**
 * The keys the import reads of each kind of record. Column names are the field's path in the JSON shape
 * (spreadsheet-columns.ts), so the sheets and the JSON form read the same keys, but for the JSON-only ones.
 */
const RECORD_KEYS = new Map<KeyedKind, Place>(
  SHEETS.filter((sheet) => !sheet.parent).map((sheet) => {
    const kind: KeyedKind = sheet.kind ?? 'catalogue';
    const place = sheetKeys(sheet);
    for (const path of JSON_ONLY[kind]) addPath(place, path, null);
    return [kind, place];
  }),
);

/** Annotations of the example catalogue: whether a record is illustrative, where a value comes from, remarks. */
const NOTE_KEYS = new Set(['illustrative', 'source', 'note']);

/**
 * Whether a key the import does not read is a note for people rather than data, passed over without a word:
 * a key starting with `_` or `$`, and the example catalogue's annotations (`illustrative`, `source`, `note`, and
 * keys ending in `Note`, as `ontologyNote`). Where the import reads a key of that name (an access body's note,
 * an evaluation's priceYearNote) it is data.
 */
export function isNoteKey(key: string): boolean {
  return /^[_$]/.test(key) || NOTE_KEYS.has(key) || /.Note$/.test(key);
}

/**
 * Edits (insertions, deletions, substitutions, swaps of neighbours) turning `a` into `b`, or `limit + 1` when
 * more than `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
    }
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length], limit + 1);
}

/**
 * The known keys nearest to an unknown one: the one the rules' name stands for, else the same but for case,
 * else within two edits (one for a short key).
 */
function nearestKeys(key: string, place: Place): string[] {
  const aliased = place.aliases.get(key);
  if (aliased) return [aliased];
  const folded = key.toLowerCase();
  const limit = folded.length <= 4 ? 1 : 2;
  let best = limit;
  let nearest: string[] = [];
  for (const candidate of place.keys.keys()) {
    const distance = editDistance(folded, candidate.toLowerCase(), limit);
    if (distance > best) continue;
    if (distance < best) nearest = [];
    best = distance;
    nearest.push(candidate);
  }
  return nearest;
}

/** Why a key or column the import does not read is reported, with the known ones it is near, if any. */
function notRead(what: 'key' | 'column', nearest: string[], otherwise: string): string {
  return nearest.length ? `unknown ${what}, not imported; did you mean ${nearest.join(' or ')}?` : `unknown ${what}, not imported (${otherwise})`;
}

/** Each sheet's columns by name, with the rules' names for some of them (`dataHolders` for `dataHolder`). */
const SHEET_COLUMNS = new Map(
  SHEETS.map((sheet) => {
    const place = newPlace(sheet.columns.map((column) => [column.name, null]));
    for (const column of sheet.columns) if (column.input && !place.keys.has(column.input)) place.aliases.set(column.input, column.name);
    return [sheet.name, place];
  }),
);

/**
 * A spreadsheet column the import does not read, as the warning about it (a column is the key of the JSON form
 * its path names), with the column it is near; null for a note (a header with a note's key on its path).
 */
export function unknownColumn(sheet: Sheet, header: string): LocatedWarning | null {
  if (header.split('.').some(isNoteKey)) return null;
  const otherwise = `the template lists the columns of the ${sheet.name} sheet; one starting with _ is a note`;
  return { field: header, message: notRead('column', nearestKeys(header, SHEET_COLUMNS.get(sheet.name)!), otherwise), code: UNKNOWN_KEY };
}

/**
 * The keys of a record that the import does not read, each at its path (`distributions[0].accessUrl`) with the
 * known key it is nearest, if one is near. Notes (isNoteKey) are not reported.
 */
export function unknownKeys(kind: KeyedKind, record: Json): LocatedWarning[] {
  const found: LocatedWarning[] = [];
  const walk = (value: unknown, place: Place, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, place, `${path}[${i}]`));
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (place.keys.has(key)) {
        const within = place.keys.get(key);
        if (within) walk(inner, within, at);
      } else if (!isNoteKey(key)) {
        const message = notRead('key', nearestKeys(key, place), 'the import template lists the keys; one starting with _ is a note');
        found.push({ field: at, message, code: UNKNOWN_KEY });
      }
    }
  };
  walk(record, RECORD_KEYS.get(kind)!, '');
  return found;
}
