import pg from 'pg';
import { ElasticsearchSearchEngine } from './elasticsearch/elasticsearch-engine.js';
import type { SearchEngine } from './engine.js';
import { PostgresSearchEngine } from './postgres/postgres-engine.js';

/** ELASTICSEARCH_URL set: Elasticsearch; otherwise search runs on PostgreSQL itself. */
export function createSearchEngine(options: { databaseUrl: string; elasticsearchUrl?: string; indexPrefix?: string }): SearchEngine {
  if (options.elasticsearchUrl) {
    return new ElasticsearchSearchEngine({ node: options.elasticsearchUrl, indexPrefix: options.indexPrefix });
  }
  return new PostgresSearchEngine({ pool: new pg.Pool({ connectionString: options.databaseUrl, max: 5 }) });
}
