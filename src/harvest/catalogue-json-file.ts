import { createReadStream } from 'node:fs';
import Assembler from 'stream-json/assembler.js';
import { verifyFile } from 'stream-json/file/verifier.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import {
  catalogueRecordOf,
  emptyContext,
  groupOf,
  learnFrom,
  NOT_A_CATALOGUE_DOCUMENT,
  organisationRecord,
  parentsFirst,
  SECTION_GROUPS,
  type SectionGroup,
  sectionRecord,
} from './catalogue-json.js';
import type { ImportSource, SourceRecord } from './import-source.js';
import type { Json } from './record-inputs.js';

/** stream-chain's `none` (a registered symbol): given to the parser, it ends the input. */
const END_OF_INPUT = Symbol.for('object-stream.none');
const READ_BLOCK = 1 << 16;

/** How a top-level value is read: whole, element by element (each element read, peeked at or skipped), or skipped. */
type Reading = 'whole' | 'skip' | { element(position: number): 'value' | 'peek' | 'skip' };

/** A top-level value read whole, an element read, or an element peeked at (its recordType only). */
type Found =
  | { key: string; occurrence: number; value: unknown }
  | { key: string; occurrence: number; position: number; value: unknown }
  | { key: string; occurrence: number; position: number; recordType: unknown };

/**
 * The example-catalogue JSON file on disk (the shape of catalogue-json.ts), read record by record: memory is
 * bounded by the import's batch, not by the file. A first pass checks the syntax, counts the records (the
 * progress bar's total) and keeps the catalogue record and the organisations (few, ordered parents first);
 * the records are then read in dependency order (access bodies, publications, studies, datasets, evaluations)
 * in one more pass when the file lists its sections in that order, in one pass per part that comes too early
 * otherwise. The file may be read several times; nothing of it is held whole.
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
    return { element: () => 'peek' };
  };
  for await (const found of readTopLevel(location, file, index)) {
    if (!('position' in found)) {
      if (found.key === 'catalogue') catalogueValue = found.value;
      else organisations = Array.isArray(found.value) ? found.value : [];
    } else if ('recordType' in found) {
      const section = sections.get(found.key)!;
      if (section.occurrence === found.occurrence) section.groups.push(groupOf(found.key as SectionGroup['section'], found.recordType));
    }
  }
  const counts = SECTION_GROUPS.map((g, i) => sections.get(g.section)?.groups.filter((group) => group === i).length ?? 0);
  const catalogue = catalogueRecordOf(catalogueValue);
  const context = emptyContext(defaultOwner, catalogue);
  const changed = () => new Error(`${file} changed while it was being imported`);
  return {
    file,
    catalogue,
    total: organisations.length + counts.reduce((a, b) => a + b, 0),
    context,
    async *records() {
      for (const [i, o] of parentsFirst(organisations)) yield organisationRecord(file, i + 1, o);
      const remaining = [...counts];
      let due = remaining.findIndex((n) => n > 0);
      while (due >= 0) {
        const start = due;
        // Elements of a later part met before it is due: that part is read in a pass of its own, in file order.
        const metEarly = SECTION_GROUPS.map(() => false);
        let blocked = false;
        const reading = (key: string, occurrence: number): Reading => {
          const section = sections.get(key);
          if (!section || section.occurrence !== occurrence) return 'skip';
          return {
            element: (position) => {
              const group = section.groups[position - 1];
              if (blocked || group !== due) {
                if (group > due) metEarly[group] = true;
                return 'skip';
              }
              if (--remaining[group] === 0) {
                due = remaining.findIndex((n) => n > 0);
                blocked = due >= 0 && metEarly[due];
              }
              return 'value';
            },
          };
        };
        for await (const found of readTopLevel(location, file, reading, () => blocked || due < 0)) {
          if (!('position' in found) || !('value' in found)) continue;
          const group = SECTION_GROUPS[sections.get(found.key)!.groups[found.position - 1]];
          if (groupOf(group.section, (found.value as Json)?.recordType) !== SECTION_GROUPS.indexOf(group)) throw changed();
          const record: SourceRecord = sectionRecord(file, group, found.position, found.value as Json);
          learnFrom(context, record);
          yield record;
        }
        if (remaining[start] > 0) throw changed();
      }
    },
  };
}

/**
 * Streams the file's top-level object: what `reading` asks for, a read block at a time. `stop` ends the reading
 * early (checked after each block, once no element is half read). A file that is not JSON is an error naming
 * the line, the column and the reason.
 */
async function* readTopLevel(location: string, file: string, reading: (key: string, occurrence: number) => Reading, stop = () => false): AsyncGenerator<Found> {
  const walker = new TopLevelWalker(reading);
  const parse = jsonParser({ streamValues: false });
  const feed = (input: string | symbol): Found[] => {
    const tokens = parse(input as string) as { values: Token[] } | symbol;
    return typeof tokens === 'symbol' ? [] : walker.consume(tokens.values);
  };
  let first = true;
  const input = createReadStream(location, { encoding: 'utf8', highWaterMark: READ_BLOCK });
  try {
    for await (const block of input) {
      // A byte-order mark is not part of the JSON.
      const text = first ? (block as string).replace(/^\uFEFF/, '') : (block as string);
      first = false;
      yield* await parsed(() => feed(text), location, file, false);
      // Not while an element is half read: it was taken when it started, so it is finished first.
      if (stop() && !walker.busy) return;
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
 * An assembler whose strings are copies: the parser's are slices of its read block, so a record's identifier
 * kept after its batch (the import remembers every identifier) would keep the whole block, and the file's
 * text would pile up in memory after all. Prepending and cutting a character makes the engine copy.
 */
class DetachingAssembler extends Assembler {
  override stringValue(value: string): void {
    super.stringValue(value.length < 13 ? value : ` ${value}`.slice(1));
  }
}

/** Follows the parser's tokens through the top-level object, reading each value or element as asked. */
class TopLevelWalker {
  /** Nesting depth of the token stream (1: inside the top-level object). */
  private depth = 0;
  private started = false;
  private key = '';
  private occurrences = new Map<string, number>();
  private mode: 'keys' | 'value' | 'skip' | 'elements' | 'element' | 'peek' = 'keys';
  private readingNow: Reading = 'skip';
  /** Depth at which the value (or element) being read started. */
  private base = 0;
  private position = 0;
  private assembler: Assembler | null = null;
  private recordType: unknown = undefined;
  private typeNext = false;

  constructor(private readonly reading: (key: string, occurrence: number) => Reading) {}

  /** Whether a value or element is being assembled. */
  get busy(): boolean {
    return this.assembler !== null;
  }

  consume(tokens: Token[]): Found[] {
    const found: Found[] = [];
    for (const token of tokens) {
      if (!this.started) {
        if (token.name !== 'startObject') throw new NotACatalogue();
        this.started = true;
        this.depth = 1;
        continue;
      }
      const opens = token.name === 'startObject' || token.name === 'startArray';
      const closes = token.name === 'endObject' || token.name === 'endArray';
      if (opens) this.depth++;
      else if (closes) this.depth--;
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
          if (this.readingNow === 'whole') {
            this.assembler = new DetachingAssembler();
            this.assembler.consume(token);
            this.mode = opens ? 'skip' : 'keys';
            if (!opens) this.emitWhole(found);
          } else if (typeof this.readingNow === 'object' && token.name === 'startArray') {
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
          const how = (this.readingNow as Exclude<Reading, string>).element(this.position);
          this.base = 2;
          this.recordType = undefined;
          this.typeNext = false;
          if (how === 'value') {
            this.assembler = new DetachingAssembler();
            this.assembler.consume(token);
          }
          if (!opens) this.emitElement(found, how);
          else this.mode = how === 'peek' ? 'peek' : 'element';
          break;
        }
        case 'element':
          this.assembler?.consume(token);
          if (this.depth === this.base) {
            this.emitElement(found, this.assembler ? 'value' : 'skip');
            this.mode = 'elements';
          }
          break;
        case 'peek':
          // A record's recordType, from its own keys only (the last one given, as JSON.parse).
          if (this.depth === 3 && token.name === 'keyValue') this.typeNext = token.value === 'recordType';
          else if (this.typeNext) {
            this.recordType = token.name === 'stringValue' ? token.value : undefined;
            this.typeNext = false;
          }
          if (this.depth === this.base) {
            this.emitElement(found, 'peek');
            this.mode = 'elements';
          }
          break;
      }
    }
    return found;
  }

  private emitWhole(found: Found[]): void {
    found.push({ key: this.key, occurrence: this.occurrences.get(this.key)!, value: this.assembler!.current });
    this.assembler = null;
  }

  private emitElement(found: Found[], how: 'value' | 'peek' | 'skip'): void {
    const occurrence = this.occurrences.get(this.key)!;
    if (how === 'value') found.push({ key: this.key, occurrence, position: this.position, value: this.assembler!.current });
    else if (how === 'peek') found.push({ key: this.key, occurrence, position: this.position, recordType: this.recordType });
    this.assembler = null;
  }
}
