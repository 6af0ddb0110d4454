import { describe, expect, it } from 'vitest';
import { findPageStart, MAX_API_PAGE, type CursorStep } from '../../src/lib/paging.js';

const PAGE_SIZE = 10;

/** A result of `total` datasets whose cursors are c0, c1...; records the steps the walk asks for. */
function result(total: number): { step: CursorStep; asked: [number, string | null][] } {
  const cursors = Array.from({ length: total }, (_, i) => `c${i}`);
  const asked: [number, string | null][] = [];
  const step: CursorStep = async (first, after) => {
    asked.push([first, after]);
    const start = after === null ? 0 : cursors.indexOf(after) + 1;
    return { cursors: cursors.slice(start, start + first), totalCount: total };
  };
  return { step, asked };
}

describe('findPageStart', () => {
  it('starts the first page at the beginning without asking', async () => {
    const { step, asked } = result(125);
    expect(await findPageStart(1, PAGE_SIZE, step)).toEqual({ page: 1, after: null });
    expect(asked).toEqual([]);
  });

  it('reaches a page beyond what one request may ask for, in steps the API takes', async () => {
    const { step, asked } = result(125);
    expect(await findPageStart(12, PAGE_SIZE, step)).toEqual({ page: 12, after: `c${11 * PAGE_SIZE - 1}` });
    expect(asked).toEqual([[MAX_API_PAGE, null], [10, 'c99']]);
  });

  it('gives the last page for a number beyond it, walking no further', async () => {
    const { step, asked } = result(125);
    expect(await findPageStart(999, PAGE_SIZE, step)).toEqual({ page: 13, after: 'c119' });
    expect(asked).toEqual([[MAX_API_PAGE, null], [20, 'c99']]);
    const empty = result(0);
    expect(await findPageStart(3, PAGE_SIZE, empty.step)).toEqual({ page: 1, after: null });
  });
});
