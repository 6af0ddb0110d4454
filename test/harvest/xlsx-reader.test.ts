import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRow } from '../../src/harvest/spreadsheet-files.js';
import { openXlsx } from '../../src/harvest/xlsx-reader.js';
import { zipArchive } from '../support/zip.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gdcat-xlsx-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function rows(input: string | Buffer): Promise<RawRow[]> {
  const all: RawRow[] = [];
  const book = await openXlsx(input);
  try {
    for (const sheet of book.sheets) for await (const row of book.rows(sheet)) all.push(row);
  } finally {
    await book.close();
  }
  return all;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

describe('openXlsx', () => {
  it('reads what Excel writers put in cells: shared and rich text, numbers, dates, booleans, formula results, links', async () => {
    const book = new ExcelJS.Workbook();
    const datasets = book.addWorksheet('datasets');
    datasets.addRow(['id', 'title', 'samples', 'issued', 'open', 'code', 'homepage']);
    datasets.addRow([
      'urn:test:a',
      { richText: [{ text: 'Epilepsy ' }, { text: 'trios', font: { bold: true } }] },
      42,
      new Date(Date.UTC(2024, 2, 15)),
      true,
      { formula: 'A2&"-x"', result: 'urn:test:a-x' },
      { text: 'the site', hyperlink: 'https://example.org/a' },
    ]);
    datasets.getRow(4).values = ['urn:test:b', null, 3.5];
    book.addWorksheet('consent').addRow(['dataset', 'duoPermission']);
    const file = path.join(dir, 'written.xlsx');
    await book.xlsx.writeFile(file);

    const expected: RawRow[] = [
      { sheet: 'datasets', row: 1, cells: ['id', 'title', 'samples', 'issued', 'open', 'code', 'homepage'] },
      { sheet: 'datasets', row: 2, cells: ['urn:test:a', 'Epilepsy trios', 42, new Date(Date.UTC(2024, 2, 15)), true, 'urn:test:a-x', 'the site'] },
      { sheet: 'datasets', row: 4, cells: ['urn:test:b', null, 3.5] },
      { sheet: 'consent', row: 1, cells: ['dataset', 'duoPermission'] },
    ];
    expect(await rows(file)).toEqual(expected);
    // From memory (the GraphQL input) as from disk, and the same on every one of many reads at once.
    const reads = await Promise.all(Array.from({ length: 12 }, (_, i) => rows(i % 2 ? file : readFileSync(file))));
    for (const read of reads) expect(read).toEqual(expected);
  });

  it('finds parts where the relationships put them, with prefixed elements, inline strings and the 1904 date system', async () => {
    const files = {
      '[Content_Types].xml': '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
      'xl/workbook.xml': `<x:workbook xmlns:x="${MAIN}" xmlns:r="${REL}"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="datasets &amp; more" sheetId="7" r:id="rIdA"/><x:sheet name="consent" sheetId="2" r:id="rIdB"/></x:sheets></x:workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdA" Type="${REL}/worksheet" Target="sheets/first.xml"/><Relationship Id="rIdB" Type="${REL}/worksheet" Target="/xl/sheets/../other/second.xml"/><Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="strings/shared.xml"/><Relationship Id="rIdT" Type="${REL}/styles" Target="look.xml"/></Relationships>`,
      'xl/strings/shared.xml': `<x:sst xmlns:x="${MAIN}"><x:si><x:t>id</x:t></x:si><x:si><x:r><x:t xml:space="preserve">Line one_x000D_</x:t></x:r><x:r><x:t>two</x:t></x:r><x:rPh sb="0" eb="1"><x:t>phonetic</x:t></x:rPh></x:si><x:si><x:t><![CDATA[a < b]]></x:t></x:si></x:sst>`,
      'xl/look.xml': `<x:styleSheet xmlns:x="${MAIN}"><x:numFmts><x:numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><x:numFmt numFmtId="165" formatCode="&quot;days&quot;\\ 0"/></x:numFmts><x:cellStyleXfs><x:xf numFmtId="14"/></x:cellStyleXfs><x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="165"/></x:cellXfs></x:styleSheet>`,
      'xl/sheets/first.xml': `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>inline</x:t></x:is></x:c></x:row><x:row r="3"><x:c r="B3" t="s"><x:v>1</x:v></x:c><x:c r="C3" s="1"><x:v>0</x:v></x:c><x:c r="D3" s="2"><x:v>12</x:v></x:c><x:c r="E3" t="e"><x:v>#N/A</x:v></x:c><x:c r="AA3" t="s"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
      'xl/other/second.xml': `<worksheet xmlns="${MAIN}"><sheetData><row><c t="b"><v>0</v></c><c t="d"><v>2024-03-15T00:00:00Z</v></c></row></sheetData></worksheet>`,
    };
    const cells3: unknown[] = [null, 'Line one\rtwo', new Date(Date.UTC(1904, 0, 1)), 12, '#N/A', ...Array(21).fill(null), 'a < b'];
    for (const input of [zipArchive(files), zipArchive(files, { stored: true })]) {
      expect(await rows(input)).toEqual([
        { sheet: 'datasets & more', row: 1, cells: ['id', null, 'inline'] },
        { sheet: 'datasets & more', row: 3, cells: cells3 },
        { sheet: 'consent', row: 1, cells: [false, new Date(Date.UTC(2024, 2, 15))] },
      ]);
    }
  });

  it('estimates the rows of a sheet from its first bytes: its <dimension> when it states one, else a sample scaled to its size', async () => {
    const sheetXml = (dimension: string, rows: number) =>
      `<worksheet xmlns="${MAIN}">${dimension}<sheetData>${Array.from({ length: rows }, (_, i) => `<row r="${i + 1}"><c t="inlineStr"><is><t>dataset ${i + 1} ${'x'.repeat(i % 50)}</t></is></c></row>`).join('')}</sheetData></worksheet>`;
    const workbook = (sheets: Record<string, string>) =>
      zipArchive({
        'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${Object.keys(sheets).map((name, i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="r${i}"/>`).join('')}</sheets></workbook>`,
        'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${Object.keys(sheets).map((_, i) => `<Relationship Id="r${i}" Type="${REL}/worksheet" Target="s${i}.xml"/>`).join('')}</Relationships>`,
        ...Object.fromEntries(Object.values(sheets).map((xml, i) => [`xl/s${i}.xml`, xml])),
      });
    const book = await openXlsx(workbook({ stated: sheetXml('<dimension ref="A1:C20000"/>', 5), small: sheetXml('', 7), large: sheetXml('', 5000) }));
    try {
      expect(await book.estimatedRows('stated')).toBe(20000);
      expect(await book.estimatedRows('small')).toBe(7);
      const large = (await book.estimatedRows('large'))!;
      expect(Math.abs(large - 5000) / 5000).toBeLessThan(0.2);
      // Estimating reads no further than a sample: the rows are all still there to read.
      let read = 0;
      for await (const _ of book.rows('large')) read++;
      expect(read).toBe(5000);
    } finally {
      await book.close();
    }
  });

  it('says what is wrong with a file that is not a workbook, or a damaged one', async () => {
    await expect(rows(Buffer.from('not a workbook'))).rejects.toThrow('not an XLSX workbook (not a zip file)');
    await expect(rows(zipArchive({ 'word/document.xml': '<w/>' }))).rejects.toThrow('not an XLSX workbook (it has no xl/workbook.xml)');
    const broken = zipArchive({
      'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="datasets" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c></sheetData>`,
    });
    const file = path.join(dir, 'broken.xlsx');
    await writeFile(file, broken);
    await expect(rows(file)).rejects.toThrow(/^the sheet "datasets" cannot be read: /);
  });

  const oneSheet = (sheetXml: string, workbookPadding = '') =>
    zipArchive({
      'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="datasets" sheetId="1" r:id="rId1"/></sheets>${workbookPadding}</workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData>${sheetXml}</sheetData></worksheet>`,
    });

  it('reads a character whole when the chunks a part is read in split its bytes, in a sheet and in the shared strings', async () => {
    // 300 KB of three-byte characters: the inflated chunks (16 KB) end inside characters.
    const long = `€${'Ö€'.repeat(60_000)}`;
    const book = new ExcelJS.Workbook();
    book.addWorksheet('datasets').addRow(['id', long]);
    const file = path.join(dir, 'long.xlsx');
    await book.xlsx.writeFile(file);
    expect((await rows(file))[0].cells).toEqual(['id', long]);
    expect((await rows(oneSheet(`<row r="1"><c t="inlineStr"><is><t>${long}</t></is></c></row>`)))[0].cells).toEqual([long]);
  });

  it('refuses a cell beyond column XFD instead of filling memory with the empty cells before it', async () => {
    const far = oneSheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="ZZZZZZZZ1"><v>1</v></c></row>`);
    await expect(rows(far)).rejects.toThrow('the sheet "datasets" cannot be read: row 1 has a cell beyond column XFD, the last a workbook can have');
    const last = oneSheet(`<row r="1"><c r="XFD1"><v>7</v></c></row>`);
    expect((await rows(last))[0].cells[16_383]).toBe(7);
  });

  it('refuses a workbook that inflates to more than 100 times its size (a zip bomb), in a sheet or in a small part', async () => {
    const padding = ' '.repeat(65 * 1024 * 1024);
    const bombInSheet = oneSheet(`<row r="1"><c t="inlineStr"><is><t>id</t></is></c></row>${padding}`);
    expect(bombInSheet.length).toBeLessThan(200_000);
    await expect(rows(bombInSheet)).rejects.toThrow(/cannot be read: the workbook inflates to more than 100 times its size .*zip bomb/);
    await expect(rows(oneSheet('', padding))).rejects.toThrow(/^the workbook inflates to more than 100 times its size .*zip bomb/);
  });
});
