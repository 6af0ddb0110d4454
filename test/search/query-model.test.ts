import { describe, expect, it } from 'vitest';
import type { DatasetSearchRequest } from '../../src/search/engine.js';
import { CURSOR_KEYS as ELASTICSEARCH_KEYS, searchRequest } from '../../src/search/elasticsearch/elasticsearch-translate.js';
import { columnOf } from '../../src/search/postgres/postgres-schema.js';
import { CURSOR_KEYS as POSTGRES_KEYS, expandedWords, searchSql } from '../../src/search/postgres/postgres-translate.js';
import {
  FACET_FIELDS,
  INDIVIDUALS_RANGES,
  InvalidSearchCursorError,
  TEXT_FIELDS,
  VALUE_FACETS,
  decodeCursor,
  encodeCursor,
  queryWords,
  toQueryModel,
  typoEdits,
  weightTiers,
  type CursorKeyTypes,
} from '../../src/search/query-model.js';

const ID = '0b6f5a4e-8f8a-4c1e-9d55-4d1f6c2b7a10';

function request(overrides: Partial<DatasetSearchRequest> = {}): DatasetSearchRequest {
  return {
    query: null,
    filter: {},
    visibility: { allStatusesForOwners: [] },
    sort: 'RELEVANCE',
    first: 20,
    facets: [],
    individuals: { kind: 'EXACT' },
    ...overrides,
  };
}

describe('query words', () => {
  it('keeps Swedish letters in the word and folds them for matching', () => {
    expect(queryWords('Skåne Örebro Västra Götaland')).toEqual([
      { word: 'skåne', folded: 'skane', fuzzy: true },
      { word: 'örebro', folded: 'orebro', fuzzy: true },
      { word: 'västra', folded: 'vastra', fuzzy: true },
      { word: 'götaland', folded: 'gotaland', fuzzy: true },
    ]);
  });

  it('reads decomposed accents as the composed letter, and spellings that fold alike as one word', () => {
    expect(queryWords('Ska\u030Ane')).toEqual([{ word: 'skåne', folded: 'skane', fuzzy: true }]);
    expect(queryWords('Skåne skane SKÅNE').map((w) => w.word)).toEqual(['skåne']);
  });

  it('splits on hyphens and punctuation, and matches words with digits exactly', () => {
    expect(queryWords('whole-genome sequencing, GRCh38 (BRCA2)')).toEqual([
      { word: 'whole', folded: 'whole', fuzzy: true },
      { word: 'genome', folded: 'genome', fuzzy: true },
      { word: 'sequencing', folded: 'sequencing', fuzzy: true },
      { word: 'grch38', folded: 'grch38', fuzzy: false },
      { word: 'brca2', folded: 'brca2', fuzzy: false },
    ]);
    expect(queryWords('2024')).toEqual([{ word: '2024', folded: '2024', fuzzy: false }]);
  });

  it('has no minimum length and no stop words, ignores separators alone and keeps at most 32 words', () => {
    expect(queryWords('a of the').map((w) => w.word)).toEqual(['a', 'of', 'the']);
    expect(queryWords(' -- , ')).toEqual([]);
    expect(queryWords(null)).toEqual([]);
    const many = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    expect(queryWords(many)).toHaveLength(32);
  });

  it('allows a typo no edit under five letters, one from five and two from nine, counting folded letters', () => {
    const edits = (query: string) => queryWords(query).map(typoEdits);
    expect(edits('kärl skåne exome exomes leukaemi leukaemia hypercholesterolaemia')).toEqual([0, 1, 1, 1, 1, 2, 2]);
    expect(edits('brca12 grch38')).toEqual([0, 0]);
    expect(edits('Ærø')).toEqual([0]);
  });
});

describe('weights', () => {
  it('orders text fields into tiers, best first, fields of equal weight together', () => {
    expect(weightTiers((field) => field.weight)).toEqual([
      { weight: 1, fields: ['title'] },
      { weight: 0.625, fields: ['keywords'] },
      { weight: 0.375, fields: ['labels', 'publisherName'] },
      { weight: 0.25, fields: ['description'] },
    ]);
    expect(weightTiers((field) => field.typoWeight)).toEqual([
      { weight: 0.5, fields: ['title'] },
      { weight: 0.3125, fields: ['keywords', 'labels', 'publisherName'] },
    ]);
  });

  it('uses multiples of 1/16 only, so sums of scores are exact in both engines', () => {
    for (const field of TEXT_FIELDS) {
      for (const weight of [field.weight, field.typoWeight ?? 0]) expect(Number.isInteger(weight * 16)).toBe(true);
    }
  });
});

describe('cursors', () => {
  const keys: CursorKeyTypes = { score: 'number', title: 'text', modified: 'text', individuals: 'integerOrNull' };

  it('round-trip the sort, the sort key and the id', () => {
    for (const position of [
      { sort: 'RELEVANCE', key: 1.625, id: ID },
      { sort: 'TITLE', key: 'åtta "quoted" \\ title', id: ID },
      { sort: 'MODIFIED_DESC', key: '2026-11-30T10:00:00.000Z', id: ID },
      { sort: 'INDIVIDUALS_DESC', key: null, id: ID },
      { sort: 'INDIVIDUALS_DESC', key: 1250, id: ID },
    ] as const) {
      const cursor = encodeCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor, position.sort, keys)).toEqual(position);
    }
  });

  const refusal = (encoded: string, sort: 'RELEVANCE' | 'TITLE' | 'INDIVIDUALS_DESC' = 'TITLE') => {
    try {
      decodeCursor(encoded, sort, keys);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSearchCursorError);
      return { field: (error as InvalidSearchCursorError).field, message: (error as Error).message };
    }
    throw new Error('the cursor was accepted');
  };
  const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('are refused with the field and what is wrong with them', () => {
    expect(refusal('not-a-cursor')).toEqual({ field: 'after', message: 'is not a cursor returned by this search' });
    expect(refusal(raw(['TITLE', 'a']))).toEqual({ field: 'after', message: 'is not a cursor returned by this search' });
    expect(refusal(encodeCursor({ sort: 'MODIFIED_DESC', key: 'x', id: ID }))).toEqual({
      field: 'after',
      message: 'was issued for sort MODIFIED_DESC, not TITLE',
    });
    expect(refusal(raw(['TITLE', 12, ID])).message).toBe('is not a cursor returned by this search: its title is not text');
    expect(refusal(raw(['TITLE', 'a\u0000b', ID])).message).toBe('is not a cursor returned by this search: its title is not text');
    expect(refusal(raw(['RELEVANCE', '1', ID]), 'RELEVANCE').message).toBe('is not a cursor returned by this search: its score is not a number');
    expect(refusal(raw(['INDIVIDUALS_DESC', 1.5, ID]), 'INDIVIDUALS_DESC').message).toBe(
      'is not a cursor returned by this search: its individuals is not a whole number or null',
    );
    expect(refusal(raw(['TITLE', 'a', 'not-an-id'])).message).toBe('is not a cursor returned by this search: its dataset id is not a UUID');
  });

  it('are checked against the key types of the engine that issued them', () => {
    const modified = encodeCursor({ sort: 'MODIFIED_DESC', key: Date.UTC(2026, 10, 30), id: ID });
    expect(decodeCursor(modified, 'MODIFIED_DESC', ELASTICSEARCH_KEYS).key).toBe(Date.UTC(2026, 10, 30));
    expect(() => decodeCursor(modified, 'MODIFIED_DESC', POSTGRES_KEYS)).toThrow(InvalidSearchCursorError);
  });
});

describe('the normalised query', () => {
  it('falls back from relevance to newest first without words, and keeps relevance with them', () => {
    expect(toQueryModel(request(), POSTGRES_KEYS).sort).toBe('MODIFIED_DESC');
    expect(toQueryModel(request({ query: ' , ' }), POSTGRES_KEYS).sort).toBe('MODIFIED_DESC');
    expect(toQueryModel(request({ query: 'cancer' }), POSTGRES_KEYS).sort).toBe('RELEVANCE');
    expect(toQueryModel(request({ sort: 'TITLE' }), POSTGRES_KEYS).sort).toBe('TITLE');
  });

  it('reads the cursor for the order actually used', () => {
    const after = encodeCursor({ sort: 'MODIFIED_DESC', key: '2026-11-30T10:00:00.000Z', id: ID });
    expect(toQueryModel(request({ after }), POSTGRES_KEYS).after).toEqual({ sort: 'MODIFIED_DESC', key: '2026-11-30T10:00:00.000Z', id: ID });
    expect(() => toQueryModel(request({ query: 'cancer', after }), POSTGRES_KEYS)).toThrow('was issued for sort MODIFIED_DESC, not RELEVANCE');
  });

  it('keeps the filters that constrain, in facet order, the size conditions as the individuals facet', () => {
    const query = toQueryModel(
      request({
        filter: { genomeBuilds: ['GRCh38'], assays: [], publisherIds: ['p'], minIndividuals: 100, individualsRanges: ['100-999', 'unknown'], statuses: [] },
      }),
      POSTGRES_KEYS,
    );
    expect(query.facetFilters.map((filter) => filter.facet.field)).toEqual(['publisher', 'genomeBuild', 'individuals']);
    expect(query.facetFilters[2]).toEqual({ facet: expect.objectContaining({ field: 'individuals' }), kind: 'size', min: 100, ranges: [INDIVIDUALS_RANGES[1]] });
    expect(query.statuses).toBeNull();
    expect(toQueryModel(request({ filter: { individualsRanges: ['unknown'] } }), POSTGRES_KEYS).facetFilters[0]).toMatchObject({ ranges: [] });
  });

  it('tells no consent filter apart from one that no consent passes', () => {
    expect(toQueryModel(request(), POSTGRES_KEYS).consentKeys).toBeNull();
    expect(toQueryModel(request({ filter: { consentKeys: [] } }), POSTGRES_KEYS).consentKeys).toEqual([]);
  });

  it('refuses page sizes and facets the service never sends', () => {
    expect(() => toQueryModel(request({ first: -1 }), POSTGRES_KEYS)).toThrow('Invalid page size: -1');
    expect(() => toQueryModel(request({ first: 1.5 }), POSTGRES_KEYS)).toThrow('Invalid page size: 1.5');
    expect(() => toQueryModel(request({ facets: ['colour' as never] }), POSTGRES_KEYS)).toThrow('Unknown facet field: colour');
  });
});

describe('a facet defined once in the model', () => {
  it('lists every value facet, then the individuals facet', () => {
    expect(FACET_FIELDS).toEqual([...VALUE_FACETS.map((facet) => facet.field), 'individuals']);
  });

  for (const facet of VALUE_FACETS) {
    it(`${facet.field}: both engines filter on and count its document field, ignoring its own filter`, () => {
      const other = VALUE_FACETS.find((candidate) => candidate !== facet)!;
      const search = request({ query: 'cancer', filter: { [facet.filter]: ['one'], [other.filter]: ['two'] }, facets: [facet.field] });

      const query = toQueryModel(search, POSTGRES_KEYS);
      const otherFlag = query.facetFilters.findIndex((filter) => filter.facet === other);
      const sql = searchSql(query, 'dataset_search', expandedWords(query.words, []));
      const column = columnOf(facet.document);
      const match = facet.multiValued ? `${column} && $` : `${column} = ANY($`;
      expect(sql.text).toContain(match);
      expect(sql.values).toContainEqual(['one']);
      // The facet's buckets come from its column and read the other filter's flag only.
      expect(sql.text).toContain(
        facet.multiValued
          ? `unnest(base.${column}) AS v(value) WHERE f${otherFlag} AND TRUE`
          : `SELECT ${column} AS value, shown_individuals FROM base WHERE f${otherFlag} AND TRUE AND ${column} IS NOT NULL`,
      );

      const body = searchRequest(toQueryModel(search, ELASTICSEARCH_KEYS), 'datasets', false);
      const filters = [{ terms: { [facet.document]: ['one'] } }, { terms: { [other.document]: ['two'] } }];
      expect(body.post_filter).toEqual({ bool: { filter: otherFlag === 1 ? filters : filters.reverse() } });
      expect(body.aggs!.facet0).toEqual({
        filter: { bool: { filter: [{ terms: { [other.document]: ['two'] } }] } },
        aggs: { values: expect.objectContaining({ terms: expect.objectContaining({ field: facet.document }) }) },
      });
    });
  }
});
