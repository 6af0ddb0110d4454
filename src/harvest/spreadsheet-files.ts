import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import type { Json } from './record-inputs.js';
import { ABOUT_SHEET, type Cell, columnPath, getPath, SHEETS, type Sheet, writeCell } from './spreadsheet-columns.js';

/** One row of one sheet as read, before its header is applied (row 1 is the header). */
export interface RawRow {
  sheet: string;
  row: number;
  cells: Cell[];
}

/**
 * The rows of an XLSX workbook, streamed (exceljs's WorkbookReader: a worksheet stored before the shared
 * strings goes to a temporary file, never to memory), sheet after sheet.
 */
export async function* readXlsx(input: string | Buffer): AsyncGenerator<RawRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(typeof input === 'string' ? input : Readable.from([input]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  // The streaming reader names sheets from xl/workbook.xml, which some writers (exceljs itself) store last,
  // after the sheets; it then loses the names, at times the entry. Read the names first from the zip directory.
  Object.assign(workbook, await sheetNames(input));
  for await (const worksheet of workbook) {
    const sheet = (worksheet as unknown as { name: string }).name;
    for await (const row of worksheet) {
      const values = row.values as unknown[];
      yield { sheet, row: row.number, cells: Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => xlsxCell(values[i + 1])) };
    }
  }
}

/** The sheet list and relationships of a workbook in the form exceljs's reader keeps them. */
async function sheetNames(input: string | Buffer): Promise<{ model: { sheets: Json[] }; workbookRels: Json[] }> {
  const files = await unzipEntries(input, ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels']);
  const attributes = (element: string) =>
    Object.fromEntries([...element.matchAll(/([\w:]+)="([^"]*)"/g)].map(([, name, value]) => [name, unescapeXml(value)]));
  const sheets = [...(files.get('xl/workbook.xml') ?? '').matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)].map(([element]) => {
    const a = attributes(element);
    return { name: a.name, id: Number(a.sheetId), rId: a['r:id'], state: a.state ?? 'visible' };
  });
  const workbookRels = [...(files.get('xl/_rels/workbook.xml.rels') ?? '').matchAll(/<Relationship\b[^>]*>/g)].map(([element]) => {
    const a = attributes(element);
    return { Id: a.Id, Type: a.Type, Target: a.Target?.replace(/^\/?xl\//, '') };
  });
  return { model: { sheets }, workbookRels };
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
}

/**
 * Small entries of a zip file, found through its central directory (no reading of the rest). Not a zip
 * (or a damaged one) gives no entries; the streaming reader then reports what is wrong.
 */
async function unzipEntries(input: string | Buffer, names: string[]): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const handle = typeof input === 'string' ? await open(input, 'r') : null;
  const size = handle ? (await handle.stat()).size : input.length;
  const read = async (position: number, length: number): Promise<Buffer> => {
    const start = Math.max(0, position);
    const end = Math.min(size, position + length);
    if (!handle) return (input as Buffer).subarray(start, end);
    const buffer = Buffer.alloc(end - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer;
  };
  try {
    const tail = await read(size - 65_557, 65_557);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0) return entries;
    const directory = await read(tail.readUInt32LE(end + 16), tail.readUInt32LE(end + 12));
    for (let at = 0; at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50; ) {
      const nameLength = directory.readUInt16LE(at + 28);
      const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
      if (names.includes(name)) {
        const method = directory.readUInt16LE(at + 10);
        const compressed = directory.readUInt32LE(at + 20);
        const local = await read(directory.readUInt32LE(at + 42), 30);
        const data = await read(directory.readUInt32LE(at + 42) + 30 + local.readUInt16LE(26) + local.readUInt16LE(28), compressed);
        entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
      }
      at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
  } catch {
    // Not a readable zip: the streaming reader says so.
  } finally {
    await handle?.close();
  }
  return entries;
}

/** A cell's value whatever Excel made of it: rich text, a hyperlink, a formula's result. */
function xlsxCell(value: unknown): Cell {
  if (value == null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value ?? null;
  const v = value as Json;
  if (Array.isArray(v.richText)) return v.richText.map((part: Json) => part.text).join('');
  if ('result' in v) return xlsxCell(v.result);
  if ('text' in v) return xlsxCell(v.text);
  if ('error' in v) return String(v.error);
  return String(value);
}

/**
 * The rows of CSV files, each file one sheet (named by the file: datasets.csv is the datasets sheet). Fields
 * are separated by commas, or by semicolons when the header row has them (Excel's CSV where the decimal
 * separator is a comma, as in Swedish).
 */
export async function* readCsv(files: { sheet: string; input: string | Readable }[]): AsyncGenerator<RawRow> {
  for (const { sheet, input } of files) {
    const chunks = (typeof input === 'string' ? createReadStream(input) : input)[Symbol.asyncIterator]();
    const first = await chunks.next();
    if (first.done) continue;
    const header = String(first.value).split(/\r?\n/, 1)[0];
    const delimiter = header.includes(';') && !header.includes(',') ? ';' : ',';
    const text = Readable.from(
      (async function* () {
        yield first.value;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      })(),
    );
    let row = 0;
    for await (const record of text.pipe(parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true }))) {
      yield { sheet, row: ++row, cells: record as string[] };
    }
  }
}

/** The CSV files of an import: every `*.csv` in a folder, or one file (its name names the sheet). */
export async function csvFilesAt(location: string): Promise<{ sheet: string; input: string }[]> {
  const sheetOf = (file: string) => ({ sheet: path.basename(file, path.extname(file)), input: file });
  if (!(await stat(location)).isDirectory()) return [sheetOf(location)];
  const names = (await readdir(location)).filter((name) => name.toLowerCase().endsWith('.csv')).sort();
  return names.map((name) => sheetOf(path.join(location, name)));
}

/**
 * An example-catalogue document as rows per sheet (the header first), sheet by sheet: the inverse of the
 * import's reading, used for the template and to turn a JSON file into a spreadsheet.
 */
export function* documentRows(document: Json): Generator<{ sheet: Sheet; rows: Generator<Cell[]> }> {
  // `records` is read once per sheet, so a document may hand out a fresh generator each time (large files).
  function* recordsOf(sheet: Sheet): Generator<Json> {
    if (sheet.name === 'catalogue') yield* document.catalogue ? [document.catalogue] : [];
    else if (sheet.name === 'organisations') yield* document.organisations ?? [];
    else if (sheet.name === 'accessBodies') yield* document.accessBodies ?? [];
    else if (sheet.name === 'publications') yield* document.publications ?? [];
    else for (const r of (document.records ?? []) as Iterable<Json>) if (r.recordType === sheet.recordType) yield r;
  }
  for (const sheet of SHEETS) {
    const parent = sheet.parent;
    function* rows(): Generator<Cell[]> {
      yield sheet.columns.map((c) => c.name);
      if (!parent) {
        for (const record of recordsOf(sheet)) yield sheet.columns.map((c) => writeCell(c, getPath(record, columnPath(c))));
        return;
      }
      for (const owner of recordsOf(SHEETS.find((s) => s.name === parent.sheet)!)) {
        const part = getPath(owner, parent.path);
        const parts = (parent.many ? (Array.isArray(part) ? part : []) : part ? [part] : []) as Json[];
        for (const p of parts) {
          yield sheet.columns.map((c) => (c.name === parent.column ? owner.id : writeCell(c, getPath(p, columnPath(c)))));
        }
      }
    }
    yield { sheet, rows: rows() };
  }
}

/** The columns of every sheet with what goes in them: the template's first sheet. */
function aboutRows(): Cell[][] {
  const rows: Cell[][] = [
    ['sheet', 'column', 'what goes in it'],
    ['', '', 'One sheet per record kind; row 1 holds the column names, each further row one record or part.'],
    ['', '', 'Lists are separated by ";"; the parts of a structured entry by "|" (e.g. IRI|label|system).'],
    ['', '', 'Records are matched by id: importing the same file again changes nothing.'],
  ];
  for (const sheet of SHEETS) {
    rows.push([sheet.name, '', sheet.help]);
    for (const column of sheet.columns) rows.push([sheet.name, column.name, column.help]);
  }
  return rows;
}

/** Writes a document (or, empty, the template) as an XLSX workbook, streamed: one sheet per record kind. */
export async function writeXlsx(document: Json, file: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  const about = workbook.addWorksheet(ABOUT_SHEET);
  about.columns = [{ width: 20 }, { width: 36 }, { width: 100 }];
  aboutRows().forEach((cells, i) => {
    const row = about.addRow(cells);
    if (i === 0) row.font = { bold: true };
    row.commit();
  });
  about.commit();
  for (const { sheet, rows } of documentRows(document)) {
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((c) => ({ key: c.name, width: Math.min(Math.max(c.name.length + 2, 12), 40) }));
    let first = true;
    for (const cells of rows) {
      const row = worksheet.addRow(cells);
      if (first) {
        row.font = { bold: true };
        sheet.columns.forEach((c, i) => (row.getCell(i + 1).note = c.help));
        first = false;
      }
      row.commit();
    }
    worksheet.commit();
  }
  await workbook.commit();
}

/** Writes a document (or, empty, the template) as a folder of CSV files, one per sheet, plus about.csv. */
export async function writeCsvFolder(document: Json, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeCsvFile(path.join(folder, `${ABOUT_SHEET}.csv`), aboutRows());
  for (const { sheet, rows } of documentRows(document)) await writeCsvFile(path.join(folder, `${sheet.name}.csv`), rows);
}

async function writeCsvFile(file: string, rows: Iterable<Cell[]>): Promise<void> {
  const out = createWriteStream(file);
  for (const cells of rows) {
    if (!out.write(`${cells.map(csvField).join(',')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(cell: Cell): string {
  const text = cell == null ? '' : cell instanceof Date ? cell.toISOString() : String(cell);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
