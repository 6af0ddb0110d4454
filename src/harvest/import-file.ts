import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { failureText } from '../core/failure-text.js';
import { catalogueJsonSource } from './catalogue-json.js';
import { catalogueJsonFileSource } from './catalogue-json-file.js';
import type { ImportSource } from './import-source.js';
import { csvFilesAt, csvSpreadsheet } from './spreadsheet-files.js';
import { spreadsheetSource } from './spreadsheet-source.js';
import { openXlsxInThread } from './xlsx-thread.js';

export type ImportFormat = 'json' | 'csv' | 'xlsx';

/** The format of an import file: by its extension; a folder holds CSV files. */
export async function importFormatOf(location: string): Promise<ImportFormat> {
  const found = await stat(location).catch((error: unknown) => {
    throw new Error(failureText(error), { cause: error });
  });
  if (found.isDirectory()) return 'csv';
  const extension = path.extname(location).toLowerCase();
  if (extension === '.xlsx') return 'xlsx';
  if (extension === '.csv') return 'csv';
  if (extension === '.json') return 'json';
  throw new Error(`${location}: not an import file (expected .json, .xlsx, .csv or a folder of .csv files)`);
}

/**
 * Opens an import file on disk: the example-catalogue JSON, an XLSX workbook, a CSV file or a folder of them;
 * each is read record by record. A JSON file that is not JSON is refused here, before anything is written.
 */
export async function openImportFile(location: string, defaultOwner: string | null): Promise<ImportSource> {
  const name = path.basename(location);
  switch (await importFormatOf(location)) {
    case 'json':
      return catalogueJsonFileSource(location, name, defaultOwner);
    case 'xlsx':
      return spreadsheetSource(name, () => openXlsxInThread(location), defaultOwner);
    case 'csv': {
      const files = await csvFilesAt(location);
      return spreadsheetSource(name, async () => csvSpreadsheet(files), defaultOwner);
    }
  }
}

/**
 * The `input` of the importCatalogue mutation: the example-catalogue document itself, or a spreadsheet in
 * the JSON value: `{ "format": "xlsx", "content": "<base64>" }` or `{ "format": "csv", "sheets": { "datasets":
 * "<CSV text>", ... } }` (one CSV text per sheet, named with or without ".csv"). A sheet may also be given as the
 * file's bytes, `{ "content": "<base64>" }`, read as a CSV file on disk is (UTF-8, or Windows-1252 when the
 * bytes are not UTF-8): a browser reading the file as text would have turned every å, ä and ö of Excel's plain
 * "CSV" into U+FFFD before sending it.
 */
export function importInputSource(input: unknown, name: string, defaultOwner: string | null): ImportSource {
  const value = input as { format?: unknown; content?: unknown; sheets?: unknown } | null;
  const format = typeof value?.format === 'string' ? value.format.toLowerCase() : null;
  if (format === 'xlsx') {
    if (typeof value!.content !== 'string') throw new Error('an xlsx input needs "content": the workbook in base64');
    const workbook = Buffer.from(value!.content, 'base64');
    return spreadsheetSource(name, () => openXlsxInThread(workbook), defaultOwner);
  }
  if (format === 'csv') {
    const sheets = value!.sheets;
    const isFile = (sheet: unknown) => typeof sheet === 'string' || (!!sheet && typeof sheet === 'object' && typeof (sheet as { content?: unknown }).content === 'string');
    if (!sheets || typeof sheets !== 'object' || !Object.values(sheets).every(isFile)) {
      throw new Error('a csv input needs "sheets": an object of CSV texts (or {"content": the file in base64}) named by sheet (datasets, consent, ...)');
    }
    const files = Object.entries(sheets as Record<string, string | { content: string }>).map(([sheet, file]) => ({
      sheet: sheet.replace(/\.csv$/i, ''),
      input: Readable.from([typeof file === 'string' ? file : Buffer.from(file.content, 'base64')]),
    }));
    return spreadsheetSource(name, async () => csvSpreadsheet(files), defaultOwner);
  }
  if (format !== null) throw new Error(`unknown format "${String(value!.format)}": json (the document itself), xlsx or csv`);
  return catalogueJsonSource(input, name, defaultOwner);
}
