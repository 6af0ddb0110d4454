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
import { AuditEntry } from '../records/audit-entry.entity.js';
import type { CatalogueRecord } from '../records/record.js';
import { Study } from '../studies/study.entity.js';

/**
 * Every loader of catalogue records returns only what the request's policy lets the caller read, so a
 * resolver (or a new read path) cannot forget the check: an unreadable record is as absent as a missing one.
 * Parts of a dataset (distributions, consent, access route and its steps, results) follow their record.
 * Records read along with others (joined, or through a many-to-many) are handed to their own by-id loader
 * under the same rule, so a page costs one statement per kind of record whatever its size.
 *
 * Batches collect every load requested before the event loop turns, not only those of one microtask
 * chain: resolvers reach their loads after different numbers of awaits (a dataset with an access route
 * awaits its steps, one without does not), and the default schedule would split them into several queries.
 */
const BATCHING = { batchScheduleFn: (run: () => void) => setImmediate(run) };

/** How a batch query reads its rows, and what it hands on to other loaders (parts it loaded in the same query). */
interface BatchQuery<T> {
  orderBy?: Record<string, 'asc' | 'desc'>;
  /** Parts read in the same statement (joined), so their own loaders need no query of their own. */
  populate?: string[];
  /** Receives the rows the caller may read, to hand what came with them to other loaders. */
  loaded?: (rows: T[]) => void;
}

function findBatch<T extends object>(em: EntityManager, entity: EntityClass<T>, where: object, query: BatchQuery<T>): Promise<T[]> {
  const populate = query.populate ? { populate: query.populate, strategy: 'joined' } : {};
  return em.find(entity, where as never, { orderBy: query.orderBy ?? {}, ...populate } as never);
}

/** Loads records by id in one query per batch; missing and unreadable ids give null. */
function byId<T extends CatalogueRecord>(
  em: EntityManager,
  policy: AccessPolicy,
  entity: EntityClass<T>,
  query: BatchQuery<T> = {},
): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = (await findBatch(em, entity, { id: { $in: [...ids] } }, query)).filter((row) => policy.canRead(row));
    query.loaded?.(rows);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  }, BATCHING);
}

/**
 * Loads the rows whose foreign key is in the batch, grouped by that key, in one query per batch; `alsoWhere`
 * narrows the rows further (the policy's filter when the rows are records themselves).
 */
function groupedBy<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  foreignKey: string,
  keyOf: (row: T) => string,
  query: BatchQuery<T> = {},
  alsoWhere: Record<string, unknown> = {},
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await findBatch(em, entity, { $and: [{ [foreignKey]: { $in: [...keys] } }, alsoWhere] }, query);
    query.loaded?.(rows);
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  }, BATCHING);
}

/** Hands records a batch read along with its rows (joined) to their by-id loader: readable ones, else null. */
function primeRecords<T extends CatalogueRecord>(policy: AccessPolicy, loader: DataLoader<string, T | null>, records: (T | null | undefined)[]): void {
  for (const record of records) if (record) loader.prime(record.id, policy.canRead(record) ? record : null);
}

/** Hands the parts a batch read along with its rows to the loader of those parts, in their order. */
function primeParts<O, P extends { position: number }>(loader: DataLoader<string, P[]>, owners: O[], key: (owner: O) => string, parts: (owner: O) => P[]): void {
  for (const owner of owners) loader.prime(key(owner), [...parts(owner)].sort((a, b) => a.position - b.position));
}

/**
 * Loads the readable records on one side of a many-to-many relation for a batch of owners, in one join query.
 * The records read are handed to their own by-id loader (`byIdOfTarget`), so a field that next asks for one
 * of them by id (an access body's operator among a dataset's holders) needs no query.
 */
function manyToMany<O extends { id: string }, T extends CatalogueRecord>(
  em: EntityManager,
  policy: AccessPolicy,
  owner: EntityClass<O>,
  relation: string,
  byIdOfTarget: DataLoader<string, T | null>,
): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => {
    // References, not a find: the owners are usually loaded already, and only the join table is read.
    const owners = ids.map((id) => em.getReference(owner, id as never));
    await em.populate(owners, [relation] as never);
    return owners.map((o) => {
      const items = (o as unknown as Record<string, { getItems(): T[] }>)[relation].getItems();
      for (const item of items) byIdOfTarget.prime(item.id, policy.canRead(item) ? item : null);
      return items.filter((item) => policy.canRead(item));
    });
  }, BATCHING);
}

export function createLoaders(em: EntityManager, policy: AccessPolicy) {
  const distributionsByDataset = groupedBy(em, Distribution, 'dataset', (d) => d.dataset.id, { orderBy: { position: 'asc' } });
  const stepsByRoute = groupedBy(em, AccessRouteStep, 'route', (s) => s.route.id, { orderBy: { position: 'asc' } });
  const organisation = byId(em, policy, Organisation);
  const accessBody = byId(em, policy, DataAccessBody);
  const study = byId(em, policy, Study);
  const publication = byId(em, policy, Publication);
  // A page of datasets nearly always shows their distributions, publisher, study and HDAB: read in the same
  // statement (one row per distribution; the other three are one each).
  const dataset = byId(em, policy, Dataset, {
    populate: ['distributions', 'publisher', 'wasGeneratedBy', 'hdab'],
    loaded: (datasets) => {
      primeParts(distributionsByDataset, datasets, (d) => d.id, (d) => d.distributions.getItems());
      primeRecords(policy, organisation, datasets.map((d) => d.publisher));
      primeRecords(policy, study, datasets.map((d) => d.wasGeneratedBy));
      primeRecords(policy, accessBody, datasets.map((d) => d.hdab));
    },
  });
  const auditEntriesByKind = new Map<string, DataLoader<string, AuditEntry[]>>();
  return {
    /** The audit log entries of records of one kind, by record id, oldest first (callers check who may read them). */
    auditEntries(entityType: string): DataLoader<string, AuditEntry[]> {
      let loader = auditEntriesByKind.get(entityType);
      if (!loader) {
        loader = groupedBy(em, AuditEntry, 'entityId', (entry) => entry.entityId, { orderBy: { id: 'asc' } }, { entityType });
        auditEntriesByKind.set(entityType, loader);
      }
      return loader;
    },
    organisation,
    accessBody,
    study,
    publication,
    dataset,
    evaluation: byId(em, policy, HealthEconomicEvaluation),
    distributionsByDataset,
    consentByDataset: groupedBy(em, ConsentScope, 'dataset', (c) => c.dataset.id),
    // The steps and bodies come with their route (whoToAsk and accessContacts need all three).
    accessRouteByDataset: groupedBy(em, AccessRoute, 'dataset', (r) => r.dataset.id, {
      populate: ['accessBody', 'steps', 'steps.body'],
      loaded: (routes) => {
        primeParts(stepsByRoute, routes, (r) => r.id, (r) => r.steps.getItems());
        primeRecords(policy, accessBody, routes.flatMap((r) => [r.accessBody, ...r.steps.getItems().map((step) => step.body)]));
      },
    }),
    stepsByRoute,
    datasetsByStudy: groupedBy(em, Dataset, 'wasGeneratedBy', (d) => d.wasGeneratedBy!.id, { orderBy: { title: 'asc' } }, policy.readableFilter()),
    resultsByEvaluation: groupedBy(em, HealthEconomicResult, 'evaluation', (r) => r.evaluation.id, { orderBy: { position: 'asc' } }),
    dataHoldersByDataset: manyToMany(em, policy, Dataset, 'dataHolders', organisation),
    contributorsByDataset: manyToMany(em, policy, Dataset, 'contributors', organisation),
    publicationsByDataset: manyToMany(em, policy, Dataset, 'publications', publication),
    fundersByStudy: manyToMany(em, policy, Study, 'funders', organisation),
    participantsByStudy: manyToMany(em, policy, Study, 'participatingOrganisations', organisation),
    publicationsByStudy: manyToMany(em, policy, Study, 'publications', publication),
    datasetsByEvaluation: manyToMany(em, policy, HealthEconomicEvaluation, 'evaluatedDatasets', dataset),
    studiesByEvaluation: manyToMany(em, policy, HealthEconomicEvaluation, 'evaluatedStudies', study),
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
        // One statement: the evaluations with the datasets they use, to group them by dataset.
        { populate: ['evaluatedDatasets'], strategy: 'joined', orderBy: { title: 'asc' } },
      );
      return ids.map((id) => rows.filter((e) => e.evaluatedDatasets.getItems().some((d) => d.id === id)));
    }, BATCHING),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
