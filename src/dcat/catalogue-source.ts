import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessRoute } from '../access/access-route.entity.js';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import { fromGlobalId } from '../core/global-id.js';
import { RecordStatus } from '../records/record.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { Dataset } from '../datasets/dataset.entity.js';

/**
 * Reads what the harvestable catalogue publishes, a page or batch of datasets at a time, in a fixed number
 * of queries whatever the page size: the datasets with their own relations, then consent scopes, access
 * routes and the access bodies run by the organisations involved, each for the whole page at once.
 */

/** Published and withdrawn datasets: withdrawals stay visible so harvesters learn of them; drafts never do. */
const visible = { status: { $in: [RecordStatus.PUBLISHED, RecordStatus.WITHDRAWN] } } as const;

const datasetRelations = ['publisher', 'hdab', 'wasGeneratedBy', 'distributions', 'publications', 'dataHolders', 'contributors'] as const;

/** A dataset and everything its description needs. */
export interface DatasetRecord {
  dataset: Dataset;
  consent: ConsentScope | null;
  accessRoute: AccessRoute | null;
}

/** The datasets of one page or batch, ready to describe. */
export interface DatasetRecords {
  records: DatasetRecord[];
  /** Access bodies operated by each organisation of the page, by organisation id (contact point fallback). */
  bodiesOperatedBy: Map<string, DataAccessBody[]>;
}

/** The catalogue harvesters start from: the first one created. */
export async function findCatalogue(em: EntityManager): Promise<Catalogue | null> {
  const [catalogue] = await em.find(Catalogue, {}, { populate: ['publisher'], orderBy: [{ issued: 'asc' }, { id: 'asc' }], limit: 1 });
  return catalogue ?? null;
}

export interface PageQuery {
  /** Only datasets modified at or after this instant (incremental harvests). */
  modifiedSince?: Date;
  offset: number;
  limit: number;
}

function pageFilter(modifiedSince: Date | undefined): FilterQuery<Dataset> {
  return modifiedSince ? { ...visible, modified: { $gte: modifiedSince } } : visible;
}

export function countDatasets(em: EntityManager, modifiedSince?: Date): Promise<number> {
  return em.count(Dataset, pageFilter(modifiedSince));
}

/** One page of datasets, oldest change first (ties by id), so a harvester can resume where it left off. */
export function findDatasetPage(em: EntityManager, query: PageQuery): Promise<Dataset[]> {
  return em.find(Dataset, pageFilter(query.modifiedSince), {
    populate: datasetRelations,
    orderBy: [{ modified: 'asc' }, { id: 'asc' }],
    offset: query.offset,
    limit: query.limit,
  });
}

/** The public identifiers of one page of datasets, in the same order, for listings of links. */
export async function findDatasetIdentifiers(em: EntityManager, query: PageQuery): Promise<string[]> {
  const datasets = await em.find(Dataset, pageFilter(query.modifiedSince), {
    fields: ['identifier'],
    orderBy: [{ modified: 'asc' }, { id: 'asc' }],
    offset: query.offset,
    limit: query.limit,
  });
  return datasets.map((dataset) => dataset.identifier);
}

/**
 * The next batch of datasets after `afterId` in id order. Keyset pagination on the primary key: rows do not
 * move while an export runs, so none is missed or repeated.
 */
export function findDatasetBatch(em: EntityManager, afterId: string | null, limit: number): Promise<Dataset[]> {
  const where: FilterQuery<Dataset> = afterId ? { ...visible, id: { $gt: afterId } } : visible;
  return em.find(Dataset, where, { populate: datasetRelations, orderBy: { id: 'asc' }, limit });
}

/** A visible dataset by public identifier or Relay id; null for unknown ids and drafts alike. */
export async function findDataset(em: EntityManager, ref: string): Promise<Dataset | null> {
  const global = fromGlobalId(ref);
  const where: FilterQuery<Dataset> = global?.type === Dataset.name ? { ...visible, id: global.id } : { ...visible, identifier: ref };
  const [dataset] = await em.find(Dataset, where, { populate: datasetRelations });
  return dataset ?? null;
}

/** The visible dataset one of whose distributions has this id. */
export async function findDatasetOfDistribution(em: EntityManager, distributionId: string): Promise<Dataset | null> {
  const [dataset] = await em.find(Dataset, { ...visible, distributions: { id: distributionId } }, { populate: datasetRelations });
  return dataset ?? null;
}

/**
 * Loads the consent scopes, access routes and operated access bodies of a page of datasets (and of the
 * catalogue's publisher, whose contact point is the last resort of every agent's).
 */
export async function completeRecords(em: EntityManager, datasets: Dataset[], catalogue: Catalogue | null): Promise<DatasetRecords> {
  const ids = datasets.map((dataset) => dataset.id);
  const organisationIds = new Set<string>(catalogue?.publisher ? [catalogue.publisher.id] : []);
  for (const dataset of datasets) {
    organisationIds.add(dataset.publisher.id);
    for (const holder of dataset.dataHolders) organisationIds.add(holder.id);
    for (const contributor of dataset.contributors) organisationIds.add(contributor.id);
  }
  const consents = ids.length ? await em.find(ConsentScope, { dataset: { $in: ids } }) : [];
  const routes = ids.length
    ? await em.find(AccessRoute, { dataset: { $in: ids } }, { populate: ['accessBody', 'steps', 'steps.body'] })
    : [];
  const consentOf = new Map(consents.map((consent) => [consent.dataset.id, consent]));
  const routeOf = new Map(routes.map((route) => [route.dataset.id, route]));
  return {
    records: datasets.map((dataset) => ({
      dataset,
      consent: consentOf.get(dataset.id) ?? null,
      accessRoute: routeOf.get(dataset.id) ?? null,
    })),
    bodiesOperatedBy: await bodiesOperatedBy(em, [...organisationIds]),
  };
}

async function bodiesOperatedBy(em: EntityManager, organisationIds: string[]): Promise<Map<string, DataAccessBody[]>> {
  const byOrganisation = new Map<string, DataAccessBody[]>();
  if (organisationIds.length === 0) return byOrganisation;
  const bodies = await em.find(
    DataAccessBody,
    { operatedBy: { $in: organisationIds }, status: { $ne: RecordStatus.DRAFT } },
    { orderBy: { identifier: 'asc' } },
  );
  for (const body of bodies) {
    const operator = body.operatedBy!.id;
    byOrganisation.set(operator, [...(byOrganisation.get(operator) ?? []), body]);
  }
  return byOrganisation;
}
