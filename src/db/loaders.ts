import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { AccessRoute, AccessRouteStep } from '../access/access-route.entity.js';
import { DataAccessBody, DataAccessBodyKind } from '../access/data-access-body.entity.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { Distribution } from '../datasets/distribution.entity.js';
import { HealthEconomicEvaluation, HealthEconomicResult } from '../economics/health-economic-evaluation.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import type { AccessPolicy } from '../records/access-policy.js';
import type { CatalogueRecord } from '../records/record.js';
import { Study } from '../studies/study.entity.js';

/**
 * Every loader of catalogue records returns only what the request's policy lets the caller read, so a
 * resolver (or a new read path) cannot forget the check: an unreadable record is as absent as a missing one.
 * Parts of a dataset (distributions, consent, access route and its steps, results) follow their record.
 *
 * Batches collect every load requested before the event loop turns, not only those of one microtask
 * chain: resolvers reach their loads after different numbers of awaits (a dataset with an access route
 * awaits its steps, one without does not), and the default schedule would split them into several queries.
 */
const BATCHING = { batchScheduleFn: (run: () => void) => setImmediate(run) };

/** Loads records by id in one query per batch; missing and unreadable ids give null. */
function byId<T extends CatalogueRecord>(em: EntityManager, policy: AccessPolicy, entity: EntityClass<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = (await em.find(entity, { id: { $in: [...ids] } } as never)).filter((row) => policy.canRead(row));
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  }, BATCHING);
}

/**
 * Loads the rows whose foreign key is in the batch, grouped by that key, in one query per batch; `readable`
 * is the policy's filter when the rows are records themselves.
 */
function groupedBy<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  foreignKey: string,
  keyOf: (row: T) => string,
  orderBy: Record<string, 'asc' | 'desc'> = {},
  readable: Record<string, unknown> = {},
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await em.find(entity, { $and: [{ [foreignKey]: { $in: [...keys] } }, readable] } as never, { orderBy } as never);
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  }, BATCHING);
}

/** Loads the readable records on one side of a many-to-many relation for a batch of owners, in one join query. */
function manyToMany<O extends { id: string }, T extends CatalogueRecord>(
  em: EntityManager,
  policy: AccessPolicy,
  owner: EntityClass<O>,
  relation: string,
): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => {
    // References, not a find: the owners are usually loaded already, and only the join table is read.
    const owners = ids.map((id) => em.getReference(owner, id as never));
    await em.populate(owners, [relation] as never);
    return owners.map((o) =>
      (o as unknown as Record<string, { getItems(): T[] }>)[relation].getItems().filter((item) => policy.canRead(item)),
    );
  }, BATCHING);
}

export function createLoaders(em: EntityManager, policy: AccessPolicy) {
  return {
    organisation: byId(em, policy, Organisation),
    accessBody: byId(em, policy, DataAccessBody),
    study: byId(em, policy, Study),
    publication: byId(em, policy, Publication),
    dataset: byId(em, policy, Dataset),
    evaluation: byId(em, policy, HealthEconomicEvaluation),
    distributionsByDataset: groupedBy(em, Distribution, 'dataset', (d) => d.dataset.id, { position: 'asc' }),
    consentByDataset: groupedBy(em, ConsentScope, 'dataset', (c) => c.dataset.id),
    accessRouteByDataset: groupedBy(em, AccessRoute, 'dataset', (r) => r.dataset.id),
    stepsByRoute: groupedBy(em, AccessRouteStep, 'route', (s) => s.route.id, { position: 'asc' }),
    datasetsByStudy: groupedBy(em, Dataset, 'wasGeneratedBy', (d) => d.wasGeneratedBy!.id, { title: 'asc' }, policy.readableFilter()),
    resultsByEvaluation: groupedBy(em, HealthEconomicResult, 'evaluation', (r) => r.evaluation.id, { position: 'asc' }),
    dataHoldersByDataset: manyToMany<Dataset, Organisation>(em, policy, Dataset, 'dataHolders'),
    contributorsByDataset: manyToMany<Dataset, Organisation>(em, policy, Dataset, 'contributors'),
    publicationsByDataset: manyToMany<Dataset, Publication>(em, policy, Dataset, 'publications'),
    fundersByStudy: manyToMany<Study, Organisation>(em, policy, Study, 'funders'),
    participantsByStudy: manyToMany<Study, Organisation>(em, policy, Study, 'participatingOrganisations'),
    publicationsByStudy: manyToMany<Study, Publication>(em, policy, Study, 'publications'),
    datasetsByEvaluation: manyToMany<HealthEconomicEvaluation, Dataset>(em, policy, HealthEconomicEvaluation, 'evaluatedDatasets'),
    studiesByEvaluation: manyToMany<HealthEconomicEvaluation, Study>(em, policy, HealthEconomicEvaluation, 'evaluatedStudies'),
    /** The disclosure functions (REGIONAL_DISCLOSURE_FUNCTION) each organisation operates, by name. */
    disclosureBodiesByOrganisation: new DataLoader<string, DataAccessBody[]>(async (ids) => {
      const rows = await em.find(
        DataAccessBody,
        { $and: [{ kind: DataAccessBodyKind.REGIONAL_DISCLOSURE_FUNCTION, operatedBy: { $in: [...ids] } }, policy.readableFilter()] },
        { orderBy: { name: 'asc', id: 'asc' } },
      );
      return ids.map((id) => rows.filter((body) => body.operatedBy?.id === id));
    }, BATCHING),
    evaluationsByDataset: new DataLoader<string, HealthEconomicEvaluation[]>(async (ids) => {
      const rows = await em.find(
        HealthEconomicEvaluation,
        { $and: [{ evaluatedDatasets: { $in: [...ids] } }, policy.readableFilter()] },
        { populate: ['evaluatedDatasets'], orderBy: { title: 'asc' } },
      );
      return ids.map((id) => rows.filter((e) => e.evaluatedDatasets.getItems().some((d) => d.id === id)));
    }, BATCHING),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
