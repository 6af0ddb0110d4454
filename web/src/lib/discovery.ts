import type { DatasetFilter, DatasetSort, PrimaryPurpose, ResearchPurposeInput } from './graphql/generated/graphql';

export const PAGE_SIZE = 10;

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
  const page = Number(params.get('page') ?? '1');
  const primaryPurpose = params.get('purpose') as PrimaryPurpose | null;
  const purpose: ResearchPurposeInput | null =
    primaryPurpose && PURPOSES.includes(primaryPurpose)
      ? {
          primaryPurpose,
          diseases: params.getAll('purposeDisease'),
          country: params.get('country') || undefined,
          commercial: params.get('commercial') === 'yes',
        }
      : null;
  return {
    query: params.get('q') ?? '',
    sort: sort && SORTS.includes(sort) ? sort : 'RELEVANCE',
    page: Number.isInteger(page) && page > 0 ? page : 1,
    selected,
    purpose,
    onlyPermitted: params.get('only') !== 'no',
  };
}

export function writeSearch(state: SearchState): string {
  const params = new URLSearchParams();
  if (state.query) params.set('q', state.query);
  for (const [field, values] of Object.entries(state.selected) as [ListFacet, string[]][]) {
    for (const value of values) params.append(facetFilters[field], value);
  }
  if (state.purpose) {
    params.set('purpose', state.purpose.primaryPurpose);
    for (const disease of state.purpose.diseases ?? []) params.append('purposeDisease', disease);
    if (state.purpose.country) params.set('country', state.purpose.country);
    if (state.purpose.commercial) params.set('commercial', 'yes');
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
