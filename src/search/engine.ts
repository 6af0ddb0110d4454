import type { SearchVisibility } from '../records/access-policy.js';
import type { FacetField, ValueFacetFilterKey } from './query-model.js';

export type { SearchVisibility };
// The facets, their ranges and values, and the cursor error are the query model's; callers reach them here.
export { FACET_FIELDS, INDIVIDUALS_RANGES, InvalidSearchCursorError, facetValueKind, type FacetField } from './query-model.js';

/**
 * The one interface every discovery search engine implements. PostgreSQL is the source of truth; an engine
 * holds a derived projection of datasets (one DatasetSearchDocument each) fed by the outbox indexer.
 * Both engines are held to the same behaviour by test/search/engine-contract.ts.
 */

import type { IndividualsView } from '../datasets/cohort-disclosure.js';

export type RecordStatus = 'DRAFT' | 'PUBLISHED' | 'WITHDRAWN';

/** The denormalised projection of a dataset that search engines index. Built in src/search/document.ts. */
export interface DatasetSearchDocument {
  /** Internal UUID; the engine's document id. */
  id: string;
  /** Stable public identifier (e.g. a URN). */
  identifier: string;
  status: RecordStatus;
  ownerOrganisationId: string;
  title: string;
  description: string;
  keywords: string[];
  publisherId: string | null;
  publisherName: string | null;
  /**
   * The dataset's texts in every content language it or its publisher has, its own language first (the fields
   * above repeat its own language, for sorting). Engines match query words in every language and, where they
   * can, by stem in each language (see README, "Languages").
   */
  texts: LanguageTexts[];
  diagnosticArea: string | null;
  assays: string[];
  /** Disease CURIEs the cohort is annotated with. */
  diseaseIds: string[];
  /**
   * diseaseIds plus all their ancestors (the precomputed closure), so a filter or facet on any term, even
   * MONDO:0000001, is one term lookup that finds annotated descendants.
   */
  diseaseAncestorIds: string[];
  /** Labels of the annotated diseases and of their ancestors, so a query "cancer" finds a breast-cancer cohort. */
  diseaseLabels: string[];
  phenotypeLabels: string[];
  /** DUO permission shorthand (GRU, HMB, DS, POA, NRES). */
  duoPermission: string | null;
  /** Hash of the consent rules; datasets with the same key share one use assessment. */
  consentKey: string | null;
  accessMode: string | null;
  accessBodyIds: string[];
  /** Organisations of type REGION among the data holders. */
  holdingRegionIds: string[];
  genomeBuild: string | null;
  /** Cohort size (unique individuals). */
  individuals: number | null;
  /** The cohort size rounded by roundIndividuals, what callers without exact access work with. */
  individualsRounded: number | null;
  /** ISO 8601 timestamps. */
  issued: string | null;
  modified: string;
}

/** The searchable texts of a dataset in one content language; empty where it has none in that language. */
export interface LanguageTexts {
  language: string;
  title: string;
  description: string;
  keywords: string[];
  publisherName: string | null;
}

/** A document's texts in all its languages, field by field, its own language first and none twice. */
export function textsInAllLanguages(doc: DatasetSearchDocument): {
  titles: string[];
  descriptions: string[];
  keywords: string[];
  publisherNames: string[];
} {
  const all = <V>(own: V | null, pick: (texts: LanguageTexts) => V | null): V[] =>
    [...new Set([own, ...doc.texts.map(pick)])].filter((value): value is V => value !== null && value !== '');
  return {
    titles: all(doc.title, (t) => t.title),
    descriptions: all(doc.description, (t) => t.description),
    keywords: [...new Set([...doc.keywords, ...doc.texts.flatMap((t) => t.keywords)])],
    publisherNames: all(doc.publisherName, (t) => t.publisherName),
  };
}

/**
 * What a search matches. The value-list keys are those of the facets (VALUE_FACETS in query-model.ts: each
 * matches one document field, e.g. diseaseIds the ancestor closure diseaseAncestorIds); values within a key are
 * ORed, an empty list does not constrain.
 */
export type DatasetSearchFilter = { [key in ValueFacetFilterKey]?: string[] } & {
  /** Cohort size at least this (in the request's individuals view). */
  minIndividuals?: number;
  /** Keys of INDIVIDUALS_RANGES the cohort size falls in (in the request's individuals view), ORed. */
  individualsRanges?: string[];
  statuses?: RecordStatus[];
  /** Only datasets whose consentKey is in this list (used for "permitted for my purpose"). */
  consentKeys?: string[];
};

export type DatasetSortOrder = 'RELEVANCE' | 'TITLE' | 'MODIFIED_DESC' | 'INDIVIDUALS_DESC';

export interface DatasetSearchRequest {
  query?: string | null;
  filter: DatasetSearchFilter;
  visibility: SearchVisibility;
  sort: DatasetSortOrder;
  first: number;
  /** Cursor from a previous SearchHit of the same engine and sort (format: query-model.ts). */
  after?: string | null;
  /** Facets to compute; empty means none. */
  facets: readonly FacetField[];
  /**
   * Whether totalCount and individuals are wanted (default true). Without them an engine may return 0 for both
   * and read only the page: counting every match is most of the cost of a large result.
   */
  withTotals?: boolean;
  individuals: IndividualsView;
}

export interface SearchHit {
  id: string;
  /** Keyset cursor for this hit under the request's sort: opaque to callers, its key in the engine's terms. */
  cursor: string;
}

export interface FacetBucket {
  value: string;
  /** Datasets in the bucket (exact). */
  count: number;
  /** Sum of the cohort sizes of those datasets, in the request's individuals view. */
  individuals: number;
}

export interface FacetResult {
  field: FacetField;
  buckets: FacetBucket[];
}

export interface DatasetSearchResult {
  totalCount: number;
  /** Sum of the cohort sizes of all matching datasets, in the request's individuals view. */
  individuals: number;
  hits: SearchHit[];
  facets: FacetResult[];
}

/**
 * The search engine did not answer in time or could not be reached; searches are answered SEARCH_UNAVAILABLE
 * while reads by id and writes, which do not need it, go on.
 */
export class SearchUnavailableError extends Error {}

/**
 * A document the engine refused as it is (it would refuse it again unchanged): too long a term, a value its
 * index cannot hold. The other documents of the write are stored; the indexer sets this one aside with the
 * reason (src/search/indexing-failures.ts). Outages are not rejections: those writes throw and are retried.
 */
export interface RejectedDocument {
  id: string;
  reason: string;
}

export interface WriteResult {
  rejected: RejectedDocument[];
}

/** Documents encoded for one engine's write by its prepareUpsert (the _bulk body, the upsert's rows). */
export interface PreparedUpsert {
  readonly documents: readonly DatasetSearchDocument[];
}

export interface SearchEngine {
  readonly name: 'postgres' | 'elasticsearch';
  /** The index searches read (Elasticsearch: its alias; PostgreSQL: the projection table). */
  readonly indexName: string;
  /**
   * Creates the index/table if missing. Idempotent. Throws SearchUnavailableError when the engine cannot be
   * reached (a start then serves without searches and retries, engine-startup.ts), another error when it
   * refuses the index as this version maps it.
   */
  init(): Promise<void>;
  /**
   * Writes documents. Whether searches see them as soon as this returns depends on the engine's refresh
   * policy (Elasticsearch: see its `refresh` option); refresh() always makes them visible. A document the
   * engine rejects is reported, never stops the others; a rejected document's earlier version is removed, so
   * searches never find a dataset as it no longer is.
   */
  upsert(docs: DatasetSearchDocument[] | PreparedUpsert): Promise<WriteResult>;
  /**
   * Does the CPU part of an upsert at once, encoding the documents for the engine, so that a caller can
   * encode one batch while the engine stores the previous one (the outbox indexer does). Documents another
   * engine prepared are encoded again by upsert.
   */
  prepareUpsert(docs: DatasetSearchDocument[]): PreparedUpsert;
  remove(ids: string[]): Promise<void>;
  /** Makes every write accepted so far visible to searches (no-op where writes are visible at once). */
  refresh(): Promise<void>;
  search(request: DatasetSearchRequest): Promise<DatasetSearchResult>;
  /**
   * Builds a fresh index from the given batches and switches readers to it only when complete
   * (Elasticsearch: alias swap; PostgreSQL: table swap in one transaction). Rejected documents are reported
   * and left out, like upsert's.
   */
  rebuild(batches: AsyncIterable<DatasetSearchDocument[]>, onProgress?: (indexed: number) => void): Promise<WriteResult>;
  /** All document ids with their modified timestamp, for consistency checks. */
  listIds(): Promise<{ id: string; modified: string }[]>;
  /** Whether the engine answers; rejects with the reason when it cannot serve searches for another one. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
