import { describe, expect, it } from 'vitest';
import { readSearch, withoutUnknownChoices } from '../../src/lib/discovery.js';

describe('withoutUnknownChoices', () => {
  it('leaves out the values no enum filter takes, keeps the rest, and names what it left out', () => {
    const state = readSearch(new URLSearchParams('assay=WGS&assay=FOO&accessMode=NOPE&diagnosticArea=RARE_DISEASES&publisher=anything'));
    const { state: known, dropped } = withoutUnknownChoices(state);
    expect(dropped).toEqual([
      { field: 'assay', value: 'FOO' },
      { field: 'accessMode', value: 'NOPE' },
    ]);
    expect(known.selected).toEqual({ assay: ['WGS'], diagnosticArea: ['RARE_DISEASES'], publisher: ['anything'] });
  });

  it('leaves a search of known choices as it is', () => {
    const state = readSearch(new URLSearchParams('assay=LONG_READ_WGS&accessMode=SECURE_PROCESSING_ENVIRONMENT'));
    expect(withoutUnknownChoices(state)).toEqual({ state, dropped: [] });
  });
});
