import { Client, errors, type estypes } from '@elastic/elasticsearch';
import {
  FACET_FIELDS,
  INDIVIDUALS_RANGES,
  InvalidSearchCursorError,
  SearchUnavailableError,
  type DatasetSearchDocument,
  type DatasetSearchFilter,
  type DatasetSearchRequest,
  type DatasetSearchResult,
  type DatasetSortOrder,
  type FacetBucket,
  type FacetField,
  type RejectedDocument,
  type SearchEngine,
  type SearchVisibility,
  type WriteResult,
} from '../engine.js';
import type { IndividualsView } from '../../datasets/cohort-disclosure.js';
import { SEARCH_REQUEST_TIMEOUT_MS } from '../../config.js';
import { isUuid } from '../../core/validation.js';
import {
  DATASET_INDEX_SETTINGS,
  LANGUAGE_ANALYZERS,
  STEMMED_FIELDS,
  datasetIndexMappings,
  foldToAscii,
  toIndexedDataset,
  type IndexedDataset,
} from './index-mapping.js';

/**
 * Discovery search on Elasticsearch 8. Readers and writers address the alias `<prefix>-datasets`; the concrete
 * index behind it is versioned (`<prefix>-datasets-<timestamp>`) so rebuild() can load a fresh index and move
 * the alias atomically.
 *
 * Relevance is term-centric, the same model as the PostgreSQL engine: every query term scores the best field it
 * matches (title 1, keywords 0.625, disease/phenotype labels or publisher 0.375, description 0.25; a fuzzy
 * match in the title 0.5, in keywords/labels/publisher 0.3125) via constant_score inside dis_max, summed over
 * terms by a bool. The weights are multiples of 1/16, so the float scores are exact and ties are real ties,
 * broken by id like in PostgreSQL. Typos are edit distance (see FUZZINESS); words containing digits (gene
 * symbols, builds) match exactly.
 */

export interface ElasticsearchSearchEngineOptions {
  node: string;
  /** Prefix of the alias and index names (default `gdcat`). */
  indexPrefix?: string;
  /**
   * Refresh policy of upsert/remove. 'wait_for' (default) makes each write visible to the next search; each
   * write then waits for the next refresh (up to the 1 s refresh interval). The outbox indexer uses false
   * (createSearchEngine): its batches go at raw _bulk speed, become visible with the index's periodic refresh
   * (at most 1 s later) and refresh() is called when a drain completes.
   */
  refresh?: 'wait_for' | false;
  /**
   * Also stem each language's texts with Elasticsearch's swedish and english analyzers (needs the
   * analysis-common module, which full distributions have and the core-only test node has not). Switching it
   * on or off needs `gdcat reindex`.
   */
  languageAnalyzers?: boolean;
}

const MAX_QUERY_TERMS = 32;
/** Transport options of requests someone waits for (searches, the liveness probe): one try, a short timeout. */
const REQUEST_PATH = { requestTimeout: SEARCH_REQUEST_TIMEOUT_MS, maxRetries: 0 } as const;
const FACET_SIZE = 50;
const LIST_PAGE_SIZE = 1000;
/**
 * Sort value substituted for a missing individuals count: puts nulls last under descending order and, unlike
 * the default (Long.MIN_VALUE), survives the JSON round trip through the cursor.
 */
const MISSING_INDIVIDUALS = -1;

/** Value-list filters and the facet that ignores each one (disjunctive facets). */
const FACETABLE_FILTERS: readonly { facet: FacetField; key: keyof DatasetSearchFilter; field: keyof IndexedDataset }[] = [
  { facet: 'publisher', key: 'publisherIds', field: 'publisherId' },
  { facet: 'diagnosticArea', key: 'diagnosticAreas', field: 'diagnosticArea' },
  { facet: 'assay', key: 'assays', field: 'assays' },
  { facet: 'disease', key: 'diseaseIds', field: 'diseaseAncestorIds' },
  { facet: 'duoPermission', key: 'duoPermissions', field: 'duoPermission' },
  { facet: 'accessMode', key: 'accessModes', field: 'accessMode' },
  { facet: 'accessBody', key: 'accessBodyIds', field: 'accessBodyIds' },
  { facet: 'holdingRegion', key: 'holdingRegionIds', field: 'holdingRegionIds' },
  { facet: 'genomeBuild', key: 'genomeBuilds', field: 'genomeBuild' },
];

/** Each facet's buckets come from the field its filter reads, so a bucket fed back as a filter matches exactly. */
const FACET_SOURCE_FIELDS = Object.fromEntries(FACETABLE_FILTERS.map((filter) => [filter.facet, filter.field])) as Record<
  Exclude<FacetField, 'individuals'>,
  keyof IndexedDataset
>;

const SORTS: Record<Exclude<DatasetSortOrder, 'INDIVIDUALS_DESC'>, estypes.SortCombinations[]> = {
  RELEVANCE: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
  TITLE: [{ titleSort: { order: 'asc' } }, { id: { order: 'asc' } }],
  MODIFIED_DESC: [{ modified: { order: 'desc' } }, { id: { order: 'asc' } }],
};

function sortFor(sort: DatasetSortOrder, view: IndividualsView): estypes.SortCombinations[] {
  if (sort !== 'INDIVIDUALS_DESC') return SORTS[sort];
  const field = view.kind === 'EXACT' ? 'individuals' : 'individualsRounded';
  return [{ [field]: { order: 'desc', missing: MISSING_INDIVIDUALS } }, { id: { order: 'asc' } }];
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

/** Exact-match field weights per query term. */
const EXACT_FIELDS: readonly [keyof IndexedDataset, number][] = [
  ['titleFolded', 1],
  ['keywordsFolded', 0.625],
  ['labelsFolded', 0.375],
  ['publisherNameFolded', 0.375],
  ['descriptionFolded', 0.25],
];
/**
 * AUTO with later steps than the default (3,6): words under 5 letters exact, 5-8 one edit, longer two. With the
 * default, six-letter words allow two edits, so 'exomes' matched 'genomes' and 'genome' matched 'exome': in
 * genomics the difference between an exome and a genome dataset is the point, not a typo.
 */
const FUZZINESS = 'AUTO:5,9';
const FUZZY_TITLE_WEIGHT = 0.5;
const FUZZY_SUBJECT_WEIGHT = 0.3125;
const FUZZY_SUBJECT_FIELDS: readonly (keyof IndexedDataset)[] = ['keywordsFolded', 'labelsFolded', 'publisherNameFolded'];

interface BucketsAggregate {
  buckets: { key: string | number; doc_count: number; individuals?: unknown }[] | Record<string, { doc_count: number; individuals?: unknown }>;
}

export class ElasticsearchSearchEngine implements SearchEngine {
  readonly name = 'elasticsearch' as const;
  private readonly client: Client;
  private readonly alias: string;
  private readonly refreshPolicy: 'wait_for' | false;
  private readonly languageAnalyzers: boolean;

  constructor(options: ElasticsearchSearchEngineOptions) {
    this.client = new Client({ node: options.node });
    this.alias = `${options.indexPrefix ?? 'gdcat'}-datasets`;
    this.refreshPolicy = options.refresh ?? 'wait_for';
    this.languageAnalyzers = options.languageAnalyzers ?? false;
  }

  async init(): Promise<void> {
    const exists = await this.call('check alias', () => this.client.indices.existsAlias({ name: this.alias }));
    if (!exists) {
      await this.createVersionedIndex({ [this.alias]: {} });
      return;
    }
    // An index created by an older version lacks later fields; adding them is allowed, `gdcat reindex` fills them.
    await this.call('update mapping', () =>
      this.client.indices.putMapping({ index: this.alias, properties: datasetIndexMappings(this.languageAnalyzers).properties }),
    );
  }

  async upsert(docs: DatasetSearchDocument[]): Promise<WriteResult> {
    if (docs.length === 0) return { rejected: [] };
    const operations = docs.flatMap((doc) => [{ index: { _index: this.alias, _id: doc.id } }, toIndexedDataset(doc, this.languageAnalyzers)]);
    const rejected = await this.bulk('upsert', operations, this.refreshPolicy);
    if (rejected.length > 0) await this.remove(rejected.map((r) => r.id));
    return { rejected };
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const refused = await this.bulk('remove', ids.map((id) => ({ delete: { _index: this.alias, _id: id } })), this.refreshPolicy);
    if (refused.length > 0) throw new Error(`Elasticsearch remove failed: ${refused.map((r) => `${r.id}: ${r.reason}`).join('; ')}`);
  }

  async refresh(): Promise<void> {
    await this.call('refresh', () => this.client.indices.refresh({ index: this.alias }));
  }

  async search(request: DatasetSearchRequest): Promise<DatasetSearchResult> {
    if (!Number.isInteger(request.first) || request.first < 0) throw new Error(`Invalid page size: ${request.first}`);
    const terms = queryTerms(request.query);
    const sort: DatasetSortOrder = request.sort === 'RELEVANCE' && terms.length === 0 ? 'MODIFIED_DESC' : request.sort;
    const searchAfter = request.after ? decodeCursor(request.after, sort) : undefined;

    const always: estypes.QueryDslQueryContainer[] = [
      ...visibilityFilter(request.visibility),
      ...alwaysAppliedFilters(request.filter),
    ];
    const facetable = facetableFilters(request.filter, request.individuals);
    for (const field of request.facets) {
      if (!FACET_FIELDS.includes(field)) throw new Error(`Unknown facet field: ${String(field)}`);
    }
    // Facetable filters go to post_filter so each facet's aggregation can apply all filters but its own;
    // without facets they are ordinary query filters, which Elasticsearch can optimise better.
    const withFacets = request.facets.length > 0;
    const query: estypes.QueryDslQueryContainer = {
      bool: {
        must: terms.length > 0 ? [textQuery(terms, this.languageAnalyzers)] : [],
        filter: withFacets ? always : [...always, ...facetable.map((filter) => filter.query)],
      },
    };
    const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
    request.facets.forEach((field, index) => {
      const others = facetable.filter((filter) => filter.facet !== field).map((filter) => filter.query);
      aggs[`facet${index}`] = {
        filter: { bool: { filter: others } },
        aggs: { values: facetAggregation(field, request.individuals) },
      };
    });
    // Aggregations see the query, not the post_filter: the total sum applies the facetable filters itself.
    aggs.matching = {
      filter: { bool: { filter: facetable.map((filter) => filter.query) } },
      aggs: { individuals: sizeSum(request.individuals) },
    };

    const response = await this.onRequestPath('search', () =>
      this.client.search({
        index: this.alias,
        query,
        ...(withFacets && facetable.length > 0
          ? { post_filter: { bool: { filter: facetable.map((filter) => filter.query) } } }
          : {}),
        aggs,
        sort: sortFor(sort, request.individuals),
        ...(searchAfter ? { search_after: searchAfter } : {}),
        size: request.first,
        track_total_hits: true,
        _source: false,
      }, REQUEST_PATH),
    );
    // Partial results would silently give wrong totals and facets.
    if (response._shards.failed > 0) {
      throw new SearchUnavailableError(`Elasticsearch search failed on ${response._shards.failed} shard(s) of ${this.alias}`);
    }

    const total = response.hits.total;
    const matching = response.aggregations?.matching as { individuals?: unknown } | undefined;
    return {
      totalCount: typeof total === 'number' ? total : (total?.value ?? 0),
      individuals: readSizeSum(matching?.individuals),
      hits: response.hits.hits.map((hit) => ({ id: hit._id!, cursor: encodeCursor(sort, hit.sort ?? []) })),
      facets: request.facets.map((field, index) => ({
        field,
        buckets: facetBuckets(field, response.aggregations?.[`facet${index}`]),
      })),
    };
  }

  async rebuild(
    batches: AsyncIterable<DatasetSearchDocument[]>,
    onProgress?: (indexed: number) => void,
  ): Promise<WriteResult> {
    // Loaded without periodic refreshes and made searchable by one explicit refresh before the swap. Writes that
    // arrive meanwhile land in the current index and are not carried over; the caller must replay what changed
    // since the rebuild started.
    const index = await this.createVersionedIndex(undefined, { refresh_interval: '-1' });
    const rejected: RejectedDocument[] = [];
    try {
      let indexed = 0;
      for await (const batch of batches) {
        if (batch.length === 0) continue;
        const operations = batch.flatMap((doc) => [{ index: { _index: index, _id: doc.id } }, toIndexedDataset(doc, this.languageAnalyzers)]);
        rejected.push(...(await this.bulk('rebuild', operations, false)));
        indexed += batch.length;
        onProgress?.(indexed);
      }
      // null resets to the default interval (which, unlike an explicit '1s', lets idle shards skip refreshes);
      // the client's types do not admit null, hence the cast.
      const defaultRefresh = { refresh_interval: null } as unknown as estypes.IndicesIndexSettings;
      await this.call('restore refresh interval', () =>
        this.client.indices.putSettings({ index, settings: { index: defaultRefresh } }),
      );
      await this.call('refresh rebuilt index', () => this.client.indices.refresh({ index }));
    } catch (error) {
      await this.client.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
      throw error;
    }

    const previous = await this.indicesBehindAlias();
    // One request, applied atomically: readers see either the old or the new index, never neither.
    await this.call('swap alias', () =>
      this.client.indices.updateAliases({
        actions: [
          ...previous.map((old) => ({ remove: { index: old, alias: this.alias } })),
          { add: { index, alias: this.alias } },
        ],
      }),
    );
    if (previous.length > 0) {
      await this.call('delete previous index', () => this.client.indices.delete({ index: previous }));
    }
    return { rejected };
  }

  async listIds(): Promise<{ id: string; modified: string }[]> {
    const ids: { id: string; modified: string }[] = [];
    let searchAfter: estypes.SortResults | undefined;
    for (;;) {
      const response = await this.call('list ids', () =>
        this.client.search<Pick<IndexedDataset, 'modified'>>({
          index: this.alias,
          size: LIST_PAGE_SIZE,
          sort: [{ id: { order: 'asc' } }],
          _source: ['modified'],
          ...(searchAfter ? { search_after: searchAfter } : {}),
        }),
      );
      const hits = response.hits.hits;
      for (const hit of hits) ids.push({ id: hit._id!, modified: new Date(hit._source!.modified).toISOString() });
      if (hits.length < LIST_PAGE_SIZE) return ids;
      searchAfter = hits[hits.length - 1]!.sort;
    }
  }

  /** Cluster health rather than HEAD /: core-only distributions do not serve the root endpoint. */
  async ping(): Promise<boolean> {
    try {
      await this.client.cluster.health({ timeout: '1s' }, REQUEST_PATH);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Creates `<alias>-<timestamp>`, moving the timestamp on if a concurrent creation took it. */
  private async createVersionedIndex(
    aliases: Record<string, estypes.IndicesAlias> | undefined,
    extraSettings: estypes.IndicesIndexSettings = {},
  ): Promise<string> {
    for (let timestamp = Date.now(); ; timestamp += 1) {
      const index = `${this.alias}-${timestamp}`;
      try {
        await this.client.indices.create({
          index,
          settings: { ...DATASET_INDEX_SETTINGS, ...extraSettings },
          mappings: datasetIndexMappings(this.languageAnalyzers),
          ...(aliases ? { aliases } : {}),
        });
        return index;
      } catch (error) {
        if (errorType(error) !== 'resource_already_exists_exception') throw failure('create index', error);
      }
    }
  }

  private async indicesBehindAlias(): Promise<string[]> {
    const response = await this.call('read alias', () =>
      this.client.indices.getAlias({ name: this.alias }, { ignore: [404] }),
    );
    // With ignore 404 a missing alias answers with an error body instead of index entries.
    return Object.keys(response).filter((key) => key !== 'error' && key !== 'status');
  }

  /**
   * _bulk answers per document: documents Elasticsearch refuses as they are (HTTP 4xx items: a mapping
   * conflict, a term longer than 32,766 bytes) are returned as rejected while the others are stored. Items
   * refused for load or an outage (429, 5xx) fail the call, so the whole batch is retried.
   */
  private async bulk(
    operation: string,
    operations: estypes.BulkRequest['operations'],
    refresh: 'wait_for' | false,
  ): Promise<RejectedDocument[]> {
    const response = await this.call(operation, () => this.client.bulk({ operations, refresh }));
    if (!response.errors) return [];
    const rejected: RejectedDocument[] = [];
    const retryable: string[] = [];
    for (const item of response.items) {
      for (const result of Object.values(item)) {
        if (!result?.error) continue;
        const reason = `Elasticsearch: ${describeItemError(result.error)}`;
        if (result.status === 429 || result.status >= 500) retryable.push(`${result._id}: ${reason}`);
        else rejected.push({ id: result._id!, reason });
      }
    }
    if (retryable.length > 0) {
      throw new Error(`Elasticsearch ${operation} failed for ${retryable.length} document(s) in ${this.alias}: ${retryable.slice(0, 5).join('; ')}`);
    }
    return rejected;
  }

  /**
   * A request someone waits for: an engine that is down or hung is reported at once as SearchUnavailableError
   * (the caller answers SEARCH_UNAVAILABLE) instead of being retried.
   */
  private async onRequestPath<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const unreachable =
        error instanceof errors.ConnectionError ||
        error instanceof errors.TimeoutError ||
        error instanceof errors.NoLivingConnectionsError ||
        (error instanceof errors.ResponseError && (error.statusCode ?? 0) >= 500);
      if (unreachable) throw new SearchUnavailableError(failure(operation, error).message, { cause: error });
      throw failure(operation, error);
    }
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw failure(operation, error);
    }
  }
}

/** An item error and its cause, without the copy of the offending value Elasticsearch quotes. */
function describeItemError(error: estypes.ErrorCause): string {
  const own = `${error.type}: ${(error.reason ?? '').replace(/ Preview of field's value:.*$/s, '')}`;
  const cause = error.caused_by;
  return cause ? `${own} (${cause.type}: ${(cause.reason ?? '').slice(0, 300)})` : own;
}

function errorType(error: unknown): string | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const body: unknown = error.body;
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const cause: unknown = body.error;
  return typeof cause === 'object' && cause !== null && 'type' in cause && typeof cause.type === 'string'
    ? cause.type
    : undefined;
}

/** The indexer retries on any thrown error; the message says what failed and why. */
function failure(operation: string, error: unknown): Error {
  if (error instanceof errors.ResponseError) {
    return new Error(`Elasticsearch ${operation} failed (HTTP ${error.statusCode ?? '?'}): ${error.message}`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`Elasticsearch ${operation} failed: ${reason}`, { cause: error });
}

interface QueryTerm {
  /** Folded and lower-cased, for the folded fields. */
  folded: string;
  /** As written (lower-cased), for the language analyzers, which need the accents. */
  word: string;
}

/** Words of the query, split like the standard analyzer splits words; one per folded form. */
function queryTerms(query: string | null | undefined): QueryTerm[] {
  if (!query) return [];
  const terms = new Map<string, QueryTerm>();
  for (const word of query.toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u)) {
    const folded = foldToAscii(word);
    if (folded.length > 0 && !terms.has(folded)) terms.set(folded, { folded, word });
  }
  return [...terms.values()].slice(0, MAX_QUERY_TERMS);
}

function weighted(query: estypes.QueryDslQueryContainer, weight: number): estypes.QueryDslQueryContainer {
  return { constant_score: { filter: query, boost: weight } };
}

/**
 * Words containing digits (gene symbols such as BRCA2, builds, identifiers) match exactly: a near miss there
 * is a different thing, not a typo.
 */
function isTypoTolerant(term: string): boolean {
  return !/\p{N}/u.test(term);
}

function fuzzyQueries(term: string): estypes.QueryDslQueryContainer[] {
  if (!isTypoTolerant(term)) return [];
  return [
    weighted({ match: { titleFolded: { query: term, operator: 'and', fuzziness: FUZZINESS } } }, FUZZY_TITLE_WEIGHT),
    weighted(
      { multi_match: { query: term, fields: [...FUZZY_SUBJECT_FIELDS], operator: 'and', fuzziness: FUZZINESS } },
      FUZZY_SUBJECT_WEIGHT,
    ),
  ];
}

/** A term by its stem in each language's texts, weighted like the folded field each stems. */
function stemmedQueries(word: string): estypes.QueryDslQueryContainer[] {
  const weights = new Map(EXACT_FIELDS);
  const folded: Record<(typeof STEMMED_FIELDS)[number], keyof IndexedDataset> = {
    title: 'titleFolded',
    keywords: 'keywordsFolded',
    publisherName: 'publisherNameFolded',
    description: 'descriptionFolded',
  };
  return Object.keys(LANGUAGE_ANALYZERS).flatMap((language) =>
    STEMMED_FIELDS.map((field) =>
      weighted({ match: { [`stemmed.${language}.${field}`]: { query: word, operator: 'and' } } }, weights.get(folded[field])!),
    ),
  );
}

/** Per term the best-matching field's weight (dis_max), summed over terms (bool should). */
function textQuery(terms: QueryTerm[], languageAnalyzers: boolean): estypes.QueryDslQueryContainer {
  return {
    bool: {
      should: terms.map(({ folded: term, word }) => ({
        dis_max: {
          queries: [
            ...EXACT_FIELDS.map(([field, weight]) =>
              weighted({ match: { [field]: { query: term, operator: 'and' } } }, weight),
            ),
            ...fuzzyQueries(term),
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
function alwaysAppliedFilters(filter: DatasetSearchFilter): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  if (filter.statuses && filter.statuses.length > 0) clauses.push({ terms: { status: filter.statuses } });
  if (filter.consentKeys) {
    clauses.push(filter.consentKeys.length > 0 ? { terms: { consentKey: filter.consentKeys } } : { match_none: {} });
  }
  return clauses;
}

/** Value-list filters: values within a field are ORed; an empty list does not constrain. */
function facetableFilters(
  filter: DatasetSearchFilter,
  view: IndividualsView,
): { facet: FacetField; query: estypes.QueryDslQueryContainer }[] {
  const clauses: { facet: FacetField; query: estypes.QueryDslQueryContainer }[] = [];
  for (const { facet, key, field } of FACETABLE_FILTERS) {
    const values = filter[key];
    if (Array.isArray(values) && values.length > 0) clauses.push({ facet, query: { terms: { [field]: values } } });
  }
  const size: estypes.QueryDslQueryContainer[] = [];
  if (filter.minIndividuals !== undefined && filter.minIndividuals !== null) {
    size.push(sizeRange(view, filter.minIndividuals, null));
  }
  if (filter.individualsRanges && filter.individualsRanges.length > 0) {
    const ranges = INDIVIDUALS_RANGES.filter((range) => filter.individualsRanges!.includes(range.key));
    // A bool without should clauses would match everything; no known range means no match.
    size.push(
      ranges.length === 0
        ? { match_none: {} }
        : { bool: { should: ranges.map((range) => sizeRange(view, range.min, range.max)), minimum_should_match: 1 } },
    );
  }
  if (size.length > 0) clauses.push({ facet: 'individuals', query: { bool: { filter: size } } });
  return clauses;
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
      field: FACET_SOURCE_FIELDS[field],
      size: FACET_SIZE,
      order: [{ _count: 'desc' }, { _key: 'asc' }],
    },
    aggs: individuals,
  };
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

function encodeCursor(sort: DatasetSortOrder, values: estypes.SortResults): string {
  return Buffer.from(JSON.stringify([sort, values])).toString('base64url');
}

function decodeCursor(encoded: string, sort: DatasetSortOrder): estypes.SortResults {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidSearchCursorError('is not a cursor returned by this search');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw new InvalidSearchCursorError('is not a cursor returned by this search');
  const [cursorSort, values] = decoded as unknown[];
  if (cursorSort !== sort) throw new InvalidSearchCursorError(`was issued for sort ${String(cursorSort)}, not ${sort}`);
  const valid =
    Array.isArray(values) &&
    values.length === 2 &&
    // Only the title sorts on text; the others sort on numbers (score, epoch millis, cohort size).
    (sort === 'TITLE' ? typeof values[0] === 'string' && !values[0].includes('\0') : typeof values[0] === 'number' && Number.isFinite(values[0])) &&
    isUuid(values[1]);
  if (!valid) throw new InvalidSearchCursorError('is not a cursor returned by this search');
  return values as estypes.SortResults;
}
