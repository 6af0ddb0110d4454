import ExcelJS from 'exceljs';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { csvRecords } from './csv-reader.js';
import type { Json } from './record-inputs.js';
import { decodedText } from './text-encoding.js';
import { ABOUT_SHEET, type Cell, columnPath, getPath, SHEETS, type Sheet, writeCell } from './spreadsheet-columns.js';

/** One row of one sheet as read, before its header is applied (row 1 is the header). */
export interface RawRow {
  sheet: string;
  row: number;
  cells: Cell[];
  /** From a CSV file separated by semicolons, as Excel writes where the decimal separator is a comma: numbers may be written 30,5 or 1 200. */
  decimalComma?: boolean;
}

/**
 * A spreadsheet file: its sheets in the file's order, each read as rows when asked for (an XLSX sheet is a
 * part of its zip, a CSV sheet a file of its own), so the import chooses the order it reads them in.
 */
export interface Spreadsheet {
  sheets: string[];
  rows(sheet: string): AsyncIterable<RawRow>;
  /** About how many rows a sheet has, header included, read cheaply ahead (for a progress bar); null when unknown. */
  estimatedRows(sheet: string): Promise<number | null>;
  close(): Promise<void>;
}

/**
 * CSV files as a spreadsheet, each file one sheet (named by the file: datasets.csv is the datasets sheet; see
 * csv-reader.ts for the CSV it reads). Text is UTF-8, or Windows-1252 as Excel's plain CSV (text-encoding.ts).
 */
export function csvSpreadsheet(files: { sheet: string; input: string | Readable }[]): Spreadsheet {
  return {
    sheets: [...new Set(files.map((f) => f.sheet))],
    rows: (sheet) => readCsv(files.filter((f) => f.sheet === sheet)),
    estimatedRows: async (sheet) => {
      const inputs = files.filter((f) => f.sheet === sheet).map((f) => f.input);
      // A stream can be read only once: its sheet is not estimated.
      if (inputs.some((input) => typeof input !== 'string')) return null;
      let rows = 0;
      for (const input of inputs as string[]) rows += await lineBreaks(input);
      return rows;
    },
    close: async () => {},
  };
}

/**
 * The line breaks of a file (one more if its last line has none): its rows, but for line breaks inside
 * quoted fields, which an estimate may count. Far cheaper than reading the records.
 */
async function lineBreaks(file: string): Promise<number> {
  let count = 0;
  let last = LF;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) count++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return last === LF ? count : count + 1;
}
const LF = 0x0a;

async function* readCsv(files: { sheet: string; input: string | Readable }[]): AsyncGenerator<RawRow> {
  for (const { sheet, input } of files) {
    let row = 0;
    let decimalComma = false;
    const records = csvRecords(decodedText(typeof input === 'string' ? createReadStream(input) : input), (separator) => (decimalComma = separator === ';'));
    for await (const cells of records) yield decimalComma ? { sheet, row: ++row, cells, decimalComma } : { sheet, row: ++row, cells };
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
