import path from 'node:path';
import { authConfigFromEnv, type AuthConfig } from './auth/auth-config.js';
import { homedir } from 'node:os';

/** Runtime configuration, all from the environment (see README). */
export interface AppConfig {
  port: number;
  host: string;
  /** Unset: embedded PostgreSQL in the state directory. */
  databaseUrl?: string;
  /** Unset: search runs on PostgreSQL. */
  elasticsearchUrl?: string;
  elasticsearchIndexPrefix: string;
  stateDir: string;
  auth: AuthConfig;
  smallCountThreshold: number;
  /** Public base URL used in RDF identifiers and links. */
  baseUrl: string;
  seedWhenEmpty: boolean;
  /**
   * 'in-process': `serve` drains the outbox itself; 'separate': a `gdcat indexer` process does, so API processes
   * can be scaled out without each of them indexing.
   */
  indexer: 'in-process' | 'separate';
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const stateDir = defaultStateDir();
  const port = Number(env.PORT ?? 4000);
  const threshold = Number(env.SMALL_COUNT_THRESHOLD ?? 5);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  if (!Number.isInteger(threshold) || threshold < 0) throw new Error('SMALL_COUNT_THRESHOLD must be a whole number >= 0');
  const indexer = env.INDEXER ?? 'in-process';
  if (indexer !== 'in-process' && indexer !== 'separate') throw new Error(`INDEXER must be in-process or separate, not ${indexer}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    elasticsearchUrl: env.ELASTICSEARCH_URL || undefined,
    elasticsearchIndexPrefix: env.ELASTICSEARCH_INDEX_PREFIX ?? 'gdcat',
    stateDir,
    auth: authConfigFromEnv(env, path.join(stateDir, 'dev-signing-key.json')),
    smallCountThreshold: threshold,
    baseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    seedWhenEmpty: env.SEED_WHEN_EMPTY !== 'false',
    indexer,
  };
}

/** XDG state dir for normal users; /var/lib for root, because the postgres user cannot enter /root. */
export function defaultStateDir(): string {
  if (process.env.GDCAT_STATE_DIR) return process.env.GDCAT_STATE_DIR;
  if (process.getuid?.() === 0) return '/var/lib/gdcat';
  const xdg = process.env.XDG_STATE_HOME ?? path.join(homedir(), '.local', 'state');
  return path.join(xdg, 'gdcat');
}

// Fault tolerance: how long a request waits for a dependency before answering that it is unavailable.

/** A search on Elasticsearch, and its liveness probe; one try, no retries on the request path. */
export const SEARCH_REQUEST_TIMEOUT_MS = 1_500;
/** /healthz and /readyz each check PostgreSQL and the search engine within this time. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

// What the search engines can index. Accepted input must never reach these limits (refused when the record
// is written, src/datasets/search-limits.ts); whatever still fails is set aside by the indexer.

/**
 * The longest value, in UTF-8 bytes, that becomes one exact-match search term: an identifier, a disease code,
 * a genome build, a diagnostic area, an assay, the sort key of a title. Well below what PostgreSQL can hold
 * in a GIN or btree index entry (about 2.7 kB) and Elasticsearch in a keyword term (32,766 bytes).
 */
export const SEARCH_TERM_MAX_BYTES = 2_000;
/**
 * The most searchable text, in UTF-8 bytes, one dataset may have (title, description, keywords, disease and
 * phenotype labels together): half of what a PostgreSQL tsvector holds (1 MB).
 */
export const SEARCH_TEXT_MAX_BYTES = 512 * 1024;
