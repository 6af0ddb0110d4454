import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../src/harvest/csv-reader.js';
import { decodedText } from '../../src/harvest/text-encoding.js';

/** The records of the chunks, decoded as a CSV file's are. */
async function read(chunks: (string | Buffer)[]): Promise<string[][]> {
  const records: string[][] = [];
  for await (const record of csvRecords(decodedText((async function* () { yield* chunks; })()))) records.push(record);
  return records;
}

/** A field as RFC 4180 writes it: quoted when it holds the separator, a quote or a line break. */
const written = (field: string) => (/[",;\r\n]/.test(field) || field === '' ? `"${field.replaceAll('"', '""')}"` : field);

/** The bytes split at the given places, inside a multi-byte character or a CRLF as well. */
const split = (bytes: Buffer, at: number[]) => {
  const cuts = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  return [...cuts, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : cuts[i - 1], end));
};

describe('csvRecords', () => {
  it('reads what csv-parse reads, for any table written as RFC 4180 says, however the bytes come in chunks', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Ö', '€', '😀', ' ', ',', ';', '"', '\r', '\n', '|', 'x'), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', ';'),
        fc.constantFrom('\r\n', '\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (table, separator, lineEnd, bom, cuts) => {
          // The separator is found from the first line: a semicolon file's first line has no comma.
          const rows = [['id', 'title', 'x'], ...table];
          const text = `${bom ? '\uFEFF' : ''}${rows.map((row) => row.map(written).join(separator)).join(lineEnd)}${lineEnd}`;
          const expected = parse(text, { bom: true, delimiter: separator, relax_column_count: true, skip_empty_lines: true }) as string[][];
          expect(await read(split(Buffer.from(text), cuts))).toEqual(expected);
          expect(expected).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips empty lines, takes CR alone as a line end, and keeps a last record without one', async () => {
    expect(await read(['id;title\r\n\r\n', 'a;"b;c"\r', '\n\nd;e\rf'])).toEqual([['id', 'title'], ['a', 'b;c'], ['d', 'e'], ['f']]);
    expect(await read(['a,b,', '\n,'])).toEqual([['a', 'b', ''], ['', '']]);
  });

  it('takes the separator a first "sep=" line names (files meant for Excel) and reads that line as no record', async () => {
    expect(await read(['sep=;\r\nid;title\r\na;b,c\r\n'])).toEqual([['id', 'title'], ['a', 'b,c']]);
    expect(await read(['\uFEFFsep=,\n', 'id,title\nx,"y;z"\n'])).toEqual([['id', 'title'], ['x', 'y;z']]);
    // Line numbers stay those of the file.
    await expect(read(['sep=;\nid;title\n"a"b;c\n'])).rejects.toThrow('line 3:');
  });

  it('says on which line a stray or unclosed quote is', async () => {
    await expect(read(['id,title\n"a\nb",c\nd,e"f\n'])).rejects.toThrow('line 4: a quote inside a field that does not start with one (quote the field and double the quote)');
    await expect(read(['id,title\n"a"b,c\n'])).rejects.toThrow('line 2: "b" after a closing quote, where a separator or the end of the line belongs');
    await expect(read(['id,title\n', 'x,"open\n', 'more'])).rejects.toThrow('line 2: a quoted field is not closed');
  });
});
