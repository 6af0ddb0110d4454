import { ownCopy } from '../core/own-copy.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The records of a CSV text (RFC 4180), read chunk by chunk as it is decoded (text-encoding.ts): fields separated
 * by commas, or by semicolons when the first line has them and no comma (Excel's CSV where the decimal separator
 * is a comma, as in Swedish); a field quoted with `"` holds separators, line breaks and doubled quotes; records end
 * with CRLF, LF or CR. A first line `sep=;` (or `sep=,`), as files meant for Excel have, names the separator
 * and is no record. A byte-order mark is dropped, empty lines are skipped, records may differ in length. A stray
 * quote, or a quoted field never closed, is an error naming its line. (csv-parse, used before, spent twice the CPU
 * and more through its stream.)
 */
export async function* csvRecords(chunks: AsyncIterable<string>, onSeparator?: (separator: ',' | ';') => void): AsyncGenerator<string[]> {
  let parser: CsvParser | null = null;
  // The text up to the first line break: the separator is decided on the whole first line.
  let head = '';
  const start = () => {
    const text = head.replace(/^\uFEFF/, '');
    const firstLine = text.split(/[\r\n]/, 1)[0]!;
    // Excel's "sep=;" line, which files meant for Excel start with, names the separator and is no row.
    const declared = /^"?sep=([,;])"?$/i.exec(firstLine.trim())?.[1] as ',' | ';' | undefined;
    const separator = declared ?? (firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',');
    onSeparator?.(separator);
    if (!declared) return { parser: new CsvParser(separator), text };
    return { parser: new CsvParser(separator, 2), text: text.slice(firstLine.length).replace(/^(\r\n|\r|\n)/, '') };
  };
  for await (let text of chunks) {
    if (!parser) {
      head += text;
      if (!/[\r\n]/.test(text)) continue;
      ({ parser, text } = start());
    }
    yield* parser.feed(text, false);
  }
  if (parser) yield* parser.feed('', true);
  else {
    const { parser: last, text } = start();
    yield* last.feed(text, true);
  }
}

class CsvParser {
  private readonly delimiter: number;
  /** Text not yet parsed: the start of a record the text so far ends inside. */
  private pending = '';
  /** The line the pending text starts on. */
  private line = 1;
  /** Length the pending text must reach before it is parsed again (doubling, so a long record is not re-read per chunk). */
  private wanted = 0;

  constructor(delimiter: ',' | ';', firstLine = 1) {
    this.delimiter = delimiter.charCodeAt(0);
    this.line = firstLine;
  }

  /** The records complete in the text so far (all of them at the end). */
  *feed(chunk: string, end: boolean): Generator<string[]> {
    const text = this.pending + chunk;
    if (!end && text.length < this.wanted) {
      this.pending = text;
      return;
    }
    const records: string[][] = [];
    const { next, line } = this.parse(text, end, records);
    this.pending = text.slice(next);
    this.line = line;
    this.wanted = next < text.length ? 2 * this.pending.length : 0;
    yield* records;
  }

  /** Parses whole records into `records`; returns where the first incomplete one starts, and its line. */
  private parse(text: string, end: boolean, records: string[][]): { next: number; line: number } {
    const n = text.length;
    const delimiter = this.delimiter;
    let line = this.line;
    let at = 0;
    parsing: while (at < n) {
      const first = text.charCodeAt(at);
      if (first === LF || first === CR) {
        // An empty line; a CR last in the text may be the first half of a CRLF.
        if (first === CR && at + 1 === n && !end) break;
        at += first === CR && text.charCodeAt(at + 1) === LF ? 2 : 1;
        line++;
        continue;
      }
      const fields: string[] = [];
      let i = at;
      let lines = 0;
      for (;;) {
        if (text.charCodeAt(i) === QUOTE) {
          let value = '';
          let from = i + 1;
          for (;;) {
            const quote = text.indexOf('"', from);
            if (quote === -1 || (quote + 1 === n && !end)) {
              if (end) throw new Error(`line ${line}: a quoted field is not closed`);
              break parsing;
            }
            lines += linesIn(text, from, quote);
            if (text.charCodeAt(quote + 1) === QUOTE) {
              value += text.slice(from, quote + 1);
              from = quote + 2;
              continue;
            }
            value += text.slice(from, quote);
            i = quote + 1;
            break;
          }
          fields.push(ownCopy(value));
          const after = i < n ? text.charCodeAt(i) : -1;
          if (after !== delimiter && after !== LF && after !== CR && after !== -1) {
            throw new Error(`line ${line + lines}: "${text[i]}" after a closing quote, where a separator or the end of the line belongs`);
          }
        } else {
          let j = i;
          let c = -1;
          while (j < n) {
            c = text.charCodeAt(j);
            if (c === delimiter || c === LF || c === CR) break;
            if (c === QUOTE) throw new Error(`line ${line}: a quote inside a field that does not start with one (quote the field and double the quote)`);
            j++;
          }
          if (j === n && !end) break parsing;
          fields.push(ownCopy(text.slice(i, j)));
          i = j;
        }
        if (i === n) {
          if (!end) break parsing;
          break;
        }
        const c = text.charCodeAt(i);
        if (c === delimiter) {
          i++;
          continue;
        }
        // The end of the record: CRLF, LF or CR (a CR last in the text may be the first half of a CRLF).
        if (c === CR && i + 1 === n && !end) break parsing;
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        break;
      }
      records.push(fields);
      line += lines + 1;
      at = i;
    }
    return { next: at, line };
  }
}

function linesIn(text: string, from: number, to: number): number {
  let lines = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}
