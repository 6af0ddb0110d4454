import { DataAccessBody } from '../access/data-access-body.entity.js';
import { pageSize } from '../records/pagination.js';
import { Problems, UserInputProblem } from '../core/problems.js';
import { permittedConsentKeys } from '../consent/consent-matching.js';
import { findDuoTerm } from '../consent/duo-vocabulary.js';
import type { DatasetPageParts, NamedRecords, RequestContext } from '../graphql/kit/context.js';
import { nameFor } from '../graphql/kit/localized-text.js';
import { diseaseIdSyntaxProblem, displayLabel, normaliseDiseaseId, unregistrableDiseaseReason } from '../ontology/disease-hierarchy.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { FACET_FIELDS, InvalidSearchCursorError, facetValueKind, type DatasetSearchFilter, type FacetField, type FacetResult } from '../search/engine.js';
import { findReadable } from '../records/references.js';
import { toGlobalId } from '../core/global-id.js';
import { INDIVIDUALS_RANGES } from '../search/engine.js';
import type { Assay } from './cohort.js';
import type { Dataset } from './dataset.entity.js';
import type { DatasetFilter, DatasetSearchResult, DatasetSort, Facet } from './dataset.types.js';
import { discloseSum, type IndividualsView } from './cohort-disclosure.js';

/**
 * DataLoader's loadMany reports a failed batch as an Error per item. Such a failure (the database is
 * unavailable) fails the search rather than silently dropping its hits or buckets; null (a record deleted
 * meanwhile, or unreadable) is left to the caller.
 */
async function loadAll<T>(loader: { loadMany(keys: readonly string[]): Promise<(T | null | Error)[]> }, keys: readonly string[]): Promise<(T | null)[]> {
  const results = await loader.loadMany(keys);
  const failed = results.find((result): result is Error => result instanceof Error);
  if (failed) throw failed;
  return results as (T | null)[];
}

/** Which cohort sizes the caller works with: exact when signed in, disclosed (cohort-disclosure.ts) otherwise. */
export function individualsView(ctx: RequestContext): IndividualsView {
  return ctx.policy.isAuthenticated ? { kind: 'EXACT' } : { kind: 'DISCLOSED', threshold: ctx.settings.smallCountThreshold };
}

/** Discovery: turns the GraphQL filter into an engine request and the engine's hits into datasets. */
export async function searchDatasets(
  ctx: RequestContext,
  args: { query?: string | null; filter?: DatasetFilter | null; sort?: DatasetSort | null; first?: number | null; after?: string | null; withFacets?: boolean; withTotals?: boolean },
  /** The fields selected on each dataset of the page (all parts are read when not given). */
  nodeFields?: ReadonlySet<string>,
): Promise<DatasetSearchResult> {
  const first = pageSize(args.first, 20);
  const problems = new Problems();
  const filter = await toEngineFilter(ctx, args.filter ?? {}, problems);
  problems.throwIfAny();
  const view = individualsView(ctx);
  const result = await ctx.search
    .search({
      query: args.query?.trim() || null,
      filter,
      visibility: ctx.policy.searchVisibility(),
      sort: args.sort ?? 'RELEVANCE',
      first: first + 1,
      after: args.after ?? null,
      facets: args.withFacets === false ? [] : FACET_FIELDS,
      withTotals: args.withTotals !== false,
      individuals: view,
    })
    .catch((error: unknown) => {
      if (error instanceof InvalidSearchCursorError) throw UserInputProblem.of(error.field, error.message);
      throw error;
    });
  const hits = result.hits.slice(0, first);
  const datasets = await ctx.loaders.datasetPage(hits.map((h) => h.id), pageParts(nodeFields), recordsNamedBy(result.facets));
  // A hit whose row vanished between the engine and PostgreSQL (deleted meanwhile) is skipped.
  const edges = hits
    .map((hit, i) => ({ cursor: hit.cursor, node: datasets[i] }))
    .filter((edge): edge is { cursor: string; node: Dataset } => !!edge.node);
  const individuals = discloseSum(result.individuals, view);
  return {
    totalCount: result.totalCount,
    individuals: individuals.value,
    displayIndividuals: individuals.display,
    edges,
    pageInfo: {
      hasNextPage: result.hits.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    // Labelled while GraphQL resolves the page's nodes, so the organisations and access bodies the buckets
    // name load in the same statements as those the nodes name.
    facets: labelFacets(ctx, result.facets, view),
  };
}

/** Which parts of its datasets a result page reads, from the GraphQL fields selected on them. */
function pageParts(fields: ReadonlySet<string> | undefined): DatasetPageParts {
  const shows = (...names: string[]) => !fields || names.some((name) => fields.has(name));
  return {
    publisher: shows('publisher'),
    study: shows('wasGeneratedBy'),
    hdab: shows('hdab'),
    distributions: shows('distributions'),
    ownerOrganisation: shows('ownerOrganisation'),
    dataHolders: shows('dataHolders'),
    contributors: shows('contributors'),
    publications: shows('publications'),
    evaluations: shows('healthEconomicEvaluations'),
    consent: shows('consent', 'useAssessment'),
    accessRoute: shows('accessRoute'),
    contacts: shows('whoToAsk', 'accessContacts'),
  };
}

/** The organisations and access bodies the facet buckets name, read along with those of the page. */
function recordsNamedBy(facets: FacetResult[]): NamedRecords {
  const values = (...fields: string[]) => facets.filter((facet) => fields.includes(facet.field)).flatMap((facet) => facet.buckets.map((bucket) => bucket.value));
  return { organisations: values('publisher', 'holdingRegion'), accessBodies: values('accessBody') };
}

async function idsOf(ctx: RequestContext, entity: typeof Organisation | typeof DataAccessBody, refs: string[], field: string, problems: Problems): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, ref] of refs.entries()) {
    // Unknown and unreadable answer alike, so the filter is no oracle for drafts.
    const found = await findReadable(ctx.em, ctx.policy, entity as typeof Organisation, ref);
    if (found) ids.push(found.id);
    else problems.add(`filter.${field}[${i}]`, `no ${entity.name} "${ref}"`, 'NOT_FOUND');
  }
  return ids;
}

async function toEngineFilter(ctx: RequestContext, filter: DatasetFilter, problems: Problems): Promise<DatasetSearchFilter> {
  const engineFilter: DatasetSearchFilter = {};
  if (filter.publisher?.length) engineFilter.publisherIds = await idsOf(ctx, Organisation, filter.publisher, 'publisher', problems);
  if (filter.accessBody?.length) engineFilter.accessBodyIds = await idsOf(ctx, DataAccessBody, filter.accessBody, 'accessBody', problems);
  if (filter.holdingRegion?.length) {
    engineFilter.holdingRegionIds = await idsOf(ctx, Organisation, filter.holdingRegion, 'holdingRegion', problems);
  }
  if (filter.diagnosticArea?.length) engineFilter.diagnosticAreas = filter.diagnosticArea;
  if (filter.assay?.length) engineFilter.assays = filter.assay;
  if (filter.diseases?.length) {
    // A label, or a MONDO code no dataset can carry (registration refuses them), would silently match nothing.
    filter.diseases.forEach((disease, i) => {
      const problem = diseaseIdSyntaxProblem(disease) ?? unregistrableDiseaseReason(disease);
      if (problem) problems.add(`filter.diseases[${i}]`, problem);
    });
    engineFilter.diseaseIds = filter.diseases.map((d) => normaliseDiseaseId(d));
  }
  if (filter.duoPermission?.length) {
    engineFilter.duoPermissions = filter.duoPermission.map((p, i) => {
      const term = findDuoTerm(p);
      if (!term || term.kind !== 'PERMISSION') problems.add(`filter.duoPermission[${i}]`, `"${p}" is not a DUO permission`);
      return term?.shorthand ?? p;
    });
  }
  if (filter.accessMode?.length) engineFilter.accessModes = filter.accessMode;
  if (filter.genomeBuild?.length) engineFilter.genomeBuilds = filter.genomeBuild;
  if (filter.minIndividuals != null) {
    if (filter.minIndividuals < 0) problems.add('filter.minIndividuals', 'cannot be negative');
    engineFilter.minIndividuals = filter.minIndividuals;
  }
  if (filter.individualsRange?.length) {
    const keys: string[] = INDIVIDUALS_RANGES.map((range) => range.key);
    filter.individualsRange.forEach((key, i) => {
      if (!keys.includes(key)) problems.add(`filter.individualsRange[${i}]`, `"${key}" is not one of ${keys.join(', ')}`);
    });
    engineFilter.individualsRanges = filter.individualsRange;
  }
  if (filter.status?.length) engineFilter.statuses = filter.status;
  if (filter.permittedFor) engineFilter.consentKeys = await permittedConsentKeys(ctx.em, filter.permittedFor, 'filter.permittedFor', problems);
  return engineFilter;
}

/** The DatasetFilter field each facet's bucket values narrow by (Facet.filterField). */
const FILTER_FIELDS: Record<FacetField, keyof DatasetFilter & string> = {
  publisher: 'publisher',
  diagnosticArea: 'diagnosticArea',
  assay: 'assay',
  disease: 'diseases',
  duoPermission: 'duoPermission',
  accessMode: 'accessMode',
  accessBody: 'accessBody',
  holdingRegion: 'holdingRegion',
  genomeBuild: 'genomeBuild',
  individuals: 'individualsRange',
};

/** Facet buckets as callers see them: the value the matching filter takes, a label, exact dataset counts. */
async function labelFacets(ctx: RequestContext, facets: FacetResult[], view: IndividualsView): Promise<Facet[]> {
  // All facets at once, so the records their buckets name are read in one statement per kind.
  return Promise.all(
    facets.map(async (engineFacet) => {
      const facet = await withReadableBuckets(ctx, engineFacet);
      const labels = await facetLabels(ctx, facet);
      return {
        field: facet.field,
        filterField: FILTER_FIELDS[facet.field],
        buckets: facet.buckets.map((bucket, i) => {
          const individuals = discloseSum(bucket.individuals, view);
          return {
            value: filterValue(facet.field, bucket.value),
            label: labels[i] ?? bucket.value,
            count: bucket.count,
            displayCount: String(bucket.count),
            individuals: individuals.value,
            displayIndividuals: individuals.display,
          };
        }),
      };
    }),
  );
}

/**
 * Buckets of records the caller may not read (another organisation's draft publisher or access body named
 * by a published dataset) are left out: neither their name, their id nor their count is shown.
 */
async function withReadableBuckets(ctx: RequestContext, facet: FacetResult): Promise<FacetResult> {
  const kind = facetValueKind(facet.field);
  if (kind !== 'organisation' && kind !== 'accessBody') return facet;
  const records = await loadAll<unknown>(ctx.loaders[kind], facet.buckets.map((b) => b.value));
  return { ...facet, buckets: facet.buckets.filter((_, i) => !!records[i]) };
}

/** Engines bucket records by internal id; the filters take Relay ids (or public identifiers). */
function filterValue(field: FacetResult['field'], value: string): string {
  switch (facetValueKind(field)) {
    case 'organisation':
      return toGlobalId(Organisation.name, value);
    case 'accessBody':
      return toGlobalId(DataAccessBody.name, value);
    default:
      return value;
  }
}

/** Labels by the kind of values a facet has (query model: VALUE_FACETS). */
async function facetLabels(ctx: RequestContext, facet: FacetResult): Promise<(string | null)[]> {
  const values = facet.buckets.map((b) => b.value);
  switch (facetValueKind(facet.field)) {
    case 'organisation':
      return (await loadAll(ctx.loaders.organisation, values)).map((o) => (o ? nameFor(ctx, o) : null));
    case 'accessBody':
      return (await loadAll(ctx.loaders.accessBody, values)).map((b) => (b ? nameFor(ctx, b) : null));
    case 'disease':
      return values.map((v) => displayLabel(v) ?? null);
    case 'duoPermission':
      return values.map((v) => findDuoTerm(v)?.label ?? null);
    case 'assay':
      return values.map((v) => ASSAY_LABELS[v as Assay] ?? null);
    case 'enum':
      return values.map(sentenceCase);
    case 'sizeRange':
      return values.map((v) => `${v} individuals`);
    case 'text':
      return values;
  }
}

const ASSAY_LABELS: Record<Assay, string> = {
  WGS: 'Whole-genome sequencing',
  WES: 'Whole-exome sequencing',
  PANEL: 'Gene panel sequencing',
  WTS: 'Whole-transcriptome sequencing',
  LONG_READ_WGS: 'Long-read whole-genome sequencing',
  PATHOGEN_WGS: 'Pathogen whole-genome sequencing',
  METAGENOMICS: 'Metagenomics',
  ARRAY: 'Genotyping array',
};

/** RARE_DISEASES -> "Rare diseases". */
function sentenceCase(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
