import type { DatasetFilter, DatasetSort, PrimaryPurpose, ResearchPurposeInput } from './graphql/generated/graphql';
import { enumLabels } from './enum-labels';
import { readPage } from './paging';

export const PAGE_SIZE = 10;
/** The most buckets the API gives one facet (FACET_BUCKETS, src/search/query-model.ts). */
export const FACET_BUCKETS = 50;

/** Facet fields and the filter each one's bucket values go into (the address uses the filter's name). */
export const facetFilters = {
  publisher: 'publisher',
  holdingRegion: 'holdingRegion',
  diagnosticArea: 'diagnosticArea',
  assay: 'assay',
  disease: 'diseases',
  duoPermission: 'duoPermission',
  accessMode: 'accessMode',
  accessBody: 'accessBody',
  genomeBuild: 'genomeBuild',
  individuals: 'individualsRange',
} as const satisfies Record<string, keyof DatasetFilter>;
export type ListFacet = keyof typeof facetFilters;

export function isListFacet(field: string): field is ListFacet {
  return field in facetFilters;
}

export const SORTS: DatasetSort[] = ['RELEVANCE', 'TITLE', 'MODIFIED_DESC', 'INDIVIDUALS_DESC'];
export const PURPOSES: PrimaryPurpose[] = ['GENERAL_RESEARCH', 'HEALTH_MEDICAL_BIOMEDICAL', 'DISEASE_SPECIFIC', 'POPULATION_ORIGINS_ANCESTRY'];

/** Everything a search is, read from the address so it survives reloads and can be shared. */
export interface SearchState {
  query: string;
  sort: DatasetSort;
  page: number;
  selected: Partial<Record<ListFacet, string[]>>;
  purpose: ResearchPurposeInput | null;
  onlyPermitted: boolean;
}

export function readSearch(params: URLSearchParams): SearchState {
  const selected: SearchState['selected'] = {};
  for (const [field, key] of Object.entries(facetFilters) as [ListFacet, string][]) {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) selected[field] = values;
  }
  const sort = params.get('sort') as DatasetSort | null;
  return {
    query: params.get('q') ?? '',
    sort: sort && SORTS.includes(sort) ? sort : 'RELEVANCE',
    page: readPage(params),
    selected,
    purpose: readPurpose(params),
    onlyPermitted: params.get('only') !== 'no',
  };
}

/** The research purpose in an address: the search's, and a landing page's it is carried to. */
export function readPurpose(params: URLSearchParams): ResearchPurposeInput | null {
  const primaryPurpose = params.get('purpose') as PrimaryPurpose | null;
  if (!primaryPurpose || !PURPOSES.includes(primaryPurpose)) return null;
  return {
    primaryPurpose,
    diseases: params.getAll('purposeDisease'),
    country: params.get('country') || undefined,
    commercial: params.get('commercial') === 'yes',
  };
}

function writePurpose(params: URLSearchParams, purpose: ResearchPurposeInput): void {
  params.set('purpose', purpose.primaryPurpose);
  for (const disease of purpose.diseases ?? []) params.append('purposeDisease', disease);
  if (purpose.country) params.set('country', purpose.country);
  if (purpose.commercial) params.set('commercial', 'yes');
}

/** The address part that carries a purpose to a landing page ('' without one), so it answers for it too. */
export function purposeSearch(purpose: ResearchPurposeInput | null): string {
  if (!purpose) return '';
  const params = new URLSearchParams();
  writePurpose(params, purpose);
  return `?${params.toString()}`;
}

export function writeSearch(state: SearchState): string {
  const params = new URLSearchParams();
  if (state.query) params.set('q', state.query);
  for (const [field, values] of Object.entries(state.selected) as [ListFacet, string[]][]) {
    for (const value of values) params.append(facetFilters[field], value);
  }
  if (state.purpose) {
    writePurpose(params, state.purpose);
    if (!state.onlyPermitted) params.set('only', 'no');
  }
  if (state.sort !== 'RELEVANCE') params.set('sort', state.sort);
  if (state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

export function filterOf(state: SearchState): DatasetFilter {
  const filter: Record<string, unknown> = {};
  for (const [field, values] of Object.entries(state.selected) as [ListFacet, string[]][]) {
    filter[facetFilters[field]] = values;
  }
  if (state.purpose && state.onlyPermitted) filter.permittedFor = state.purpose;
  return filter as DatasetFilter;
}

/** A filter value a search was asked for and the catalogue does not know. */
export interface DroppedFilter {
  field: ListFacet;
  value: string;
}

/** The values the filters of an enum take: GraphQL refuses a whole search that names any other. */
const FILTER_CHOICES: Partial<Record<ListFacet, ReadonlySet<string>>> = {
  diagnosticArea: new Set(Object.keys(enumLabels.en.DiagnosticArea)),
  assay: new Set(Object.keys(enumLabels.en.Assay)),
  accessMode: new Set(Object.keys(enumLabels.en.AccessMode)),
};

/**
 * The search without the filter values no enum of the catalogue has (a mistyped or outdated shared link), and
 * those values: the search runs with the rest and says which were left out, as for unknown records below.
 */
export function withoutUnknownChoices(state: SearchState): { state: SearchState; dropped: DroppedFilter[] } {
  const dropped: DroppedFilter[] = [];
  const selected = { ...state.selected };
  for (const [field, choices] of Object.entries(FILTER_CHOICES) as [ListFacet, ReadonlySet<string>][]) {
    const values = selected[field];
    if (!values) continue;
    for (const value of values) if (!choices.has(value)) dropped.push({ field, value });
    const known = values.filter((value) => choices.has(value));
    if (known.length > 0) selected[field] = known;
    else delete selected[field];
  }
  return { state: { ...state, selected }, dropped };
}

/**
 * The search without the filter values the API named as unknown (`filter.publisher[0]`: an organisation it does
 * not know, or one the caller may not see), so a shared link to a search still answers with the rest. Null when
 * the problems are not all about such values: the search then fails as the API said.
 */
export function withoutUnknownFilters(state: SearchState, problems: { field?: string | null }[]): { state: SearchState; dropped: DroppedFilter[] } | null {
  const facetOf = new Map(Object.entries(facetFilters).map(([field, key]) => [key as string, field as ListFacet]));
  const unknown = problems.map((problem) => {
    const [, key = '', index = ''] = /^filter\.(\w+)\[(\d+)\]$/.exec(problem.field ?? '') ?? [];
    const field = facetOf.get(key);
    const value = field && state.selected[field]?.[Number(index)];
    return field && value !== undefined ? { field, value } : null;
  });
  if (unknown.length === 0 || unknown.some((entry) => entry === null)) return null;
  const dropped = unknown as DroppedFilter[];
  const selected = { ...state.selected };
  for (const { field, value } of dropped) selected[field] = (selected[field] ?? []).filter((chosen) => chosen !== value);
  return { state: { ...state, selected }, dropped };
}
