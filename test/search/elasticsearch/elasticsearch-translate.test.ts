import type { estypes } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import type { DatasetSearchRequest } from '../../../src/search/engine.js';
import { CURSOR_KEYS, readSearchResponse, searchRequest } from '../../../src/search/elasticsearch/elasticsearch-translate.js';
import { decodeCursor, encodeCursor, toQueryModel } from '../../../src/search/query-model.js';

const ID = '0b6f5a4e-8f8a-4c1e-9d55-4d1f6c2b7a10';

const model = (overrides: Partial<DatasetSearchRequest> = {}) =>
  toQueryModel(
    { query: null, filter: {}, visibility: { allStatusesForOwners: [] }, sort: 'RELEVANCE', first: 20, facets: [], individuals: { kind: 'EXACT' }, ...overrides },
    CURSOR_KEYS,
  );

type DisMax = { dis_max: { queries: { constant_score: { filter: Record<string, unknown>; boost: number } }[] } };
const wordQueries = (body: estypes.SearchRequest): DisMax[] =>
  ((body.query!.bool!.must as estypes.QueryDslQueryContainer[])[0]!.bool!.should as unknown as DisMax[]);

describe('Elasticsearch translation', () => {
  it('scores each word by its best folded field at the model weights, with typos only for words without digits', () => {
    const body = searchRequest(model({ query: 'Skåne BRCA2' }), 'datasets', false);
    const [skane, brca2] = wordQueries(body);
    expect(skane!.dis_max.queries.map((q) => [Object.values(q.constant_score.filter)[0], q.constant_score.boost])).toEqual([
      [{ titleFolded: { query: 'skane', operator: 'and' } }, 1],
      [{ keywordsFolded: { query: 'skane', operator: 'and' } }, 0.625],
      [{ labelsFolded: { query: 'skane', operator: 'and' } }, 0.375],
      [{ publisherNameFolded: { query: 'skane', operator: 'and' } }, 0.375],
      [{ descriptionFolded: { query: 'skane', operator: 'and' } }, 0.25],
      [{ titleFolded: { query: 'skane', operator: 'and', fuzziness: 'AUTO:5,9', max_expansions: 50 } }, 0.5],
      [{ query: 'skane', fields: ['keywordsFolded', 'labelsFolded', 'publisherNameFolded'], operator: 'and', fuzziness: 'AUTO:5,9', max_expansions: 50 }, 0.3125],
    ]);
    expect(brca2!.dis_max.queries).toHaveLength(5);
  });

  it('matches the written word by stem in each language with language analyzers', () => {
    const [skane] = wordQueries(searchRequest(model({ query: 'Skåne' }), 'datasets', true));
    const stemmed = skane!.dis_max.queries.slice(7).map((q) => [Object.keys(q.constant_score.filter.match as object)[0], q.constant_score.boost]);
    expect(stemmed).toEqual([
      ['stemmed.sv.title', 1],
      ['stemmed.sv.keywords', 0.625],
      ['stemmed.sv.publisherName', 0.375],
      ['stemmed.sv.description', 0.25],
      ['stemmed.en.title', 1],
      ['stemmed.en.keywords', 0.625],
      ['stemmed.en.publisherName', 0.375],
      ['stemmed.en.description', 0.25],
    ]);
    expect(JSON.stringify(skane)).toContain('"query":"skåne"');
  });

  it('filters in the query without facets and in post_filter with them', () => {
    const filter = { assays: ['WGS'], minIndividuals: 100 };
    const plain = searchRequest(model({ filter }), 'datasets', false);
    expect(plain.post_filter).toBeUndefined();
    expect(plain.query!.bool!.filter).toContainEqual({ terms: { assays: ['WGS'] } });
    const faceted = searchRequest(model({ filter, facets: ['assay', 'individuals'] }), 'datasets', false);
    expect(faceted.query!.bool!.filter).not.toContainEqual({ terms: { assays: ['WGS'] } });
    expect(faceted.post_filter).toEqual({
      bool: { filter: [{ terms: { assays: ['WGS'] } }, { bool: { filter: [{ range: { individuals: { gte: 100 } } }] } }] },
    });
    // Each facet ignores its own filter and applies the other.
    expect(faceted.aggs!.facet0!.filter).toEqual({ bool: { filter: [{ bool: { filter: [{ range: { individuals: { gte: 100 } } }] } }] } });
    expect(faceted.aggs!.facet1!.filter).toEqual({ bool: { filter: [{ terms: { assays: ['WGS'] } }] } });
  });

  it('matches nothing for an empty consent list or no known size range', () => {
    expect(searchRequest(model({ filter: { consentKeys: [] } }), 'datasets', false).query!.bool!.filter).toContainEqual({ match_none: {} });
    expect(JSON.stringify(searchRequest(model({ filter: { individualsRanges: ['none'] } }), 'datasets', false).query)).toContain('"match_none":{}');
  });

  it('sorts by the key of the order and then id, continuing after the cursor', () => {
    const after = encodeCursor({ sort: 'INDIVIDUALS_DESC', key: null, id: ID });
    const body = searchRequest(model({ sort: 'INDIVIDUALS_DESC', after, individuals: { kind: 'DISCLOSED', threshold: 5 } }), 'datasets', false);
    // A suppressed size is missing: the nested filter leaves only a rounded size at least the threshold.
    const nested = { path: 'disclosableSize', filter: { range: { 'disclosableSize.rounded': { gte: 5 } } } };
    expect(body.sort).toEqual([{ 'disclosableSize.rounded': { order: 'desc', missing: -1, nested } }, { id: { order: 'asc' } }]);
    expect(body.search_after).toEqual([-1, ID]);
    const exact = searchRequest(model({ sort: 'INDIVIDUALS_DESC', individuals: { kind: 'EXACT' } }), 'datasets', false);
    expect(exact.sort).toEqual([{ individuals: { order: 'desc', missing: -1 } }, { id: { order: 'asc' } }]);
    expect(searchRequest(model(), 'datasets', false).sort).toEqual([{ modified: { order: 'desc' } }, { id: { order: 'asc' } }]);
    expect(searchRequest(model({ query: 'x' }), 'datasets', false).sort).toEqual([{ _score: { order: 'desc' } }, { id: { order: 'asc' } }]);
  });

  it('reads the answer back with a cursor per hit that the next search accepts', () => {
    const query = model({ query: 'x', facets: ['individuals'] });
    const response = {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, failed: 0 },
      hits: { total: { value: 3, relation: 'eq' }, hits: [{ _index: 'i', _id: ID, sort: [1.625, ID] }] },
      aggregations: {
        matching: { doc_count: 3, individuals: { value: 42 } },
        facet0: { doc_count: 3, values: { buckets: { '1-99': { doc_count: 2, individuals: { value: 42 } }, '100-999': { doc_count: 0 }, '1000-9999': { doc_count: 0 }, '10000+': { doc_count: 0 } } } },
      },
    } as unknown as estypes.SearchResponse;
    const result = readSearchResponse(query, response);
    expect(result).toMatchObject({ totalCount: 3, individuals: 42, facets: [{ field: 'individuals', buckets: [{ value: '1-99', count: 2, individuals: 42 }] }] });
    expect(decodeCursor(result.hits[0]!.cursor, 'RELEVANCE', CURSOR_KEYS)).toEqual({ sort: 'RELEVANCE', key: 1.625, id: ID });
  });
});
