import { isAscii, isUtf8 } from 'node:buffer';

/** The legacy encoding a spreadsheet program saves CSV in where it does not save UTF-8 (Excel in Sweden). */
const LEGACY_ENCODING = 'windows-1252';

/** How many bytes at the end of `bytes` start a UTF-8 sequence that the next chunk completes. */
function unfinishedSequence(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/**
 * A text file's bytes as text: UTF-8 (a byte order mark is dropped), or Windows-1252 when its bytes are not
 * UTF-8, which is what Excel's plain "CSV" saves on Swedish (and other Western European) Windows; read as
 * UTF-8, every å, ä and ö would silently become U+FFFD. Decided as the bytes stream in: a file whose first
 * non-ASCII bytes are UTF-8 must stay UTF-8, and one that does not is refused (it mixes encodings) rather
 * than guessed at.
 */
export async function* decodedText(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  let legacy: TextDecoder | null = null;
  // Until a non-ASCII byte is seen, both encodings read the same: the choice can still be made.
  let undecided = true;
  let held: Uint8Array = new Uint8Array(0);
  let first = true;
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    if (legacy) {
      yield legacy.decode(chunk, { stream: true });
      continue;
    }
    const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const complete = bytes.subarray(0, bytes.length - unfinishedSequence(bytes));
    if (!isUtf8(complete)) {
      if (!undecided) throw new Error('the file is not UTF-8 throughout (it mixes encodings): save it again as "CSV UTF-8"');
      legacy = new TextDecoder(LEGACY_ENCODING);
      yield legacy.decode(bytes, { stream: true });
      continue;
    }
    held = bytes.subarray(complete.length);
    let text = complete.toString('utf8');
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    undecided &&= isAscii(complete);
    yield text;
  }
  if (legacy) yield legacy.decode();
  else if (held.length > 0) {
    if (!undecided) throw new Error('the file ends inside a UTF-8 character: save it again as "CSV UTF-8"');
    yield new TextDecoder(LEGACY_ENCODING).decode(held);
  }
}

/** Where in a buffer its bytes stop being UTF-8: the offset of the first byte of the first invalid sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length; ) {
    const byte = bytes[at]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || !isUtf8(bytes.subarray(at, at + length)) || at + length > bytes.length) return at;
    at += length;
  }
  return bytes.length;
}

/**
 * A file's bytes as text that must be UTF-8 (JSON is, by RFC 8259): the first bytes that are not are an error
 * naming their line and column, instead of characters silently replaced by U+FFFD.
 */
export async function* utf8Text(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<string> {
  let held: Uint8Array = new Uint8Array(0);
  let line = 1;
  let column = 1;
  for await (const chunk of chunks) {
    const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const complete = bytes.subarray(0, bytes.length - unfinishedSequence(bytes));
    if (!isUtf8(complete)) {
      const before = complete.subarray(0, firstInvalidByte(complete)).toString('utf8');
      const lines = before.split('\n');
      const at = lines.length > 1 ? { line: line + lines.length - 1, column: lines.at(-1)!.length + 1 } : { line, column: column + before.length };
      throw new Error(`${file}: not UTF-8 at line ${at.line}, column ${at.column}: the file must be saved as UTF-8`);
    }
    held = bytes.subarray(complete.length);
    const text = complete.toString('utf8');
    const lines = text.split('\n');
    if (lines.length > 1) {
      line += lines.length - 1;
      column = lines.at(-1)!.length + 1;
    } else column += text.length;
    yield text;
  }
  if (held.length > 0) throw new Error(`${file}: not UTF-8 at line ${line}, column ${column}: the file ends inside a character`);
}
