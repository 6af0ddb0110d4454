import pg from 'pg';
import { ElasticsearchSearchEngine } from './elasticsearch/elasticsearch-engine.js';
import type { SearchEngine } from './engine.js';
import { PostgresSearchEngine } from './postgres/postgres-engine.js';

/**
 * ELASTICSEARCH_URL set: Elasticsearch; otherwise search runs on PostgreSQL itself. Elasticsearch writes do not
 * wait for a refresh: the outbox indexer is their only writer and searches see its batches within the index's
 * refresh interval (see "What a write promises" in README.md).
 */
export function createSearchEngine(options: { databaseUrl: string; elasticsearchUrl?: string; indexPrefix?: string }): SearchEngine {
  if (options.elasticsearchUrl) {
    return new ElasticsearchSearchEngine({ node: options.elasticsearchUrl, indexPrefix: options.indexPrefix, refresh: false });
  }
  return new PostgresSearchEngine({ pool: new pg.Pool({ connectionString: options.databaseUrl, max: 5 }) });
}
