import { Collection, type EntityClass, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessRoute } from '../access/access-route.entity.js';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import { fromGlobalId } from '../core/global-id.js';
import { AccessPolicy } from '../records/access-policy.js';
import { type CatalogueRecord, RecordStatus } from '../records/record.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { HealthEconomicEvaluation } from '../economics/health-economic-evaluation.entity.js';
import type { Organisation } from '../organisations/organisation.entity.js';

/**
 * Reads what the harvestable catalogue publishes, a page or batch of datasets at a time, in a fixed number
 * of queries whatever the page size: the datasets with their own relations, then consent scopes, access
 * routes and the access bodies run by the organisations involved, each for the whole page at once.
 *
 * The output is public, so what it says about related records is what the access policy lets an anonymous
 * reader see, exactly as in GraphQL: the records handed to the describer are views in which every
 * reference the public may not read (a draft organisation, access body, study, publication...) is absent.
 */

/**
 * `record` as the public sees it: the named reference fields keep only records the public may read (a
 * to-one reference becomes null, a collection loses the rest). The managed entity itself is left untouched.
 */
function publicView<T extends object>(record: T, references: readonly (keyof T & string)[]): T {
  const view = Object.create(record) as T;
  for (const field of references) {
    const value = record[field] as unknown;
    const readable =
      value instanceof Collection
        ? new Collection(view, (value.getItems() as CatalogueRecord[]).filter((item) => AccessPolicy.PUBLIC.canRead(item)))
        : value && AccessPolicy.PUBLIC.canRead(value as CatalogueRecord) ? value : null;
    Object.defineProperty(view, field, { value: readable, enumerable: true });
  }
  return view;
}

/**
 * A dataset as the public sees it. Its publisher is null when the public may not read it (an admin may
 * publish a dataset of a draft organisation); the writers then state no publisher, like GraphQL.
 */
function publicDataset(dataset: Dataset): Dataset {
  return publicView(dataset, ['publisher', 'hdab', 'wasGeneratedBy', 'dataHolders', 'contributors', 'publications']);
}

function publicAccessRoute(route: AccessRoute): AccessRoute {
  const view = publicView(route, ['accessBody']);
  const steps = route.steps.getItems().map((step) => publicView(step, ['body']));
  Object.defineProperty(view, 'steps', { value: new Collection(view, steps), enumerable: true });
  return view;
}

/**
 * What the harvest listing holds: published datasets, and withdrawn ones only for auditors who ask
 * (harvesters delete by absence). A withdrawn dataset's own IRI still answers, with a tombstone; drafts are
 * never served.
 */
const listed = (includeWithdrawn: boolean) =>
  includeWithdrawn ? { status: { $in: [RecordStatus.PUBLISHED, RecordStatus.WITHDRAWN] } } : { status: RecordStatus.PUBLISHED };
const served = listed(true);

const datasetRelations = ['publisher', 'hdab', 'wasGeneratedBy', 'distributions', 'publications', 'dataHolders', 'contributors'] as const;

/** A dataset and everything its description needs. */
export interface DatasetRecord {
  dataset: Dataset;
  consent: ConsentScope | null;
  accessRoute: AccessRoute | null;
  /** Published health-economic evaluations that use the dataset. */
  evaluations: HealthEconomicEvaluation[];
}

/** The datasets of one page or batch, ready to describe. */
export interface DatasetRecords {
  records: DatasetRecord[];
  /** The latest change to the catalogue or to anything it lists (its dct:modified). */
  catalogueModified: Date;
  /** Access bodies operated by each organisation of the page, by organisation id (contact point fallback). */
  bodiesOperatedBy: Map<string, DataAccessBody[]>;
}

/** The catalogue harvesters start from: the first one created. */
export async function findCatalogue(em: EntityManager): Promise<Catalogue | null> {
  const [catalogue] = await em.find(Catalogue, {}, { populate: ['publisher'], orderBy: [{ issued: 'asc' }, { id: 'asc' }], limit: 1 });
  return catalogue ? publicView(catalogue, ['publisher']) : null;
}

/** Which datasets a listing holds. */
export interface ListingFilter {
  /** Only datasets whose description changed at or after this instant (incremental harvests). */
  modifiedSince?: Date;
  includeWithdrawn?: boolean;
}

/** A page of a listing: the datasets after `afterId` in id order. */
export interface PageQuery extends ListingFilter {
  afterId?: string | null;
  limit: number;
}

function listingWhere(filter: ListingFilter) {
  const where = listed(filter.includeWithdrawn ?? false);
  return filter.modifiedSince ? { ...where, metadataModified: { $gte: filter.modifiedSince } } : where;
}

export function countDatasets(em: EntityManager, filter: ListingFilter = {}): Promise<number> {
  return em.count(Dataset, listingWhere(filter));
}

/**
 * One page of a listing, keyset-paged on the primary key: a dataset's id never changes, so edits, publications
 * and withdrawals during a harvest neither move a dataset past the cursor nor bring one back.
 */
export function findDatasetPage(em: EntityManager, query: PageQuery): Promise<Dataset[]> {
  const where = listingWhere(query);
  return em.find(Dataset, query.afterId ? { ...where, id: { $gt: query.afterId } } : where, {
    populate: datasetRelations,
    orderBy: { id: 'asc' },
    limit: query.limit,
  });
}

/** The public identifiers of every dataset in a listing, in the listing's order (links, not descriptions). */
export async function findListedIdentifiers(em: EntityManager, filter: ListingFilter): Promise<string[]> {
  const datasets = await em.find(Dataset, listingWhere(filter), { fields: ['identifier'], orderBy: { id: 'asc' } });
  return datasets.map((dataset) => dataset.identifier);
}

/** A published or withdrawn dataset by public identifier or Relay id; null for unknown ids and drafts alike. */
export async function findDataset(em: EntityManager, ref: string): Promise<Dataset | null> {
  const global = fromGlobalId(ref);
  const where: FilterQuery<Dataset> = global?.type === Dataset.name ? { ...served, id: global.id } : { ...served, identifier: ref };
  const [dataset] = await em.find(Dataset, where, { populate: datasetRelations });
  return dataset ?? null;
}

/** The published or withdrawn dataset one of whose distributions has this id. */
export async function findDatasetOfDistribution(em: EntityManager, distributionId: string): Promise<Dataset | null> {
  const [dataset] = await em.find(Dataset, { ...served, distributions: { id: distributionId } }, { populate: datasetRelations });
  return dataset ?? null;
}

/** A published or withdrawn record by public identifier or Relay id; null for unknown ids and drafts alike. */
export async function findServedRecord<T extends CatalogueRecord>(em: EntityManager, entity: EntityClass<T>, ref: string): Promise<T | null> {
  const global = fromGlobalId(ref);
  const where = { status: { $in: [RecordStatus.PUBLISHED, RecordStatus.WITHDRAWN] }, ...(global?.type === entity.name ? { id: global.id } : { identifier: ref }) };
  return (await em.findOne(entity, where as FilterQuery<T>)) ?? null;
}

/**
 * Loads the consent scopes, access routes and operated access bodies of a page of datasets (and of the
 * catalogue's publisher, whose contact point is the last resort of every agent's).
 */
export async function completeRecords(
  em: EntityManager,
  datasets: Dataset[],
  catalogue: Catalogue | null,
  organisations: readonly Organisation[] = [],
): Promise<DatasetRecords> {
  const ids = datasets.map((dataset) => dataset.id);
  const organisationIds = new Set<string>(catalogue?.publisher ? [catalogue.publisher.id] : []);
  for (const organisation of organisations) organisationIds.add(organisation.id);
  for (const dataset of datasets) {
    organisationIds.add(dataset.publisher.id);
    for (const holder of dataset.dataHolders) organisationIds.add(holder.id);
    for (const contributor of dataset.contributors) organisationIds.add(contributor.id);
  }
  const consents = ids.length ? await em.find(ConsentScope, { dataset: { $in: ids } }) : [];
  const routes = ids.length
    ? await em.find(AccessRoute, { dataset: { $in: ids } }, { populate: ['accessBody', 'steps', 'steps.body'], strategy: 'joined' })
    : [];
  const evaluations = ids.length
    ? await em.find(HealthEconomicEvaluation, { $and: [{ evaluatedDatasets: { $in: ids } }, AccessPolicy.PUBLIC.readableFilter()] }, {
      populate: ['evaluatedDatasets'],
      populateWhere: 'infer',
      strategy: 'joined',
      orderBy: { identifier: 'asc' },
    })
    : [];
  const consentOf = new Map(consents.map((consent) => [consent.dataset.id, consent]));
  const routeOf = new Map(routes.map((route) => [route.dataset.id, publicAccessRoute(route)]));
  return {
    records: datasets.map((dataset) => ({
      dataset: publicDataset(dataset),
      consent: consentOf.get(dataset.id) ?? null,
      accessRoute: routeOf.get(dataset.id) ?? null,
      evaluations: evaluations.filter((evaluation) => evaluation.evaluatedDatasets.getItems().some((used) => used.id === dataset.id)),
    })),
    bodiesOperatedBy: await bodiesOperatedBy(em, [...organisationIds]),
    catalogueModified: await catalogueModified(em, catalogue),
  };
}

/** When a dataset's description last changed, changes to the records it points at included. */
export function metadataModifiedOf(dataset: Dataset): Date {
  return dataset.metadataModified ?? dataset.modified;
}

async function catalogueModified(em: EntityManager, catalogue: Catalogue | null): Promise<Date> {
  const [latest] = await em.find(Dataset, served, { fields: ['metadataModified'], orderBy: { metadataModified: 'desc' }, limit: 1 });
  const times = [catalogue?.modified, catalogue?.publisher?.modified, latest?.metadataModified].filter((time): time is Date => !!time);
  return new Date(Math.max(0, ...times.map((time) => time.getTime())));
}

async function bodiesOperatedBy(em: EntityManager, organisationIds: string[]): Promise<Map<string, DataAccessBody[]>> {
  const byOrganisation = new Map<string, DataAccessBody[]>();
  if (organisationIds.length === 0) return byOrganisation;
  const bodies = await em.find(
    DataAccessBody,
    { $and: [{ operatedBy: { $in: organisationIds } }, AccessPolicy.PUBLIC.readableFilter()] },
    { orderBy: { identifier: 'asc' } },
  );
  for (const body of bodies) {
    const operator = body.operatedBy!.id;
    byOrganisation.set(operator, [...(byOrganisation.get(operator) ?? []), body]);
  }
  return byOrganisation;
}
