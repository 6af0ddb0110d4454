import { createReadStream } from 'node:fs';
import Assembler from 'stream-json/assembler.js';
import { verifyFile } from 'stream-json/file/verifier.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import {
  catalogueKeyReport,
  catalogueRecordOf,
  fileContext,
  groupOf,
  NOT_A_CATALOGUE_DOCUMENT,
  organisationRecord,
  parentsFirst,
  SECTION_GROUPS,
  type SectionGroup,
  sectionRecord,
  type TopLevelShape,
  topLevelProblems,
} from './catalogue-json.js';
import type { ImportSource, LocatedProblem, SourceRecord } from './import-source.js';
import type { Json } from './record-inputs.js';
import { ownCopy } from '../core/own-copy.js';
import { utf8Text } from './text-encoding.js';

/** stream-chain's `none` (a registered symbol): given to the parser, it ends the input. */
const END_OF_INPUT = Symbol.for('object-stream.none');
const READ_BLOCK = 1 << 16;

/** How a top-level value is tokenized: read whole, each element peeked at (its recordType only), or skipped. */
type Reading = 'whole' | 'peek' | 'skip';

/** A top-level value read whole, or an element peeked at. */
type Found = { key: string; occurrence: number; value: unknown } | { key: string; occurrence: number; position: number; recordType: unknown };

/**
 * The example-catalogue JSON file on disk (the shape of catalogue-json.ts), read record by record: memory is
 * bounded by the import's batch, not by the file. A first pass tokenizes it, checking the syntax, counts the
 * records (the progress bar's total) and keeps the catalogue record and the organisations (few, ordered parents
 * first); the records are then read in dependency order (access bodies, publications, studies, datasets,
 * evaluations), each found in the raw bytes and parsed natively, in one more pass when the file lists its
 * sections in that order, in one pass per part that comes too early otherwise. The file may be read several
 * times; nothing of it is held whole.
 */
export async function catalogueJsonFileSource(location: string, file: string, defaultOwner: string | null = null): Promise<ImportSource> {
  /** Per section, the occurrence that counts (as JSON.parse, the last one) and the group of each of its elements. */
  const sections = new Map<string, { occurrence: number; groups: number[] }>();
  let catalogueValue: unknown = null;
  let organisations: Json[] = [];
  const index = (key: string, occurrence: number): Reading => {
    if (key === 'catalogue' || key === 'organisations') return 'whole';
    if (!SECTION_GROUPS.some((g) => g.section === key)) return 'skip';
    sections.set(key, { occurrence, groups: [] });
    return 'peek';
  };
  const shapes = new Map<string, TopLevelShape>();
  const repeated = new RepeatedKeys();
  for await (const found of readTopLevel(location, file, index, (key, shape) => shapes.set(key, shape), repeated)) {
    if (!('position' in found)) {
      if (found.key === 'catalogue') catalogueValue = found.value;
      else organisations = Array.isArray(found.value) ? found.value : [];
    } else {
      const section = sections.get(found.key)!;
      if (section.occurrence === found.occurrence) section.groups.push(groupOf(found.key as SectionGroup['section'], found.recordType));
    }
  }
  const counts = SECTION_GROUPS.map((g, i) => sections.get(g.section)?.groups.filter((group) => group === i).length ?? 0);
  const catalogue = catalogueRecordOf(catalogueValue);
  const known = fileContext(defaultOwner, catalogue);
  const changed = () => new Error(`${file} changed while it was being imported`);
  const fileProblems = [
    ...topLevelProblems(file, shapes, repeated.topLevel),
    ...catalogueKeyReport(file, catalogue, repeated.within('catalogue', null)),
  ];
  const source: ImportSource = {
    file,
    catalogue,
    total: fileProblems.length + organisations.length + counts.reduce((a, b) => a + b, 0),
    context: known.input,
    async *records() {
      yield* fileProblems;
      for (const [i, o] of parentsFirst(organisations)) yield repeated.reported(organisationRecord(file, i + 1, o), repeated.within('organisations', i + 1));
      const remaining = [...counts];
      let due = remaining.findIndex((n) => n > 0);
      while (due >= 0) {
        const start = due;
        // Elements of a later part met before it is due: that part is read in a pass of its own, in file order.
        const metEarly = SECTION_GROUPS.map(() => false);
        let blocked = false;
        const reading = (key: string, occurrence: number): SectionReading | null => {
          const section = sections.get(key);
          if (!section || section.occurrence !== occurrence) return null;
          return (position) => {
            const group = section.groups[position - 1];
            if (blocked || group !== due) {
              if (group > due) metEarly[group] = true;
              return false;
            }
            if (--remaining[group] === 0) {
              due = remaining.findIndex((n) => n > 0);
              blocked = due >= 0 && metEarly[due];
            }
            return true;
          };
        };
        for await (const found of readElements(location, reading, () => blocked || due < 0)) {
          const group = SECTION_GROUPS[sections.get(found.key)!.groups[found.position - 1]];
          if (groupOf(group.section, (found.value as Json)?.recordType) !== SECTION_GROUPS.indexOf(group)) throw changed();
          const record = repeated.reported(sectionRecord(file, group, found.position, found.value as Json), repeated.within(found.key, found.position));
          known.learnFrom(record);
          yield record;
        }
        if (remaining[start] > 0) throw changed();
      }
      // Known once every record is read: the progress bar's total grows by them.
      const unlisted = known.unlistedOutputs();
      source.total = (source.total ?? 0) + unlisted.length;
      yield* unlisted;
    },
  };
  return source;
}

/**
 * Tokenizes the file's top-level object, a read block at a time, giving what `reading` asks for. A file that is
 * not JSON is an error naming the line, the column and the reason.
 */
async function* readTopLevel(
  location: string,
  file: string,
  reading: (key: string, occurrence: number) => Reading,
  onShape: (key: string, shape: TopLevelShape) => void,
  repeated: RepeatedKeys,
): AsyncGenerator<Found> {
  const walker = new TopLevelWalker(reading, onShape, repeated);
  const parse = jsonParser({ streamValues: false });
  const feed = (input: string | symbol): Found[] => {
    const tokens = parse(input as string) as { values: Token[] } | symbol;
    return typeof tokens === 'symbol' ? [] : walker.consume(tokens.values);
  };
  let first = true;
  const input = createReadStream(location, { highWaterMark: READ_BLOCK });
  try {
    for await (const block of utf8Text(input as AsyncIterable<Buffer>, file)) {
      // A byte-order mark is not part of the JSON.
      const text = first ? block.replace(/^\uFEFF/, '') : block;
      first = false;
      yield* await parsed(() => feed(text), location, file, false);
    }
    yield* await parsed(() => feed(END_OF_INPUT), location, file, true);
  } finally {
    input.destroy();
  }
}

/** What one parser call found; a syntax error becomes an error naming where the file stops being JSON. */
async function parsed(step: () => Found[], location: string, file: string, atEnd: boolean): Promise<Found[]> {
  try {
    return step();
  } catch (error) {
    if (error instanceof NotACatalogue) throw new Error(`${file}: ${NOT_A_CATALOGUE_DOCUMENT}`);
    if (error instanceof TooDeeplyNested) throw new Error(`${file}: ${error.message}`);
    throw new Error(`${file}: ${await syntaxProblem(location, atEnd, (error as Error).message)}`);
  }
}

/** The verifier reads the file again to place the error (the parser does not keep the position). */
async function syntaxProblem(location: string, atEnd: boolean, parserMessage: string): Promise<string> {
  const reason = (message: string) => (atEnd ? 'the file ends before the JSON does (is it complete?)' : message.replace(/^(Verifier|Parser) (cannot parse input: |has )/, ''));
  try {
    await verifyFile(location);
  } catch (error) {
    const { line, pos, message } = error as { line?: number; pos?: number; message: string };
    if (line != null && pos != null) return `not valid JSON at line ${line}, column ${pos}: ${reason(message.replace(/^ERROR at \d+ \(\d+, \d+\): /, ''))}`;
  }
  return `not valid JSON: ${reason(parserMessage)}`;
}

class NotACatalogue extends Error {}

/**
 * How deep a document may nest, its top-level object counted: a catalogue record needs a handful of levels, and
 * checking a value far deeper (a hundred thousand nested arrays) would overflow the stack of the record rules.
 */
const MAX_DOCUMENT_DEPTH = 64;

/** A value nested deeper than MAX_DOCUMENT_DEPTH, named by its key and its place in the section. */
class TooDeeplyNested extends Error {}

/**
 * An assembler whose strings are copies of the parser's slices of its read block: a record's identifier kept
 * after its batch would otherwise keep the whole block, and the file's text would pile up in memory after all.
 */
class DetachingAssembler extends Assembler {
  override stringValue(value: string): void {
    super.stringValue(ownCopy(value));
  }
}

/** Follows the parser's tokens through the top-level object, reading or peeking at each value as asked. */
class TopLevelWalker {
  /** Nesting depth of the token stream (1: inside the top-level object). */
  private depth = 0;
  private started = false;
  private key = '';
  private occurrences = new Map<string, number>();
  private mode: 'keys' | 'value' | 'skip' | 'elements' | 'peek' = 'keys';
  private readingNow: Reading = 'skip';
  /** Depth at which the value (or element) being walked started. */
  private base = 0;
  private position = 0;
  private assembler: Assembler | null = null;
  private recordType: unknown = undefined;
  private typeNext = false;
  /** Per open container, by depth: the keys its object has given so far, or null for an array. */
  private readonly given: (Set<string> | null)[] = [];
  /** Per open container, by depth: the key its object is at, or the index of its array's element. */
  private readonly at: (string | number)[] = [];

  constructor(
    private readonly reading: (key: string, occurrence: number) => Reading,
    /** The kind of each top-level value, as its first token tells (the last occurrence of a key wins, as in JSON.parse). */
    private readonly onShape: (key: string, shape: TopLevelShape) => void,
    private readonly repeated: RepeatedKeys,
  ) {}

  consume(tokens: Token[]): Found[] {
    const found: Found[] = [];
    for (const token of tokens) {
      if (!this.started) {
        if (token.name !== 'startObject') throw new NotACatalogue();
        this.started = true;
        this.depth = 1;
        this.opened(true);
        continue;
      }
      const opens = token.name === 'startObject' || token.name === 'startArray';
      const closes = token.name === 'endObject' || token.name === 'endArray';
      // A value in an array: the array's next element.
      if (!closes && this.given[this.depth] === null) this.at[this.depth] = (this.at[this.depth] as number) + 1;
      if (opens && ++this.depth > MAX_DOCUMENT_DEPTH) {
        const where = this.mode === 'peek' || this.mode === 'elements' ? `"${this.key}" element ${this.position}` : `"${this.key}"`;
        throw new TooDeeplyNested(`${where} is nested deeper than ${MAX_DOCUMENT_DEPTH} levels; no catalogue record needs that many`);
      } else if (closes) this.depth--;
      if (opens) this.opened(token.name === 'startObject');
      else if (token.name === 'keyValue') this.keyGiven(token.value);
      switch (this.mode) {
        case 'keys':
          if (token.name === 'keyValue') {
            this.key = token.value;
            const occurrence = (this.occurrences.get(token.value) ?? 0) + 1;
            this.occurrences.set(token.value, occurrence);
            this.readingNow = this.reading(token.value, occurrence);
            this.mode = 'value';
            this.base = 1;
          }
          break;
        case 'value':
          // The first token of a top-level value.
          this.onShape(this.key, token.name === 'startArray' ? 'array' : token.name === 'startObject' ? 'object' : 'other');
          if (this.readingNow === 'whole') {
            this.assembler = new DetachingAssembler();
            this.assembler.consume(token);
            this.mode = opens ? 'skip' : 'keys';
            if (!opens) this.emitWhole(found);
          } else if (this.readingNow === 'peek' && token.name === 'startArray') {
            this.mode = 'elements';
            this.position = 0;
          } else {
            this.mode = opens ? 'skip' : 'keys';
          }
          break;
        case 'skip':
          this.assembler?.consume(token);
          if (this.depth === this.base) {
            if (this.assembler) this.emitWhole(found);
            this.mode = 'keys';
          }
          break;
        case 'elements': {
          if (closes) {
            // The end of the section.
            this.mode = 'keys';
            break;
          }
          this.position++;
          this.base = 2;
          this.recordType = undefined;
          this.typeNext = false;
          if (!opens) this.emitElement(found);
          else this.mode = 'peek';
          break;
        }
        case 'peek':
          // A record's recordType, from its own keys only (the last one given, as JSON.parse).
          if (this.depth === 3 && token.name === 'keyValue') this.typeNext = token.value === 'recordType';
          else if (this.typeNext) {
            this.recordType = token.name === 'stringValue' ? token.value : undefined;
            this.typeNext = false;
          }
          if (this.depth === this.base) {
            this.emitElement(found);
            this.mode = 'elements';
          }
          break;
      }
    }
    return found;
  }

  /** A container opened at the current depth. */
  private opened(object: boolean): void {
    if (!object) {
      this.given[this.depth] = null;
      this.at[this.depth] = -1;
      return;
    }
    // A set of its own, which dies young with the object: a set reused from object to object grows old, and
    // clearing an old set allocates its new table in the old generation (a full collection every few blocks).
    this.given[this.depth] = new Set();
  }

  /** A key of the object at the current depth; one it has given already is a repeated key, at its path. */
  private keyGiven(key: string): void {
    const depth = this.depth;
    const keys = this.given[depth]!;
    this.at[depth] = key;
    if (!keys.has(key)) {
      keys.add(key);
      return;
    }
    if (depth === 1) {
      this.repeated.topLevelKey(key);
      return;
    }
    // A value not read (a note, an unknown section) holds no record to refuse.
    if (this.readingNow === 'skip') return;
    // Inside a section's element the path starts at the element; inside the catalogue record, at the record.
    const inList = this.given[2] === null;
    const start = inList ? 3 : 2;
    let field = '';
    for (let d = start; d <= depth; d++) {
      const step = this.at[d];
      field += typeof step === 'number' ? `[${step}]` : d === start ? step : `.${step}`;
    }
    this.repeated.found(this.at[1] as string, inList ? (this.at[2] as number) + 1 : null, field);
  }

  private emitWhole(found: Found[]): void {
    found.push({ key: this.key, occurrence: this.occurrences.get(this.key)!, value: this.assembler!.current });
    this.assembler = null;
  }

  private emitElement(found: Found[]): void {
    found.push({ key: this.key, occurrence: this.occurrences.get(this.key)!, position: this.position, recordType: this.recordType });
  }
}

/**
 * Keys given twice in one object of the file, which JSON.parse reads as the last value given without a word,
 * though a file that has them almost always holds a mistake: each is a problem at its path. Found while the
 * first pass tokenizes the file (which sees every key anyway); few in any file, so kept until their record is read.
 */
class RepeatedKeys {
  /** Top-level keys given twice (a section or the catalogue record). */
  readonly topLevel = new Set<string>();
  /**
   * Per top-level key, by the element's position (null: the value itself, the catalogue record), the problems by
   * path: a key repeated many times at one path is one problem, so they are never more than the record's keys.
   */
  private readonly inValues = new Map<string, Map<number | null, Map<string, LocatedProblem>>>();

  topLevelKey(key: string): void {
    this.topLevel.add(key);
    // Only the last occurrence is read: what the ones before held is no record's.
    this.inValues.delete(key);
  }

  found(key: string, position: number | null, field: string): void {
    let byPosition = this.inValues.get(key);
    if (!byPosition) this.inValues.set(key, (byPosition = new Map()));
    let problems = byPosition.get(position);
    if (!problems) byPosition.set(position, (problems = new Map()));
    if (!problems.has(field)) problems.set(field, { field, message: REPEATED_KEY, code: 'DUPLICATE_KEY' });
  }

  /** The problems of a top-level key's value, or of the element at this (1-based) position of its section. */
  within(key: string, position: number | null): LocatedProblem[] {
    const problems = this.inValues.get(key)?.get(position);
    return problems ? [...problems.values()] : [];
  }

  /** The record with its repeated keys among the problems that keep it out. */
  reported(record: SourceRecord, problems: LocatedProblem[]): SourceRecord {
    return problems.length === 0 ? record : { ...record, readProblems: [...(record.readProblems ?? []), ...problems] };
  }
}

/** Why a repeated key is a problem: JSON.parse would keep the last value silently. */
const REPEATED_KEY = 'given twice in one object; JSON keeps only the last value, so give the key once';

/** Whether a section's element at this position (1-based) is wanted now; null for a section not read. */
type SectionReading = (position: number) => boolean;

/** A wanted element of a section, parsed. */
interface Element {
  key: string;
  occurrence: number;
  position: number;
  value: unknown;
}

/**
 * Streams the wanted elements of the top-level object's sections, a read block at a time, for a file whose
 * syntax the first pass has checked: the raw bytes are scanned for each element's extent (strings and nesting
 * only) and each wanted element's text goes to the native JSON.parse, far cheaper than tokenizing it. `stop`
 * ends the reading early (checked after each block, once no wanted element is half read).
 */
async function* readElements(location: string, reading: (key: string, occurrence: number) => SectionReading | null, stop: () => boolean): AsyncGenerator<Element> {
  const scanner = new ElementScanner(reading);
  const input = createReadStream(location, { highWaterMark: READ_BLOCK });
  try {
    for await (const block of input as AsyncIterable<Buffer>) {
      yield* scanner.scan(block);
      if (stop() && !scanner.busy) return;
    }
  } finally {
    input.destroy();
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Finds the top-level object's keys and the extent of each element of the sections being read, in raw UTF-8
 * bytes (structural characters are ASCII, never part of a multi-byte character). A key or wanted element that
 * spans read blocks is kept as pieces of them until it ends.
 */
class ElementScanner {
  /** Nesting depth (1: inside the top-level object, 2: inside one of its values). */
  private depth = 0;
  private inString = false;
  /** The string's last byte so far was an escaping backslash. */
  private escaped = false;
  /** Within the top-level object: a key is next, or a value, or the value is under way. */
  private top: 'key' | 'value' | 'after' = 'key';
  private key = '';
  private occurrences = new Map<string, number>();
  /** The section whose elements are being walked (depth 2 is inside its array), or null. */
  private section: SectionReading | null = null;
  private position = 0;
  /** The element being walked, by what ends it; null between elements. */
  private element: 'container' | 'string' | 'scalar' | null = null;
  private wanted = false;
  private capturingKey = false;
  /** Pieces of earlier blocks of the key or wanted element being kept, and where it starts in this block. */
  private pieces: Buffer[] | null = null;
  private captureStart = 0;

  constructor(private readonly reading: (key: string, occurrence: number) => SectionReading | null) {}

  /** Whether a wanted element is half read. */
  get busy(): boolean {
    return this.element !== null && this.wanted;
  }

  /** The wanted elements that end in this block (what precedes the top-level object, a byte-order mark, is passed over). */
  scan(block: Buffer): Element[] {
    const found: Element[] = [];
    if (this.pieces) this.captureStart = 0;
    const n = block.length;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        const quote = block.indexOf(QUOTE, i);
        const end = quote < 0 ? n : quote;
        let backslashes = 0;
        while (end - backslashes - 1 >= i && block[end - backslashes - 1] === BACKSLASH) backslashes++;
        if (quote < 0) {
          this.escaped = backslashes % 2 === 1;
          break;
        }
        i = quote + 1;
        if (backslashes % 2 === 1) continue;
        this.inString = false;
        if (this.capturingKey) {
          this.capturingKey = false;
          this.key = JSON.parse(this.captured(block, i)) as string;
          const occurrence = (this.occurrences.get(this.key) ?? 0) + 1;
          this.occurrences.set(this.key, occurrence);
        } else if (this.element === 'string' && this.depth === 2) this.endElement(block, i, found);
        continue;
      }
      const c = block[i];
      if (this.element === 'scalar' && this.depth === 2 && (isSpace(c) || c === COMMA || c === CLOSE_ARRAY)) this.endElement(block, i, found);
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1) {
          if (this.top === 'key') {
            this.capturingKey = true;
            this.startCapture(i);
          } else this.top = 'after';
        } else if (this.depth === 2 && this.section && this.element === null) this.startElement(block, i, 'string');
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.depth === 1 && this.top === 'value') {
          this.top = 'after';
          this.section = c === OPEN_ARRAY ? this.reading(this.key, this.occurrences.get(this.key)!) : null;
          this.position = 0;
        } else if (this.depth === 2 && this.section && this.element === null) this.startElement(block, i, 'container');
        this.depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === 2 && this.element === 'container') this.endElement(block, i + 1, found);
        else if (this.depth === 1) this.section = null;
      } else if (c === COMMA) {
        if (this.depth === 1) this.top = 'key';
      } else if (c === COLON) {
        if (this.depth === 1) this.top = 'value';
      } else if (!isSpace(c)) {
        // The first character of a number, true, false or null.
        if (this.depth === 1 && this.top === 'value') this.top = 'after';
        else if (this.depth === 2 && this.section && this.element === null) this.startElement(block, i, 'scalar');
      }
      i++;
    }
    if (this.pieces) this.pieces.push(block.subarray(this.captureStart));
    return found;
  }

  private startElement(block: Buffer, at: number, kind: 'container' | 'string' | 'scalar'): void {
    this.element = kind;
    this.position++;
    this.wanted = this.section!(this.position);
    if (this.wanted) this.startCapture(at);
  }

  private endElement(block: Buffer, end: number, found: Element[]): void {
    if (this.wanted) {
      found.push({ key: this.key, occurrence: this.occurrences.get(this.key)!, position: this.position, value: JSON.parse(this.captured(block, end)) });
    }
    this.element = null;
  }

  private startCapture(at: number): void {
    this.pieces = [];
    this.captureStart = at;
  }

  /** The text kept from the capture's start to `end` in this block. */
  private captured(block: Buffer, end: number): string {
    const pieces = this.pieces!;
    this.pieces = null;
    if (pieces.length === 0) return block.toString('utf8', this.captureStart, end);
    pieces.push(block.subarray(this.captureStart, end));
    return Buffer.concat(pieces).toString('utf8');
  }
}
