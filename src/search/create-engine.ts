import type { Log } from '../core/log.js';
import { createPool } from '../db/pools.js';
import { ElasticsearchSearchEngine } from './elasticsearch/elasticsearch-engine.js';
import type { SearchEngine } from './engine.js';
import { PostgresSearchEngine } from './postgres/postgres-engine.js';

export interface SearchEngineOptions {
  databaseUrl: string;
  elasticsearchUrl?: string;
  indexPrefix?: string;
  /** Elasticsearch only: stem with the swedish and english analyzers (ElasticsearchSearchEngineOptions). */
  languageAnalyzers?: boolean;
  /** Where the PostgreSQL engine's pool logs broken connections, and the engine building its tables afresh. */
  log?: Log;
  /** Called with every SQL statement of the PostgreSQL engine; used by tests to count queries. */
  onQuery?: (sql: string) => void;
  /** PostgreSQL engine: limit on one search statement (0 or unset: none). */
  searchStatementTimeoutMs?: number;
}

/**
 * ELASTICSEARCH_URL set: Elasticsearch; otherwise search runs on PostgreSQL itself. Elasticsearch writes do not
 * wait for a refresh: the outbox indexer is their only writer and searches see its batches within the index's
 * refresh interval (see "What a write promises" in README.md).
 */
export function createSearchEngine(options: SearchEngineOptions): SearchEngine {
  if (options.elasticsearchUrl) {
    return new ElasticsearchSearchEngine({ node: options.elasticsearchUrl, indexPrefix: options.indexPrefix, refresh: false, languageAnalyzers: options.languageAnalyzers });
  }
  const pool = createPool({ connectionString: options.databaseUrl, max: 5, name: 'search', log: options.log, onQuery: options.onQuery });
  return new PostgresSearchEngine({ pool, searchStatementTimeoutMs: options.searchStatementTimeoutMs, log: options.log });
}
