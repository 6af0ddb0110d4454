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

  /** Bytes `start` to `end` of another text. */
  addBytes(source: Utf8Text, start: number, end: number): void {
    if (this.length + end - start > this.bytes.length) this.grow(end - start);
    source.bytes.copy(this.bytes, this.length, start, end);
    this.length += end - start;
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

  /**
   * The text so far, copied into a chunk whose memory is its own (not the shared pool of small buffers), so
   * it can be handed to another thread; then a fresh start.
   */
  take(): Buffer<ArrayBuffer> {
    const chunk = Buffer.allocUnsafeSlow(this.length);
    this.bytes.copy(chunk, 0, 0, this.length);
    this.length = 0;
    return chunk;
  }

  private grow(needed: number): void {
    const larger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + needed));
    this.bytes.copy(larger, 0, 0, this.length);
    this.bytes = larger;
  }
}
