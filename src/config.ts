import path from 'node:path';
import { authConfigFromEnv, type AuthConfig } from './auth/auth-config.js';
import { LOG_FORMATS, type LogFormat } from './core/log.js';
import { homedir } from 'node:os';

/** Defaults of the HTTP edge (README, "Configuration" and "Security model"). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1_200;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_SOCKET_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;
export const DEFAULT_SEARCH_CONCURRENCY = 4;
export const DEFAULT_SEARCH_QUEUE = 32;
export const DEFAULT_SEARCH_STATEMENT_TIMEOUT_MS = 5_000;
export const DEFAULT_SEARCH_MAX_WAIT_MS = 5_000;
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 24 * 3600;
/** Clock difference tolerated between the token issuer and this server. */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;
/** Operation names the web catalogue sends: each gets its own metrics series, every other name shares one. */
export const WEB_CATALOGUE_OPERATIONS = [
  'DiscoverDatasets', 'PageCursors', 'DuoTerms', 'DiseaseSuggestions', 'DatasetPage', 'ManagedDatasets', 'DatasetForEdit',
  'EditorChoices', 'CreateDataset', 'UpdateDataset', 'PublishDataset', 'WithdrawDataset', 'ImportCatalogue',
  'HarvestOverview', 'CreateHarvestSource', 'SetHarvestSourceEnabled',
];

/** A client names its GraphQL operations as it likes: this much of a name goes into the access log. */
export const LOGGED_OPERATION_NAME_LENGTH = 100;

/** How the HTTP edge protects the service: limits, timeouts and what it exposes. */
export interface HttpSettings {
  /** GraphQL introspection (schema.graphql is the published schema; off unless GRAPHQL_INTROSPECTION=true). */
  introspection: boolean;
  /** Origins allowed to call the API from a browser; '*' allows any. Empty: same origin only. */
  corsOrigins: string[];
  /** Bearer token /metrics requires; unset: /metrics is open (keep it on an internal network then). */
  metricsToken?: string;
  /** Operation names that get their own metrics series. */
  metricsOperations: string[];
  /** Express "trust proxy": which proxies' X-Forwarded-* to believe (client address, protocol). */
  trustProxy: boolean | number | string;
  /** Requests one client (address) may make per minute; 0: no limit. */
  rateLimitPerMinute: number;
  /** Time to receive a whole request (headers and body) and to receive its headers. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** A connection with no traffic for this long is closed. */
  idleSocketTimeoutMs: number;
  maxBodyBytes: number;
}

/** Searches one API process runs at once, how many may wait, and PostgreSQL's limit on one search statement. */
export interface SearchLimits {
  concurrency: number;
  queue: number;
  /** A search that waited this long for its turn is refused (SEARCH_BUSY). */
  maxWaitMs: number;
  statementTimeoutMs: number;
}

/** Runtime configuration, all from the environment (see README). */
export interface AppConfig {
  port: number;
  host: string;
  /** Unset: embedded PostgreSQL in the state directory. */
  databaseUrl?: string;
  /** The embedded PostgreSQL's shared_buffers in MB (unset: its default, see defaultSharedBuffersMb). */
  embeddedSharedBuffersMb?: number;
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
  /** How log lines are written: 'text' for people (also when unset), 'json' (one object a line) for log shippers. */
  logFormat?: LogFormat;
  /** Unset (configurations built in code): the defaults, as with an empty environment. */
  http?: HttpSettings;
  searchLimits?: SearchLimits;
  /** Unset (configs built by hand, e.g. in tests): no scheduled harvests. */
  harvest?: HarvestConfig;
  /**
   * The export formats the indexing process prepares the next export in (src/dcat/export-preparation.ts). Unset
   * (configs built by hand, e.g. in tests) or empty: none.
   */
  exportPreparation?: ExportFormatName[];
  /** The catalogue record a node without one starts with (a national node harvesting regional ones). */
  catalogue?: CatalogueConfig;
}

/** The export formats by the names `gdcat export --format` takes. */
export const EXPORT_FORMAT_NAMES = ['ttl', 'nt'] as const;
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number];

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
  /** Largest response body one fetch from a source may have; a larger one is a failure of the run, not read further. */
  maxResponseBytes: number;
  /** Whether sources may be on loopback, link-local and private addresses (src/harvest/private-networks.ts). */
  allowPrivateNetworks: boolean;
  /** Heap of the process `serve` harvests in, MiB (src/harvest/harvest-process.ts); a harvest needing more fails. */
  heapMb: number;
}

/**
 * Default of HARVEST_MAX_RESPONSE_BYTES: a gdcat listing page of 200 datasets is well under 5 MiB, and a
 * whole-catalogue file of some thousands of datasets fits; a source that sends more (or never stops) is cut off.
 */
export const HARVEST_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Redirects one fetch from a source follows (each hop checked like the first) before it fails. */
export const HARVEST_MAX_REDIRECTS = 5;

/**
 * Default of HARVEST_HEAP_MB. A harvest holds a whole document, its quads and its records at once: parsing and
 * reading 30 MB of Turtle peaked at 470 MiB of heap (BENCHMARKS.md), so a document at HARVEST_MAX_RESPONSE_BYTES'
 * default (64 MiB) needs about 1 GiB, and writing its records more.
 */
export const HARVEST_HEAP_MB = 3072;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const stateDir = defaultStateDir();
  const port = Number(env.PORT ?? 4000);
  const threshold = Number(env.SMALL_COUNT_THRESHOLD ?? 5);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  if (!Number.isInteger(threshold) || threshold < 0) throw new Error('SMALL_COUNT_THRESHOLD must be a whole number >= 0');
  const indexer = env.INDEXER ?? 'in-process';
  if (indexer !== 'in-process' && indexer !== 'separate') throw new Error(`INDEXER must be in-process or separate, not ${indexer}`);
  const logFormat = LOG_FORMATS.find((format) => format === env.LOG_FORMAT);
  if (env.LOG_FORMAT && !logFormat) throw new Error(`LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}, not ${env.LOG_FORMAT}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    ...(env.EMBEDDED_POSTGRES_SHARED_BUFFERS_MB ? { embeddedSharedBuffersMb: whole(env, 'EMBEDDED_POSTGRES_SHARED_BUFFERS_MB', 0, 16) } : {}),
    elasticsearchUrl: env.ELASTICSEARCH_URL || undefined,
    elasticsearchIndexPrefix: env.ELASTICSEARCH_INDEX_PREFIX ?? 'gdcat',
    elasticsearchLanguageAnalyzers: env.ELASTICSEARCH_LANGUAGE_ANALYZERS === 'true',
    stateDir,
    auth: {
      ...authConfigFromEnv(env, path.join(stateDir, 'dev-signing-key.json')),
      maxLifetimeSeconds: whole(env, 'TOKEN_MAX_LIFETIME_SECONDS', DEFAULT_TOKEN_MAX_LIFETIME_SECONDS, 1),
    },
    smallCountThreshold: threshold,
    baseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    seedWhenEmpty: env.SEED_WHEN_EMPTY !== 'false',
    indexer,
    ...(logFormat ? { logFormat } : {}),
    exportPreparation: exportPreparationOf(env.EXPORT_PREPARATION),
    http: httpSettingsFromEnv(env),
    searchLimits: searchLimitsFromEnv(env),
    catalogue: {
      identifier: env.CATALOGUE_IDENTIFIER ?? 'urn:gdcat:catalogue',
      title: env.CATALOGUE_TITLE ?? 'Genomic data catalogue',
      description: env.CATALOGUE_DESCRIPTION ?? 'Genomic datasets: who holds them, what consent allows, and whom to ask.',
      homepage: env.CATALOGUE_HOMEPAGE || null,
      spatial: env.CATALOGUE_SPATIAL || null,
      languages: list(env.CATALOGUE_LANGUAGES ?? 'en'),
      publisher: {
        identifier: env.CATALOGUE_PUBLISHER_ID ?? 'urn:gdcat:org:catalogue-publisher',
        name: env.CATALOGUE_PUBLISHER_NAME ?? 'Catalogue operator',
        homepage: env.CATALOGUE_PUBLISHER_HOMEPAGE || null,
        contactEmail: env.CATALOGUE_PUBLISHER_EMAIL || null,
      },
    },
    harvest: {
      scheduler: env.HARVEST_SCHEDULER !== 'off',
      tickMs: whole(env, 'HARVEST_TICK_SECONDS', 60, 1) * 1000,
      timeoutMs: whole(env, 'HARVEST_TIMEOUT_SECONDS', 30, 1) * 1000,
      maxDocuments: whole(env, 'HARVEST_MAX_DOCUMENTS', 100_000, 1),
      maxResponseBytes: whole(env, 'HARVEST_MAX_RESPONSE_BYTES', HARVEST_MAX_RESPONSE_BYTES, 1),
      allowPrivateNetworks: flag(env, 'HARVEST_ALLOW_PRIVATE_NETWORKS', false),
      heapMb: whole(env, 'HARVEST_HEAP_MB', HARVEST_HEAP_MB, 256),
    },
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
/**
 * A search engine that cannot be reached at start is set up in the background: first retry after this long,
 * each later one after twice the wait before, never more than SEARCH_SETUP_RETRY_MAX_MS.
 */
export const SEARCH_SETUP_RETRY_FIRST_MS = 1_000;
export const SEARCH_SETUP_RETRY_MAX_MS = 30_000;

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

export function searchLimitsFromEnv(env: NodeJS.ProcessEnv = {}): SearchLimits {
  return {
    concurrency: whole(env, 'SEARCH_CONCURRENCY', DEFAULT_SEARCH_CONCURRENCY, 1),
    queue: whole(env, 'SEARCH_QUEUE', DEFAULT_SEARCH_QUEUE, 0),
    maxWaitMs: whole(env, 'SEARCH_MAX_WAIT_MS', DEFAULT_SEARCH_MAX_WAIT_MS, 1),
    statementTimeoutMs: whole(env, 'SEARCH_STATEMENT_TIMEOUT_MS', DEFAULT_SEARCH_STATEMENT_TIMEOUT_MS, 0),
  };
}

/** The HTTP settings from the environment; with an empty environment, the production defaults. */
export function httpSettingsFromEnv(env: NodeJS.ProcessEnv = {}): HttpSettings {
  const requestTimeoutMs = whole(env, 'REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1);
  return {
    introspection: flag(env, 'GRAPHQL_INTROSPECTION', false),
    corsOrigins: list(env.CORS_ORIGINS),
    metricsToken: env.METRICS_TOKEN || undefined,
    metricsOperations: [...WEB_CATALOGUE_OPERATIONS, ...list(env.METRICS_OPERATIONS)],
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    rateLimitPerMinute: whole(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_MINUTE, 0),
    requestTimeoutMs,
    headersTimeoutMs: Math.min(whole(env, 'HEADERS_TIMEOUT_MS', DEFAULT_HEADERS_TIMEOUT_MS, 1), requestTimeoutMs),
    idleSocketTimeoutMs: whole(env, 'IDLE_SOCKET_TIMEOUT_MS', DEFAULT_IDLE_SOCKET_TIMEOUT_MS, 1),
    maxBodyBytes: whole(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1),
  };
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number >= ${min}, not ${text}`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (text !== 'true' && text !== 'false') throw new Error(`${name} must be true or false, not ${text}`);
  return text === 'true';
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** EXPORT_PREPARATION: `off`, or the formats to prepare (default both). */
function exportPreparationOf(text: string | undefined): ExportFormatName[] {
  if (text === 'off') return [];
  const names = list(text || EXPORT_FORMAT_NAMES.join(','));
  const unknown = names.filter((name) => !(EXPORT_FORMAT_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new Error(`EXPORT_PREPARATION must be off or a list of ${EXPORT_FORMAT_NAMES.join(', ')}, not ${text}`);
  return [...new Set(names as ExportFormatName[])];
}

/** TRUST_PROXY: true/false, a number of hops, or addresses/subnets as Express takes them. */
function trustProxyOf(text: string | undefined): boolean | number | string {
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  return /^\d+$/.test(text) ? Number(text) : text;
}
