import { FileContext } from './file-context.js';
import type { ImportSource, LocatedProblem, SourceRecord } from './import-source.js';
import type { Json, RecordKind } from './record-inputs.js';
import { isNoteKey, readRecordKeys } from './record-keys.js';

const RECORD_TYPES = new Map<unknown, RecordKind>([
  ['Dataset', 'Dataset'],
  ['Study', 'Study'],
  ['HealthEconomicEvaluation', 'HealthEconomicEvaluation'],
]);

/** A part of the document the import reads, in dependency order; a null kind: records of no known type, reported last. */
export interface SectionGroup {
  section: 'accessBodies' | 'publications' | 'records';
  kind: RecordKind | null;
}

/** What is read after the organisations (which are ordered parents first), in the order it is read. */
export const SECTION_GROUPS: readonly SectionGroup[] = [
  { section: 'accessBodies', kind: 'DataAccessBody' },
  { section: 'publications', kind: 'Publication' },
  { section: 'records', kind: 'Study' },
  { section: 'records', kind: 'Dataset' },
  { section: 'records', kind: 'HealthEconomicEvaluation' },
  { section: 'records', kind: null },
];

/** The kind a record of the `records` section is, by its recordType; null for a type the import does not know. */
export function recordKindOf(recordType: unknown): RecordKind | null {
  return RECORD_TYPES.get(recordType) ?? null;
}

/** The group an element of a section belongs to (records by their recordType). */
export function groupOf(section: SectionGroup['section'], recordType: unknown): number {
  const kind = section === 'records' ? recordKindOf(recordType) : null;
  return SECTION_GROUPS.findIndex((g) => g.section === section && (section !== 'records' || g.kind === kind));
}

/**
 * Whether the keys of the document's records are checked: those of a file or of the importCatalogue input are,
 * those of a harvest's document are the harvester's own (it counts the properties it does not read).
 */
export type KeyCheck = 'checked' | 'unchecked';

/** An organisation at its (1-based) position in the organisations section. */
export function organisationRecord(file: string, position: number, value: Json, keys: KeyCheck = 'checked'): SourceRecord {
  return withKeysChecked({ kind: 'Organisation', data: value, location: { file, sheet: 'organisations', row: position } }, keys);
}

/** An element of a section at its (1-based) position, as the import reads it. */
export function sectionRecord(file: string, group: SectionGroup, position: number, value: Json, keys: KeyCheck = 'checked'): SourceRecord {
  const location = { file, sheet: group.section, row: position };
  if (group.kind) return withKeysChecked({ kind: group.kind, data: value, location }, keys);
  return {
    kind: 'Dataset',
    data: value ?? {},
    location,
    readProblems: [{ field: 'recordType', message: `must be Dataset, Study or HealthEconomicEvaluation (got ${JSON.stringify(value?.recordType ?? null)})` }],
  };
}

/** The record read as its columns say (readRecordKeys): what it cannot read as problems, keys it does not read as warnings. */
function withKeysChecked(record: SourceRecord, keys: KeyCheck): SourceRecord {
  if (keys === 'unchecked') return record;
  const { warnings, problems } = readRecordKeys(record.kind, record.data);
  return { ...record, ...(warnings.length > 0 && { warnings }), ...(problems.length > 0 && { readProblems: problems }) };
}

/** The catalogue record of the document's `catalogue` value, when it is one. */
export function catalogueRecordOf(value: unknown): Json | null {
  return value && typeof value === 'object' ? (value as Json) : null;
}

/**
 * The catalogue record read as its columns say, what it cannot read as problems and keys it does not read as
 * warnings, at the `catalogue` key, with the problems the file's reading found in it (`repeated`: keys given twice).
 */
export function catalogueKeyReport(file: string, catalogue: Json | null, repeated: LocatedProblem[] = []): SourceRecord[] {
  const read = catalogue ? readRecordKeys('catalogue', catalogue) : { warnings: [], problems: [] };
  const { warnings } = read;
  const problems = [...read.problems, ...repeated];
  if (warnings.length === 0 && problems.length === 0) return [];
  return [{ kind: 'Dataset', data: {}, location: { file, sheet: 'catalogue', row: null }, ...(warnings.length > 0 && { warnings }), ...(problems.length > 0 && { readProblems: problems }) }];
}

/** The kind of JSON value a top-level key holds, as far as its shape is checked. */
export type TopLevelShape = 'object' | 'array' | 'other';

const LISTS = ['organisations', 'accessBodies', 'publications', 'records'];

/**
 * Problems of the document's top-level keys, as file problems placed at the key: a section that is not a list
 * or a catalogue record that is not an object (read as nothing, they would leave a file's records out without a
 * word), a key the import does not read (a guessed "datasets" is as silent), and a key given twice (`repeated`,
 * when the reading saw the text: only the last would be read). Notes (isNoteKey: the seed's `_meta`, a
 * `$schema`) are left alone.
 */
export function topLevelProblems(file: string, shapes: Map<string, TopLevelShape>, repeated: ReadonlySet<string> = new Set()): SourceRecord[] {
  const problems: SourceRecord[] = [];
  const problem = (key: string, message: string, code?: string) =>
    problems.push({ kind: 'Dataset', data: {}, location: { file, sheet: key, row: null }, readProblems: [{ field: '', message, ...(code && { code }) }] });
  for (const [key, shape] of shapes) {
    if (isNoteKey(key)) continue;
    if (repeated.has(key)) problem(key, 'given twice at the top level; JSON keeps only the last, so give each section once', 'DUPLICATE_KEY');
    if (LISTS.includes(key)) {
      if (shape !== 'array') problem(key, `must be a list (a JSON array) of ${key}`);
    } else if (key === 'catalogue') {
      if (shape !== 'object') problem(key, 'must be the catalogue record (a JSON object)');
    } else {
      problem(key, `unknown section; the sections are catalogue, ${LISTS.join(', ')} (keys starting with _ or $ are not read)`);
    }
  }
  return problems;
}

/** The shape of a value of a document already parsed (the file reader tells it from the first token instead). */
function shapeOf(value: unknown): TopLevelShape {
  return Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : 'other';
}

/** The context the records are read in: records read later learn from those read before them. */
export function fileContext(defaultOwner: string | null, catalogue: Json | null): FileContext {
  return new FileContext(defaultOwner ?? catalogue?.publisher ?? null);
}

export const NOT_A_CATALOGUE_DOCUMENT = 'not an example-catalogue document (expected a JSON object with organisations, accessBodies, publications, records)';

/**
 * The example-catalogue JSON shape (seed/example-catalogue.json): `catalogue`, `organisations`,
 * `accessBodies`, `publications` and `records` (each with a recordType), from a document already in memory
 * (the importCatalogue mutation, a harvest). A file on disk is read record by record instead
 * (catalogue-json-file.ts), in the same order and with the same locations.
 */
export function catalogueJsonSource(document: unknown, file: string, defaultOwner: string | null = null, keys: KeyCheck = 'checked'): ImportSource {
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw new Error(`${file}: ${NOT_A_CATALOGUE_DOCUMENT}`);
  const data = document as Json;
  const section = (name: string): Json[] => (Array.isArray(data[name]) ? data[name] : []);
  const records = parentsFirst(section('organisations')).map(([i, o]) => organisationRecord(file, i + 1, o, keys));
  SECTION_GROUPS.forEach((group, g) => {
    section(group.section).forEach((value, i) => {
      if (groupOf(group.section, value?.recordType) === g) records.push(sectionRecord(file, group, i + 1, value, keys));
    });
  });
  const catalogue = catalogueRecordOf(data.catalogue);
  const shapes = new Map(Object.entries(data).map(([key, value]): [string, TopLevelShape] => [key, shapeOf(value)]));
  records.unshift(...topLevelProblems(file, shapes), ...(keys === 'checked' ? catalogueKeyReport(file, catalogue) : []));
  const known = fileContext(defaultOwner, catalogue);
  for (const record of records) known.learnFrom(record);
  records.push(...known.unlistedOutputs());
  return {
    file,
    catalogue,
    total: records.length,
    context: known.input,
    async *records() {
      yield* records;
    },
  };
}

/** Orders organisations so a parent comes before its children (the file may list them in any order). */
export function parentsFirst(organisations: Json[]): [number, Json][] {
  const byId = new Map(organisations.map((o, i) => [o?.id, [i, o] as [number, Json]]));
  const ordered: [number, Json][] = [];
  const placed = new Set<string>();
  const place = (entry: [number, Json], seen: Set<string>) => {
    const [, o] = entry;
    if (typeof o?.id !== 'string') {
      ordered.push(entry);
      return;
    }
    if (placed.has(o.id) || seen.has(o.id)) return;
    seen.add(o?.id);
    const parent = byId.get(o?.parentOrg);
    if (parent) place(parent, seen);
    placed.add(o?.id);
    ordered.push(entry);
  };
  organisations.forEach((o, i) => place([i, o], new Set()));
  return ordered;
}
