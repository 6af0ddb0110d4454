import type { estypes } from '@elastic/elasticsearch';
import type { IndividualsView } from '../../datasets/cohort-disclosure.js';
import type { DatasetSearchResult, FacetBucket, SearchVisibility } from '../engine.js';
import {
  FACET_BUCKETS,
  INDIVIDUALS_RANGES,
  SORT_ORDERS,
  TEXT_FIELDS,
  TYPO_EDITS_FROM,
  TYPO_MAX_EXPANSIONS,
  encodeCursor,
  valueFacet,
  weightTiers,
  type CursorKey,
  type CursorKeyTypes,
  type DatasetQuery,
  type FacetField,
  type FacetFilter,
  type QueryWord,
  type SortKey,
  type TextField,
} from '../query-model.js';
import { LANGUAGE_ANALYZERS, STEMMED_FIELDS, type IndexedDataset } from './index-mapping.js';

/**
 * The query model as an Elasticsearch search request, and the response read back, without I/O;
 * ElasticsearchSearchEngine sends it.
 *
 * Relevance follows the model's TEXT_FIELDS: per word, constant_score queries (one per field, at the field's
 * weight) inside a dis_max take the best field, and a bool sums the words. Typos are edit distance (FUZZINESS);
 * with language analyzers a word also matches by its stem in each language's texts, at the same weights.
 */

/** How this engine writes each sort key into cursors: Elasticsearch's own sort values, a missing size as null. */
export const CURSOR_KEYS: CursorKeyTypes = { score: 'number', title: 'text', modified: 'number', individuals: 'integerOrNull' };

/**
 * Sort value substituted for a missing individuals count: puts nulls last under descending order and, unlike
 * the default (Long.MIN_VALUE), survives the JSON round trip. Cursors carry null instead, as the other engine's.
 */
const MISSING_INDIVIDUALS = -1;

/** The query model's typo distance (TYPO_EDITS_FROM) as fuzziness AUTO with those steps. */
const FUZZINESS = `AUTO:${TYPO_EDITS_FROM.one},${TYPO_EDITS_FROM.two}`;

/** The folded field each text field is matched in. */
const FOLDED_FIELDS: Readonly<Record<TextField, keyof IndexedDataset>> = {
  title: 'titleFolded',
  keywords: 'keywordsFolded',
  labels: 'labelsFolded',
  publisherName: 'publisherNameFolded',
  description: 'descriptionFolded',
};

/**
 * The document field each sort key orders by. The size in a disclosed view is the nested disclosableSize's
 * rounded size where it is at least the threshold: the nested filter leaves a suppressed size missing, like an
 * unknown one, without a script (see IndividualsView).
 */
function sortField(key: SortKey, view: IndividualsView): { field: string; nested?: estypes.NestedSortValue } {
  switch (key) {
    case 'score':
      return { field: '_score' };
    case 'title':
      return { field: 'titleSort' };
    case 'modified':
      return { field: 'modified' };
    case 'individuals':
      if (view.kind === 'EXACT') return { field: 'individuals' };
      return {
        field: 'disclosableSize.rounded',
        nested: { path: 'disclosableSize', filter: { range: { 'disclosableSize.rounded': { gte: view.threshold } } } },
      };
  }
}

/** The request's body (and index): query, filters, aggregations, sort and page. */
export function searchRequest(query: DatasetQuery, index: string, languageAnalyzers: boolean): estypes.SearchRequest {
  const always: estypes.QueryDslQueryContainer[] = [...visibilityFilter(query.visibility), ...alwaysAppliedFilters(query)];
  const facetable = query.facetFilters.map((filter) => ({ facet: filter.facet.field, query: facetFilter(filter, query.individuals) }));
  // Facetable filters go to post_filter so each facet's aggregation can apply all filters but its own;
  // without facets they are ordinary query filters, which Elasticsearch can optimise better.
  const withFacets = query.facets.length > 0;
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
  query.facets.forEach((field, index) => {
    const others = facetable.filter((filter) => filter.facet !== field || !isDisjunctive(field)).map((filter) => filter.query);
    aggs[`facet${index}`] = {
      filter: { bool: { filter: others } },
      aggs: { values: facetAggregation(field, query.individuals) },
    };
  });
  // Aggregations see the query, not the post_filter: the total sum applies the facetable filters itself.
  aggs.matching = {
    filter: { bool: { filter: facetable.map((filter) => filter.query) } },
    aggs: { individuals: sizeSum(query.individuals) },
  };
  return {
    index,
    query: {
      bool: {
        must: query.words.length > 0 ? [textQuery(query.words, languageAnalyzers)] : [],
        filter: withFacets ? always : [...always, ...facetable.map((filter) => filter.query)],
      },
    },
    ...(withFacets && facetable.length > 0 ? { post_filter: { bool: { filter: facetable.map((filter) => filter.query) } } } : {}),
    aggs,
    sort: sortFor(query),
    ...(query.after ? { search_after: [query.after.key ?? MISSING_INDIVIDUALS, query.after.id] as estypes.SortResults } : {}),
    size: query.first,
    track_total_hits: true,
    _source: false,
  };
}

/** The search's answer from Elasticsearch's response, with each hit's cursor. */
export function readSearchResponse(query: DatasetQuery, response: estypes.SearchResponse): DatasetSearchResult {
  const total = response.hits.total;
  const matching = response.aggregations?.matching as { individuals?: unknown } | undefined;
  return {
    totalCount: typeof total === 'number' ? total : (total?.value ?? 0),
    individuals: readSizeSum(matching?.individuals),
    hits: response.hits.hits.map((hit) => {
      const [key, id] = (hit.sort ?? []) as [CursorKey, string];
      const missing = SORT_ORDERS[query.sort].missingLast && key === MISSING_INDIVIDUALS;
      return { id: hit._id!, cursor: encodeCursor({ sort: query.sort, key: missing ? null : key, id }) };
    }),
    facets: query.facets.map((field, index) => ({
      field,
      buckets: facetBuckets(field, response.aggregations?.[`facet${index}`]),
    })),
  };
}

function isDisjunctive(field: FacetField): boolean {
  return field === 'individuals' ? true : valueFacet(field).disjunctive;
}

/** The sort order's key, ties by id; a missing key sorts last. */
function sortFor(query: DatasetQuery): estypes.SortCombinations[] {
  const { key, direction, missingLast } = SORT_ORDERS[query.sort];
  const { field, nested } = sortField(key, query.individuals);
  return [{ [field]: { order: direction, ...(missingLast ? { missing: MISSING_INDIVIDUALS } : {}), ...(nested ? { nested } : {}) } }, { id: { order: 'asc' } }];
}

/**
 * A cohort-size range in the view (see IndividualsView): a disclosed size is the rounded size when that is at
 * least the threshold, so "disclosed size >= m" is "rounded size >= max(m, threshold)".
 */
function sizeRange(view: IndividualsView, min: number | null, max: number | null): estypes.QueryDslQueryContainer {
  const bounds = { ...(min === null ? {} : { gte: min }), ...(max === null ? {} : { lte: max }) };
  if (view.kind === 'EXACT') return { range: { individuals: bounds } };
  return { range: { individualsRounded: { ...bounds, gte: Math.max(min ?? view.threshold, view.threshold) } } };
}

/** Sum of the disclosed cohort sizes of the documents in an aggregation's scope. */
function sizeSum(view: IndividualsView): estypes.AggregationsAggregationContainer {
  if (view.kind === 'EXACT') return { sum: { field: 'individuals' } };
  return { filter: sizeRange(view, null, null), aggs: { sum: { sum: { field: 'individualsRounded' } } } };
}

function readSizeSum(aggregate: unknown): number {
  const node = aggregate as { value?: number | null; sum?: { value?: number | null } } | undefined;
  return Math.round(node?.sum?.value ?? node?.value ?? 0);
}

function weighted(query: estypes.QueryDslQueryContainer, weight: number): estypes.QueryDslQueryContainer {
  return { constant_score: { filter: query, boost: weight } };
}

/** Per typo weight, best first: a fuzzy match in any of the tier's folded fields. */
const TYPO_TIERS = weightTiers((field) => field.typoWeight);

function fuzzyQueries(folded: string): estypes.QueryDslQueryContainer[] {
  return TYPO_TIERS.map(({ weight, fields }) => {
    const [only, ...more] = fields.map((field) => FOLDED_FIELDS[field]);
    const match: estypes.QueryDslQueryContainer =
      more.length === 0
        ? { match: { [only!]: { query: folded, operator: 'and', fuzziness: FUZZINESS, max_expansions: TYPO_MAX_EXPANSIONS } } }
        : { multi_match: { query: folded, fields: [only!, ...more], operator: 'and', fuzziness: FUZZINESS, max_expansions: TYPO_MAX_EXPANSIONS } };
    return weighted(match, weight);
  });
}

/** A word by its stem in each language's texts, weighted like the folded field each stems. */
function stemmedQueries(word: string): estypes.QueryDslQueryContainer[] {
  const weights = new Map(TEXT_FIELDS.map((field) => [field.field, field.weight]));
  return Object.keys(LANGUAGE_ANALYZERS).flatMap((language) =>
    STEMMED_FIELDS.map((field) =>
      weighted({ match: { [`stemmed.${language}.${field}`]: { query: word, operator: 'and' } } }, weights.get(field)!),
    ),
  );
}

/** Per word the best-matching field's weight (dis_max), summed over words (bool should). */
function textQuery(words: QueryWord[], languageAnalyzers: boolean): estypes.QueryDslQueryContainer {
  return {
    bool: {
      should: words.map(({ folded, word, fuzzy }) => ({
        dis_max: {
          queries: [
            ...TEXT_FIELDS.map((field) => weighted({ match: { [FOLDED_FIELDS[field.field]]: { query: folded, operator: 'and' } } }, field.weight)),
            ...(fuzzy ? fuzzyQueries(folded) : []),
            ...(languageAnalyzers ? stemmedQueries(word) : []),
          ],
        },
      })),
      minimum_should_match: 1,
    },
  };
}

function visibilityFilter(visibility: SearchVisibility): estypes.QueryDslQueryContainer[] {
  if (visibility.allStatusesForOwners === 'ALL') return [];
  return [
    {
      bool: {
        should: [
          { term: { status: 'PUBLISHED' } },
          { terms: { ownerOrganisationId: visibility.allStatusesForOwners } },
        ],
        minimum_should_match: 1,
      },
    },
  ];
}

/** Filters that no facet ignores. An empty consentKeys list means no consent permits the purpose. */
function alwaysAppliedFilters(query: DatasetQuery): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  if (query.statuses) clauses.push({ terms: { status: query.statuses } });
  if (query.consentKeys) {
    clauses.push(query.consentKeys.length > 0 ? { terms: { consentKey: query.consentKeys } } : { match_none: {} });
  }
  return clauses;
}

/** A facet's filter: any of the values, or the size conditions all together. */
function facetFilter(filter: FacetFilter, view: IndividualsView): estypes.QueryDslQueryContainer {
  if (filter.kind === 'values') return { terms: { [filter.facet.document]: filter.values } };
  const size: estypes.QueryDslQueryContainer[] = [];
  if (filter.min !== null) size.push(sizeRange(view, filter.min, null));
  if (filter.ranges !== null) {
    // A bool without should clauses would match everything; no known range means no match.
    size.push(
      filter.ranges.length === 0
        ? { match_none: {} }
        : { bool: { should: filter.ranges.map((range) => sizeRange(view, range.min, range.max)), minimum_should_match: 1 } },
    );
  }
  return { bool: { filter: size } };
}

function facetAggregation(field: FacetField, view: IndividualsView): estypes.AggregationsAggregationContainer {
  const individuals = { individuals: sizeSum(view) };
  if (field === 'individuals') {
    return {
      filters: {
        filters: Object.fromEntries(INDIVIDUALS_RANGES.map((range) => [range.key, sizeRange(view, range.min, range.max)])),
      },
      aggs: individuals,
    };
  }
  return {
    terms: {
      field: valueFacet(field).document,
      size: FACET_BUCKETS,
      order: [{ _count: 'desc' }, { _key: 'asc' }],
    },
    aggs: individuals,
  };
}

interface BucketsAggregate {
  buckets: { key: string | number; doc_count: number; individuals?: unknown }[] | Record<string, { doc_count: number; individuals?: unknown }>;
}

function facetBuckets(field: FacetField, aggregate: estypes.AggregationsAggregate | undefined): FacetBucket[] {
  const values = (aggregate as { values?: BucketsAggregate } | undefined)?.values;
  if (!values || typeof values.buckets !== 'object') throw new Error('Elasticsearch returned a facet without buckets');
  const keyed = values.buckets as Record<string, { doc_count: number; individuals?: unknown }>;
  const buckets: { key: string; doc_count: number; individuals?: unknown }[] = Array.isArray(values.buckets)
    ? values.buckets.map((bucket) => ({ ...bucket, key: String(bucket.key) }))
    : field === 'individuals'
      ? INDIVIDUALS_RANGES.map((range) => ({ key: range.key, ...keyed[range.key]! }))
      : [];
  return buckets
    .filter((bucket) => bucket.doc_count > 0)
    .map((bucket) => ({ value: bucket.key, count: bucket.doc_count, individuals: readSizeSum(bucket.individuals) }));
}
