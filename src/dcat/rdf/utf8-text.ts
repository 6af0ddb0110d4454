/**
 * Text encoded as UTF-8 piece by piece into one growing buffer, outside the JavaScript heap, which can be
 * reused: an export's batch of text is never one string (building it from millions of pieces, then
 * flattening and encoding it, was most of the export's writing time and much of its garbage).
 */
export class Utf8Text {
  bytes = Buffer.allocUnsafe(1 << 16);
  length = 0;

  add(text: string): void {
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    if (this.length + 3 * text.length > this.bytes.length) this.grow(3 * text.length);
    this.length += this.bytes.write(text, this.length);
  }

  addByte(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  /** Whether bytes `a` to `a + length` are bytes `b` to `b + length`. */
  same(a: number, b: number, length: number): boolean {
    const bytes = this.bytes;
    for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
    return true;
  }

  /** A hash of bytes `start` to `end` (FNV-1a), mixed with `seed`. */
  hash(start: number, end: number, seed: number): number {
    const bytes = this.bytes;
    let hash = (0x811c9dc5 ^ seed) | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    return hash;
  }

  private grow(needed: number): void {
    const larger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + needed));
    this.bytes.copy(larger, 0, 0, this.length);
    this.bytes = larger;
  }
}

/** What a chunk is written with: pieces of a Utf8Text and ASCII punctuation. */
export interface ChunkWriter {
  /** Bytes `start` to `end` of `source`. */
  addBytes(source: Utf8Text, start: number, end: number): void;
  addAscii(text: string): void;
  addByte(byte: number): void;
}

/**
 * The chunk `write` writes, in memory of its own (not the shared pool of small buffers, so it can be handed
 * to another thread) and of exactly its size: `write` runs twice, first only to count the bytes. (Written
 * into a growing buffer and copied out, each export thread kept a buffer as large as its largest chunk.)
 */
export function encodeChunk(write: (out: ChunkWriter) => void): Buffer<ArrayBuffer> {
  const size = new ChunkSize();
  write(size);
  const chunk = new ChunkFill(Buffer.allocUnsafeSlow(size.length));
  write(chunk);
  return chunk.bytes;
}

class ChunkSize implements ChunkWriter {
  length = 0;

  addBytes(_source: Utf8Text, start: number, end: number): void {
    this.length += end - start;
  }

  addAscii(text: string): void {
    this.length += text.length;
  }

  addByte(): void {
    this.length++;
  }
}

class ChunkFill implements ChunkWriter {
  private length = 0;

  constructor(readonly bytes: Buffer<ArrayBuffer>) {}

  addBytes(source: Utf8Text, start: number, end: number): void {
    source.bytes.copy(this.bytes, this.length, start, end);
    this.length += end - start;
  }

  addAscii(text: string): void {
    this.length += this.bytes.write(text, this.length, 'latin1');
  }

  addByte(byte: number): void {
    this.bytes[this.length++] = byte;
  }
}
