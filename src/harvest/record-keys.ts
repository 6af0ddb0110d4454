import type { LocatedProblem, LocatedWarning } from './import-source.js';
import type { Json, RecordKind } from './record-inputs.js';
import { type Column, columnPath, readJsonValue, SHEETS, type Sheet, shown, Unreadable } from './spreadsheet-columns.js';

/**
 * What a key of a record holds: a place of its own (an object, or with `many` a list of them; with `first`, an
 * object may be given as a text, its first key's value), or the value of a column (null: any value, read whole).
 */
type Holds = { place: Place; many: boolean; first?: string } | { column: Column | null };

/**
 * The keys read at one place of a record, each with what it holds, those a part at this place is not read
 * without (Column.required), and the record rules' names of some of them (`parent` for `parentOrg`), which a
 * file may give for the key.
 */
interface Place {
  keys: Map<string, Holds>;
  required: Set<string>;
  aliases: Map<string, string>;
}

const newPlace = (keys: [string, Holds][] = [], required: readonly string[] = []): Place => ({ keys: new Map(keys), required: new Set(required), aliases: new Map() });
const objectPlace = (): Holds => ({ place: newPlace(), many: false });

/** A record of the JSON shape by its kind; the catalogue record is one of its own. */
export type KeyedKind = RecordKind | 'catalogue';

/** The code of a key the import does not read: reported, the record imported without it. */
export const UNKNOWN_KEY = 'UNKNOWN_KEY';

/**
 * Unknown keys of one record (or columns of one sheet) listed one by one, each with the key it is near; the rest
 * are counted in one warning. A file of thousands of made-up keys would otherwise cost a near-key search each and
 * a report many times its size (a 1 MB file with 60,000 of them held the server 2-4 s).
 */
export const UNKNOWN_KEYS_LISTED = 20;

/** The warning that stands for the unknown keys or columns past the first UNKNOWN_KEYS_LISTED. */
export function unknownKeysNotListed(what: 'key' | 'column', count: number, field = ''): LocatedWarning {
  return { field, message: `${count} more unknown ${what}${count === 1 ? '' : 's'}, not imported (not listed one by one)`, code: UNKNOWN_KEY };
}

const TEXT: Column = { name: 'text', type: 'text', help: '' };

/**
 * What the JSON form takes beyond the spreadsheet columns: the dates and record type any record may carry, the
 * description a harvested dataset keeps of its source (read whole), and DUO terms written out with their IRI and
 * label (the label is the catalogue's own, from its DUO release).
 */
const JSON_ONLY: Record<KeyedKind, [string, Column | null][]> = {
  catalogue: [],
  Organisation: [['issued', TEXT], ['modified', TEXT]],
  DataAccessBody: [['issued', TEXT], ['modified', TEXT]],
  Publication: [['issued', TEXT], ['modified', TEXT]],
  Study: [['recordType', TEXT]],
  Dataset: [
    ['recordType', TEXT],
    ['sourceDescription', null],
    ['consentScope.duoPermission.iri', TEXT],
    ['consentScope.duoPermission.label', TEXT],
    ['consentScope.duoModifiers.iri', TEXT],
    ['consentScope.duoModifiers.label', TEXT],
  ],
  HealthEconomicEvaluation: [['recordType', TEXT]],
};

/** Adds a dotted path to a place (the places on the way hold objects); a place already there gains the keys of the one added. */
function addPath(place: Place, path: string, holds: Holds): void {
  const [first, ...rest] = path.split('.');
  const there = place.keys.get(first);
  if (rest.length > 0) {
    const next = there && 'place' in there ? there : objectPlace();
    place.keys.set(first, next);
    addPath((next as { place: Place }).place, rest.join('.'), holds);
  } else if ('place' in holds && there && 'place' in there) {
    for (const [key, value] of holds.place.keys) there.place.keys.set(key, value);
    for (const key of holds.place.required) there.place.required.add(key);
    for (const [alias, key] of holds.place.aliases) there.place.aliases.set(alias, key);
  } else {
    place.keys.set(first, holds);
    if ('column' in holds && holds.column?.required) place.required.add(first);
  }
}

/** Where the rules' name for a field (`cohort.sequencing.assays`) differs from its path, the name leads to the path. */
function addAlias(place: Place, input: string, path: string): void {
  const names = input.split('.');
  const keys = path.split('.');
  let at: Place = place;
  let shared = 0;
  const inner = (key: string) => {
    const holds = at.keys.get(key);
    return holds && 'place' in holds ? holds.place : undefined;
  };
  while (shared < names.length - 1 && names[shared] === keys[shared] && inner(keys[shared])) at = inner(keys[shared++])!;
  const alias = names.slice(shared).join('.');
  if (shared === names.length - 1 && !at.keys.has(alias)) at.aliases.set(alias, keys.slice(shared).join('.'));
}

/**
 * The keys of a sheet's records: its columns' paths, and its parts sheets. A structured column (`terms`) is a
 * list of entries with its parts as keys, an entry given as a text being its first part, as in a cell; a column
 * naming a key inside its own (`duoPermission` is `duoPermission.code`) takes the object as that key's text too.
 */
function sheetKeys(sheet: Sheet): Place {
  const place = newPlace();
  const columns = sheet.columns.filter((column) => column.name !== sheet.parent?.column);
  for (const column of columns) {
    const path = columnPath(column);
    if (column.parts) {
      const parts = newPlace(column.parts.map((part) => [part, { column: TEXT }]), column.requiredParts);
      addPath(place, path, { place: parts, many: true, first: column.parts[0] });
    } else if (path.startsWith(`${column.name}.`)) addPath(place, column.name, { place: newPlace([[path.slice(column.name.length + 1), { column }]]), many: false, first: path.slice(column.name.length + 1) });
    else addPath(place, path, { column });
  }
  for (const part of SHEETS.filter((s) => s.parent?.sheet === sheet.name)) addPath(place, part.parent!.path, { place: sheetKeys(part), many: part.parent!.many });
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
    for (const [path, column] of JSON_ONLY[kind]) addPath(place, path, { column });
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
    const place = newPlace(sheet.columns.map((column) => [column.name, { column }]));
    for (const column of sheet.columns) if (column.input && !place.keys.has(column.input)) place.aliases.set(column.input, column.name);
    return [sheet.name, place];
  }),
);

/** A header with a note's key on its path: its cells are notes, not read and not warned about. */
export function isNoteColumn(header: string): boolean {
  return header.split('.').some(isNoteKey);
}

/**
 * A spreadsheet column the import does not read, as the warning about it (a column is the key of the JSON form
 * its path names), with the column it is near; null for a note (a header with a note's key on its path).
 */
export function unknownColumn(sheet: Sheet, header: string): LocatedWarning | null {
  if (isNoteColumn(header)) return null;
  const otherwise = `the template lists the columns of the ${sheet.name} sheet; one starting with _ is a note`;
  return { field: header, message: notRead('column', nearestKeys(header, SHEET_COLUMNS.get(sheet.name)!), otherwise), code: UNKNOWN_KEY };
}

/** What reading a record of the JSON form found: keys it does not read (warnings), values it cannot read (problems). */
export interface RecordReading {
  warnings: LocatedWarning[];
  problems: LocatedProblem[];
}

/** What a value that cannot be read is read as (its problem is reported instead). */
const REFUSED = Symbol('refused');

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** What a list holds: values of a column (a `list` column's texts), or parts. */
type ListHolds = { column: Column } | Extract<Holds, { place: Place }>;

/**
 * Reads one record (readRecordKeys). The path to the value being read is kept as a stack of keys and positions,
 * made a text only for a report: a large file's records are read with no more garbage than they are.
 */
class RecordReader {
  readonly reading: RecordReading = { warnings: [], problems: [] };
  private readonly path: (string | number)[] = [];
  private unknownKeys = 0;

  /** The path being read, as a report names it: `distributions[0].accessUrl`. */
  private at(): string {
    return this.path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
  }

  private refuse(message: string, code?: string): typeof REFUSED {
    this.reading.problems.push({ field: this.at(), message, ...(code && { code }) });
    return REFUSED;
  }

  /** One warning for the unknown keys past those listed, if any. */
  countUnlisted(): void {
    if (this.unknownKeys > UNKNOWN_KEYS_LISTED) this.reading.warnings.push(unknownKeysNotListed('key', this.unknownKeys - UNKNOWN_KEYS_LISTED));
  }

  /** Reads an object's keys at their place; returns the keys whose values it refused (and left out), if any. */
  readObject(object: Json, place: Place): Set<string> | null {
    let refused: Set<string> | null = null;
    for (const key of Object.keys(object)) {
      this.path.push(key);
      const holds = place.keys.get(key);
      if (holds) {
        const value = object[key];
        const read = this.read(value, holds);
        if (read === REFUSED) {
          delete object[key];
          (refused ??= new Set()).add(key);
        } else if (read !== value) object[key] = read;
      } else if (!isNoteKey(key) && ++this.unknownKeys <= UNKNOWN_KEYS_LISTED) {
        const message = notRead('key', nearestKeys(key, place), 'the import template lists the keys; one starting with _ is a note');
        this.reading.warnings.push({ field: this.at(), message, code: UNKNOWN_KEY });
      }
      this.path.pop();
    }
    return refused;
  }

  private read(value: unknown, holds: Holds): unknown {
    if (value == null) return value;
    if (!('column' in holds)) return holds.many ? this.readList(value, holds) : this.readPart(value, holds, false);
    if (!holds.column) return value;
    return holds.column.type === 'list' ? this.readList(value, { column: holds.column }) : this.readValue(holds.column, value);
  }

  private readValue(column: Column, value: unknown): unknown {
    const read = readJsonValue(column, value);
    return read instanceof Unreadable ? this.refuse(read.problem) : read;
  }

  /** Each item of a list (a single value as a list of one); the list itself when every item reads as it is. */
  private readList(value: unknown, holds: ListHolds): unknown {
    if (!Array.isArray(value)) {
      const read = this.readItem(value, holds, true);
      return read === REFUSED ? REFUSED : [read];
    }
    let copy: unknown[] | null = null;
    let refused = false;
    for (let i = 0; i < value.length; i++) {
      this.path.push(i);
      const read = this.readItem(value[i], holds, false);
      this.path.pop();
      if (read === REFUSED) refused = true;
      else if (read !== value[i]) (copy ??= [...value])[i] = read;
    }
    return refused ? REFUSED : (copy ?? value);
  }

  private readItem(item: unknown, holds: ListHolds, alone: boolean): unknown {
    return 'column' in holds ? this.readValue(TEXT, item) : this.readPart(item, holds, alone);
  }

  /** A part (or, `alone`, a list's only entry given without its list), read at its place; not read without a key it requires. */
  private readPart(value: unknown, holds: Extract<Holds, { place: Place }>, alone: boolean): unknown {
    const part = typeof value === 'string' && holds.first ? { [holds.first]: value } : value;
    if (!isObject(part)) {
      const [one, many] = holds.first ? ['an object or a text', 'a list of objects or texts'] : ['an object', 'a list of objects'];
      return this.refuse(`must be ${alone ? many : one} (got ${shown(value)})`);
    }
    const refused = part === value ? this.readObject(part, holds.place) : null;
    let complete = true;
    for (const key of holds.place.required) {
      const given = part[key];
      if (given != null && (typeof given !== 'string' || given.trim())) continue;
      complete = false;
      // A value refused as read is reported once.
      if (refused?.has(key)) continue;
      this.path.push(key);
      // A cell of entries is one column: the reason names the part missing.
      this.refuse(holds.many && holds.first ? `is required (each entry gives its ${key})` : 'is required', 'REQUIRED');
      this.path.pop();
    }
    return complete ? part : REFUSED;
  }
}

/**
 * Reads a record of the JSON form as its spreadsheet columns read a row, reporting the keys it does not read,
 * each at its path (`distributions[0].accessUrl`) with the known key it is nearest, if one is near (notes,
 * isNoteKey, are not reported), and the values it cannot read: a part (an object, or a list of them) given as a
 * plain value, an object given as a list, a value not of its column's type or not one of its choices. The
 * record becomes the JSON a row becomes: a single value or entry where a list is expected is a list of one (as
 * GraphQL reads a list), an entry given as a text is its first part, a choice is spelt as the catalogue spells
 * it, and a value that cannot be read is left out, so the rules neither trip over it nor report it again.
 */
export function readRecordKeys(kind: KeyedKind, record: Json): RecordReading {
  const reader = new RecordReader();
  if (isObject(record)) reader.readObject(record, RECORD_KEYS.get(kind)!);
  reader.countUnlisted();
  return reader.reading;
}
