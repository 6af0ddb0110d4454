import { Collection, type EntityClass, type FilterQuery, ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessRoute, AccessRouteStep } from '../access/access-route.entity.js';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { Catalogue } from '../catalogue/catalogue.entity.js';
import { fromGlobalId } from '../core/global-id.js';
import { addTo } from '../core/lists.js';
import { AccessPolicy } from '../records/access-policy.js';
import { type CatalogueRecord, RecordStatus } from '../records/record.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { Distribution } from '../datasets/distribution.entity.js';
import { HealthEconomicEvaluation } from '../economics/health-economic-evaluation.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study } from '../studies/study.entity.js';

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
const SERVED_STATUSES = [RecordStatus.PUBLISHED, RecordStatus.WITHDRAWN];
const listed = (includeWithdrawn: boolean) => (includeWithdrawn ? { status: { $in: SERVED_STATUSES } } : { status: RecordStatus.PUBLISHED });
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
  /** Only datasets whose description changed here at or after this instant (incremental harvests). */
  modifiedSince?: Date;
  includeWithdrawn?: boolean;
}

/** A page of a listing: the datasets after `afterId` in id order. */
export interface PageQuery extends ListingFilter {
  afterId?: string | null;
  limit: number;
}

/**
 * Datasets whose description changed here at or after `since`. A dataset written from a harvest source keeps
 * the source's dct:modified (src/harvest/harvest.ts), which may be older than the harvest that brought the
 * change: its harvestedAt, moved only by a write, says when the change reached this catalogue, so a harvester
 * of this catalogue asking from its last run still finds it.
 */
const changedHereSince = (since: Date): FilterQuery<Dataset> => ({ $or: [{ metadataModified: { $gte: since } }, { harvestedAt: { $gte: since } }] });

function listingWhere(filter: ListingFilter): FilterQuery<Dataset> {
  const where = listed(filter.includeWithdrawn ?? false);
  return filter.modifiedSince ? { $and: [where, changedHereSince(filter.modifiedSince)] } : where;
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
  return em.find(Dataset, query.afterId ? { $and: [where, { id: { $gt: query.afterId } }] } : where, {
    populate: datasetRelations,
    orderBy: { id: 'asc' },
    limit: query.limit,
  });
}

/**
 * Up to when a listing read from now on is complete: every change stamped before this instant that will ever be
 * listed is visible already, so a harvester asking `modifiedSince` from it next time misses nothing. A change is
 * stamped with now() of the transaction writing it (or the application's clock inside it), but becomes visible
 * only when that transaction commits, maybe minutes later (an import writes a whole file in one): so this is the
 * start of the oldest transaction still open on this database, or now, less a margin (LISTING_MARGIN_MS).
 * Read-only transactions count too, as nothing tells they will not write: a long export only makes harvesters
 * read a little more again. Null when another role's session is open here whose transaction this role may not
 * see (pg_stat_activity shows it only to a role with pg_read_all_stats): then nothing can be promised.
 * Read it before the listing's own statements.
 */
export async function listingCompleteUpTo(em: EntityManager): Promise<Date | null> {
  const [row] = await em.getConnection().execute<{ oldest: Date | string; unseen: boolean | null }[]>(
    `select least(now(), min(xact_start) filter (where backend_type = 'client backend' and state <> 'idle in transaction (aborted)')) as oldest,
      bool_or(backend_type is null and usesysid is not null) as unseen
      from pg_stat_activity where datname = current_database()`,
  );
  if (!row || row.unseen) return null;
  return new Date(new Date(row.oldest).getTime() - LISTING_MARGIN_MS);
}

/**
 * A backend takes its transaction's start from the clock a moment before it publishes it, and a record's own
 * modified comes from the application's clock: a few seconds cover both with room to spare, and cost a
 * harvester only those seconds read again.
 */
const LISTING_MARGIN_MS = 5_000;

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

/**
 * A dataset as its landing page states it to the public (title, schema.org markup, Signposting links), by
 * public identifier or Relay id: one statement, then the public access policy decides, as for the dataset's
 * own address in GraphQL. Null for unknown ids and drafts alike.
 */
export async function findLandingDataset(em: EntityManager, ref: string): Promise<Dataset | null> {
  const global = fromGlobalId(ref);
  const dataset = await em.findOne(Dataset, global?.type === Dataset.name ? { id: global.id } : { identifier: ref }, {
    populate: ['publisher', 'dataHolders', 'wasGeneratedBy', 'publications', 'distributions'],
    strategy: 'joined',
  });
  return dataset && AccessPolicy.PUBLIC.canReadAtAddress(dataset) ? publicView(dataset, ['publisher', 'wasGeneratedBy', 'dataHolders', 'publications']) : null;
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

/**
 * When the document of a record other than a dataset last changed. A study's or evaluation's shows only the
 * record. An organisation's or access body's may show, as its contact point, that of an access body (one the
 * organisation operates, or one operating for the catalogue's publisher) or of the catalogue's publisher
 * (contacts.ts); which body that is changes when a body is handed over, published or withdrawn, and nothing
 * keeps whom a body was operated by, so these are dated by the latest change to any access body as well.
 */
export async function recordDocumentModified(em: EntityManager, catalogue: Catalogue, record: CatalogueRecord): Promise<Date> {
  if (!(record instanceof Organisation || record instanceof DataAccessBody)) return record.modified;
  const [latest] = await em.getConnection().execute<{ bodies: Date | string | null }[]>('select max(modified) as bodies from data_access_body');
  const times = [record.modified, catalogue.modified, catalogue.publisher?.modified, latest?.bodies == null ? null : new Date(latest.bodies)];
  return new Date(Math.max(...times.filter((time) => time != null).map((time) => time.getTime())));
}

/** The latest change to the catalogue record, its publisher or a dataset it serves, a harvest's writes included. */
async function catalogueModified(em: EntityManager, catalogue: Catalogue | null): Promise<Date> {
  // One statement, each latest time read from its own index.
  const [latest] = await em.getConnection().execute<{ described: Date | string | null; harvested: Date | string | null }[]>(
    `select (select max(metadata_modified) from dataset where status in (?, ?)) as described,
      (select max(harvested_at) from dataset where status in (?, ?)) as harvested`,
    [...SERVED_STATUSES, ...SERVED_STATUSES],
  );
  const datasetTimes = [latest?.described, latest?.harvested].filter((time) => time != null).map((time) => new Date(time));
  const times = [catalogue?.modified, catalogue?.publisher?.modified, ...datasetTimes].filter((time): time is Date => !!time);
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

// ---------------------------------------------------------------------------------------------------------
// Batches for the whole-catalogue export.

type Row = Record<string, unknown>;

/**
 * Turns rows of an entity's table into records of the entity's class without the ORM's hydration, identity
 * map or change tracking (an export reads a million rows once and drops them): every column the entity
 * maps becomes its property, converted as the ORM converts it, so the profile writers read these records as
 * they read managed ones. References are linked by the caller from the foreign keys (`referenceOf`).
 */
class RecordRows<T extends object> {
  private readonly scalars: { name: string; field: string; convert: (value: unknown) => unknown }[] = [];
  private readonly foreignKeys = new Map<string, string>();
  /**
   * The prototype of the records: the entity's, with every mapped column's property shadowed by a plain
   * data property (computed properties keep their getters). The ORM puts setters on the entity's prototype that attach change tracking to an instance on
   * its first assignment; a record that is only read needs none of that.
   */
  private readonly prototype: object;
  /**
   * A record's own properties, every one undefined: each record starts as a copy of it, all its properties
   * in place at once (assigned one by one onto an empty object, they grew its property store again and again).
   */
  private readonly shape: Record<string, undefined> = {};

  constructor(em: EntityManager, entity: EntityClass<T>) {
    const platform = em.getPlatform();
    const meta = em.getMetadata().get(entity);
    this.prototype = Object.create(entity.prototype as object) as object;
    for (const prop of meta.props) {
      const field = prop.fieldNames?.[0];
      if (!field || prop.persist === false || prop.getter) continue;
      Object.defineProperty(this.prototype, prop.name, { value: undefined, writable: true, enumerable: false, configurable: true });
      if (prop.kind === ReferenceKind.SCALAR) {
        const custom = prop.customType;
        const convert =
          custom ? (value: unknown) => custom.convertToJSValue(value, platform)
          : prop.runtimeType === 'Date' ? (value: unknown) => (value == null || value instanceof Date ? value : platform.parseDate(value as string))
          : (value: unknown) => value;
        this.scalars.push({ name: prop.name, field, convert });
        this.shape[prop.name] = undefined;
      } else if (prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) {
        this.foreignKeys.set(prop.name, field);
        this.shape[prop.name] = undefined;
      }
    }
  }

  record(row: Row): T {
    const record: Record<string, unknown> = { ...this.shape };
    Object.setPrototypeOf(record, this.prototype);
    for (const { name, field, convert } of this.scalars) record[name] = row[field] === null ? null : convert(row[field]);
    return record as T;
  }

  /** The id a row's to-one reference `name` points at, or null. */
  referenceOf(row: Row, name: string): string | null {
    return (row[this.foreignKeys.get(name)!] as string | null) ?? null;
  }
}

/** Published datasets by id: those after `after` and up to `upTo` (null: no bound on that side). */
export interface DatasetRange {
  after: string | null;
  upTo: string | null;
}

/** What an export reads, batch by batch: the published datasets split into ranges of ids, and the catalogue's dct:modified. */
export interface ExportPlan {
  /** In id order, together covering every id, each holding `size` published datasets when the plan was made (the last may hold none). */
  ranges: DatasetRange[];
  /** Published datasets when the plan was made. */
  datasets: number;
  catalogueModified: Date;
}

/**
 * Splits the published datasets into ranges of `size` (the keyset batches `size` after the last id read would
 * make), so that batches can be read in any order or at once. A dataset published or withdrawn during the
 * export makes its range one larger or smaller; each published dataset still falls in exactly one range.
 */
export async function planExport(em: EntityManager, catalogue: Catalogue, size: number): Promise<ExportPlan> {
  const ends = await em.getConnection().execute<{ id: string }[]>(
    `select id from (select id, row_number() over (order by id) as position from dataset where status = ?) as listed
      where position % ? = 0 order by id`,
    [RecordStatus.PUBLISHED, size],
  );
  const bounds = [null, ...ends.map((end) => end.id), null];
  return {
    ranges: bounds.slice(1).map((upTo, index) => ({ after: bounds[index]!, upTo })),
    datasets: await countDatasets(em),
    catalogueModified: await catalogueModified(em, catalogue),
  };
}

/** What the export reads a batch of datasets with; one per export and thread (the column lists are worked out once). */
export class DatasetBatchReader {
  private readonly datasets: RecordRows<Dataset>;
  private readonly organisations: RecordRows<Organisation>;
  private readonly studies: RecordRows<Study>;
  private readonly publications: RecordRows<Publication>;
  private readonly distributions: RecordRows<Distribution>;
  private readonly consents: RecordRows<ConsentScope>;
  private readonly routes: RecordRows<AccessRoute>;
  private readonly steps: RecordRows<AccessRouteStep>;
  private readonly bodies: RecordRows<DataAccessBody>;
  private readonly evaluations: RecordRows<HealthEconomicEvaluation>;

  constructor(
    private readonly em: EntityManager,
    private readonly catalogue: Catalogue,
    /** Every batch states the plan's, so a change during the export cannot give the catalogue two. */
    private readonly catalogueModified: Date,
  ) {
    this.datasets = new RecordRows(em, Dataset);
    this.organisations = new RecordRows(em, Organisation);
    this.studies = new RecordRows(em, Study);
    this.publications = new RecordRows(em, Publication);
    this.distributions = new RecordRows(em, Distribution);
    this.consents = new RecordRows(em, ConsentScope);
    this.routes = new RecordRows(em, AccessRoute);
    this.steps = new RecordRows(em, AccessRouteStep);
    this.bodies = new RecordRows(em, DataAccessBody);
    this.evaluations = new RecordRows(em, HealthEconomicEvaluation);
  }

  /**
   * The published datasets of `range` (of those, `only` the ones with these ids) in id order, with everything
   * their description needs, as the public sees it (what findDatasetPage and completeRecords give the DCAT
   * pages), in a fixed number of statements whatever the batch size.
   */
  async batch(range: DatasetRange, only?: readonly string[]): Promise<DatasetRecords> {
    // The connection pool itself, with the ORM's type parsers: parameters go to PostgreSQL as parameters,
    // not escaped into the statement's text a character at a time (the ORM's way, costly for id lists).
    const pool = await this.em.getConnection().getNativeClient();
    const rows = async (text: string, values: unknown[]): Promise<Row[]> => (await pool.query<Row>(text, values)).rows;
    const bounds = [range.after, range.upTo].filter((id) => id !== null);
    const datasetRows = await rows(
      `select * from dataset where status = $1 ${range.after === null ? '' : 'and id > $2'} ${range.upTo === null ? '' : `and id <= $${bounds.length + 1}`}
        ${only ? `and id = any($${bounds.length + 2}::uuid[])` : ''} order by id`,
      [RecordStatus.PUBLISHED, ...bounds, ...(only ? [only] : [])],
    );
    const catalogueModified = this.catalogueModified;
    if (datasetRows.length === 0) return { records: [], bodiesOperatedBy: new Map(), catalogueModified };
    const ids = datasetRows.map((row) => row.id as string);
    const [parties, publicationRows, distributionRows, consentRows, routeRows, stepRows, evaluationRows] = await Promise.all([
      rows(
        `select dataset_id, organisation_id, 'holder' as role from dataset_data_holder where dataset_id = any($1::uuid[])
         union all select dataset_id, organisation_id, 'contributor' from dataset_contributor where dataset_id = any($1::uuid[])`,
        [ids],
      ),
      // Publications and evaluations are shared by many datasets of a batch: each is read once, with the
      // datasets of the batch that name it (read once per dataset, they were most of a batch's rows).
      rows(
        `select p.*, array_agg(dp.dataset_id) as of_datasets from publication p join dataset_publication dp on dp.publication_id = p.id
          where dp.dataset_id = any($1::uuid[]) group by p.id order by p.id`,
        [ids],
      ),
      rows('select * from distribution where dataset_id = any($1::uuid[])', [ids]),
      rows('select * from consent_scope where dataset_id = any($1::uuid[])', [ids]),
      rows('select * from access_route where dataset_id = any($1::uuid[])', [ids]),
      rows('select s.* from access_route_step s join access_route r on r.id = s.route_id where r.dataset_id = any($1::uuid[]) order by s.position', [ids]),
      rows(
        `select e.*, array_agg(ed.dataset_id) as of_datasets from health_economic_evaluation e join evaluation_dataset ed on ed.health_economic_evaluation_id = e.id
          where ed.dataset_id = any($1::uuid[]) group by e.id order by e.identifier`,
        [ids],
      ),
    ]);

    // Organisations, studies and access bodies named by the batch, read once each.
    const organisationIds = new Set<string>(this.catalogue.publisher ? [this.catalogue.publisher.id] : []);
    for (const row of datasetRows) organisationIds.add(this.datasets.referenceOf(row, 'publisher')!);
    for (const row of parties) organisationIds.add(row.organisation_id as string);
    const studyIds = datasetRows.map((row) => this.datasets.referenceOf(row, 'wasGeneratedBy')).filter((id): id is string => !!id);
    const bodyIds = new Set<string>();
    for (const row of datasetRows) bodyIds.add(this.datasets.referenceOf(row, 'hdab') ?? '');
    for (const row of routeRows) bodyIds.add(this.routes.referenceOf(row, 'accessBody') ?? '');
    for (const row of stepRows) bodyIds.add(this.steps.referenceOf(row, 'body') ?? '');
    bodyIds.delete('');
    const [organisationRows, studyRows, bodyRows, bodiesOperatedBy] = await Promise.all([
      rows('select * from organisation where id = any($1::uuid[])', [[...organisationIds]]),
      rows('select * from study where id = any($1::uuid[])', [studyIds]),
      rows('select * from data_access_body where id = any($1::uuid[])', [[...bodyIds]]),
      this.bodiesOperatedBy([...organisationIds]),
    ]);
    // The public's view, as in GraphQL: a reference the public may not read is absent.
    const organisation = readableById(organisationRows.map((row) => this.organisations.record(row)));
    const study = readableById(studyRows.map((row) => this.studies.record(row)));
    const body = readableById(bodyRows.map((row) => this.bodies.record(row)));
    const find = <T>(records: Map<string, T>, id: string | null): T | null => (id ? records.get(id) ?? null : null);

    const holders = new Map<string, Organisation[]>();
    const contributors = new Map<string, Organisation[]>();
    for (const row of parties) {
      const party = organisation.get(row.organisation_id as string);
      if (party) addTo(row.role === 'holder' ? holders : contributors, row.dataset_id as string, party);
    }
    const publicationsOf = this.sharedBy(this.publications, publicationRows);
    const distributionsOf = groupBy(distributionRows.map((row) => [this.distributions.referenceOf(row, 'dataset')!, this.distributions.record(row)] as const));
    const evaluationsOf = this.sharedBy(this.evaluations, evaluationRows);
    const stepsOf = groupBy(
      stepRows.map((row) => {
        const step = this.steps.record(row);
        step.body = find(body, this.steps.referenceOf(row, 'body'));
        return [this.steps.referenceOf(row, 'route')!, step] as const;
      }),
    );
    const consentOf = new Map(consentRows.map((row) => [this.consents.referenceOf(row, 'dataset')!, this.consents.record(row)]));
    const routeOf = new Map(
      routeRows.map((row) => {
        const route = this.routes.record(row);
        route.accessBody = find(body, this.routes.referenceOf(row, 'accessBody'));
        route.steps = new Collection(route, stepsOf.get(route.id) ?? []);
        return [this.routes.referenceOf(row, 'dataset')!, route];
      }),
    );

    const records = datasetRows.map((row): DatasetRecord => {
      const dataset = this.datasets.record(row);
      dataset.publisher = find(organisation, this.datasets.referenceOf(row, 'publisher'))!;
      dataset.hdab = find(body, this.datasets.referenceOf(row, 'hdab'));
      dataset.wasGeneratedBy = find(study, this.datasets.referenceOf(row, 'wasGeneratedBy'));
      dataset.dataHolders = new Collection(dataset, holders.get(dataset.id) ?? []);
      dataset.contributors = new Collection(dataset, contributors.get(dataset.id) ?? []);
      dataset.publications = new Collection(dataset, publicationsOf.get(dataset.id) ?? []);
      dataset.distributions = new Collection(dataset, distributionsOf.get(dataset.id) ?? []);
      return {
        dataset,
        consent: consentOf.get(dataset.id) ?? null,
        accessRoute: routeOf.get(dataset.id) ?? null,
        evaluations: evaluationsOf.get(dataset.id) ?? [],
      };
    });
    return { records, bodiesOperatedBy, catalogueModified };
  }

  /** What the catalogue's own description needs: the access bodies its publisher operates (its contact point). */
  async catalogueContext(): Promise<DatasetRecords> {
    const publisher = this.catalogue.publisher?.id;
    return { records: [], bodiesOperatedBy: await this.bodiesOperatedBy(publisher ? [publisher] : []), catalogueModified: this.catalogueModified };
  }

  /** The access bodies the public may read that each of these organisations operates, by organisation id. */
  private async bodiesOperatedBy(organisationIds: string[]): Promise<Map<string, DataAccessBody[]>> {
    const byOrganisation = new Map<string, DataAccessBody[]>();
    if (organisationIds.length === 0) return byOrganisation;
    const pool = await this.em.getConnection().getNativeClient();
    const { rows } = await pool.query<Row>('select * from data_access_body where operated_by_id = any($1::uuid[]) order by identifier', [organisationIds]);
    for (const row of rows) {
      const operated = this.bodies.record(row);
      if (readable(operated)) addTo(byOrganisation, this.bodies.referenceOf(row, 'operatedBy')!, operated);
    }
    return byOrganisation;
  }

  /**
   * The records of `rows` the public may read, by dataset (`of_datasets`: the datasets naming each), each
   * dataset's in the order of the rows (publications by id, as their links are keyed; evaluations by identifier).
   */
  private sharedBy<T extends CatalogueRecord>(records: RecordRows<T>, rows: Row[]): Map<string, T[]> {
    const byDataset = new Map<string, T[]>();
    for (const row of rows) {
      const record = records.record(row);
      if (readable(record)) for (const dataset of row.of_datasets as string[]) addTo(byDataset, dataset, record);
    }
    return byDataset;
  }
}

const readable = (record: CatalogueRecord): boolean => AccessPolicy.PUBLIC.canRead(record);

/** The records the public may read, by id. */
const readableById = <T extends CatalogueRecord>(records: T[]): Map<string, T> =>
  new Map(records.filter(readable).map((record) => [record.id, record]));

/** Records grouped by the id they belong to (their dataset, their route). */
function groupBy<T>(entries: (readonly [string, T])[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const [key, record] of entries) addTo(groups, key, record);
  return groups;
}
