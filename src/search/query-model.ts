import { isUuid } from '../core/validation.js';
import type { IndividualsView } from '../datasets/cohort-disclosure.js';
import type { DatasetSearchDocument, DatasetSearchRequest, DatasetSortOrder, RecordStatus, SearchVisibility } from './engine.js';

/**
 * The search policy, once: which facets there are and what they read, how query text becomes words and how
 * those words score, how each sort order breaks ties, what a cursor holds and which page sizes are allowed.
 * toQueryModel() turns an engine-neutral DatasetSearchRequest into a DatasetQuery; each engine's pure
 * translator (postgres/postgres-translate.ts, elasticsearch/elasticsearch-translate.ts) turns that into its own
 * request and never decides policy itself. test/search/engine-contract.ts holds both engines to the result.
 */

// ---------------------------------------------------------------------------------------------------------
// Facets

/**
 * How a facet's bucket values become what callers see (the labelling is done where records can be read,
 * src/datasets/dataset-search.queries.ts): records by internal id (shown as Relay ids, named by the record,
 * buckets of unreadable records left out), ontology or vocabulary terms, or the value itself.
 */
export type FacetValueKind = 'organisation' | 'accessBody' | 'disease' | 'duoPermission' | 'assay' | 'enum' | 'text' | 'sizeRange';

/** A facet whose buckets are the values of one document field, and the filter that takes those values back. */
export interface ValueFacetDefinition {
  readonly field: string;
  /** The DatasetSearchFilter key holding the values to match (ORed within the facet). */
  readonly filter: string;
  /** The document field the filter matches and the buckets count; a bucket fed back as a filter matches it exactly. */
  readonly document: keyof DatasetSearchDocument;
  /** The document field holds a list (a dataset counts once in each of its values' buckets). */
  readonly multiValued: boolean;
  /** The facet's counts ignore its own filter (the other values stay visible as alternatives). */
  readonly disjunctive: boolean;
  readonly values: FacetValueKind;
}

/** The value-list facets in the order results list them; the individuals facet (by size range) comes last. */
export const VALUE_FACETS = [
  { field: 'publisher', filter: 'publisherIds', document: 'publisherId', multiValued: false, disjunctive: true, values: 'organisation' },
  { field: 'diagnosticArea', filter: 'diagnosticAreas', document: 'diagnosticArea', multiValued: false, disjunctive: true, values: 'enum' },
  { field: 'assay', filter: 'assays', document: 'assays', multiValued: true, disjunctive: true, values: 'assay' },
  // The closure of ancestors: a bucket or filter on any term covers its annotated descendants.
  { field: 'disease', filter: 'diseaseIds', document: 'diseaseAncestorIds', multiValued: true, disjunctive: true, values: 'disease' },
  { field: 'duoPermission', filter: 'duoPermissions', document: 'duoPermission', multiValued: false, disjunctive: true, values: 'duoPermission' },
  { field: 'accessMode', filter: 'accessModes', document: 'accessMode', multiValued: false, disjunctive: true, values: 'enum' },
  { field: 'accessBody', filter: 'accessBodyIds', document: 'accessBodyIds', multiValued: true, disjunctive: true, values: 'accessBody' },
  { field: 'holdingRegion', filter: 'holdingRegionIds', document: 'holdingRegionIds', multiValued: true, disjunctive: true, values: 'organisation' },
  { field: 'genomeBuild', filter: 'genomeBuilds', document: 'genomeBuild', multiValued: false, disjunctive: true, values: 'text' },
] as const satisfies readonly ValueFacetDefinition[];

export type ValueFacet = (typeof VALUE_FACETS)[number];
export type ValueFacetField = ValueFacet['field'];
/** DatasetSearchFilter keys of the value-list facets. */
export type ValueFacetFilterKey = ValueFacet['filter'];

/** Bucket keys of the individuals facet, by the number of unique individuals in the cohort (in the request's view). */
export const INDIVIDUALS_RANGES = [
  { key: '1-99', min: 1, max: 99 },
  { key: '100-999', min: 100, max: 999 },
  { key: '1000-9999', min: 1000, max: 9999 },
  { key: '10000+', min: 10000, max: null },
] as const;
export type IndividualsRange = (typeof INDIVIDUALS_RANGES)[number];

/** The cohort-size facet: fixed ranges in range order, filtered by minIndividuals and individualsRanges. */
export const INDIVIDUALS_FACET = { field: 'individuals', disjunctive: true, values: 'sizeRange' } as const;

export type FacetField = ValueFacetField | typeof INDIVIDUALS_FACET.field;
export const FACET_FIELDS: readonly FacetField[] = [...VALUE_FACETS.map((facet) => facet.field), INDIVIDUALS_FACET.field];

/** Buckets per value facet: the most frequent values, ties by value in byte order. */
export const FACET_BUCKETS = 50;

export function valueFacet(field: ValueFacetField): ValueFacet {
  return VALUE_FACETS.find((facet) => facet.field === field)!;
}

/** How a facet's values are shown; see FacetValueKind. */
export function facetValueKind(field: FacetField): FacetValueKind {
  return field === INDIVIDUALS_FACET.field ? INDIVIDUALS_FACET.values : valueFacet(field).values;
}

// ---------------------------------------------------------------------------------------------------------
// Text: words, fields and weights

/** Words beyond these are ignored: each costs a clause in both engines. */
export const MAX_QUERY_WORDS = 32;

/** Anything but letters, marks and digits separates words (like the standard analyzer: 'BRCA-2' is two words). */
const WORD_SEPARATORS = /[^\p{L}\p{M}\p{N}]+/u;

export interface QueryWord {
  /** NFC, lower-cased, accents kept: for stemming, which needs them. */
  word: string;
  /** The word folded to ASCII: what the folded text fields match. */
  folded: string;
  /** Typo tolerant (see isTypoTolerant). */
  fuzzy: boolean;
}

/**
 * The words of a query: lower-cased and split on anything but letters, marks and digits; no stop words and no
 * minimum length (a one-letter word matches one-letter words). Words that fold to the same ASCII form ('Skåne',
 * 'skane') are one word, the first spelling kept; at most MAX_QUERY_WORDS.
 */
export function queryWords(query: string | null | undefined): QueryWord[] {
  if (!query) return [];
  const words = new Map<string, QueryWord>();
  for (const word of query.normalize('NFC').toLowerCase().split(WORD_SEPARATORS)) {
    const folded = foldToAscii(word);
    if (folded.length > 0 && !words.has(folded)) words.set(folded, { word, folded, fuzzy: isTypoTolerant(word) });
  }
  return [...words.values()].slice(0, MAX_QUERY_WORDS);
}

/**
 * Words containing digits (gene symbols such as BRCA2, builds, identifiers) match exactly: a near miss there
 * is a different thing, not a typo.
 */
export function isTypoTolerant(word: string): boolean {
  return !/\p{N}/u.test(word);
}

/**
 * How near a typo may be: edits (a letter inserted, deleted or replaced, or two neighbours swapped) between the
 * folded query word and a whole indexed word, by the query word's length in letters: under 5 none, 5-8 one,
 * from 9 two (Elasticsearch's fuzziness AUTO:5,9, without a prefix kept exact). With Elasticsearch's default
 * steps (3,6) six-letter words allow two edits, so 'exomes' matched 'genomes' and 'genome' matched 'exome': in
 * genomics the difference between an exome and a genome dataset is the point, not a typo.
 */
export const TYPO_EDITS_FROM = { one: 5, two: 9 } as const;

/** The edits a word's typos may take (see TYPO_EDITS_FROM); 0 for words matched exactly. */
export function typoEdits({ folded, fuzzy }: QueryWord): number {
  if (!fuzzy) return 0;
  const letters = [...folded].length;
  return letters >= TYPO_EDITS_FROM.two ? 2 : letters >= TYPO_EDITS_FROM.one ? 1 : 0;
}

/** At most this many indexed words are taken as one word's typos, the nearest first (Elasticsearch's max_expansions). */
export const TYPO_MAX_EXPANSIONS = 50;

/** Letters that Unicode canonical decomposition does not split into base letter + mark. */
const UNDECOMPOSABLE: Record<string, string> = {
  ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ß: 'ss', ð: 'd', Ð: 'D', þ: 'th', Þ: 'TH', đ: 'd', Đ: 'D',
  ł: 'l', Ł: 'L', ı: 'i',
};

const ASCII = /^[\x00-\x7f]*$/;

/** Folds accented Latin letters to ASCII ('Skåne' → 'Skane', 'Örebro' → 'Orebro', 'Ærø' → 'AEro'). */
export function foldToAscii(text: string): string {
  // Most texts are ASCII already; testing for that is far cheaper than decomposing them.
  if (ASCII.test(text)) return text;
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[øØæÆœŒßðÐþÞđĐłŁı]/g, (letter) => UNDECOMPOSABLE[letter] ?? letter);
}

/** The searchable texts of a dataset. */
export type TextField = 'title' | 'keywords' | 'labels' | 'publisherName' | 'description';

export interface TextFieldDefinition {
  readonly field: TextField;
  /** What a word found in this field scores. */
  readonly weight: number;
  /** What a word found here only with a typo scores; null: typos are not looked for here. */
  readonly typoWeight: number | null;
  /** Held per content language (LanguageTexts), so also matched by stem in each language. */
  readonly perLanguage: boolean;
}

/**
 * Relevance is term-centric: every query word scores the best field it matches, and a document's score is the
 * sum over words. The weights are multiples of 1/16, so sums are exact in both engines (numeric in PostgreSQL,
 * float in Elasticsearch) and documents with the same matches tie exactly, ties broken by id. Listed best first.
 */
export const TEXT_FIELDS: readonly TextFieldDefinition[] = [
  { field: 'title', weight: 1, typoWeight: 0.5, perLanguage: true },
  { field: 'keywords', weight: 0.625, typoWeight: 0.3125, perLanguage: true },
  // Disease and phenotype labels, including the annotated diseases' ancestors.
  { field: 'labels', weight: 0.375, typoWeight: 0.3125, perLanguage: false },
  { field: 'publisherName', weight: 0.375, typoWeight: 0.3125, perLanguage: true },
  { field: 'description', weight: 0.25, typoWeight: null, perLanguage: true },
];

/** Fields grouped by equal weight, best first: an engine scores a word by the first group it matches. */
export function weightTiers(weightOf: (field: TextFieldDefinition) => number | null): { weight: number; fields: TextField[] }[] {
  const tiers = new Map<number, TextField[]>();
  for (const field of TEXT_FIELDS) {
    const weight = weightOf(field);
    if (weight !== null) tiers.set(weight, [...(tiers.get(weight) ?? []), field.field]);
  }
  return [...tiers].sort(([a], [b]) => b - a).map(([weight, fields]) => ({ weight, fields }));
}

// ---------------------------------------------------------------------------------------------------------
// Sorting and cursors

/** What a sort order orders by; every order then breaks ties by id ascending, so pages never overlap. */
export type SortKey = 'score' | 'title' | 'modified' | 'individuals';

export interface SortDefinition {
  readonly key: SortKey;
  readonly direction: 'asc' | 'desc';
  /** Documents without the key (no cohort size) come after all others. */
  readonly missingLast: boolean;
}

export const SORT_ORDERS: Readonly<Record<DatasetSortOrder, SortDefinition>> = {
  RELEVANCE: { key: 'score', direction: 'desc', missingLast: false },
  // By the lower-cased title (DatasetSearchDocument title, String.toLowerCase) in code-point order.
  TITLE: { key: 'title', direction: 'asc', missingLast: false },
  MODIFIED_DESC: { key: 'modified', direction: 'desc', missingLast: false },
  // By the size in the request's individuals view (see IndividualsView): a suppressed size sorts as none.
  INDIVIDUALS_DESC: { key: 'individuals', direction: 'desc', missingLast: true },
};

/** Relevance without words has nothing to rank by: newest first instead. */
export const SORT_WITHOUT_WORDS: DatasetSortOrder = 'MODIFIED_DESC';

/** The sort key's value as an engine writes it into cursors. */
export type CursorKey = string | number | null;

/** How an engine represents each sort key in its cursors: text, a finite number, or a whole number or null. */
export type CursorKeyType = 'text' | 'number' | 'integerOrNull';
export type CursorKeyTypes = Readonly<Record<SortKey, CursorKeyType>>;

/** Where a page starts: strictly after this sort key value and document id, under `sort`. */
export interface SortPosition {
  sort: DatasetSortOrder;
  key: CursorKey;
  id: string;
}

/** The `after` cursor was not issued by this engine for this sort; the caller's input is at fault. */
export class InvalidSearchCursorError extends Error {
  /** The request field at fault. */
  readonly field = 'after';
}

/** A cursor is the base64url JSON array [sort order, sort key, id]: opaque to callers, checked when it returns. */
export function encodeCursor(position: SortPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.key, position.id])).toString('base64url');
}

/** Reads a cursor back for `sort`; an InvalidSearchCursorError (field `after`) says what is wrong with it. */
export function decodeCursor(encoded: string, sort: DatasetSortOrder, keyTypes: CursorKeyTypes): SortPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidSearchCursorError(NOT_OURS);
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw new InvalidSearchCursorError(NOT_OURS);
  const [cursorSort, key, id] = decoded as unknown[];
  if (cursorSort !== sort) throw new InvalidSearchCursorError(`was issued for sort ${String(cursorSort)}, not ${sort}`);
  const keyType = keyTypes[SORT_ORDERS[sort].key];
  if (!isCursorKey(key, keyType)) throw new InvalidSearchCursorError(`${NOT_OURS}: its ${SORT_ORDERS[sort].key} is not ${KEY_TYPE_NAMES[keyType]}`);
  if (!isUuid(id)) throw new InvalidSearchCursorError(`${NOT_OURS}: its dataset id is not a UUID`);
  return { sort, key, id };
}

const NOT_OURS = 'is not a cursor returned by this search';
const KEY_TYPE_NAMES: Record<CursorKeyType, string> = { text: 'text', number: 'a number', integerOrNull: 'a whole number or null' };

function isCursorKey(key: unknown, type: CursorKeyType): key is CursorKey {
  switch (type) {
    // NUL cannot be a PostgreSQL text value nor be in an indexed title.
    case 'text':
      return typeof key === 'string' && !key.includes('\0');
    case 'number':
      return typeof key === 'number' && Number.isFinite(key);
    case 'integerOrNull':
      return key === null || (typeof key === 'number' && Number.isSafeInteger(key));
  }
}

// ---------------------------------------------------------------------------------------------------------
// The normalised query

/** One facet's filter: values of a value facet (ORed), or the cohort-size conditions (ANDed). */
export type FacetFilter =
  | { facet: ValueFacet; kind: 'values'; values: string[] }
  | {
      facet: typeof INDIVIDUALS_FACET;
      kind: 'size';
      /** Size at least this, or null. */
      min: number | null;
      /** The size lies in one of these ranges (an empty list matches nothing), or null: any. */
      ranges: IndividualsRange[] | null;
    };

/** A search as both engines translate it: every policy decision already taken. */
export interface DatasetQuery {
  words: QueryWord[];
  /** The requested order, or SORT_WITHOUT_WORDS for relevance without words. */
  sort: DatasetSortOrder;
  /** Start after this position (from the `after` cursor). */
  after: SortPosition | null;
  /** Hits to return. */
  first: number;
  visibility: SearchVisibility;
  /** Filters no facet ignores: statuses (null: any) and consent keys (null: any; empty: none permits). */
  statuses: RecordStatus[] | null;
  consentKeys: string[] | null;
  /** The facetable filters that constrain, in facet order; each facet's counts ignore its own if disjunctive. */
  facetFilters: FacetFilter[];
  facets: readonly FacetField[];
  /** totalCount and individuals wanted (otherwise both may be 0). */
  withTotals: boolean;
  individuals: IndividualsView;
}

/**
 * Checks and normalises a request. Bad input the caller could send (a cursor) throws InvalidSearchCursorError;
 * a page size or facet the service would never send is a programming error.
 */
export function toQueryModel(request: DatasetSearchRequest, cursorKeys: CursorKeyTypes): DatasetQuery {
  if (!Number.isInteger(request.first) || request.first < 0) throw new Error(`Invalid page size: ${request.first}`);
  for (const field of request.facets) {
    if (!FACET_FIELDS.includes(field)) throw new Error(`Unknown facet field: ${String(field)}`);
  }
  const words = queryWords(request.query);
  const sort = request.sort === 'RELEVANCE' && words.length === 0 ? SORT_WITHOUT_WORDS : request.sort;
  const { filter } = request;
  return {
    words,
    sort,
    after: request.after ? decodeCursor(request.after, sort, cursorKeys) : null,
    first: request.first,
    visibility: request.visibility,
    statuses: filter.statuses && filter.statuses.length > 0 ? filter.statuses : null,
    consentKeys: filter.consentKeys ?? null,
    facetFilters: facetFilters(request),
    facets: request.facets,
    withTotals: request.withTotals !== false,
    individuals: request.individuals,
  };
}

/** Value lists constrain when not empty; the size conditions together form the individuals facet's filter. */
function facetFilters({ filter }: DatasetSearchRequest): FacetFilter[] {
  const filters: FacetFilter[] = [];
  for (const facet of VALUE_FACETS) {
    const values = filter[facet.filter];
    if (values && values.length > 0) filters.push({ facet, kind: 'values', values });
  }
  const min = filter.minIndividuals ?? null;
  const keys = filter.individualsRanges && filter.individualsRanges.length > 0 ? filter.individualsRanges : null;
  if (min !== null || keys !== null) {
    const ranges = keys === null ? null : INDIVIDUALS_RANGES.filter((range) => keys.includes(range.key));
    filters.push({ facet: INDIVIDUALS_FACET, kind: 'size', min, ranges });
  }
  return filters;
}
