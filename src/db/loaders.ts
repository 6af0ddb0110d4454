import { ReferenceKind, type EntityClass } from '@mikro-orm/core';
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

/**
 * Loads records by id in one query per batch; missing and unreadable ids give null. Without parts to read along
 * (`populate`), the rows are read as stored (readOnlyFromRow): these loaders only serve reads.
 */
function byId<T extends CatalogueRecord>(
  em: EntityManager,
  policy: AccessPolicy,
  entity: EntityClass<T>,
  query: BatchQuery<T> = {},
): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const read = query.populate ? findBatch(em, entity, { id: { $in: [...ids] } }, query) : readRecords(em, entity, 'id in (?)', [[...ids]]);
    const rows = (await read).filter((row) => policy.canRead(row));
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
  order: (a: T, b: T) => number,
): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => {
    // References, not a find: the owners are usually loaded already, and only the join table is read.
    const owners = ids.map((id) => em.getReference(owner, id as never));
    await em.populate(owners, [relation] as never);
    return owners.map((o) => {
      const items = (o as unknown as Record<string, { getItems(): T[] }>)[relation].getItems();
      for (const item of items) byIdOfTarget.prime(item.id, policy.canRead(item) ? item : null);
      return items.filter((item) => policy.canRead(item)).sort(order);
    });
  }, BATCHING);
}

/**
 * What a result page shows of each dataset (the GraphQL fields selected on its nodes), so the page read
 * fetches that and nothing more.
 */
export interface DatasetPageParts {
  publisher?: boolean;
  study?: boolean;
  hdab?: boolean;
  distributions?: boolean;
  ownerOrganisation?: boolean;
  dataHolders?: boolean;
  contributors?: boolean;
  publications?: boolean;
  evaluations?: boolean;
  consent?: boolean;
  accessRoute?: boolean;
  /** whoToAsk / accessContacts: the route, its bodies and their operators, the holders and the bodies they registered. */
  contacts?: boolean;
}

/** Records the page names besides its datasets' own (facet buckets), read in the same statements as theirs. */
export interface NamedRecords {
  organisations?: readonly string[];
  accessBodies?: readonly string[];
}

/** The order of the records on the other side of a many-to-many relation: the link tables keep none. */
const byName = (a: Organisation, b: Organisation): number => a.name.localeCompare(b.name, 'sv') || (a.id < b.id ? -1 : 1);
const byTitle = <T extends { title: string; id: string }>(a: T, b: T): number => a.title.localeCompare(b.title, 'sv') || (a.id < b.id ? -1 : 1);

/** One row of the page's statement: the dataset's columns as stored, with the ids and rows of the parts asked for. */
interface PageRow extends Record<string, unknown> {
  id: string;
  holders?: string[];
  contributors?: string[];
  publications?: string[];
  evaluations?: string[];
  distributions?: Record<string, unknown>[];
  publisher_record?: Record<string, unknown> | null;
  consent?: Record<string, unknown> | null;
  route?: (Record<string, unknown> & { id: string; access_body_id: string | null }) | null;
  steps?: (Record<string, unknown> & { body_id: string | null })[] | null;
}

/**
 * The page's datasets with their link tables, distributions, consent scopes and access routes with their steps
 * in one statement: a json column per part, only for the parts asked for; the evaluations in the order of
 * their titles.
 */
function pageStatement(parts: DatasetPageParts): string {
  const ids = (table: string, column: string) => `(select coalesce(json_agg(${column}), '[]') from ${table} l where l.dataset_id = d.id)`;
  const columns = ['d.*'];
  if (parts.dataHolders || parts.contacts) columns.push(`${ids('dataset_data_holder', 'l.organisation_id')} as holders`);
  if (parts.contributors) columns.push(`${ids('dataset_contributor', 'l.organisation_id')} as contributors`);
  if (parts.publications) columns.push(`${ids('dataset_publication', 'l.publication_id')} as publications`);
  if (parts.evaluations) {
    columns.push(`(select coalesce(json_agg(e.id order by e.title, e.id), '[]') from evaluation_dataset l
       join health_economic_evaluation e on e.id = l.health_economic_evaluation_id where l.dataset_id = d.id) as evaluations`);
  }
  if (parts.distributions) {
    // byte_size as text: it may exceed what a JSON number keeps exactly.
    columns.push(`(select coalesce(json_agg(to_jsonb(x) || jsonb_build_object('byte_size', x.byte_size::text) order by x.position), '[]')
       from distribution x where x.dataset_id = d.id) as distributions`);
  }
  // The publisher with its dataset: a result list usually shows its name, and needs no other statement then.
  if (parts.publisher) columns.push('(select row_to_json(o) from organisation o where o.id = d.publisher_id) as publisher_record');
  if (parts.consent) columns.push('(select row_to_json(c) from consent_scope c where c.dataset_id = d.id) as consent');
  if (parts.accessRoute || parts.contacts) {
    columns.push('(select row_to_json(r) from access_route r where r.dataset_id = d.id) as route');
    columns.push(`(select json_agg(s order by s.position) from access_route r join access_route_step s on s.route_id = r.id
       where r.dataset_id = d.id) as steps`);
  }
  return `select ${columns.join(', ')} from dataset d where d.id in (?)`;
}

/**
 * A row read as stored (column names, json values) as an instance of its entity for GraphQL to resolve, without
 * the ORM's hydration and change tracking, the largest cost of a result page: its to-one relations are
 * references (instances holding only their id, as the ORM's uninitialized references do), its collections
 * absent; field resolvers read the records named through the loaders. The request's EntityManager does not
 * manage it: these loaders only serve reads.
 */
function readOnlyFromRow<T extends object>(em: EntityManager, entity: EntityClass<T>, row: Record<string, unknown>): T {
  const meta = em.getMetadata().get(entity);
  const data = em.getDriver().mapResult(row as never, meta) as Record<string, unknown>;
  for (const prop of meta.relations) {
    const id = data[prop.name];
    if ((prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE) && id != null) {
      data[prop.name] = withOwnProperties(Object.create(prop.targetMeta!.prototype) as object, { id });
    }
  }
  return withOwnProperties(Object.create(entity.prototype) as T, data);
}

/** Own data properties, so the entity's prototype accessors (the ORM's change tracking) never run. */
function withOwnProperties<T extends object>(record: T, values: Record<string, unknown>): T {
  const accessors = accessorsOf(Object.getPrototypeOf(record) as object);
  // A plain assignment makes an own data property unless the prototype has an accessor of that name, and
  // costs a fraction of defineProperty (a page maps a few thousand values).
  for (const name in values) {
    if (accessors.has(name)) Object.defineProperty(record, name, { value: values[name], writable: true, enumerable: true, configurable: true });
    else (record as Record<string, unknown>)[name] = values[name];
  }
  return record;
}

const accessorsByPrototype = new WeakMap<object, ReadonlySet<string>>();

/** The names with a getter or setter anywhere on the prototype chain. */
function accessorsOf(prototype: object): ReadonlySet<string> {
  let accessors = accessorsByPrototype.get(prototype);
  if (!accessors) {
    const names = new Set<string>();
    for (let link: object | null = prototype; link; link = Object.getPrototypeOf(link) as object | null) {
      for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(link))) if (descriptor.get || descriptor.set) names.add(name);
    }
    accessors = names;
    accessorsByPrototype.set(prototype, accessors);
  }
  return accessors;
}

/** The records of a table that `where` selects, read as stored (readOnlyFromRow), in one statement. */
async function readRecords<T extends object>(em: EntityManager, entity: EntityClass<T>, where: string, params: unknown[], orderBy = ''): Promise<T[]> {
  const table = em.getMetadata().get(entity).tableName;
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(`select * from ${table} where ${where}${orderBy}`, params);
  return rows.map((row) => readOnlyFromRow(em, entity, row));
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
  const evaluation = byId(em, policy, HealthEconomicEvaluation);
  const consentByDataset = groupedBy(em, ConsentScope, 'dataset', (c) => c.dataset.id);
  // The steps and bodies come with their route (whoToAsk and accessContacts need all three).
  const accessRouteByDataset = groupedBy(em, AccessRoute, 'dataset', (r) => r.dataset.id, {
    populate: ['accessBody', 'steps', 'steps.body'],
    loaded: (routes) => {
      primeParts(stepsByRoute, routes, (r) => r.id, (r) => r.steps.getItems());
      primeRecords(policy, accessBody, routes.flatMap((r) => [r.accessBody, ...r.steps.getItems().map((step) => step.body)]));
    },
  });
  const dataHoldersByDataset = manyToMany(em, policy, Dataset, 'dataHolders', organisation, byName);
  const contributorsByDataset = manyToMany(em, policy, Dataset, 'contributors', organisation, byName);
  const publicationsByDataset = manyToMany(em, policy, Dataset, 'publications', publication, byTitle);
  const disclosureBodiesByOrganisation = new DataLoader<string, DataAccessBody[]>(async (ids) => {
    const rows = await em.find(
      DataAccessBody,
      { $and: [{ kind: DataAccessBodyKind.REGIONAL_DISCLOSURE_FUNCTION, operatedBy: { $in: [...ids] } }, policy.readableFilter()] },
      { orderBy: { name: 'asc', id: 'asc' } },
    );
    return ids.map((id) => rows.filter((body) => body.operatedBy?.id === id));
  }, BATCHING);
  const evaluationsByDataset = new DataLoader<string, HealthEconomicEvaluation[]>(async (ids) => {
    const rows = await em.find(
      HealthEconomicEvaluation,
      { $and: [{ evaluatedDatasets: { $in: [...ids] } }, policy.readableFilter()] },
      // One statement: the evaluations with the datasets they use, to group them by dataset.
      { populate: ['evaluatedDatasets'], strategy: 'joined', orderBy: { title: 'asc' } },
    );
    return ids.map((id) => rows.filter((e) => e.evaluatedDatasets.getItems().some((d) => d.id === id)));
  }, BATCHING);

  /**
   * Access bodies by id and the disclosure functions the given organisations operate, in one statement; both
   * loaders are primed (unreadable bodies as null, and left out of the organisations' lists).
   */
  async function readAccessBodies(ids: Set<string>, operators: Set<string>): Promise<DataAccessBody[]> {
    if (ids.size === 0 && operators.size === 0) return [];
    const conditions = [ids.size > 0 && 'id in (?)', operators.size > 0 && `(kind = '${DataAccessBodyKind.REGIONAL_DISCLOSURE_FUNCTION}' and operated_by_id in (?))`];
    const params = [ids, operators].filter((set) => set.size > 0).map((set) => [...set]);
    const rows = await readRecords(em, DataAccessBody, conditions.filter((condition) => !!condition).join(' or '), params, ' order by name, id');
    const readable = rows.filter((body) => policy.canRead(body));
    const found = new Map(readable.map((body) => [body.id, body]));
    for (const id of ids) accessBody.prime(id, found.get(id) ?? null);
    for (const body of rows) accessBody.prime(body.id, found.get(body.id) ?? null);
    for (const id of operators) {
      disclosureBodiesByOrganisation.prime(id, readable.filter((body) => body.kind === DataAccessBodyKind.REGIONAL_DISCLOSURE_FUNCTION && body.operatedBy?.id === id));
    }
    return readable;
  }

  /** The readable records of `ids` through their by-id loader, in order (one statement for those not yet read). */
  async function readable<T>(loader: DataLoader<string, T | null>, ids: readonly string[]): Promise<Map<string, T>> {
    const unique = [...new Set(ids)];
    const records = await loader.loadMany(unique);
    const failed = records.find((record): record is Error => record instanceof Error);
    if (failed) throw failed;
    return new Map((records as (T | null)[]).flatMap((record, i) => (record ? [[unique[i]!, record] as const] : [])));
  }

  /**
   * A result page of datasets with the parts it shows, in a fixed number of statements whatever its size: the
   * datasets with their publishers, links, distributions, consent and access route (one statement); then the
   * access bodies (route, steps, HDAB), studies, publications and evaluations named; then the organisations
   * named (owners, holders, contributors, operators of those bodies). The page's own rows are read as
   * stored, without ORM hydration (readOnlyFromRow); the records they name go through their by-id loaders.
   * Every loader a field resolver uses next is primed with what was read, readable records only, so resolving
   * the page costs no further statement. Returns the datasets in the order of `ids`, null for unreadable or
   * missing.
   */
  async function datasetPage(ids: readonly string[], parts: DatasetPageParts, named: NamedRecords = {}): Promise<(Dataset | null)[]> {
    // A page whose datasets name no organisations or access bodies reads those named besides (facet buckets)
    // at the same time as the datasets; otherwise with the page's own, in the same statements.
    const namesRecords =
      parts.ownerOrganisation || parts.dataHolders || parts.contributors || parts.contacts || parts.accessRoute || parts.hdab;
    const [rows] = await Promise.all([
      ids.length > 0 ? em.getConnection().execute<PageRow[]>(pageStatement(parts), [[...ids]]) : Promise.resolve([]),
      namesRecords ? undefined : Promise.all([readAccessBodies(new Set(named.accessBodies), new Set()), readable(organisation, named.organisations ?? [])]),
    ]);
    const namedLater = namesRecords ? named : {};
    // Parts follow their dataset: those of unreadable datasets are dropped with it.
    const pageRows: PageRow[] = [];
    const datasets = new Map<string, Dataset>();
    for (const row of rows) {
      const { holders, contributors, publications, evaluations, distributions, publisher_record, consent, route, steps, ...columns } = row;
      const dataset = readOnlyFromRow(em, Dataset, columns);
      if (!policy.canRead(dataset)) continue;
      if (publisher_record) primeRecords(policy, organisation, [readOnlyFromRow(em, Organisation, publisher_record)]);
      datasets.set(dataset.id, dataset);
      pageRows.push({ id: dataset.id, holders, contributors, publications, evaluations, distributions, consent, route, steps });
    }
    for (const id of ids) dataset.prime(id, datasets.get(id) ?? null);
    const shown = [...datasets.values()];

    const routes = new Map<string, AccessRoute>();
    for (const row of pageRows) {
      if (parts.distributions) distributionsByDataset.prime(row.id, (row.distributions ?? []).map((part) => readOnlyFromRow(em, Distribution, part)));
      if (parts.consent) consentByDataset.prime(row.id, row.consent ? [readOnlyFromRow(em, ConsentScope, row.consent)] : []);
      if (!row.route) continue;
      const route = readOnlyFromRow(em, AccessRoute, row.route);
      routes.set(row.id, route);
      stepsByRoute.prime(route.id, (row.steps ?? []).map((step) => readOnlyFromRow(em, AccessRouteStep, step)));
    }
    if (parts.accessRoute || parts.contacts) for (const row of pageRows) accessRouteByDataset.prime(row.id, routes.has(row.id) ? [routes.get(row.id)!] : []);

    const bodyIds = new Set([
      ...pageRows.flatMap((row) => [row.route?.access_body_id, ...(row.steps ?? []).map((step) => step.body_id)]),
      ...(parts.hdab ? shown.map((d) => d.hdab?.id) : []),
      ...(namedLater.accessBodies ?? []),
    ].filter((id): id is string => !!id));
    const holderIds = new Set(parts.contacts ? pageRows.flatMap((row) => row.holders ?? []) : []);
    const [bodies, , publications, evaluations] = await Promise.all([
      readAccessBodies(bodyIds, holderIds),
      readable(study, parts.study ? shown.flatMap((d) => d.wasGeneratedBy?.id ?? []) : []),
      readable(publication, pageRows.flatMap((row) => row.publications ?? [])),
      readable(evaluation, pageRows.flatMap((row) => row.evaluations ?? [])),
    ]);
    for (const row of pageRows) {
      if (parts.publications) publicationsByDataset.prime(row.id, (row.publications ?? []).flatMap((id) => publications.get(id) ?? []).sort(byTitle));
      if (parts.evaluations) evaluationsByDataset.prime(row.id, (row.evaluations ?? []).flatMap((id) => evaluations.get(id) ?? []));
    }

    const organisations = await readable(organisation, [
      ...(parts.ownerOrganisation ? shown.flatMap((d) => d.ownerOrganisationId ?? []) : []),
      ...pageRows.flatMap((row) => [...(row.holders ?? []), ...(row.contributors ?? [])]),
      ...bodies.flatMap((body) => (body.operatedBy ? [body.operatedBy.id] : [])),
      ...(namedLater.organisations ?? []),
    ]);
    for (const row of pageRows) {
      if (parts.dataHolders || parts.contacts) dataHoldersByDataset.prime(row.id, (row.holders ?? []).flatMap((id) => organisations.get(id) ?? []).sort(byName));
      if (parts.contributors) contributorsByDataset.prime(row.id, (row.contributors ?? []).flatMap((id) => organisations.get(id) ?? []).sort(byName));
    }
    return ids.map((id) => datasets.get(id) ?? null);
  }

  const auditEntriesByKind = new Map<string, DataLoader<string, AuditEntry[]>>();
  return {
    datasetPage,
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
    evaluation,
    distributionsByDataset,
    consentByDataset,
    accessRouteByDataset,
    stepsByRoute,
    datasetsByStudy: groupedBy(em, Dataset, 'wasGeneratedBy', (d) => d.wasGeneratedBy!.id, { orderBy: { title: 'asc' } }, policy.readableFilter()),
    resultsByEvaluation: groupedBy(em, HealthEconomicResult, 'evaluation', (r) => r.evaluation.id, { orderBy: { position: 'asc' } }),
    dataHoldersByDataset,
    contributorsByDataset,
    publicationsByDataset,
    fundersByStudy: manyToMany(em, policy, Study, 'funders', organisation, byName),
    participantsByStudy: manyToMany(em, policy, Study, 'participatingOrganisations', organisation, byName),
    publicationsByStudy: manyToMany(em, policy, Study, 'publications', publication, byTitle),
    datasetsByEvaluation: manyToMany(em, policy, HealthEconomicEvaluation, 'evaluatedDatasets', dataset, byTitle),
    studiesByEvaluation: manyToMany(em, policy, HealthEconomicEvaluation, 'evaluatedStudies', study, byTitle),
    /** The disclosure functions (REGIONAL_DISCLOSURE_FUNCTION) each organisation operates, by name. */
    disclosureBodiesByOrganisation,
    evaluationsByDataset,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
