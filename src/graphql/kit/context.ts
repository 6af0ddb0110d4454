import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessPolicy } from '../../records/access-policy.js';
import type { Loaders } from '../../db/loaders.js';
import type { SearchEngine } from '../../search/engine.js';

/** What a result page reads for its nodes (the loaders' page read), named for the resolvers that ask for it. */
export type { DatasetPageParts, NamedRecords } from '../../db/loaders.js';

export interface SearchSettings {
  /** Facet counts below this are shown as "<N" to anonymous callers. */
  smallCountThreshold: number;
}

/** Everything a resolver may use, created per request. */
export interface RequestContext {
  em: EntityManager;
  policy: AccessPolicy;
  loaders: Loaders;
  search: SearchEngine;
  settings: SearchSettings;
  /** The catalogue's public base URL (PUBLIC_BASE_URL). */
  baseUrl: string;
  /** Whether harvest sources may be registered on private networks (HARVEST_ALLOW_PRIVATE_NETWORKS). */
  harvestPrivateNetworks: boolean;
  /** Content languages the request's Accept-Language asks for, most wanted first (core/languages.ts). */
  acceptedLanguages?: readonly string[];
  /** Called after a committed write so the indexer picks it up at once. */
  afterWrite: () => void;
}
