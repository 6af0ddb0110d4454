import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { AccessRoute } from '../access/access-route.entity.js';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { consentScopeFrom } from '../consent/consent-scope.rules.js';
import type { ConsentScopeInput } from '../consent/consent-scope.inputs.js';
import { accessRouteFrom } from '../access/access-route.rules.js';
import type { AccessRouteInput } from '../access/access-route.inputs.js';
import type { RecordOrigin, RecordRules } from '../records/record-service.js';
import type { AccessPolicy } from '../records/access-policy.js';
import type { References } from '../records/references.js';
import type { Problems } from '../core/problems.js';
import { checkCount, checkMediaType, checkText, checkUrl } from '../core/validation.js';
import { applyTranslatedFields, type TranslatedField } from '../records/translations.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { ProvenanceSource, RecordStatus } from '../records/record.js';
import { Publication } from '../publications/publication.entity.js';
import { enqueueDatasetIndexing } from '../search/outbox.js';
import { Study } from '../studies/study.entity.js';
import { Dataset } from './dataset.entity.js';
import type { DatasetInput, DatasetPatch, DistributionInput } from './dataset.inputs.js';
import { Distribution } from './distribution.entity.js';
import { type AccessRouteFacts, checkConformance, type ConsentFacts, type DistributionFacts, NO_DOWNLOAD_URL } from './publish-conformance.js';
import { Assay, type CohortDescriptor } from './cohort.js';
import { diseaseIdSyntaxProblem, unregistrableDiseaseReason } from '../ontology/disease-hierarchy.js';
import { checkSearchLimits } from './search-limits.js';

/** The texts a dataset has in each language (records/translations.ts). */
const DATASET_TEXTS: readonly TranslatedField[] = [
  { field: 'title', input: 'titleTranslations', kind: 'text', maxLength: 500, required: true },
  { field: 'description', input: 'descriptionTranslations', kind: 'text', maxLength: 20_000 },
  { field: 'keywords', input: 'keywordTranslations', kind: 'list', maxLength: 200 },
];

/** Rules for registering and changing datasets; the shared lifecycle runs them (records/record-service.ts). */
export const datasetRules: RecordRules<Dataset, DatasetInput, DatasetPatch> = {
  entity: Dataset,
  async build(em, input, problems, refs, origin) {
    if (!input.publisher) problems.add('input.publisher', 'is required', 'REQUIRED');
    if (input.identifier != null) checkText(problems, 'input.identifier', input.identifier, 500);
    const dataset = Object.assign(new Dataset(), {
      identifier: input.identifier?.trim() || `urn:gdcat:dataset:${randomUUID()}`,
      title: '',
      provenanceSource: origin?.provenanceSource ?? ProvenanceSource.MANUAL,
    });
    await prefetchReferences(refs, input);
    const owner = input.ownerOrganisation
      ? await refs.claim(Organisation, input.ownerOrganisation, 'input.ownerOrganisation', problems)
      : null;
    await applyDatasetFields(em, dataset, input, problems, refs, true);
    applySourceStatement(dataset, input, origin);
    checkSearchLimits(problems, input, dataset);
    // The publishing organisation owns the dataset unless another owner is named.
    dataset.ownerOrganisationId = owner?.id ?? (dataset.publisher as Organisation | undefined)?.id ?? null;
    return dataset;
  },
  async apply(em, dataset, patch, problems, refs, origin) {
    if (patch.publisher === null) problems.add('input.publisher', 'cannot be removed; a dataset needs a publisher', 'REQUIRED');
    await applyDatasetFields(em, dataset, patch, problems, refs, false);
    applySourceStatement(dataset, patch, origin);
    checkSearchLimits(problems, patch, dataset);
  },
  ownerField: (input) => (input.ownerOrganisation ? 'input.ownerOrganisation' : 'input.publisher'),
  async prefetch(refs, inputs) {
    await refs.prefetch([
      { entity: Organisation, refs: inputs.flatMap(namedOrganisations) },
      { entity: DataAccessBody, refs: inputs.flatMap(namedAccessBodies) },
      { entity: Study, refs: inputs.map((input) => input.wasGeneratedBy) },
      { entity: Publication, refs: inputs.flatMap((input) => input.publications ?? []) },
    ]);
  },
  async checkPublishable(em, dataset, problems, policy) {
    // A harvested dataset is published as its source published it: a source that states no consent scope or
    // access route leaves the consent "not stated" (discoverable, but no purpose is ever permitted for it).
    if (dataset.provenanceSource === ProvenanceSource.HARVESTED) return;
    const parts = unflushedParts.get(dataset);
    const given = dataset.distributions.isInitialized() ? dataset.distributions.getItems() : undefined;
    const stored = parts?.consent && parts.accessRoute && given ? null : await readPublishFacts(em, dataset.id);
    // A part given in this unit of work, or removed (null), is what the dataset has now; otherwise the stored one.
    const consent = parts?.consent !== undefined ? parts.consent : (stored?.consent ?? null);
    const route = parts?.accessRoute !== undefined ? parts.accessRoute : (stored?.route ?? null);
    checkConformance(dataset, consent, route, problems, given ?? stored?.distributions ?? []);
    const routeKnown = parts?.accessRoute !== undefined ? parts.accessRoute : partsRead.get(dataset)?.accessRoute;
    await checkNamedBodiesPublished(em, dataset, routeKnown, stored, problems, policy);
    if (!consent) {
      problems.add('consent', 'a dataset needs a consent scope before it is published, so researchers can tell what use it allows', 'REQUIRED');
    }
    if (!route) {
      problems.add('accessRoute', 'a dataset needs an access route before it is published, so researchers know whom to ask', 'REQUIRED');
    }
  },
  async loadParts(em, datasets, patch) {
    await readParts(em, datasets, PART_NAMES.filter((name) => !patch || patch[PART_INPUTS[name]] !== undefined));
  },
  parts: (dataset) => ({ ...partsRead.get(dataset) }),
  async afterChange(em, dataset) {
    enqueueDatasetIndexing(em, [dataset.id]);
  },
};

/**
 * A dataset's parts kept in tables of their own, as read before a change or given by it (null: it has none),
 * under the names its history lists them by. A part not read is not there: the change reads it when it gives it.
 */
interface DatasetParts {
  consentScope?: ConsentScope | null;
  accessRoute?: AccessRoute | null;
}
const partsRead = new WeakMap<Dataset, DatasetParts>();
const PART_NAMES = ['consentScope', 'accessRoute'] as const;
/** The input field that gives each part. */
const PART_INPUTS = { consentScope: 'consent', accessRoute: 'accessRoute' } as const;

/** Reads the named parts of the datasets not read yet, each kind in one statement for all of them. */
async function readParts(em: EntityManager, datasets: Dataset[], names: readonly (keyof DatasetParts)[]): Promise<void> {
  for (const name of names) {
    const unread = datasets.filter((dataset) => !(name in (partsRead.get(dataset) ?? {})));
    if (unread.length === 0) continue;
    const found: (ConsentScope | AccessRoute)[] =
      name === 'consentScope'
        ? await em.find(ConsentScope, { dataset: { $in: unread } })
        : await em.find(AccessRoute, { dataset: { $in: unread } }, { populate: ['steps'] });
    const byDataset = new Map(found.map((part) => [part.dataset.id, part]));
    for (const dataset of unread) setPart(dataset, name, byDataset.get(dataset.id) ?? null);
  }
}

function setPart<K extends keyof DatasetParts>(dataset: Dataset, name: K, part: DatasetParts[K]): void {
  partsRead.set(dataset, { ...partsRead.get(dataset), [name]: part });
}

/** The part the dataset has stored, read now unless it was read before the change. */
async function storedPart<K extends keyof DatasetParts>(em: EntityManager, dataset: Dataset, name: K): Promise<NonNullable<DatasetParts[K]> | null> {
  await readParts(em, [dataset], [name]);
  return partsRead.get(dataset)![name] ?? null;
}

interface PublishFacts {
  consent: ConsentFacts | null;
  route: AccessRouteFacts | null;
  distributions: DistributionFacts[];
  /** The stored route's bodies by the field that names them (accessRoute.accessBody, accessRoute.steps[i].body). */
  routeBodies: { field: string; id: string }[];
  /** Every access body the stored dataset names (hdab, its route's), by id, locked as bodiesLocked locks them. */
  bodies: Record<string, BodyFacts>;
}

interface BodyFacts {
  status: RecordStatus;
  name: string;
  ownerOrganisationId: string | null;
}

/**
 * The access bodies each transaction has locked for share, with what they were when locked. A withdrawal locks its
 * body for update (RecordService), so a dataset published naming a body and that body's withdrawal, run at once,
 * run one after the other and the second sees the first (a published hdab withdrawn, or a withdrawn one named).
 */
const bodiesLocked = new WeakMap<object, Map<string, BodyFacts>>();

function lockedBodies(em: EntityManager): Map<string, BodyFacts> {
  const transaction = em.getTransactionContext<object>();
  if (!transaction) return new Map();
  let locked = bodiesLocked.get(transaction);
  if (!locked) bodiesLocked.set(transaction, (locked = new Map()));
  return locked;
}

/**
 * The access bodies a published dataset names must be published too: the public views leave a draft body out, so
 * a non-public dataset's HealthDCAT-AP record would lack its mandatory hdab, and researchers would not see whom to
 * ask. Each named body is locked for share until the change commits; a bulk writer locks each body once.
 */
async function checkNamedBodiesPublished(
  em: EntityManager,
  dataset: Dataset,
  route: AccessRoute | null | undefined,
  stored: PublishFacts | null,
  problems: Problems,
  policy: AccessPolicy,
): Promise<void> {
  const named: { field: string; id: string }[] = [];
  const locked = lockedBodies(em);
  for (const [id, facts] of Object.entries(stored?.bodies ?? {})) locked.set(id, facts);
  // A body this transaction made and has not written yet (an import's) is known only as its entity.
  const unwritten = new Map<string, BodyFacts>();
  const name = (field: string, body: DataAccessBody | null | undefined) => {
    if (!body) return;
    named.push({ field, id: body.id });
    if (wrap(body).isInitialized()) {
      unwritten.set(body.id, { status: body.status, name: body.name || body.identifier, ownerOrganisationId: body.ownerOrganisationId ?? null });
    }
  };
  name('hdab', dataset.hdab);
  if (route) {
    name('accessRoute.accessBody', route.accessBody);
    if (route.steps.isInitialized()) for (const [index, step] of route.steps.getItems().entries()) name(`accessRoute.steps[${index}].body`, step.body);
  } else if (route === undefined) {
    named.push(...(stored?.routeBodies ?? []));
  }
  const unlocked = [...new Set(named.map(({ id }) => id).filter((id) => !locked.has(id)))];
  if (unlocked.length > 0) {
    const rows = await em.getConnection().execute<(BodyFacts & { id: string })[]>(
      'select id, status, name, owner_organisation_id as "ownerOrganisationId" from data_access_body where id in (?) for share',
      [unlocked],
      'all',
      em.getTransactionContext(),
    );
    for (const { id, ...facts } of rows) locked.set(id, facts);
  }
  for (const { field, id } of named) {
    const body = locked.get(id) ?? unwritten.get(id);
    if (!body || body.status === RecordStatus.PUBLISHED) continue;
    // Another organisation's draft body (an admin named it) is not named back to a caller who may not read it.
    const which = policy.canReadAtAddress(body) ? `"${body.name}"` : 'named here, of another organisation,';
    problems.add(
      field,
      `the access body ${which} is ${body.status.toLowerCase()}: a published dataset names only published access bodies, so everyone can see whom to ask (publish the body first, or name another)`,
    );
  }
}

/**
 * What the publish checks read of a stored dataset's parts, in one statement: loading the consent scope, the
 * access route with its body and the distributions as entities took three statements and the ORM's work for each.
 */
async function readPublishFacts(em: EntityManager, datasetId: string): Promise<PublishFacts> {
  const [row] = await em.getConnection().execute<PublishFacts[]>(
    `select
       (select json_build_object('consentType', c.consent_type) from consent_scope c where c.dataset_id = ?) as consent,
       (select json_build_object('applicationUrl', r.application_url, 'accessBody', json_build_object('applicationUrl', b.application_url))
          from access_route r left join data_access_body b on b.id = r.access_body_id where r.dataset_id = ?) as route,
       coalesce((select json_agg(json_build_object('position', d.position, 'accessUrl', d.access_url, 'downloadUrl', d.download_url))
          from distribution d where d.dataset_id = ?), '[]') as distributions,
       coalesce((select json_agg(json_build_object('field', n.field, 'id', n.id)) from (
          select 'accessRoute.accessBody' as field, r.access_body_id as id from access_route r where r.dataset_id = ? and r.access_body_id is not null
          union all select 'accessRoute.steps[' || (row_number() over (order by s.position) - 1) || '].body', s.body_id
            from access_route_step s join access_route r on r.id = s.route_id where r.dataset_id = ? and s.body_id is not null) n), '[]') as "routeBodies",
       coalesce((select json_object_agg(b.id, json_build_object('status', b.status, 'name', b.name, 'ownerOrganisationId', b.owner_organisation_id)) from (
          select id, status, name, owner_organisation_id from data_access_body where id in (
            select hdab_id from dataset where id = ?
            union select r.access_body_id from access_route r where r.dataset_id = ?
            union select s.body_id from access_route_step s join access_route r on r.id = s.route_id where r.dataset_id = ?)
          for share) b), '{}') as bodies`,
    [datasetId, datasetId, datasetId, datasetId, datasetId, datasetId, datasetId, datasetId],
    'all',
    em.getTransactionContext(),
  );
  return row;
}

/**
 * Consent scopes and access routes given (null: removed) in this unit of work, before they are flushed: a bulk
 * import publishes thousands of new datasets without a flush (and a count query) per dataset.
 */
const unflushedParts = new WeakMap<Dataset, { consent?: ConsentScope | null; accessRoute?: AccessRoute | null }>();


type NamingInput = DatasetPatch & { ownerOrganisation?: string | null };
const namedOrganisations = (input: NamingInput) => [input.ownerOrganisation, input.publisher, ...(input.dataHolders ?? []), ...(input.contributors ?? [])];
const namedAccessBodies = (input: NamingInput) => [input.hdab, input.accessRoute?.accessBody, ...(input.accessRoute?.steps ?? []).map((step) => step.body)];

/** Every organisation, access body and study the input names, read in one statement (see References.prefetch). */
async function prefetchReferences(refs: References, input: NamingInput): Promise<void> {
  await refs.prefetch([
    { entity: Organisation, refs: namedOrganisations(input) },
    { entity: DataAccessBody, refs: namedAccessBodies(input) },
    { entity: Study, refs: [input.wasGeneratedBy] },
  ]);
}

/**
 * What the source of a harvested dataset states beyond the record's fields is written by the harvest alone,
 * as the source states it now (a source that no longer states it leaves none); any other writer leaves it.
 */
function applySourceStatement(dataset: Dataset, input: DatasetPatch, origin: RecordOrigin | undefined): void {
  if (origin?.provenanceSource === ProvenanceSource.HARVESTED) dataset.sourceDescription = input.sourceDescription ?? null;
}

/** Applies the given fields of a create input or patch, collecting every problem. */
async function applyDatasetFields(
  em: EntityManager,
  dataset: Dataset,
  input: DatasetPatch,
  problems: Problems,
  refs: References,
  isNew: boolean,
): Promise<void> {
  applyTranslatedFields(dataset, DATASET_TEXTS, { ...input }, problems);
  // A new dataset's build has looked them up already.
  if (!isNew) await prefetchReferences(refs, input);
  if (input.diagnosticArea !== undefined) dataset.diagnosticArea = input.diagnosticArea;
  if (input.theme != null) dataset.theme = checkUrl(problems, 'input.theme', input.theme)!;
  if (input.accessRights != null) dataset.accessRights = checkUrl(problems, 'input.accessRights', input.accessRights)!;
  if (input.otherIdentifiers != null) dataset.otherIdentifiers = input.otherIdentifiers;
  if (input.releaseVersion !== undefined) dataset.releaseVersion = input.releaseVersion;
  if (input.publisher) {
    const publisher = await refs.claim(Organisation, input.publisher, 'input.publisher', problems);
    if (publisher) dataset.publisher = publisher;
  }
  if (input.dataHolders != null) {
    dataset.dataHolders.set(await refs.links(Organisation, input.dataHolders, 'input.dataHolders', problems));
  }
  if (input.contributors != null) {
    dataset.contributors.set(await refs.links(Organisation, input.contributors, 'input.contributors', problems));
  }
  if (input.wasGeneratedBy !== undefined) {
    dataset.wasGeneratedBy = input.wasGeneratedBy
      ? await refs.keepOrClaim(Study, input.wasGeneratedBy, dataset.wasGeneratedBy, 'input.wasGeneratedBy', problems)
      : null;
  }
  if (input.hdab !== undefined) {
    dataset.hdab = input.hdab ? await refs.link(DataAccessBody, input.hdab, 'input.hdab', problems) : null;
  }
  if (input.publications != null) {
    dataset.publications.set(await refs.links(Publication, input.publications, 'input.publications', problems));
  }
  if (input.cohort !== undefined) dataset.cohort = input.cohort ? checkCohort(problems, input.cohort) : null;
  if (input.distributions != null) await applyDistributions(em, dataset, input.distributions, problems, isNew);
  // Sensitive data is never one click away: access goes through a request (the accessUrl). A harvested
  // dataset keeps the download URL its source states; no DCAT writer states a non-public dcat:downloadURL.
  const registeredHere = dataset.provenanceSource !== ProvenanceSource.HARVESTED;
  if (registeredHere && dataset.isNonPublic && (input.distributions != null || input.accessRights != null)) {
    if (!dataset.distributions.isInitialized()) await em.populate(dataset, ['distributions']);
    for (const [index, distribution] of dataset.distributions.getItems().entries()) {
      if (!distribution.downloadUrl) continue;
      const field = input.distributions != null ? `input.distributions[${index}].downloadUrl` : 'input.accessRights';
      problems.add(field, NO_DOWNLOAD_URL);
    }
  }
  if (input.consent === null && !isNew) await removePart(em, dataset, 'consentScope');
  if (input.consent) {
    const consent = await applyConsent(em, dataset, input.consent, problems, isNew);
    if (consent) unflushedParts.set(dataset, { ...unflushedParts.get(dataset), consent });
  }
  if (input.accessRoute === null && !isNew) await removePart(em, dataset, 'accessRoute');
  if (input.accessRoute) {
    const accessRoute = await applyAccessRoute(em, dataset, input.accessRoute, problems, refs, isNew);
    if (accessRoute) unflushedParts.set(dataset, { ...unflushedParts.get(dataset), accessRoute });
  }
}

/** Removes a part the dataset has (given as null, like any other field), its access route's steps with it. */
async function removePart(em: EntityManager, dataset: Dataset, name: keyof DatasetParts): Promise<void> {
  const existing = await storedPart(em, dataset, name);
  if (existing) em.remove(existing);
  setPart(dataset, name, null);
  unflushedParts.set(dataset, { ...unflushedParts.get(dataset), [PART_INPUTS[name]]: null });
}

/**
 * Replaces the dataset's distributions with the given list, keeping the identity (and so the IRI) of every
 * distribution the list still holds: the one named by `id`, else an unclaimed one with the same title.
 */
async function applyDistributions(em: EntityManager, dataset: Dataset, inputs: DistributionInput[], problems: Problems, isNew: boolean): Promise<void> {
  if (!isNew && !dataset.distributions.isInitialized()) await em.populate(dataset, ['distributions']);
  const unclaimed = new Set(isNew ? [] : dataset.distributions.getItems());
  const claim = (found: Distribution | undefined) => {
    if (found) unclaimed.delete(found);
    return found;
  };
  // Named ones first, so a title match never takes a distribution that a later entry names.
  const named = inputs.map((input, index) => {
    if (!input.id) return undefined;
    const found = claim([...unclaimed].find((distribution) => distribution.id === input.id));
    if (!found) problems.add(`input.distributions[${index}].id`, 'is not a distribution of this dataset', 'NOT_FOUND');
    return found;
  });
  const distributions = inputs.map((input, index) => {
    const field = `input.distributions[${index}]`;
    checkByteSize(problems, `${field}.byteSize`, input.byteSize);
    const kept = input.id ? named[index] : claim([...unclaimed].find((distribution) => distribution.title === input.title.trim()));
    // A media type stored before it was checked is kept as it is: the web form sends it back unseen.
    const mediaType = (value: string | null | undefined, stored: string | null | undefined, at: string) =>
      value != null && value === stored ? value : checkMediaType(problems, at, value);
    const storedFormats = new Map((kept?.formats ?? []).map((format) => [format.label, format]));
    return Object.assign(kept ?? new Distribution(), {
      dataset,
      position: index,
      title: checkText(problems, `${field}.title`, input.title, 500),
      accessUrl: checkUrl(problems, `${field}.accessUrl`, input.accessUrl),
      downloadUrl: checkUrl(problems, `${field}.downloadUrl`, input.downloadUrl),
      formats: (input.formats ?? []).map((format, at) => {
        const checked = mediaType(format.mediaType, storedFormats.get(format.label)?.mediaType, `${field}.formats[${at}].mediaType`);
        return checked === null ? { label: format.label, edam: format.edam } : { ...format, mediaType: checked };
      }),
      mediaType: mediaType(input.mediaType, kept?.mediaType, `${field}.mediaType`),
      byteSize: input.byteSize ?? null,
      license: input.license ?? null,
      accessMode: input.accessMode ?? null,
      hostingLocation: input.hostingLocation ?? null,
      encryption: input.encryption ?? null,
    });
  });
  dataset.distributions.set(distributions);
}

/** Largest size the database's bigint column holds. */
const MAX_BYTE_SIZE = 2n ** 63n - 1n;

function checkByteSize(problems: Problems, field: string, value: string | null | undefined): void {
  if (value == null) return;
  if (!/^\d+$/.test(value) || BigInt(value) > MAX_BYTE_SIZE) problems.add(field, `must be a whole number of bytes from 0 to ${MAX_BYTE_SIZE}`);
}

/** The dataset's consent scope as given (consent/consent-scope.rules.ts), or null when the input had problems. */
async function applyConsent(em: EntityManager, dataset: Dataset, input: ConsentScopeInput, problems: Problems, isNew: boolean): Promise<ConsentScope | null> {
  const consent = await consentScopeFrom(dataset, () => (isNew ? Promise.resolve(null) : storedPart(em, dataset, 'consentScope')), input, 'input.consent', problems);
  if (!consent) return null;
  em.persist(consent);
  setPart(dataset, 'consentScope', consent);
  return consent;
}

/** The dataset's access route as given (access/access-route.rules.ts). */
async function applyAccessRoute(
  em: EntityManager,
  dataset: Dataset,
  input: AccessRouteInput,
  problems: Problems,
  refs: References,
  isNew: boolean,
): Promise<AccessRoute> {
  const route = await accessRouteFrom(dataset, () => (isNew ? Promise.resolve(null) : storedPart(em, dataset, 'accessRoute')), input, 'input.accessRoute', problems, refs);
  em.persist(route);
  setPart(dataset, 'accessRoute', route);
  return route;
}

const ASSAYS = new Set<string>(Object.values(Assay));

function checkCohort(problems: Problems, cohort: CohortDescriptor): CohortDescriptor {
  const field = 'input.cohort';
  for (const key of ['numberOfUniqueIndividuals', 'numberOfRecords', 'numberOfSamples', 'numberOfFamilies', 'minTypicalAge', 'maxTypicalAge'] as const) {
    checkCount(problems, `${field}.${key}`, cohort[key]);
  }
  if (cohort.minTypicalAge != null && cohort.maxTypicalAge != null && cohort.minTypicalAge > cohort.maxTypicalAge) {
    problems.add(`${field}.minTypicalAge`, `is above maxTypicalAge (${cohort.minTypicalAge} > ${cohort.maxTypicalAge})`);
  }
  if (cohort.maxTypicalAge != null && cohort.maxTypicalAge > 130) problems.add(`${field}.maxTypicalAge`, 'is not a human age in years');
  const sex = cohort.sexDistribution;
  for (const key of ['female', 'male', 'otherOrUnknown'] as const) checkCount(problems, `${field}.sexDistribution.${key}`, sex?.[key]);
  const individuals = cohort.numberOfUniqueIndividuals;
  if (sex && individuals != null) {
    const total = (sex.female ?? 0) + (sex.male ?? 0) + (sex.otherOrUnknown ?? 0);
    if (total > individuals) problems.add(`${field}.sexDistribution`, `adds up to ${total}, more than the ${individuals} individuals`);
  }
  const sequencing = cohort.sequencing;
  if (sequencing && sequencing.assays.length === 0) problems.add(`${field}.sequencing.assays`, 'name at least one assay', 'REQUIRED');
  // An import passes the assays on as written (GraphQL takes only the enum's).
  sequencing?.assays.forEach((assay, i) => {
    if (!ASSAYS.has(assay)) problems.add(`${field}.sequencing.assays[${i}]`, `"${assay}" is not an assay; the assays are ${[...ASSAYS].join(', ')}`);
  });
  const coverage = sequencing?.meanCoverage;
  if (coverage != null && !(typeof coverage === 'number' && Number.isFinite(coverage) && coverage > 0)) {
    problems.add(`${field}.sequencing.meanCoverage`, 'must be a positive number (the mean depth, 30 for 30x)');
  }
  checkCount(problems, `${field}.sequencing.readLength`, sequencing?.readLength);
  (cohort.diseases ?? []).forEach((disease, i) => {
    // A label or other text in place of the id would match no disease filter and leave the DCAT output unsaid.
    const syntax = diseaseIdSyntaxProblem(disease.iri);
    if (syntax) return problems.add(`${field}.diseases[${i}].iri`, syntax);
    const reason = unregistrableDiseaseReason(disease.iri);
    if (reason) problems.add(`${field}.diseases[${i}].iri`, reason, 'NOT_FOUND');
  });
  return {
    ...cohort,
    diseases: cohort.diseases ?? [],
    phenotypes: cohort.phenotypes ?? [],
    sampleTypes: cohort.sampleTypes ?? [],
    variantTypes: cohort.variantTypes ?? [],
  };
}
