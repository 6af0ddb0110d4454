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
  /** Unset (configs built by hand, e.g. in tests): no scheduled harvests. */
  harvest?: HarvestConfig;
  /** The catalogue record a node without one starts with (a national node harvesting regional ones). */
  catalogue?: CatalogueConfig;
}

/** What the catalogue record says about the catalogue itself, and who publishes it. */
export interface CatalogueConfig {
  identifier: string;
  title: string;
  description: string;
  homepage: string | null;
  /** dct:spatial of the catalogue and its datasets (an EU country authority IRI). */
  spatial: string | null;
  languages: string[];
  publisher: { identifier: string; name: string; homepage: string | null; contactEmail: string | null };
}

/** Harvesting other catalogues (gdcat harvest, and the schedule `serve` keeps). */
export interface HarvestConfig {
  /** Whether `serve` runs enabled harvest sources on their schedule. */
  scheduler: boolean;
  /** How often `serve` looks for sources that are due. */
  tickMs: number;
  /** How long one request to a source may take. */
  timeoutMs: number;
  /** Documents one run may fetch from a source (pages, datasets) before it stops following links. */
  maxDocuments: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const stateDir = defaultStateDir();
  const port = Number(env.PORT ?? 4000);
  const threshold = Number(env.SMALL_COUNT_THRESHOLD ?? 5);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  if (!Number.isInteger(threshold) || threshold < 0) throw new Error('SMALL_COUNT_THRESHOLD must be a whole number >= 0');
  const indexer = env.INDEXER ?? 'in-process';
  if (indexer !== 'in-process' && indexer !== 'separate') throw new Error(`INDEXER must be in-process or separate, not ${indexer}`);
  const whole = (name: string, fallback: number, min: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number >= ${min}, not ${env[name]}`);
    return value;
  };
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
    catalogue: {
      identifier: env.CATALOGUE_IDENTIFIER ?? 'urn:gdcat:catalogue',
      title: env.CATALOGUE_TITLE ?? 'Genomic data catalogue',
      description: env.CATALOGUE_DESCRIPTION ?? 'Genomic datasets: who holds them, what consent allows, and whom to ask.',
      homepage: env.CATALOGUE_HOMEPAGE || null,
      spatial: env.CATALOGUE_SPATIAL || null,
      languages: (env.CATALOGUE_LANGUAGES ?? 'en').split(',').map((code) => code.trim()).filter(Boolean),
      publisher: {
        identifier: env.CATALOGUE_PUBLISHER_ID ?? 'urn:gdcat:org:catalogue-publisher',
        name: env.CATALOGUE_PUBLISHER_NAME ?? 'Catalogue operator',
        homepage: env.CATALOGUE_PUBLISHER_HOMEPAGE || null,
        contactEmail: env.CATALOGUE_PUBLISHER_EMAIL || null,
      },
    },
    harvest: {
      scheduler: env.HARVEST_SCHEDULER !== 'off',
      tickMs: whole('HARVEST_TICK_SECONDS', 60, 1) * 1000,
      timeoutMs: whole('HARVEST_TIMEOUT_SECONDS', 30, 1) * 1000,
      maxDocuments: whole('HARVEST_MAX_DOCUMENTS', 100_000, 1),
    },
  };
}
