import { Client, errors, type estypes } from '@elastic/elasticsearch';
import {
  SearchUnavailableError,
  type DatasetSearchDocument,
  type DatasetSearchRequest,
  type DatasetSearchResult,
  type PreparedUpsert,
  type RejectedDocument,
  type SearchEngine,
  type WriteResult,
} from '../engine.js';
import { SEARCH_REQUEST_TIMEOUT_MS } from '../../config.js';
import { toQueryModel } from '../query-model.js';
import { CURSOR_KEYS, readSearchResponse, searchRequest } from './elasticsearch-translate.js';
import { DATASET_INDEX_SETTINGS, datasetIndexMappings, toIndexedDataset, type IndexedDataset } from './index-mapping.js';

/**
 * Discovery search on Elasticsearch 8, the I/O: the index is index-mapping.ts, the search request
 * elasticsearch-translate.ts, the policy it follows the query model (../query-model.ts). Readers and writers
 * address the alias `<prefix>-datasets`; the concrete index behind it is versioned
 * (`<prefix>-datasets-<timestamp>`) so rebuild() can load a fresh index and move the alias atomically.
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

/** Transport options of requests someone waits for (searches, the liveness probe): one try, a short timeout. */
const REQUEST_PATH = { requestTimeout: SEARCH_REQUEST_TIMEOUT_MS, maxRetries: 0 } as const;
const LIST_PAGE_SIZE = 1000;

/** Documents as the NDJSON body of a _bulk request into `alias` (prepareUpsert). */
class BulkBody implements PreparedUpsert {
  constructor(
    readonly documents: readonly DatasetSearchDocument[],
    readonly alias: string,
    readonly ndjson: string,
  ) {}
}

export class ElasticsearchSearchEngine implements SearchEngine {
  readonly name = 'elasticsearch' as const;
  private readonly client: Client;
  private readonly alias: string;
  get indexName(): string {
    return this.alias;
  }
  private readonly refreshPolicy: 'wait_for' | false;
  private readonly languageAnalyzers: boolean;

  constructor(options: ElasticsearchSearchEngineOptions) {
    this.client = new Client({ node: options.node });
    this.alias = `${options.indexPrefix ?? 'gdcat'}-datasets`;
    this.refreshPolicy = options.refresh ?? 'wait_for';
    this.languageAnalyzers = options.languageAnalyzers ?? false;
  }

  /**
   * Creates the index behind the alias, or adds the fields a later version maps. An engine that cannot be reached
   * fails with SearchUnavailableError (the first request is one short try, so a hung node does not hold up a
   * start); anything else it refuses (a missing analyzer, a mapping conflict) with a plain Error.
   */
  async init(): Promise<void> {
    const exists = await this.call('check alias', () => this.client.indices.existsAlias({ name: this.alias }, REQUEST_PATH));
    if (!exists) {
      await this.createVersionedIndex({ [this.alias]: {} });
      return;
    }
    // An index created by an older version lacks later fields; adding them is allowed, `gdcat reindex` fills them.
    await this.call('update mapping', () =>
      this.client.indices.putMapping({ index: this.alias, properties: datasetIndexMappings(this.languageAnalyzers).properties }),
    );
  }

  async upsert(docs: DatasetSearchDocument[] | PreparedUpsert): Promise<WriteResult> {
    const prepared = docs instanceof BulkBody && docs.alias === this.alias ? docs : this.prepareUpsert(Array.isArray(docs) ? docs : [...docs.documents]);
    if (prepared.documents.length === 0) return { rejected: [] };
    const rejected = await this.bulk('upsert', prepared.ndjson, this.refreshPolicy);
    if (rejected.length > 0) await this.remove(rejected.map((r) => r.id));
    return { rejected };
  }

  /** The _bulk request body, serialised as the client would. */
  prepareUpsert(docs: DatasetSearchDocument[]): BulkBody {
    const lines = docs.map((doc) => `${JSON.stringify({ index: { _index: this.alias, _id: doc.id } })}\n${JSON.stringify(toIndexedDataset(doc, this.languageAnalyzers))}\n`);
    return new BulkBody(docs, this.alias, lines.join(''));
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
    const query = toQueryModel(request, CURSOR_KEYS);
    const response = await this.call('search', () => this.client.search(searchRequest(query, this.alias, this.languageAnalyzers), REQUEST_PATH));
    // Partial results would silently give wrong totals and facets.
    if (response._shards.failed > 0) {
      throw new SearchUnavailableError(`Elasticsearch search failed on ${response._shards.failed} shard(s) of ${this.alias}`);
    }
    return readSearchResponse(query, response);
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
    operations: estypes.BulkRequest['operations'] | string,
    refresh: 'wait_for' | false,
  ): Promise<RejectedDocument[]> {
    // The client sends a string body (NDJSON serialised beforehand) as it is.
    const body = operations as estypes.BulkRequest['operations'];
    const response = await this.call(operation, () => this.client.bulk({ operations: body, refresh }));
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
   * Runs one request; its failure says what failed and why (failure()). Requests someone waits for pass
   * REQUEST_PATH, so an engine that is down or hung is reported at once instead of being retried.
   */
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

/**
 * An engine that is down, hung or not serving (5xx: no master yet, shards not allocated) cannot be reached:
 * searches answer SEARCH_UNAVAILABLE and a start sets the index up later (search/engine-startup.ts).
 */
function unreachable(error: unknown): boolean {
  return (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    (error instanceof errors.ResponseError && (error.statusCode ?? 0) >= 500)
  );
}

/**
 * What failed and why: SearchUnavailableError when the engine cannot be reached, otherwise a plain Error (the
 * indexer retries on either).
 */
function failure(operation: string, error: unknown): Error {
  const message =
    error instanceof errors.ResponseError
      ? `Elasticsearch ${operation} failed (HTTP ${error.statusCode ?? '?'}): ${error.message}`
      : `Elasticsearch ${operation} failed: ${error instanceof Error ? error.message : String(error)}`;
  return unreachable(error) ? new SearchUnavailableError(message, { cause: error }) : new Error(message, { cause: error });
}
