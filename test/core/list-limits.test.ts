import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_LIMIT, LIST_LIMITS, listSizeProblems } from '../../src/core/list-limits.js';

const items = (n: number, item: unknown = 'x') => Array.from({ length: n }, () => item);

describe('list sizes of a record', () => {
  it('names every list over its limit by its path, at any depth, with the limit and the size', () => {
    const input = {
      otherIdentifiers: items(LIST_LIMITS.otherIdentifiers! + 1),
      accessRoute: { accessMode: 'CONTROLLED', steps: items(LIST_LIMITS.steps! + 5, { order: 1 }) },
      distributions: [{ title: 'ok', formats: items(LIST_LIMITS.formats!) }, { title: 'too many formats', formats: items(LIST_LIMITS.formats! + 1) }],
      cohort: { diseases: items(LIST_LIMITS.diseases!) },
    };
    expect(listSizeProblems(input, 'input')).toEqual([
      { field: 'input.otherIdentifiers', message: 'at most 50 items; got 51', code: 'INVALID' },
      { field: 'input.accessRoute.steps', message: 'at most 20 items; got 25', code: 'INVALID' },
      { field: 'input.distributions[1].formats', message: 'at most 20 items; got 21', code: 'INVALID' },
    ]);
  });

  it('reports an oversized list once, not once per item, and bounds lists it does not name', () => {
    const distributions = items(5_000, { title: 'x', formats: items(1_000) });
    expect(listSizeProblems({ distributions }, '')).toEqual([{ field: 'distributions', message: 'at most 500 items; got 5000', code: 'INVALID' }]);
    expect(listSizeProblems({ somethingNew: items(DEFAULT_LIST_LIMIT + 1) }, 'input')).toEqual([
      { field: 'input.somethingNew', message: `at most ${DEFAULT_LIST_LIMIT} items; got ${DEFAULT_LIST_LIMIT + 1}`, code: 'INVALID' },
    ]);
  });
});
