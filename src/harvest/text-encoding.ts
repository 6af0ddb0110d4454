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
