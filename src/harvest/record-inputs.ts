import type { DataAccessBodyInput } from '../access/data-access-body.inputs.js';
import { DataAccessBodyOperationalStatus, type DataAccessBodyKind } from '../access/data-access-body.entity.js';
import type { AccessRouteInput } from '../access/access-route.inputs.js';
import type { DatasetInput } from '../datasets/dataset.inputs.js';
import type { Assay, CohortDescriptor } from '../datasets/cohort.js';
import type { HealthEconomicEvaluationInput, HealthEconomicResultInput } from '../economics/health-economic-evaluation.inputs.js';
import type { EconomicModelType } from '../economics/health-economic-evaluation.entity.js';
import type { OrganisationInput } from '../organisations/organisation.inputs.js';
import { OrganisationType } from '../organisations/organisation.entity.js';
import type { PublicationInput } from '../publications/publication.rules.js';
import type { StudyInput } from '../studies/study.inputs.js';
import type { StudyProgress } from '../studies/study.entity.js';
import { DEFAULT_RECORD_LANGUAGE } from '../core/languages.js';

/**
 * The record shapes of the example catalogue (seed/example-catalogue.json), which is also the import format,
 * turned into the inputs the record rules take. Values are passed on as given: the rules validate them.
 */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const RECORD_KINDS = ['Organisation', 'DataAccessBody', 'Publication', 'Study', 'Dataset', 'HealthEconomicEvaluation'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** What the converters need beyond the record itself. */
export interface InputContext {
  /** Owner of records that name none (the catalogue's publisher, or the organisation importing). */
  defaultOwner: string | null;
  /** Application URLs of access bodies in the same file, the default for access routes naming the body. */
  bodyApplicationUrls: ReadonlyMap<string, string>;
  /** Identifiers of studies in the same file: an evaluation's `evaluates` lists datasets and studies. */
  studyIds: ReadonlySet<string>;
  /** The study of the same file listing a dataset among its `outputs`, the default for a dataset naming none. */
  studyOfOutput: ReadonlyMap<string, string>;
}

const list = <T>(value: T | T[] | null | undefined): T[] => (value == null ? [] : Array.isArray(value) ? value : [value]);
const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * A field's texts in the record's other languages, given in the file as `translations` by language
 * ({ "sv": { "title": "…", "keywords": ["…"] } }); the record's own `language` (en when the file names none, so
 * the record follows the file) is that of its plain fields. Always a list, so an import also removes
 * translations the file no longer has.
 */
const translated = (r: Json, field: string): { language: string; value: string }[] =>
  Object.entries((r.translations ?? {}) as Json).flatMap(([language, texts]) => list<string>(texts?.[field]).map((value) => ({ language, value })));

export function organisationInput(o: Json): OrganisationInput {
  return {
    identifier: o.id,
    language: o.language ?? DEFAULT_RECORD_LANGUAGE,
    name: o.name,
    nameTranslations: translated(o, 'name'),
    type: (o.type in OrganisationType ? o.type : OrganisationType.AUTHORITY) as OrganisationType,
    publisherType: orNull(o.publisherType),
    roles: list(o.roles),
    homepage: orNull(o.homepage),
    orgNumber: orNull(o.orgNumber),
    contactEmail: orNull(o.contactEmail),
    parent: orNull(o.parentOrg),
  };
}

export function dataAccessBodyInput(b: Json, context: InputContext): DataAccessBodyInput {
  return {
    identifier: b.id,
    language: b.language ?? DEFAULT_RECORD_LANGUAGE,
    name: b.name,
    nameTranslations: translated(b, 'name'),
    kind: b.kind as DataAccessBodyKind,
    operatedBy: orNull(b.operatedBy),
    hostedBy: orNull(b.hostedBy),
    contactEmail: orNull(b.contactEmail),
    applicationUrl: orNull(b.applicationUrl),
    jurisdiction: b.jurisdiction ?? 'SE',
    operationalStatus: b.status === 'planned' ? DataAccessBodyOperationalStatus.PLANNED : DataAccessBodyOperationalStatus.ACTIVE,
    note: orNull(b.note),
    ownerOrganisation: b.ownerOrganisation ?? (b.operatedBy ? null : context.defaultOwner),
  };
}

export function publicationInput(p: Json, context: InputContext): PublicationInput {
  return {
    identifier: p.id,
    title: p.title,
    doi: orNull(p.doi),
    pmid: orNull(p.pmid),
    authorsShort: orNull(p.authorsShort),
    journal: orNull(p.journal),
    year: orNull(p.year),
    volumePages: orNull(p.volumePages),
    // None given: the rules make it the DOI's address.
    url: p.url ?? undefined,
    relationType: orNull(p.relationType),
    ownerOrganisation: p.ownerOrganisation ?? context.defaultOwner ?? '',
  };
}

export function studyInput(s: Json, context: InputContext): StudyInput {
  const participants = list<string>(s.participatingOrgs);
  return {
    identifier: s.id,
    title: s.title,
    acronym: orNull(s.acronym),
    description: s.description ?? '',
    studyType: s.studyType,
    diagnosticArea: orNull(s.diagnosticArea),
    progress: s.status ? (String(s.status).toUpperCase() as StudyProgress) : null,
    startDate: orNull(s.startDate),
    endDate: orNull(s.endDate),
    plannedSize: s.plannedSize ? { value: s.plannedSize.value ?? null, unit: s.plannedSize.unit ?? null } : null,
    actualSize: orNull(s.actualSize),
    ethicsApprovals: list<Json>(s.ethicsApprovals).map((e) => ({ authority: e.authority, reference: e.reference, date: e.date ?? null })),
    healthConditions: list(s.healthCondition),
    registration: orNull(s.registration),
    funders: list(s.funders),
    participatingOrganisations: participants,
    publications: list(s.publications),
    ownerOrganisation: s.ownerOrganisation ?? participants[0] ?? context.defaultOwner ?? '',
  };
}

export function datasetInput(d: Json, context: InputContext): DatasetInput {
  return {
    identifier: d.id,
    language: d.language ?? DEFAULT_RECORD_LANGUAGE,
    title: d.title,
    description: d.description ?? '',
    keywords: list(d.keywords),
    titleTranslations: translated(d, 'title'),
    descriptionTranslations: translated(d, 'description'),
    keywordTranslations: translated(d, 'keywords'),
    diagnosticArea: orNull(d.diagnosticArea),
    theme: orNull(d.theme),
    accessRights: orNull(d.accessRights),
    otherIdentifiers: list(d.otherIdentifiers),
    releaseVersion: orNull(d.version),
    publisher: d.publisher ?? context.defaultOwner,
    ownerOrganisation: orNull(d.ownerOrganisation),
    dataHolders: list(d.dataHolder),
    contributors: list(d.contributors),
    wasGeneratedBy: d.wasGeneratedBy ?? context.studyOfOutput.get(d.id) ?? null,
    hdab: orNull(d.hdab),
    publications: list(d.isReferencedBy),
    cohort: d.cohort ? cohortInput(d.cohort) : null,
    distributions: list<Json>(d.distributions).map((x) => ({
      // Left out when not given, as a GraphQL input leaves it out: the fingerprints of files without ids stay as they were.
      id: x.id ?? undefined,
      title: x.title,
      accessUrl: orNull(x.accessURL),
      downloadUrl: orNull(x.downloadURL),
      formats: list(x.formats),
      mediaType: orNull(x.mediaType),
      byteSize: x.byteSize == null ? null : String(x.byteSize),
      license: orNull(x.license),
      accessMode: orNull(x.accessMode),
      hostingLocation: orNull(x.hostingLocation),
      encryption: orNull(x.encryption),
    })),
    consent: d.consentScope ? consentInput(d.consentScope) : null,
    accessRoute: d.accessRoute ? accessRouteInput(d.accessRoute, context) : null,
    // Only a harvested source states one; leaving the key out keeps every other record's fingerprint as it was.
    ...(d.sourceDescription !== undefined && { sourceDescription: d.sourceDescription }),
  };
}

function consentInput(c: Json): NonNullable<DatasetInput['consent']> {
  const code = (term: Json | string | null | undefined) => (typeof term === 'string' ? term : (term?.code ?? term?.iri ?? ''));
  return {
    duoPermission: code(c.duoPermission),
    duoModifiers: list<Json>(c.duoModifiers).map((m) => ({ code: code(m), value: m.value ?? null })),
    diseaseRestrictions: list<Json | string>(c.diseaseRestrictions).map((r) => (typeof r === 'string' ? r : r.iri)),
    consentType: orNull(c.consentType),
    consentFormVersion: orNull(c.consentFormVersion),
    legalBases: list(c.legalBases),
    nationalLegalBasis: list(c.nationalLegalBasis),
    ethicsApproval: c.ethicsApproval ? { authority: c.ethicsApproval.authority, reference: c.ethicsApproval.reference, date: c.ethicsApproval.date ?? null } : null,
    returnOfResults: orNull(c.returnOfResults),
    withdrawalProcess: orNull(c.withdrawalProcess),
  };
}

function accessRouteInput(r: Json, context: InputContext): AccessRouteInput {
  return {
    accessMode: r.accessMode,
    accessBody: orNull(r.accessBody),
    applicationUrl: r.applicationUrl ?? (r.accessBody ? context.bodyApplicationUrls.get(r.accessBody) : null) ?? null,
    contactEmail: orNull(r.contactEmail),
    expectedTurnaroundDays: orNull(r.expectedTurnaroundDays),
    fees: orNull(r.fees),
    languages: r.languages ?? ['sv', 'en'],
    steps: list<Json>(r.steps).map((s) => ({ order: s.order, requirement: s.requirement, body: s.body ?? null, description: s.description ?? null })),
  };
}

function cohortInput(c: Json): CohortDescriptor {
  // Passed on as written: the rules name an assay they do not know.
  const assays = String(c.sequencing?.assay ?? '')
    .split('+')
    .map((a) => a.trim())
    .filter(Boolean) as Assay[];
  return {
    numberOfUniqueIndividuals: c.numberOfUniqueIndividuals ?? null,
    numberOfRecords: c.numberOfRecords ?? null,
    numberOfSamples: c.numberOfSamples ?? null,
    numberOfFamilies: c.numberOfFamilies ?? null,
    // A sex distribution without a single figure is no sex distribution (a spreadsheet cannot tell them apart).
    sexDistribution: c.sexDistribution && Object.values(c.sexDistribution).some((n) => n != null) ? c.sexDistribution : null,
    minTypicalAge: c.minTypicalAge ?? null,
    maxTypicalAge: c.maxTypicalAge ?? null,
    populationCoverage: c.populationCoverage ?? null,
    diseases: c.diseases ?? [],
    phenotypes: c.phenotypes ?? [],
    sampleTypes: c.sampleTypes ?? [],
    sequencing: c.sequencing
      ? { assays, panelName: c.sequencing.panelName ?? null, platform: c.sequencing.platform ?? null, meanCoverage: c.sequencing.meanCoverage ?? null, readLength: c.sequencing.readLength ?? null }
      : null,
    genomeBuild: c.genomeBuild ? { name: c.genomeBuild.name, accession: c.genomeBuild.accession ?? null } : null,
    variantTypes: c.variantTypes ?? [],
    pedigreeStructure: c.pedigreeStructure ?? null,
    countsSource: c.countsSource ?? null,
  };
}

export function evaluationInput(e: Json, context: InputContext): HealthEconomicEvaluationInput {
  const evaluates = list<string>(e.evaluates);
  return {
    identifier: e.id,
    title: e.title,
    evaluationType: e.evaluationType,
    decisionProblem: orNull(e.decisionProblem),
    analysisPlanUrl: orNull(e.analysisPlanUrl),
    population: orNull(e.population),
    country: orNull(e.country),
    setting: orNull(e.setting),
    intervention: orNull(e.intervention),
    comparators: list(e.comparators),
    perspective: orNull(e.perspective),
    timeHorizon: orNull(e.timeHorizon),
    discountRateCosts: orNull(e.discountRateCosts),
    discountRateOutcomes: orNull(e.discountRateOutcomes),
    outcomeMeasures: list(e.outcomeMeasures),
    utilityInstrument: orNull(e.utilityInstrument),
    costingMethod: orNull(e.costingMethod),
    currency: e.currency,
    priceYear: orNull(e.priceYear),
    // The file's own note, also beside a price year; without a price year the rules need one.
    priceYearNote: e.priceYearNote ?? (e.priceYear == null ? 'Price year not reported in the source publication.' : null),
    modelTypes: String(e.modelType ?? '').split('+').filter(Boolean) as EconomicModelType[],
    modelAvailable: orNull(e.modelAvailable),
    sensitivityAnalyses: list(e.sensitivityAnalyses),
    subgroups: orNull(e.subgroups),
    engagementDescribed: orNull(e.engagementDescribed),
    funding: orNull(e.funding),
    conflictsOfInterest: orNull(e.conflictsOfInterest),
    cheersCompliant: orNull(e.cheersCompliant),
    willingnessToPayAmount: e.willingnessToPay?.value ?? null,
    willingnessToPayUnit: e.willingnessToPay?.unit ?? null,
    note: [e.note, e.modelTypeNote, e.timeHorizonNote].filter(Boolean).join(' ') || null,
    publication: orNull(e.publication),
    evaluatedDatasets: evaluates.filter((id) => !context.studyIds.has(id)),
    evaluatedStudies: evaluates.filter((id) => context.studyIds.has(id)),
    results: list<Json>(e.results).map(resultInput),
    ownerOrganisation: e.ownerOrganisation ?? context.defaultOwner ?? '',
  };
}

function resultInput(r: Json): HealthEconomicResultInput {
  // The file gives most values as numbers, some as a range ("0.68-0.72") or a sentence, in `value` or in their own keys.
  const range = typeof r.value === 'string' ? /^(-?[\d.]+)-(-?[\d.]+)$/.exec(r.value) : null;
  return {
    measure: r.measure,
    value: typeof r.value === 'number' ? r.value : null,
    rangeLow: r.rangeLow ?? (range ? Number(range[1]) : null),
    rangeHigh: r.rangeHigh ?? (range ? Number(range[2]) : null),
    statement: r.statement ?? (typeof r.value === 'string' && !range ? r.value : null),
    unit: orNull(r.unit),
    currency: orNull(r.currency),
    priceYear: orNull(r.priceYear),
    ci95Low: orNull(r.ci95Low),
    ci95High: orNull(r.ci95High),
    pValue: orNull(r.pValue),
    comparator: orNull(r.comparator),
    comparatorValue: orNull(r.comparatorValue),
    note: orNull(r.note),
  };
}
