import ExcelJS from 'exceljs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRow, Spreadsheet } from '../../src/harvest/spreadsheet-files.js';
import { openXlsx } from '../../src/harvest/xlsx-reader.js';
import { BATCHES_AHEAD, openXlsxInThread, type XlsxMessage } from '../../src/harvest/xlsx-thread.js';
import { running, startedThreads } from '../support/worker-threads.js';
import { sheetsWorkbook, zipArchive } from '../support/zip.js';

// The thread runs the compiled worker (dist/): build first.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gdcat-xlsx-thread-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every sheet's estimate and rows, in order; what a sheet could not be read for ends its list. */
async function contents(book: Spreadsheet): Promise<unknown[]> {
  const all: unknown[] = [];
  try {
    for (const sheet of book.sheets) {
      all.push({ sheet, estimate: await book.estimatedRows(sheet) });
      try {
        for await (const row of book.rows(sheet)) all.push(row);
      } catch (error) {
        all.push({ error: (error as Error).message });
      }
    }
  } finally {
    await book.close();
  }
  return all;
}

/** The threads started while `act` ran. */
async function threadsOf(act: () => Promise<unknown>): Promise<readonly Worker[]> {
  const before = startedThreads().length;
  await act();
  return startedThreads().slice(before);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const rows = (count: number, width: number) => Array.from({ length: count }, (_, r) => Array.from({ length: width }, (_, c) => (c % 2 ? r * width + c : `cell ${r + 1}.${c + 1}`)));

describe('openXlsxInThread', () => {
  it('reads the rows, estimates and errors openXlsx reads, cells JSON cannot carry included, and ends its thread on close', async () => {
    const book = new ExcelJS.Workbook();
    const datasets = book.addWorksheet('datasets');
    datasets.addRow(['id', 'title', 'samples', 'issued', 'open', 'code']);
    datasets.addRow(['urn:test:a', { richText: [{ text: 'Epilepsy ' }, { text: 'trios' }] }, 42, new Date(Date.UTC(2024, 2, 15)), true, { formula: 'A2&"-x"', result: 'urn:test:a-x' }]);
    datasets.getRow(5).values = ['urn:test:b', 'Örebro län €', -3.5];
    const written = path.join(dir, 'written.xlsx');
    await book.xlsx.writeFile(written);
    // Numbers JSON has no text for (not a number, infinite, -0), a date in the 1904 system, an error value.
    const odd = zipArchive({
      'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr date1904="1"/><sheets><sheet name="odd" sheetId="1" r:id="r1"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="${REL}/worksheet" Target="s.xml"/><Relationship Id="r2" Type="${REL}/styles" Target="st.xml"/></Relationships>`,
      'xl/st.xml': `<styleSheet xmlns="${MAIN}"><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
      'xl/s.xml': `<worksheet xmlns="${MAIN}"><sheetData><row r="2"><c r="B2"><v>many</v></c><c><v>1e999</v></c><c><v>-1e999</v></c><c><v>-0</v></c><c s="1"><v>0</v></c><c t="e"><v>#DIV/0!</v></c><c><v>0</v></c></row></sheetData></worksheet>`,
    });
    const broken = sheetsWorkbook({ datasets: rows(3_000, 6), consent: rows(10, 3) }, { sheet: 'datasets', row: 2_500 });

    for (const input of [written, odd, broken]) {
      const inThread = await contents(await openXlsxInThread(input));
      expect(inThread).toEqual(await contents(await openXlsx(input)));
      expect(running(startedThreads())).toEqual([]);
    }
    const odds = (await contents(await openXlsxInThread(odd)))[1] as RawRow;
    expect(odds.cells).toEqual([null, Number.NaN, Infinity, -Infinity, -0, new Date(Date.UTC(1904, 0, 1)), '#DIV/0!', 0]);
    const brokenRows = await contents(await openXlsxInThread(broken));
    // Rows before the damage (those of the chunks read before it), then the error there; the next sheet is still read.
    const error = brokenRows.findIndex((r) => 'error' in (r as object));
    expect(brokenRows[error]).toEqual({ error: expect.stringMatching(/^the sheet "datasets" cannot be read: /) });
    expect(brokenRows[error - 1]).toMatchObject({ sheet: 'datasets', row: expect.any(Number) });
    expect((brokenRows[error - 1] as RawRow).row).toBeGreaterThan(1_000);
    expect(brokenRows.at(-1)).toMatchObject({ sheet: 'consent', row: 10 });
  });

  it('says why a workbook cannot be opened as openXlsx does, and its thread has ended by then', async () => {
    for (const input of [Buffer.from('not a workbook'), zipArchive({ 'word/document.xml': '<w/>' }), path.join(dir, 'missing.xlsx')]) {
      const expected = await openXlsx(input).then(
        () => 'opened',
        (error: Error) => error.message,
      );
      const threads = await threadsOf(() => expect(openXlsxInThread(input)).rejects.toThrow(expected));
      expect(threads).toHaveLength(1);
      expect(running(threads)).toEqual([]);
    }
  });

  it('reads a sheet at most BATCHES_AHEAD batches ahead of its reader; a sheet left early or closed mid-way ends as it should', async () => {
    const workbook = sheetsWorkbook({ datasets: rows(20_000, 10), consent: rows(5, 3) });
    let book: Spreadsheet | undefined;
    const [thread] = await threadsOf(async () => (book = await openXlsxInThread(workbook)));
    const batches: number[] = [];
    thread!.on('message', (message: XlsxMessage) => {
      if ('rows' in message) batches.push(message.rows.length);
    });
    try {
      const reading = book!.rows('datasets')[Symbol.asyncIterator]();
      expect((await reading.next()).value).toMatchObject({ row: 1 });
      // The thread reads on until it is that far ahead, and no further however long it is waited for.
      while (batches.length < BATCHES_AHEAD + 1) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(batches).toHaveLength(BATCHES_AHEAD + 1);
      let read = 1;
      while (!(await reading.next()).done) read++;
      expect(read).toBe(20_000);
      expect(batches.length).toBeGreaterThan(2 * BATCHES_AHEAD);

      // Left after its first row (the thread is told to stop reading that sheet): no more batches, and the workbook is still read.
      batches.length = 0;
      for await (const row of book!.rows('datasets')) if (row.row === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(batches.length).toBeLessThanOrEqual(BATCHES_AHEAD + 1);
      const consent: RawRow[] = [];
      for await (const row of book!.rows('consent')) consent.push(row);
      expect(consent).toHaveLength(5);
      expect(running([thread!])).toEqual([thread]);

      // Closed in the middle of a sheet: the thread ends.
      const again = book!.rows('datasets')[Symbol.asyncIterator]();
      await again.next();
      await book!.close();
      expect(running([thread!])).toEqual([]);
      // What is left of the batch in hand is read, then no more.
      let after = 0;
      const rest = async () => {
        while (!(await again.next()).done) after++;
      };
      await expect(rest()).rejects.toThrow('the workbook is closed');
      expect(after).toBeLessThan(batches[0]!);
    } finally {
      await book?.close();
    }
  });
});
