import path from 'node:path';
import { authConfigFromEnv, type AuthConfig } from './auth/auth-config.js';
import { defaultStateDir } from './db/embedded-postgres.js';

/** Runtime configuration, all from the environment (see README). */
export interface AppConfig {
  port: number;
  host: string;
  /** Unset: embedded PostgreSQL in the state directory. */
  databaseUrl?: string;
  /** Unset: search runs on PostgreSQL. */
  elasticsearchUrl?: string;
  elasticsearchIndexPrefix: string;
  /** Stem Swedish and English texts with Elasticsearch's language analyzers (needs the analysis-common module). */
  elasticsearchLanguageAnalyzers?: boolean;
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
    elasticsearchLanguageAnalyzers: env.ELASTICSEARCH_LANGUAGE_ANALYZERS === 'true',
    stateDir,
    auth: authConfigFromEnv(env, path.join(stateDir, 'dev-signing-key.json')),
    smallCountThreshold: threshold,
    baseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    seedWhenEmpty: env.SEED_WHEN_EMPTY !== 'false',
    indexer,
  };
}
