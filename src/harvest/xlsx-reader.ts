import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ownCopy } from '../core/own-copy.js';
import type { Cell } from './spreadsheet-columns.js';
import type { RawRow, Spreadsheet } from './spreadsheet-files.js';

/**
 * An XLSX workbook, read from the zip's central directory: every part is found where the workbook's
 * relationships say it is, and each sheet is streamed when asked for, in any order. (exceljs's streaming reader
 * walks the zip's local headers instead, hard-codes part names, and under load at times lost the shared strings,
 * so that every text cell of a file came back unresolved.) The shared strings are read on opening.
 */
export async function openXlsx(input: string | Buffer): Promise<Spreadsheet> {
  const zip = await ZipFile.open(input);
  try {
    const workbookXml = await zip.text('xl/workbook.xml');
    if (workbookXml === undefined) throw new Error('not an XLSX workbook (it has no xl/workbook.xml)');
    const targets = relationshipTargets((await zip.text('xl/_rels/workbook.xml.rels')) ?? '', 'xl/');
    const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"/.test(workbookXml);
    const sharedStringsPart = [...targets.values()].find((t) => t.type.endsWith('/sharedStrings'))?.path;
    const stylesPart = [...targets.values()].find((t) => t.type.endsWith('/styles'))?.path;
    const shared = sharedStringsPart && zip.has(sharedStringsPart) ? await readSharedStrings(zip.stream(sharedStringsPart)) : [];
    const dateStyles = stylesPart ? dateStyleIndexes((await zip.text(stylesPart)) ?? '') : new Set<number>();
    const parts = new Map<string, string>();
    for (const [element] of workbookXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
      const a = xmlAttributes(element);
      const part = targets.get(a['r:id'] ?? '')?.path;
      if (!part || !zip.has(part)) throw new Error(`the sheet "${a.name}" has no part in the workbook`);
      parts.set(a.name ?? '', part);
    }
    return {
      sheets: [...parts.keys()],
      rows: (sheet) => readSheet(sheet, zip.stream(parts.get(sheet)!), { shared, dateStyles, date1904 }),
      estimatedRows: (sheet) => estimatedRows(zip.stream(parts.get(sheet)!), zip.inflatedSize(parts.get(sheet)!)),
      close: () => zip.close(),
    };
  } catch (error) {
    await zip.close();
    throw error;
  }
}

/** How much of a sheet's XML an estimate of its rows reads. */
const ROWS_SAMPLE_BYTES = 64 * 1024;

/**
 * About how many rows a sheet has, from its first bytes only: the last row of its <dimension ref="A1:AZ20001">
 * (Excel and LibreOffice write it before the rows), else the rows of the first 64 KiB scaled to the sheet's
 * inflated size (the zip directory states it; exceljs's streaming writer states no dimension).
 */
async function estimatedRows(xml: Readable, inflatedSize: number): Promise<number | null> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let whole = true;
  try {
    for await (const chunk of xml as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= ROWS_SAMPLE_BYTES) {
        whole = false;
        break;
      }
    }
  } finally {
    xml.destroy();
  }
  const head = Buffer.concat(chunks).toString('latin1');
  const dimension = /<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]*\d*:?[A-Z]*(\d+)"/.exec(head);
  if (dimension) return Number(dimension[1]);
  const rows = head.match(/<(?:\w+:)?row\b/g)?.length ?? 0;
  if (whole) return rows;
  return rows === 0 || inflatedSize <= 0 ? null : Math.round((rows * inflatedSize) / bytes);
}

interface SheetContext {
  shared: string[];
  dateStyles: Set<number>;
  date1904: boolean;
}

/** One sheet's rows as they are parsed, chunk by chunk (rows absent from the sheet are absent here too). */
async function* readSheet(sheet: string, xml: Readable, context: SheetContext): AsyncGenerator<RawRow> {
  const parser = new SaxesParser();
  const ready: RawRow[] = [];
  let rowNumber = 0;
  let cells: Cell[] = [];
  let column = -1;
  let cell: { type: string; style: number } | null = null;
  let value = '';
  let inValue = false;
  let inPhonetic = false;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (name === 'row') {
      rowNumber = tag.attributes.r ? Number(tag.attributes.r) : rowNumber + 1;
      cells = [];
      column = -1;
    } else if (name === 'c') {
      column = tag.attributes.r ? columnIndex(String(tag.attributes.r)) : column + 1;
      // A row is an array as wide as its last cell: a reference far to the right would fill memory with empty cells.
      if (column >= MAX_COLUMNS) throw new Error(`row ${rowNumber} has a cell beyond column XFD, the last a workbook can have`);
      cell = { type: String(tag.attributes.t ?? 'n'), style: Number(tag.attributes.s ?? 0) };
      value = '';
    } else if (name === 'rPh') inPhonetic = true;
    else if (cell && !inPhonetic && (name === 'v' || name === 't')) inValue = true;
  });
  const onText = (text: string) => {
    if (inValue) value += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (name === 'v' || name === 't') inValue = false;
    else if (name === 'rPh') inPhonetic = false;
    else if (name === 'c' && cell) {
      while (cells.length < column) cells.push(null);
      cells[column] = cellValue(cell.type, cell.style, value, context);
      cell = null;
    } else if (name === 'row' && cells.length > 0) ready.push({ sheet, row: rowNumber, cells });
  });
  // A chunk may end inside a character's bytes: the decoder keeps them for the next (decoded alone, each half
  // was a replacement character).
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of xml) {
      parser.write(decoder.write(chunk as Buffer));
      yield* ready.splice(0);
    }
    parser.write(decoder.end());
    parser.close();
  } catch (error) {
    throw new Error(`the sheet "${sheet}" cannot be read: ${(error as Error).message}`);
  }
  yield* ready.splice(0);
}

/** A cell's value by its type (ECMA-376 ST_CellType); a number in a date format is a date. */
function cellValue(type: string, style: number, text: string, context: SheetContext): Cell {
  switch (type) {
    case 's':
      return context.shared[Number(text)] ?? null;
    case 'str':
    case 'inlineStr':
      return ownCopy(unescapeXString(text));
    case 'b':
      return text === '1' || text === 'true';
    case 'e':
      return ownCopy(text);
    case 'd':
      return text ? new Date(text) : null;
    default: {
      if (text === '') return null;
      const number = Number(text);
      return context.dateStyles.has(style) ? excelDate(number, context.date1904) : number;
    }
  }
}

/** Days since Excel's epoch as a date (the 1900 system counts a 29 February 1900 that never was). */
function excelDate(serial: number, date1904: boolean): Date {
  const unixEpochSerial = date1904 ? 24_107 : 25_569;
  return new Date(Math.round((serial - unixEpochSerial) * 86_400_000));
}

/** Columns A..XFD: ECMA-376 Part 1, 18.3.1.4, and Excel's limit. */
const MAX_COLUMNS = 16_384;

/** Columns A..Z, AA.. as 0-based indexes, from a cell reference such as "AB12". */
function columnIndex(reference: string): number {
  let index = 0;
  for (const char of reference) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

/** The shared strings part: each <si> is one string, its runs joined (phonetic runs left out). */
async function readSharedStrings(xml: Readable): Promise<string[]> {
  const parser = new SaxesParser();
  const strings: string[] = [];
  let current: string | null = null;
  let inText = false;
  let inPhonetic = false;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (name === 'si') current = '';
    else if (name === 'rPh') inPhonetic = true;
    else if (name === 't' && !inPhonetic) inText = true;
  });
  const onText = (text: string) => {
    if (inText && current !== null) current += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (name === 't') inText = false;
    else if (name === 'rPh') inPhonetic = false;
    else if (name === 'si' && current !== null) {
      // Held for the whole import: a string of its own, not slices of the part's chunks.
      strings.push(ownCopy(unescapeXString(current)));
      current = null;
    }
  });
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of xml) parser.write(decoder.write(chunk as Buffer));
    parser.write(decoder.end());
    parser.close();
  } catch (error) {
    throw new Error(`the shared strings cannot be read: ${(error as Error).message}`);
  }
  return strings;
}

/** Built-in number formats that show dates or times (ECMA-376 18.8.30). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** The cell styles (indexes into cellXfs) whose number format shows a date or time. */
function dateStyleIndexes(stylesXml: string): Set<number> {
  const custom = new Map<number, string>();
  for (const [element] of stylesXml.matchAll(/<(?:\w+:)?numFmt\b[^>]*>/g)) {
    const a = xmlAttributes(element);
    custom.set(Number(a.numFmtId), a.formatCode ?? '');
  }
  const isDateFormat = (id: number) => {
    if (BUILT_IN_DATE_FORMATS.has(id)) return true;
    const code = custom.get(id);
    // Quoted text, escaped characters and [colour]/[locale] sections say nothing about dates; [h] elapsed time does.
    return code !== undefined && /[dmyhs]/i.test(code.replace(/"[^"]*"|\\.|\[(?![hms]+\])[^\]]*\]/gi, ''));
  };
  const cellXfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(stylesXml)?.[1] ?? '';
  const dates = new Set<number>();
  [...cellXfs.matchAll(/<(?:\w+:)?xf\b[^>]*>/g)].forEach(([element], index) => {
    if (isDateFormat(Number(xmlAttributes(element).numFmtId ?? 0))) dates.add(index);
  });
  return dates;
}

/** The relationships of a part by id, with their targets as paths inside the zip. */
function relationshipTargets(relsXml: string, base: string): Map<string, { type: string; path: string }> {
  const targets = new Map<string, { type: string; path: string }>();
  for (const [element] of relsXml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const a = xmlAttributes(element);
    if (!a.Id || !a.Target) continue;
    targets.set(a.Id, { type: a.Type ?? '', path: normalisePath(a.Target.startsWith('/') ? a.Target.slice(1) : base + a.Target) });
  }
  return targets;
}

function normalisePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

function xmlAttributes(element: string): Record<string, string> {
  return Object.fromEntries([...element.matchAll(/([\w:]+)="([^"]*)"/g)].map(([, name, value]) => [name, unescapeXml(value!)]));
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#\d+);/gi, (_, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[entity.toLowerCase()]!;
  });
}

/** Excel writes characters XML cannot hold (control characters) as _xHHHH_ (ECMA-376 22.9.2.19). */
function unescapeXString(text: string): string {
  return text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

interface ZipEntry {
  method: number;
  compressedSize: number;
  /** As the directory states it (what inflating gives is checked as it is read). */
  inflatedSize: number;
  localHeaderOffset: number;
}

/**
 * How far a workbook may inflate, in all its parts together: 100 times its own size, and at least 64 MiB.
 * Spreadsheets compress about 10 to 20 times (a 20,000-row import 12.5 times); a zip bomb, a small file that
 * inflates to gigabytes, or one whose entries all point at the same data, is refused before it fills memory
 * (shared strings are held whole) or keeps an import busy for hours.
 */
const INFLATION_RATIO = 100;
const MIN_INFLATED_BYTES = 64 * 1024 * 1024;

/** The entries of a zip file, found through its central directory; each entry read only when asked for. */
class ZipFile {
  /** Bytes this workbook may still inflate to. */
  private allowance: number;

  private constructor(
    private readonly input: string | Buffer,
    private readonly handle: FileHandle | null,
    private readonly entries: Map<string, ZipEntry>,
    size: number,
  ) {
    this.allowance = Math.max(MIN_INFLATED_BYTES, INFLATION_RATIO * size);
  }

  static async open(input: string | Buffer): Promise<ZipFile> {
    const handle = typeof input === 'string' ? await open(input, 'r') : null;
    try {
      const size = handle ? (await handle.stat()).size : (input as Buffer).length;
      const read = async (position: number, length: number) => ZipFile.readRange(input, handle, size, position, length);
      const tail = await read(size - 65_557, 65_557);
      const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
      if (end < 0 || end + 22 > tail.length) throw new Error('not an XLSX workbook (not a zip file)');
      const directorySize = tail.readUInt32LE(end + 12);
      const directoryOffset = tail.readUInt32LE(end + 16);
      if (directoryOffset === 0xffffffff) throw new Error('a workbook over 4 GiB (ZIP64) is not supported');
      const directory = await read(directoryOffset, directorySize);
      const entries = new Map<string, ZipEntry>();
      for (let at = 0; at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50; ) {
        const nameLength = directory.readUInt16LE(at + 28);
        entries.set(directory.toString('utf8', at + 46, at + 46 + nameLength), {
          method: directory.readUInt16LE(at + 10),
          compressedSize: directory.readUInt32LE(at + 20),
          inflatedSize: directory.readUInt32LE(at + 24),
          localHeaderOffset: directory.readUInt32LE(at + 42),
        });
        at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
      }
      return new ZipFile(input, handle, entries, size);
    } catch (error) {
      await handle?.close();
      throw error;
    }
  }

  private static async readRange(input: string | Buffer, handle: FileHandle | null, size: number, position: number, length: number): Promise<Buffer> {
    const start = Math.max(0, position);
    const end = Math.min(size, position + length);
    if (!handle) return (input as Buffer).subarray(start, end);
    const buffer = Buffer.alloc(Math.max(0, end - start));
    await handle.read(buffer, 0, buffer.length, start);
    return buffer;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The size a part inflates to, as the zip directory states it. */
  inflatedSize(name: string): number {
    return this.entries.get(name)?.inflatedSize ?? 0;
  }

  /** A small part (workbook, relationships, styles) as text. */
  async text(name: string): Promise<string | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    const data = await ZipFile.readRange(this.input, this.handle, Infinity, await this.dataOffset(entry), entry.compressedSize);
    let text: Buffer;
    try {
      text = entry.method === 8 ? inflateRawSync(data, { maxOutputLength: Math.max(1, this.allowance) }) : data;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw this.tooLarge();
      throw error;
    }
    this.spend(text.length);
    return text.toString('utf8');
  }

  /** A part as a stream of its bytes, inflated as they are read. */
  stream(name: string): Readable {
    const entry = this.entries.get(name)!;
    const inflated = entry.method === 8 ? createInflateRaw() : new PassThrough();
    const output = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        try {
          this.spend(chunk.length);
          done(null, chunk);
        } catch (error) {
          done(error as Error);
        }
      },
    });
    inflated.on('error', (error: Error) => output.destroy(error)).pipe(output);
    void this.dataOffset(entry).then(
      (start) => {
        const raw =
          typeof this.input === 'string'
            ? createReadStream(this.input, { start, end: start + entry.compressedSize - 1, highWaterMark: 256 * 1024 })
            : Readable.from([this.input.subarray(start, start + entry.compressedSize)]);
        raw.on('error', (error: Error) => output.destroy(error)).pipe(inflated);
        output.on('close', () => raw.destroy());
      },
      (error: Error) => output.destroy(error),
    );
    return output;
  }

  private spend(bytes: number): void {
    this.allowance -= bytes;
    if (this.allowance < 0) throw this.tooLarge();
  }

  private tooLarge(): Error {
    return new Error(`the workbook inflates to more than ${INFLATION_RATIO} times its size (at least ${MIN_INFLATED_BYTES / 1024 / 1024} MiB): refused as a possible zip bomb`);
  }

  /** Where an entry's data starts: after its local header, whose name and extra field may differ in length from the directory's. */
  private async dataOffset(entry: ZipEntry): Promise<number> {
    const local = await ZipFile.readRange(this.input, this.handle, Infinity, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new Error('a damaged workbook (a part is not where the zip directory says)');
    return entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}
