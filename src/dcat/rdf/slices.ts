import { setImmediate } from 'node:timers/promises';

/**
 * Characters a parser reads at a time before other work gets its turn: a harvested document of tens of MB,
 * parsed in one go, held the API's requests for seconds (64 MiB of Turtle about 8 s of one core).
 */
export const PARSE_SLICE_CHARS = 256 * 1024;

/** The text in slices of about PARSE_SLICE_CHARS, never splitting a surrogate pair (a character outside the BMP). */
export function* slicesOf(text: string): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + PARSE_SLICE_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    yield text.slice(start, end);
    start = end;
  }
}

/** Resolves on the event loop's next turn, after the I/O and timers waiting now. */
export const nextTurn = (): Promise<void> => setImmediate();
