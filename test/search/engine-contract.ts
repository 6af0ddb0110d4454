import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FACET_FIELDS,
  INDIVIDUALS_RANGES,
  type DatasetSearchDocument,
  type DatasetSearchFilter,
  type DatasetSearchRequest,
  type DatasetSortOrder,
  type FacetField,
  type FacetResult,
  type RecordStatus,
  type SearchEngine,
  type SearchVisibility,
} from '../../src/search/engine.js';
import { individualsInView, roundIndividuals, type IndividualsView } from '../../src/datasets/cohort-disclosure.js';

/**
 * The behaviour every SearchEngine must have. Expected results come from a plain in-memory reference
 * implementation over the same fixtures, so engines that pass this suite also agree with each other: same
 * visibility, filters, facets, sort orders and pagination. Full-text matching and relevance are engine
 * specific in detail (PostgreSQL also stems each language's texts) and are held to bounds and to ordering
 * properties instead.
 */

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: a small national catalogue.

const ORG = {
  skane: 'org-region-skane',
  orebro: 'org-region-orebro',
  vgr: 'org-vastra-gotalandsregionen',
  stockholm: 'org-region-stockholm',
  uppsala: 'org-region-uppsala',
  ostergotland: 'org-region-ostergotland',
  biobank: 'org-biobank-sverige',
} as const;
type Org = keyof typeof ORG;

const ORG_NAME: Record<Org, string> = {
  skane: 'Region Skåne',
  orebro: 'Region Örebro län',
  vgr: 'Västra Götalandsregionen',
  stockholm: 'Region Stockholm',
  uppsala: 'Region Uppsala',
  ostergotland: 'Region Östergötland',
  biobank: 'Biobank Sverige',
};

/** A small slice of MONDO: each term with its parent and label. */
const DISEASE = {
  root: { id: 'MONDO:0000001', parent: null, label: 'disease' },
  cancer: { id: 'MONDO:0004992', parent: 'root', label: 'cancer' },
  leukemia: { id: 'MONDO:0005059', parent: 'cancer', label: 'leukemia' },
  aml: { id: 'MONDO:0018874', parent: 'leukemia', label: 'acute myeloid leukemia' },
  all: { id: 'MONDO:0004967', parent: 'leukemia', label: 'acute lymphoblastic leukemia' },
  myeloma: { id: 'MONDO:0009693', parent: 'cancer', label: 'multiple myeloma' },
  lymphoma: { id: 'MONDO:0005062', parent: 'cancer', label: 'lymphoma' },
  breast: { id: 'MONDO:0007254', parent: 'cancer', label: 'breast cancer' },
  colorectal: { id: 'MONDO:0005575', parent: 'cancer', label: 'colorectal cancer' },
  prostate: { id: 'MONDO:0008315', parent: 'cancer', label: 'prostate cancer' },
  sarcoma: { id: 'MONDO:0005089', parent: 'cancer', label: 'sarcoma' },
  epilepsy: { id: 'MONDO:0005027', parent: 'root', label: 'epilepsy' },
  dee: { id: 'MONDO:0100062', parent: 'epilepsy', label: 'developmental and epileptic encephalopathy' },
  cf: { id: 'MONDO:0009061', parent: 'root', label: 'cystic fibrosis' },
  fh: { id: 'MONDO:0005439', parent: 'root', label: 'familial hypercholesterolemia' },
  ird: { id: 'MONDO:0019118', parent: 'root', label: 'inherited retinal dystrophy' },
} as const;
type Disease = keyof typeof DISEASE;

function ancestorsAndSelf(disease: Disease): string[] {
  const ids: string[] = [];
  for (let term: Disease | null = disease; term !== null; term = DISEASE[term].parent) ids.push(DISEASE[term].id);
  return ids;
}

interface DatasetSpec {
  n: number;
  title: string;
  description: string;
  keywords?: string[];
  /** The dataset's texts in Swedish; its own language is English. */
  sv?: { title: string; description: string; keywords?: string[] };
  publisher: Org | null;
  /** Defaults to the publisher. */
  owner?: Org;
  /** Regions holding the data; defaults to the publisher when it is a region. */
  holders?: Org[];
  status?: RecordStatus;
  area: string | null;
  assays: string[];
  diseases: Disease[];
  phenotypes?: string[];
  duo: string | null;
  consentKey: string | null;
  accessMode: string | null;
  accessBodies: string[];
  build: string | null;
  individuals: number | null;
  modified: string;
}

const datasetId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function dataset(spec: DatasetSpec): DatasetSearchDocument {
  const owner = spec.owner ?? spec.publisher;
  if (owner === null) throw new Error(`fixture ${spec.n} needs an owner`);
  return {
    id: datasetId(spec.n),
    identifier: `urn:gdcat:dataset:${spec.n}`,
    status: spec.status ?? 'PUBLISHED',
    ownerOrganisationId: ORG[owner],
    title: spec.title,
    description: spec.description,
    keywords: spec.keywords ?? [],
    publisherId: spec.publisher === null ? null : ORG[spec.publisher],
    publisherName: spec.publisher === null ? null : ORG_NAME[spec.publisher],
    texts: [
      { language: 'en', title: spec.title, description: spec.description, keywords: spec.keywords ?? [], publisherName: spec.publisher && ORG_NAME[spec.publisher] },
      ...(spec.sv
        ? [{ language: 'sv', ...spec.sv, keywords: spec.sv.keywords ?? [], publisherName: spec.publisher && ORG_NAME[spec.publisher] }]
        : []),
    ],
    diagnosticArea: spec.area,
    assays: spec.assays,
    diseaseIds: spec.diseases.map((disease) => DISEASE[disease].id),
    diseaseAncestorIds: [...new Set(spec.diseases.flatMap(ancestorsAndSelf))],
    diseaseLabels: spec.diseases.map((disease) => DISEASE[disease].label),
    phenotypeLabels: spec.phenotypes ?? [],
    duoPermission: spec.duo,
    consentKey: spec.consentKey,
    accessMode: spec.accessMode,
    accessBodyIds: spec.accessBodies,
    holdingRegionIds: (spec.holders ?? (spec.publisher && spec.publisher !== 'biobank' ? [spec.publisher] : [])).map(
      (org) => ORG[org],
    ),
    genomeBuild: spec.build,
    individuals: spec.individuals,
    individualsRounded: roundIndividuals(spec.individuals),
    issued: spec.status === 'DRAFT' ? null : '2020-01-01T00:00:00.000Z',
    modified: spec.modified,
  };
}

/** Five datasets share this timestamp, three share another: sort ties broken by id. */
const BUSY_DAY = '2024-05-01T08:00:00.000Z';
const PILOT_DAY = '2023-08-01T08:00:00.000Z';

const FIXTURES: readonly DatasetSearchDocument[] = [
  dataset({
    n: 1,
    title: 'Acute myeloid leukaemia whole-genome cohort',
    description: 'Paired tumour and normal genomes from adults diagnosed in southern Sweden.',
    keywords: ['tumour-normal pairs', 'somatic variants'],
    sv: {
      title: 'Helgenomsekvensering vid akut myeloisk leukemi',
      description: 'Parade tumör- och normalgenom från vuxna som fått diagnosen i södra Sverige.',
      keywords: ['tumör–normal-par', 'somatiska varianter'],
    },
    publisher: 'skane',
    area: 'haematology',
    assays: ['WGS'],
    diseases: ['aml'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac', 'dab-skane-disclosure'],
    build: 'GRCh38',
    individuals: 1250,
    modified: '2024-03-01T10:00:00.000Z',
  }),
  dataset({
    n: 2,
    title: 'Childhood acute lymphoblastic leukaemia panel',
    description: 'Targeted sequencing of children treated according to the national protocol.',
    keywords: ['paediatric oncology'],
    publisher: 'uppsala',
    area: 'haematology',
    assays: ['PANEL'],
    diseases: ['all'],
    duo: 'DS',
    consentKey: 'consent-ds-cancer',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac'],
    build: 'GRCh38',
    individuals: 310,
    modified: BUSY_DAY,
  }),
  dataset({
    n: 3,
    title: 'Leukaemia transcriptomes from Region Skåne',
    description: 'RNA sequencing of bone marrow samples.',
    sv: { title: 'Transkriptom vid blodcancer i Region Skåne', description: 'RNA-sekvensering av benmärgsprov.' },
    publisher: 'skane',
    area: 'haematology',
    assays: ['WTS'],
    diseases: ['leukemia'],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'REGISTERED',
    accessBodies: ['dab-skane-disclosure'],
    build: 'GRCh38',
    individuals: 87,
    modified: '2023-11-15T12:30:00.000Z',
  }),
  dataset({
    n: 4,
    title: 'Breast cancer germline exomes',
    description: 'Germline exomes of women referred to clinical genetics.',
    keywords: ['hereditary cancer', 'BRCA1', 'BRCA2'],
    sv: {
      title: 'Konstitutionella exom vid bröstcancer',
      description: 'Exom från kvinnor som remitterats till klinisk genetik för utredning av ärftlig cancer.',
      keywords: ['ärftlig cancer'],
    },
    publisher: 'vgr',
    area: 'solid-tumours',
    assays: ['WES'],
    diseases: ['breast'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac', 'dab-vgr-disclosure'],
    build: 'GRCh38',
    individuals: 4200,
    modified: BUSY_DAY,
  }),
  dataset({
    n: 5,
    title: 'Colorectal cancer tumour panels',
    description: 'Somatic panel sequencing at diagnosis.',
    publisher: 'stockholm',
    area: 'solid-tumours',
    assays: ['PANEL'],
    diseases: ['colorectal'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac'],
    build: 'GRCh37',
    individuals: 2750,
    modified: '2022-09-30T09:00:00.000Z',
  }),
  dataset({
    n: 6,
    title: 'Epilepsy genomics in Örebro',
    description: 'Genomes of adults with drug-resistant seizures.',
    publisher: 'orebro',
    area: 'rare-diseases',
    assays: ['WGS'],
    diseases: ['epilepsy'],
    phenotypes: ['Seizure'],
    duo: 'DS',
    consentKey: 'consent-ds-epilepsy',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-orebro-disclosure'],
    build: 'GRCh38',
    individuals: 640,
    modified: '2024-02-10T14:00:00.000Z',
  }),
  dataset({
    n: 7,
    title: 'Developmental and epileptic encephalopathy trios',
    description: 'Parent and child genomes with transcriptomes from skin fibroblasts.',
    publisher: 'orebro',
    area: 'rare-diseases',
    assays: ['WGS', 'WTS'],
    diseases: ['dee'],
    phenotypes: ['Seizure', 'Global developmental delay'],
    duo: 'DS',
    consentKey: 'consent-ds-epilepsy',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac', 'dab-orebro-disclosure'],
    build: 'GRCh38',
    individuals: 96,
    modified: BUSY_DAY,
  }),
  dataset({
    n: 8,
    title: 'Cystic fibrosis modifier genes',
    description: 'Exomes of patients followed at the national cystic fibrosis centres.',
    publisher: 'uppsala',
    area: 'rare-diseases',
    assays: ['WES'],
    diseases: ['cf'],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'REGISTERED',
    accessBodies: ['dab-biobank-sverige'],
    build: 'GRCh37',
    individuals: 450,
    modified: '2021-06-01T00:00:00.000Z',
  }),
  dataset({
    n: 9,
    holders: ['vgr', 'skane', 'orebro'],
    title: 'Rare disease diagnostics in Västra Götaland',
    description: 'Diagnostic genomes from the clinical genetics laboratory.',
    publisher: 'vgr',
    area: 'rare-diseases',
    assays: ['WGS'],
    diseases: ['dee', 'cf'],
    phenotypes: ['Intellectual disability'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-vgr-disclosure'],
    build: 'GRCh38',
    individuals: 15000,
    modified: '2024-04-20T16:45:00.000Z',
  }),
  dataset({
    n: 10,
    title: 'Paediatric neurology referral cohort',
    description: 'Children referred for suspected epilepsy or neuromuscular disease, sequenced as trios.',
    publisher: 'stockholm',
    area: 'rare-diseases',
    assays: ['WES'],
    diseases: [],
    phenotypes: ['Hypotonia'],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac'],
    build: 'GRCh38',
    individuals: 230,
    modified: '2023-01-10T10:00:00.000Z',
  }),
  dataset({
    n: 11,
    title: 'Whole-genome sequencing pilot',
    description: 'Feasibility study of clinical genome sequencing.',
    publisher: 'skane',
    area: null,
    assays: ['WGS'],
    diseases: [],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'OPEN',
    accessBodies: [],
    build: 'GRCh38',
    individuals: 12,
    modified: BUSY_DAY,
  }),
  dataset({
    n: 12,
    title: 'WHOLE-GENOME SEQUENCING PILOT',
    description: 'Feasibility study of clinical genome sequencing.',
    publisher: 'ostergotland',
    area: null,
    assays: ['WGS'],
    diseases: [],
    duo: 'NRES',
    consentKey: 'consent-nres',
    accessMode: 'OPEN',
    accessBodies: [],
    build: 'GRCh38',
    individuals: 12,
    modified: PILOT_DAY,
  }),
  dataset({
    n: 13,
    title: 'Whole-Genome Sequencing Pilot',
    description: 'Feasibility study of clinical genome sequencing.',
    publisher: 'uppsala',
    area: null,
    assays: ['WGS'],
    diseases: [],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'REGISTERED',
    accessBodies: ['dab-biobank-sverige'],
    build: 'GRCh37',
    individuals: 45,
    modified: PILOT_DAY,
  }),
  dataset({
    n: 14,
    title: 'Pharmacogenomic variants in primary care',
    description: 'Panel genotypes of patients starting common drugs.',
    publisher: 'stockholm',
    area: 'pharmacogenomics',
    assays: ['PANEL'],
    diseases: [],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'REGISTERED',
    accessBodies: ['dab-gms-dac'],
    build: 'GRCh38',
    individuals: null,
    modified: '2022-12-12T12:00:00.000Z',
  }),
  dataset({
    n: 15,
    title: 'Host genetics of severe COVID-19',
    description: 'Exomes and genomes of patients treated in intensive care.',
    publisher: 'ostergotland',
    area: 'infection',
    assays: ['WES', 'WGS'],
    diseases: [],
    phenotypes: ['Respiratory insufficiency'],
    duo: 'DS',
    consentKey: 'consent-ds-covid',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-ethics-authority'],
    build: 'GRCh38',
    individuals: 9999,
    modified: '2021-03-03T03:03:03.000Z',
  }),
  dataset({
    n: 16,
    title: 'Prostate cancer active surveillance',
    description: 'Biopsy panels and transcriptomes of men under active surveillance.',
    publisher: 'orebro',
    area: 'solid-tumours',
    assays: ['PANEL', 'WTS'],
    diseases: ['prostate'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-orebro-disclosure'],
    build: 'GRCh38',
    individuals: 1000,
    modified: '2023-06-06T06:06:06.000Z',
  }),
  dataset({
    n: 17,
    title: 'Hereditary cancer syndromes in Skåne',
    description: 'Cascade testing of families with hereditary breast and colorectal cancer.',
    publisher: 'skane',
    area: 'solid-tumours',
    assays: ['PANEL'],
    diseases: ['breast', 'colorectal'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-skane-disclosure'],
    build: 'GRCh37',
    individuals: 999,
    modified: '2024-01-15T11:00:00.000Z',
  }),
  dataset({
    n: 18,
    title: 'Familial hypercholesterolaemia cascade screening',
    description: 'Gene panel results of index patients and relatives.',
    sv: {
      title: 'Kaskadscreening vid familjär hyperkolesterolemi',
      description: 'Genpanelresultat för indexpatienter och släktingar.',
      keywords: ['hjärt-kärlsjukdom'],
    },
    publisher: 'ostergotland',
    area: 'rare-diseases',
    assays: ['PANEL'],
    diseases: ['fh'],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'REGISTERED',
    accessBodies: ['dab-gms-dac'],
    build: 'GRCh38',
    individuals: 100,
    modified: '2020-10-10T10:10:10.000Z',
  }),
  dataset({
    n: 19,
    holders: ['uppsala', 'stockholm', 'ostergotland', 'skane'],
    title: 'Population reference genomes',
    description: 'Genomes of healthy blood donors for allele frequencies.',
    publisher: 'uppsala',
    owner: 'biobank',
    area: null,
    assays: ['WGS'],
    diseases: [],
    duo: 'POA',
    consentKey: 'consent-poa',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac', 'dab-biobank-sverige'],
    build: 'GRCh38',
    individuals: 10000,
    modified: BUSY_DAY,
  }),
  dataset({
    n: 20,
    title: 'Multiple myeloma exome series',
    description: 'Tumour exomes at diagnosis and relapse.',
    publisher: 'stockholm',
    area: 'haematology',
    assays: ['WES'],
    diseases: ['myeloma'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-gms-dac'],
    build: 'GRCh38',
    individuals: 99,
    modified: '2022-02-02T02:02:02.000Z',
  }),
  dataset({
    n: 21,
    title: 'Epilepsy exome reanalysis (Örebro)',
    description: 'Reanalysis of negative exomes, not yet reviewed.',
    publisher: 'orebro',
    status: 'DRAFT',
    area: 'rare-diseases',
    assays: ['WES'],
    diseases: ['epilepsy'],
    duo: 'DS',
    consentKey: 'consent-ds-epilepsy',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-orebro-disclosure'],
    build: 'T2T-CHM13',
    individuals: 55,
    modified: '2024-06-01T09:00:00.000Z',
  }),
  dataset({
    n: 22,
    title: 'Lymphoma biopsies sequenced in Lund',
    description: 'Fresh frozen lymph node biopsies.',
    publisher: 'skane',
    status: 'DRAFT',
    area: 'haematology',
    assays: ['WGS'],
    diseases: ['lymphoma'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-skane-disclosure'],
    build: 'GRCh38',
    individuals: 2100,
    modified: '2024-06-02T09:00:00.000Z',
  }),
  dataset({
    n: 23,
    title: 'Biobank sample inventory genomes',
    description: 'Genomes of consented biobank participants.',
    publisher: 'biobank',
    status: 'DRAFT',
    area: null,
    assays: ['WGS'],
    diseases: [],
    duo: 'GRU',
    consentKey: 'consent-gru',
    accessMode: 'REGISTERED',
    accessBodies: ['dab-biobank-sverige'],
    build: 'T2T-CHM13',
    individuals: 30000,
    modified: '2024-06-03T09:00:00.000Z',
  }),
  dataset({
    n: 24,
    title: 'Sarcoma tumour exomes',
    description: 'Withdrawn after the consent review.',
    publisher: 'vgr',
    status: 'WITHDRAWN',
    area: 'solid-tumours',
    assays: ['WES'],
    diseases: ['sarcoma'],
    duo: 'HMB',
    consentKey: 'consent-hmb',
    accessMode: 'CONTROLLED',
    accessBodies: ['dab-vgr-disclosure'],
    build: 'GRCh37',
    individuals: 520,
    modified: '2022-05-05T05:05:05.000Z',
  }),
  dataset({
    n: 25,
    holders: ['orebro'],
    title: 'Inherited retinal dystrophy gene panel',
    description: 'Harvested record without a publisher.',
    publisher: null,
    owner: 'ostergotland',
    area: 'rare-diseases',
    assays: ['PANEL'],
    diseases: ['ird'],
    duo: 'GRU',
    consentKey: null,
    accessMode: null,
    accessBodies: ['dab-gms-dac'],
    build: null,
    individuals: 150,
    modified: PILOT_DAY,
  }),
];

const byNumber = (n: number): DatasetSearchDocument => {
  const doc = FIXTURES.find((candidate) => candidate.id === datasetId(n));
  if (!doc) throw new Error(`no fixture ${n}`);
  return doc;
};

const EXACT: IndividualsView = { kind: 'EXACT' };
const DISCLOSED: IndividualsView = { kind: 'DISCLOSED', threshold: 5 };
/** Suppresses the two cohorts of 12 (rounded 10). */
const DISCLOSED_20: IndividualsView = { kind: 'DISCLOSED', threshold: 20 };
const VIEWS: [string, IndividualsView][] = [
  ['exact sizes', EXACT],
  ['disclosed sizes', DISCLOSED],
  ['disclosed sizes, threshold 20', DISCLOSED_20],
];

const ANONYMOUS: SearchVisibility = { allStatusesForOwners: [] };
const OREBRO_MANAGER: SearchVisibility = { allStatusesForOwners: [ORG.orebro] };
const ADMIN: SearchVisibility = { allStatusesForOwners: 'ALL' };
const VISIBILITIES: [string, SearchVisibility][] = [
  ['anonymous', ANONYMOUS],
  ['Örebro data manager', OREBRO_MANAGER],
  ['admin', ADMIN],
];

// ---------------------------------------------------------------------------------------------------------------
// Reference implementation.

function isVisible(doc: DatasetSearchDocument, visibility: SearchVisibility): boolean {
  const owners = visibility.allStatusesForOwners;
  return doc.status === 'PUBLISHED' || owners === 'ALL' || owners.includes(doc.ownerOrganisationId);
}

/** Any of the wanted values; an absent or empty list does not constrain. */
function anyOf(wanted: readonly string[] | undefined, actual: string | null | readonly string[]): boolean {
  if (!wanted || wanted.length === 0) return true;
  const values = actual === null ? [] : typeof actual === 'string' ? [actual] : actual;
  return values.some((value) => wanted.includes(value));
}

function inRange(size: number | null, key: string): boolean {
  const range = INDIVIDUALS_RANGES.find((candidate) => candidate.key === key);
  return !!range && size !== null && size >= range.min && (range.max === null || size <= range.max);
}

/** Whether a document passes the filter, ignoring the filter that belongs to facet `except`. */
function passes(doc: DatasetSearchDocument, filter: DatasetSearchFilter, view: IndividualsView, except?: FacetField): boolean {
  const size = individualsInView(doc, view);
  const checks: [FacetField | null, boolean][] = [
    ['publisher', anyOf(filter.publisherIds, doc.publisherId)],
    ['diagnosticArea', anyOf(filter.diagnosticAreas, doc.diagnosticArea)],
    ['assay', anyOf(filter.assays, doc.assays)],
    ['disease', anyOf(filter.diseaseIds, doc.diseaseAncestorIds)],
    ['duoPermission', anyOf(filter.duoPermissions, doc.duoPermission)],
    ['accessMode', anyOf(filter.accessModes, doc.accessMode)],
    ['accessBody', anyOf(filter.accessBodyIds, doc.accessBodyIds)],
    ['holdingRegion', anyOf(filter.holdingRegionIds, doc.holdingRegionIds)],
    ['genomeBuild', anyOf(filter.genomeBuilds, doc.genomeBuild)],
    ['individuals', filter.minIndividuals === undefined || (size !== null && size >= filter.minIndividuals)],
    [
      'individuals',
      !filter.individualsRanges?.length || filter.individualsRanges.some((key) => inRange(size, key)),
    ],
    [null, anyOf(filter.statuses, doc.status)],
    [null, filter.consentKeys === undefined || (doc.consentKey !== null && filter.consentKeys.includes(doc.consentKey))],
  ];
  return checks.every(([facet, ok]) => ok || facet === except);
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The size sort orders by the size in the view: a suppressed size sorts with the unknown ones. */
function sortSize(doc: DatasetSearchDocument, view: IndividualsView): number {
  return individualsInView(doc, view) ?? -Infinity;
}

const COMPARATORS: Record<
  Exclude<DatasetSortOrder, 'RELEVANCE'>,
  (view: IndividualsView) => (a: DatasetSearchDocument, b: DatasetSearchDocument) => number
> = {
  TITLE: () => (a, b) => byCodePoint(a.title.toLowerCase(), b.title.toLowerCase()) || byCodePoint(a.id, b.id),
  MODIFIED_DESC: () => (a, b) => Date.parse(b.modified) - Date.parse(a.modified) || byCodePoint(a.id, b.id),
  INDIVIDUALS_DESC: (view) => (a, b) => sortSize(b, view) - sortSize(a, view) || byCodePoint(a.id, b.id),
};

/** Expected ids in order; RELEVANCE without a query orders like MODIFIED_DESC. */
function referenceSearch(
  docs: readonly DatasetSearchDocument[],
  filter: DatasetSearchFilter,
  visibility: SearchVisibility,
  sort: DatasetSortOrder,
  view: IndividualsView = EXACT,
): string[] {
  const comparator = COMPARATORS[sort === 'RELEVANCE' ? 'MODIFIED_DESC' : sort](view);
  return docs
    .filter((doc) => isVisible(doc, visibility) && passes(doc, filter, view))
    .sort(comparator)
    .map((doc) => doc.id);
}

function facetValues(doc: DatasetSearchDocument, field: FacetField, view: IndividualsView): readonly string[] {
  const scalar = (value: string | null): string[] => (value === null ? [] : [value]);
  switch (field) {
    case 'publisher':
      return scalar(doc.publisherId);
    case 'diagnosticArea':
      return scalar(doc.diagnosticArea);
    case 'assay':
      return doc.assays;
    case 'disease':
      return doc.diseaseAncestorIds;
    case 'duoPermission':
      return scalar(doc.duoPermission);
    case 'accessMode':
      return scalar(doc.accessMode);
    case 'accessBody':
      return doc.accessBodyIds;
    case 'holdingRegion':
      return doc.holdingRegionIds;
    case 'genomeBuild':
      return scalar(doc.genomeBuild);
    case 'individuals': {
      const size = individualsInView(doc, view);
      return INDIVIDUALS_RANGES.filter((range) => inRange(size, range.key)).map((range) => range.key);
    }
  }
}

function referenceFacets(
  docs: readonly DatasetSearchDocument[],
  filter: DatasetSearchFilter,
  visibility: SearchVisibility,
  fields: readonly FacetField[],
  view: IndividualsView = EXACT,
): FacetResult[] {
  return fields.map((field) => {
    const buckets = new Map<string, { value: string; count: number; individuals: number }>();
    for (const doc of docs) {
      if (!isVisible(doc, visibility) || !passes(doc, filter, view, field)) continue;
      for (const value of new Set(facetValues(doc, field, view))) {
        const bucket = buckets.get(value) ?? { value, count: 0, individuals: 0 };
        bucket.count += 1;
        bucket.individuals += individualsInView(doc, view) ?? 0;
        buckets.set(value, bucket);
      }
    }
    if (field === 'individuals') {
      const order: string[] = INDIVIDUALS_RANGES.map((range) => range.key);
      return { field, buckets: [...buckets.values()].sort((a, b) => order.indexOf(a.value) - order.indexOf(b.value)) };
    }
    return {
      field,
      buckets: [...buckets.values()].sort((a, b) => b.count - a.count || byCodePoint(a.value, b.value)).slice(0, 50),
    };
  });
}

/** Sum of the sizes of the matching documents, as the view discloses them. */
function referenceIndividuals(
  docs: readonly DatasetSearchDocument[],
  filter: DatasetSearchFilter,
  visibility: SearchVisibility,
  view: IndividualsView,
): number {
  return docs
    .filter((doc) => isVisible(doc, visibility) && passes(doc, filter, view))
    .reduce((sum, doc) => sum + (individualsInView(doc, view) ?? 0), 0);
}

/** Accent-folded lower-case words of every full-text field. */
function words(doc: DatasetSearchDocument): Set<string> {
  const text = [doc.title, doc.description, ...doc.keywords, ...doc.diseaseLabels, ...doc.phenotypeLabels]
    .concat(doc.publisherName ?? '')
    .concat(doc.texts.flatMap((t) => [t.title, t.description, ...t.keywords, t.publisherName ?? '']))
    .join(' ');
  const folded = text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  return new Set(folded.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0));
}

const idsOf = (docs: readonly DatasetSearchDocument[]): string[] => docs.map((doc) => doc.id);
const sorted = (ids: readonly string[]): string[] => [...ids].sort(byCodePoint);

/**
 * A dataset whose inflected words appear only in its descriptions, where no engine is typo tolerant: found by a
 * query for another form of the word only where the engine stems that language (PostgreSQL; Elasticsearch with
 * its language analyzers).
 */
export const STEMMING_FIXTURE: DatasetSearchDocument = dataset({
  n: 900,
  title: 'Childhood blood samples',
  description: 'Samples were sequenced twice.',
  sv: { title: 'Blodprover i en familjestudie', description: 'Blodprover tagna från barnen.' },
  publisher: 'uppsala',
  area: null,
  assays: [],
  diseases: [],
  duo: null,
  consentKey: null,
  accessMode: null,
  accessBodies: [],
  build: null,
  individuals: null,
  modified: PILOT_DAY,
});

/** Queries for another inflection of a word in STEMMING_FIXTURE's Swedish and English descriptions. */
export const STEMMED_QUERIES = { sv: 'barn', en: 'sequencing' } as const;

// ---------------------------------------------------------------------------------------------------------------
// Documents an engine cannot index as they are: the cases of issue 9 (a 9 kB disease id, a 40 kB genome build)
// and more distinct words than a PostgreSQL tsvector holds. Each engine refuses at least one of these; a
// document with all three is refused by every engine.

const HUGE_DISEASE_ID = `ICD10:${'Q'.repeat(9 * 1024)}`;
const HUGE_GENOME_BUILD = `GRCh38-${'p'.repeat(40 * 1024)}`;
/** About 1.2 MB of distinct words. */
const HUGE_TEXT = Array.from({ length: 70_000 }, (_, i) => `word${i.toString(36)}x${(i * 7919).toString(36)}zz`).join(' ');

function oversized(n: number, parts: { disease?: boolean; build?: boolean; text?: boolean }): DatasetSearchDocument {
  const doc = byNumber(2);
  return {
    ...doc,
    id: datasetId(n),
    identifier: `urn:gdcat:dataset:${n}`,
    ...(parts.disease ? { diseaseIds: [HUGE_DISEASE_ID], diseaseAncestorIds: [HUGE_DISEASE_ID] } : {}),
    ...(parts.build ? { genomeBuild: HUGE_GENOME_BUILD } : {}),
    ...(parts.text ? { description: HUGE_TEXT } : {}),
  };
}


// ---------------------------------------------------------------------------------------------------------------
// The suite.

export function searchEngineContract(
  name: string,
  makeEngine: () => Promise<{ engine: SearchEngine; cleanup: () => Promise<void> }>,
  /** How this engine is set up, when the suite runs it more than one way. */
  variant?: string,
): void {
  describe(`SearchEngine contract: ${name}${variant ? ` (${variant})` : ''}`, () => {
    let engine: SearchEngine;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ engine, cleanup } = await makeEngine());
      await engine.init();
      await engine.init();
      await engine.upsert([...FIXTURES]);
    });

    afterAll(async () => {
      await engine?.close();
      await cleanup?.();
    });

    const request = (overrides: Partial<DatasetSearchRequest> = {}): DatasetSearchRequest => ({
      query: null,
      filter: {},
      visibility: ANONYMOUS,
      sort: 'TITLE',
      first: 100,
      after: null,
      facets: [],
      individuals: EXACT,
      ...overrides,
    });

    async function idsFor(overrides: Partial<DatasetSearchRequest>): Promise<string[]> {
      const result = await engine.search(request(overrides));
      return result.hits.map((hit) => hit.id);
    }

    async function pageThrough(base: DatasetSearchRequest, first: number): Promise<{ ids: string[]; totals: Set<number> }> {
      const ids: string[] = [];
      const totals = new Set<number>();
      let after: string | null = null;
      for (let page = 0; page <= FIXTURES.length + 1; page++) {
        const result = await engine.search({ ...base, first, after });
        totals.add(result.totalCount);
        ids.push(...result.hits.map((hit) => hit.id));
        if (result.hits.length < first) return { ids, totals };
        after = result.hits[result.hits.length - 1]!.cursor;
      }
      throw new Error('pagination did not end');
    }

    it('is alive and lists every document with its modified time', async () => {
      expect(engine.name).toBe(name);
      expect(await engine.ping()).toBe(true);
      const listed = await engine.listIds();
      expect(sorted(listed.map((entry) => entry.id))).toEqual(sorted(idsOf(FIXTURES)));
      for (const entry of listed) {
        const doc = FIXTURES.find((fixture) => fixture.id === entry.id)!;
        expect(entry.modified).toBe(new Date(doc.modified).toISOString());
      }
    });

    describe('filters and disjunctive facets match the reference', () => {
      const cases: [string, DatasetSearchFilter][] = [
        ['no filter', {}],
        ['one publisher', { publisherIds: [ORG.skane] }],
        ['two publishers', { publisherIds: [ORG.skane, ORG.orebro] }],
        ['diagnostic area', { diagnosticAreas: ['rare-diseases'] }],
        ['assay', { assays: ['WGS'] }],
        ['assays ORed', { assays: ['WES', 'WTS'] }],
        ['parent disease term finds descendants', { diseaseIds: [DISEASE.cancer.id] }],
        ['mid-level disease term', { diseaseIds: [DISEASE.leukemia.id] }],
        ['leaf disease term', { diseaseIds: [DISEASE.aml.id] }],
        ['diseases ORed', { diseaseIds: [DISEASE.epilepsy.id, DISEASE.cf.id] }],
        ['DUO permission', { duoPermissions: ['HMB'] }],
        ['access mode', { accessModes: ['OPEN', 'REGISTERED'] }],
        ['access body', { accessBodyIds: ['dab-gms-dac'] }],
        ['genome build', { genomeBuilds: ['GRCh37'] }],
        ['root disease term', { diseaseIds: [DISEASE.root.id] }],
        ['holding region', { holdingRegionIds: [ORG.skane] }],
        ['holding regions ORed', { holdingRegionIds: [ORG.orebro, ORG.stockholm] }],
        ['individuals range', { individualsRanges: ['100-999'] }],
        ['individuals ranges ORed, with a minimum', { individualsRanges: ['1-99', '10000+'], minIndividuals: 40 }],
        ['unknown individuals range matches nothing', { individualsRanges: ['5-6'] }],
        ['minimum individuals', { minIndividuals: 1000 }],
        ['minimum individuals at a range edge', { minIndividuals: 10000 }],
        ['statuses', { statuses: ['DRAFT', 'WITHDRAWN'] }],
        ['consent keys', { consentKeys: ['consent-hmb', 'consent-gru'] }],
        ['empty consent key list matches nothing', { consentKeys: [] }],
        ['empty value lists do not constrain', { publisherIds: [], assays: [], diseaseIds: [] }],
        ['assay, disease and size', { assays: ['WGS', 'PANEL'], diseaseIds: [DISEASE.cancer.id], minIndividuals: 100 }],
        [
          'publishers, permissions and access body',
          { publisherIds: [ORG.skane, ORG.orebro], duoPermissions: ['HMB', 'DS'], accessBodyIds: ['dab-gms-dac'] },
        ],
        [
          'every facetable filter at once',
          {
            publisherIds: [ORG.skane, ORG.vgr, ORG.orebro],
            diagnosticAreas: ['haematology', 'rare-diseases'],
            assays: ['WGS'],
            diseaseIds: [DISEASE.root.id],
            duoPermissions: ['HMB', 'DS'],
            accessModes: ['CONTROLLED'],
            accessBodyIds: ['dab-gms-dac', 'dab-vgr-disclosure', 'dab-orebro-disclosure', 'dab-skane-disclosure'],
            genomeBuilds: ['GRCh38', 'T2T-CHM13'],
            minIndividuals: 50,
          },
        ],
        ['no match', { assays: ['WTS'], genomeBuilds: ['GRCh37'] }],
      ];
      for (const [label, filter] of cases) {
        for (const [who, visibility] of VISIBILITIES) {
          for (const [sizes, view] of VIEWS) {
            it(`${label} (${who}, ${sizes})`, async () => {
              const result = await engine.search(request({ filter, visibility, facets: FACET_FIELDS, individuals: view }));
              const expected = referenceSearch(FIXTURES, filter, visibility, 'TITLE', view);
              expect(result.hits.map((hit) => hit.id)).toEqual(expected);
              expect(result.totalCount).toBe(expected.length);
              expect(result.individuals).toBe(referenceIndividuals(FIXTURES, filter, visibility, view));
              expect(result.facets).toEqual(referenceFacets(FIXTURES, filter, visibility, FACET_FIELDS, view));
            });
          }
        }
      }

      /** The filter that selects exactly one facet bucket's value. */
      const bucketFilter = (field: FacetField, value: string): DatasetSearchFilter => {
        const key: Record<FacetField, keyof DatasetSearchFilter> = {
          publisher: 'publisherIds',
          diagnosticArea: 'diagnosticAreas',
          assay: 'assays',
          disease: 'diseaseIds',
          duoPermission: 'duoPermissions',
          accessMode: 'accessModes',
          accessBody: 'accessBodyIds',
          holdingRegion: 'holdingRegionIds',
          genomeBuild: 'genomeBuilds',
          individuals: 'individualsRanges',
        };
        return { [key[field]]: [value] };
      };

      for (const [who, visibility] of VISIBILITIES) {
        for (const [sizes, view] of VIEWS) {
          it(`gives every facet bucket, fed back as a filter, exactly its count and sum (${who}, ${sizes})`, async () => {
            const base: DatasetSearchFilter = { assays: ['WGS', 'WES', 'PANEL'] };
            for (const filter of [{}, base]) {
              const result = await engine.search(request({ filter, visibility, facets: FACET_FIELDS, individuals: view }));
              let checked = 0;
              for (const facet of result.facets) {
                for (const bucket of facet.buckets) {
                  // The facet ignores its own filter, so the bucket narrows the other filters plus its value.
                  const narrowed = { ...filter, ...bucketFilter(facet.field, bucket.value) };
                  const again = await engine.search(request({ filter: narrowed, visibility, individuals: view, first: 0 }));
                  expect({ field: facet.field, value: bucket.value, count: again.totalCount, individuals: again.individuals }).toEqual({
                    field: facet.field,
                    value: bucket.value,
                    count: bucket.count,
                    individuals: bucket.individuals,
                  });
                  checked += 1;
                }
              }
              expect(checked).toBeGreaterThan(20);
            }
          });
        }
      }

      it('returns the requested facets in the requested order, and none when none are asked for', async () => {
        const fields: FacetField[] = ['individuals', 'publisher', 'disease'];
        const filter: DatasetSearchFilter = { publisherIds: [ORG.orebro], minIndividuals: 500 };
        const result = await engine.search(request({ filter, facets: fields }));
        expect(result.facets).toEqual(referenceFacets(FIXTURES, filter, ANONYMOUS, fields));
        expect((await engine.search(request({ filter }))).facets).toEqual([]);
      });

      it('keeps the counts of unchosen publishers when one publisher is chosen', async () => {
        const result = await engine.search(request({ filter: { publisherIds: [ORG.skane] }, facets: ['publisher'] }));
        const publishers = result.facets[0]!.buckets.map((bucket) => bucket.value);
        expect(publishers).toContain(ORG.skane);
        expect(publishers).toContain(ORG.orebro);
        expect(publishers.length).toBeGreaterThan(1);
      });

      it('counts every matching document in totalCount, not just the page', async () => {
        const expected = referenceSearch(FIXTURES, {}, ADMIN, 'TITLE');
        const result = await engine.search(request({ visibility: ADMIN, first: 2 }));
        expect(result.hits).toHaveLength(2);
        expect(result.totalCount).toBe(expected.length);
      });

      it('caps a facet at 50 buckets ordered by count, then value', async () => {
        const probes = Array.from({ length: 55 }, (_, i) => ({
          ...byNumber(11),
          id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
          status: 'DRAFT' as const,
          ownerOrganisationId: 'org-facet-probe',
          accessBodyIds: [`dab-probe-${String(i).padStart(2, '0')}`, ...(i % 4 === 0 ? ['dab-probe-shared'] : [])],
        }));
        const visibility: SearchVisibility = { allStatusesForOwners: ['org-facet-probe'] };
        await engine.upsert(probes);
        try {
          const result = await engine.search(request({ visibility, facets: FACET_FIELDS }));
          const expected = referenceFacets([...FIXTURES, ...probes], {}, visibility, FACET_FIELDS);
          expect(result.facets).toEqual(expected);
          expect(result.facets.find((facet) => facet.field === 'accessBody')!.buckets).toHaveLength(50);
        } finally {
          await engine.remove(probes.map((probe) => probe.id));
        }
        expect(sorted((await engine.listIds()).map((entry) => entry.id))).toEqual(sorted(idsOf(FIXTURES)));
      });
    });

    describe('visibility', () => {
      it('shows anonymous callers published datasets only', async () => {
        const result = await engine.search(request({ facets: FACET_FIELDS }));
        const published = FIXTURES.filter((doc) => doc.status === 'PUBLISHED');
        expect(sorted(result.hits.map((hit) => hit.id))).toEqual(sorted(idsOf(published)));
        expect(result.totalCount).toBe(published.length);
      });

      it('never lets drafts leak into anonymous totals or facets', async () => {
        const result = await engine.search(request({ facets: FACET_FIELDS }));
        const values = (field: FacetField): string[] =>
          result.facets.find((facet) => facet.field === field)!.buckets.map((bucket) => bucket.value);
        // T2T-CHM13 and Biobank Sverige as publisher occur only in drafts.
        expect(values('genomeBuild')).not.toContain('T2T-CHM13');
        expect(values('publisher')).not.toContain(ORG.biobank);
        expect(values('disease')).not.toContain(DISEASE.lymphoma.id);
        const orebro = result.facets.find((facet) => facet.field === 'publisher')!.buckets.find((b) => b.value === ORG.orebro);
        expect(orebro?.count).toBe(3);

        const lund = await engine.search(request({ query: 'Lund', facets: FACET_FIELDS }));
        expect(lund.totalCount).toBe(0);
        expect(lund.hits).toEqual([]);
        expect(lund.facets.every((facet) => facet.buckets.length === 0)).toBe(true);
        expect(await engine.search(request({ filter: { statuses: ['DRAFT'] } }))).toMatchObject({ totalCount: 0 });
      });

      it("shows a data manager their own organisation's drafts, but not other organisations'", async () => {
        const result = await engine.search(request({ visibility: OREBRO_MANAGER, filter: { statuses: ['DRAFT'] } }));
        expect(result.hits.map((hit) => hit.id)).toEqual([datasetId(21)]);
        const skane = await engine.search(
          request({ query: 'Lund', visibility: { allStatusesForOwners: [ORG.skane] } }),
        );
        expect(skane.hits.map((hit) => hit.id)).toEqual([datasetId(22)]);
      });

      it('treats the owner, not the publisher, as the one who sees other statuses', async () => {
        const biobank: SearchVisibility = { allStatusesForOwners: [ORG.biobank] };
        const ids = await idsFor({ visibility: biobank, filter: { statuses: ['DRAFT', 'WITHDRAWN'] } });
        expect(ids).toEqual([datasetId(23)]);
      });

      it('shows admins every status', async () => {
        const result = await engine.search(request({ visibility: ADMIN }));
        expect(result.totalCount).toBe(FIXTURES.length);
      });
    });

    describe('sorting and keyset pagination', () => {
      const scenarios: [string, DatasetSearchFilter, SearchVisibility, IndividualsView][] = [
        ['anonymous, unfiltered', {}, ANONYMOUS, EXACT],
        ['anonymous, disclosed sizes', {}, ANONYMOUS, DISCLOSED_20],
        ['admin, filtered', { assays: ['WGS', 'PANEL'] }, ADMIN, EXACT],
      ];
      const sorts: DatasetSortOrder[] = ['TITLE', 'MODIFIED_DESC', 'INDIVIDUALS_DESC', 'RELEVANCE'];
      for (const [label, filter, visibility, view] of scenarios) {
        for (const sort of sorts) {
          for (const first of [1, 3, 7]) {
            it(`${sort} in pages of ${first} (${label})`, async () => {
              const expected = referenceSearch(FIXTURES, filter, visibility, sort, view);
              const { ids, totals } = await pageThrough(request({ filter, visibility, sort, individuals: view }), first);
              expect(ids).toEqual(expected);
              expect([...totals]).toEqual([expected.length]);
            });
          }
        }
      }

      for (const first of [1, 3, 7]) {
        it(`RELEVANCE with a query in pages of ${first} repeats the single-page order exactly once`, async () => {
          const base = request({ query: 'cancer genomes', sort: 'RELEVANCE', visibility: ADMIN });
          const whole = await engine.search(base);
          expect(whole.totalCount).toBeGreaterThan(7);
          const { ids, totals } = await pageThrough(base, first);
          expect(ids).toEqual(whole.hits.map((hit) => hit.id));
          expect(new Set(ids).size).toBe(ids.length);
          expect([...totals]).toEqual([whole.totalCount]);
        });
      }

      it('sorts titles case-insensitively and breaks ties by id', async () => {
        const ids = await idsFor({ query: null, filter: { assays: ['WGS'] }, visibility: ADMIN, sort: 'TITLE' });
        const pilots = ids.filter((id) => [11, 12, 13].map(datasetId).includes(id));
        expect(pilots).toEqual([datasetId(11), datasetId(12), datasetId(13)]);
      });

      it('puts datasets without an individuals count last', async () => {
        const ids = await idsFor({ sort: 'INDIVIDUALS_DESC' });
        expect(ids[ids.length - 1]).toBe(datasetId(14));
        expect(ids[0]).toBe(datasetId(9));
      });

      it('sorts a size suppressed in a disclosed view with the unknown sizes, its cursor without a size', async () => {
        const sizeKeys = async (visibility: SearchVisibility, individuals: IndividualsView) => {
          const result = await engine.search(request({ sort: 'INDIVIDUALS_DESC', visibility, individuals }));
          return result.hits.map((hit) => [hit.id, (JSON.parse(Buffer.from(hit.cursor, 'base64url').toString('utf8')) as unknown[])[1]]);
        };
        // Threshold 20 suppresses the two cohorts of 12 (rounded 10): they join the one without a size, by id.
        const anonymous = await sizeKeys(ANONYMOUS, DISCLOSED_20);
        expect(anonymous.slice(-3)).toEqual([11, 12, 14].map((n) => [datasetId(n), null]));
        expect(anonymous.slice(0, -3).every(([, key]) => typeof key === 'number' && key >= 20)).toBe(true);
        const signedIn = await sizeKeys(ADMIN, EXACT);
        expect(signedIn.slice(-3)).toEqual([[datasetId(11), 12], [datasetId(12), 12], [datasetId(14), null]]);
      });

      it('rejects a cursor from another sort order and a malformed cursor', async () => {
        const page = await engine.search(request({ sort: 'TITLE', first: 1 }));
        const cursor = page.hits[0]!.cursor;
        await expect(engine.search(request({ sort: 'MODIFIED_DESC', after: cursor }))).rejects.toThrow();
        await expect(engine.search(request({ after: 'not-a-cursor' }))).rejects.toThrow();
      });
    });

    describe('full-text query', () => {
      const visibleWith = (word: string, visibility = ANONYMOUS): string[] =>
        sorted(idsOf(FIXTURES.filter((doc) => isVisible(doc, visibility) && words(doc).has(word))));
      const visibleMatching = (pattern: RegExp): string[] =>
        idsOf(FIXTURES.filter((doc) => isVisible(doc, ANONYMOUS) && [...words(doc)].some((w) => pattern.test(w))));

      it('matches everything for a blank or punctuation-only query', async () => {
        const expected = referenceSearch(FIXTURES, {}, ANONYMOUS, 'MODIFIED_DESC');
        for (const query of ['', '   ', '?!', null]) {
          const result = await engine.search(request({ query, sort: 'RELEVANCE' }));
          expect(result.hits.map((hit) => hit.id)).toEqual(expected);
          expect(result.totalCount).toBe(expected.length);
        }
      });

      it('finds a word in any field', async () => {
        expect(sorted(await idsFor({ query: 'fibroblasts' }))).toEqual([datasetId(7)]);
        expect(sorted(await idsFor({ query: 'BRCA2' }))).toEqual([datasetId(4)]);
        expect(sorted(await idsFor({ query: 'hypotonia' }))).toEqual([datasetId(10)]);
        expect(sorted(await idsFor({ query: 'cystic fibrosis' }))).toEqual(visibleWith('cystic'));
      });

      it('is accent-insensitive in both directions', async () => {
        const skane = visibleWith('skane');
        expect(skane).toEqual(sorted([1, 3, 11, 17].map(datasetId)));
        for (const query of ['Skane', 'Skåne', 'SKÅNE', 'skane']) expect(sorted(await idsFor({ query }))).toEqual(skane);
        const orebro = visibleWith('orebro');
        expect(orebro).toEqual(sorted([6, 7, 16].map(datasetId)));
        for (const query of ['Orebro', 'Örebro', 'örebro']) expect(sorted(await idsFor({ query }))).toEqual(orebro);
        expect(sorted(await idsFor({ query: 'Orebro', visibility: OREBRO_MANAGER }))).toEqual(
          visibleWith('orebro', OREBRO_MANAGER),
        );
      });

      it('finds a dataset by a Swedish word and by an English word, accents folded', async () => {
        expect(visibleWith('helgenomsekvensering')).toEqual([datasetId(1)]);
        for (const query of ['helgenomsekvensering', 'Helgenomsekvensering', 'whole-genome leukaemia']) {
          expect(await idsFor({ query, sort: 'RELEVANCE' })).toContain(datasetId(1));
        }
        const hereditary = visibleWith('arftlig');
        expect(hereditary).toEqual([datasetId(4)]);
        for (const query of ['ärftlig', 'ARFTLIG']) expect(sorted(await idsFor({ query }))).toEqual(hereditary);
        expect(sorted(await idsFor({ query: 'germline' }))).toEqual(visibleWith('germline'));
        expect((await idsFor({ query: 'bröstcancer exom', sort: 'RELEVANCE' }))[0]).toBe(datasetId(4));
      });

      it('tolerates typos', async () => {
        const leukaemiaTitles = [1, 2, 3].map(datasetId);
        for (const query of ['leukamia', 'leukemia', 'Leukaemia']) {
          const ids = await idsFor({ query });
          expect(ids).toEqual(expect.arrayContaining(leukaemiaTitles));
          expect(visibleMatching(/^leuk/)).toEqual(expect.arrayContaining(ids));
        }
        const ids = await idsFor({ query: 'epilepsie' });
        expect(ids).toContain(datasetId(6));
        expect(visibleMatching(/^epilep/)).toEqual(expect.arrayContaining(ids));
      });

      it('takes typos of whole words only, as many edits as the word is long', async () => {
        // A word inside a longer one is no typo of it: 'region' in 'Götalandsregionen' (Västra Götalandsregionen
        // publishes 4 and 9), 'cancer' in 'blodcancer' (3's Swedish title), 'kärl' in 'hjärt-kärlsjukdom' (18).
        const region = visibleWith('region');
        expect(region).toContain(datasetId(3));
        expect(region).not.toContain(datasetId(9));
        expect(sorted(await idsFor({ query: 'region' }))).toEqual(region);
        expect(visibleWith('cancer')).not.toContain(datasetId(3));
        expect(sorted(await idsFor({ query: 'cancer' }))).toEqual(visibleWith('cancer'));
        expect(await idsFor({ query: 'kärl' })).toEqual([]);
        // Typos: two neighbours swapped, a letter replaced; two edits from nine letters, not three.
        expect(sorted(await idsFor({ query: 'regoin' }))).toEqual(region);
        expect(await idsFor({ query: 'blodcanser' })).toEqual([datasetId(3)]);
        expect(await idsFor({ query: 'kaskadskreenin' })).toEqual([datasetId(18)]);
        expect(await idsFor({ query: 'kaskadskrenin' })).toEqual([]);
        // Under five letters a word is matched exactly.
        expect(await idsFor({ query: 'skan' })).toEqual([]);
      });

      it('matches words with digits exactly: gene symbols are not typos', async () => {
        expect(await idsFor({ query: 'BRCA2' })).toEqual([datasetId(4)]);
        expect(await idsFor({ query: 'BRCA3' })).toEqual([]);
      });

      it('does not take an exome for a genome or the other way round', async () => {
        const exomes = await idsFor({ query: 'exomes', visibility: ADMIN });
        expect(exomes).toContain(datasetId(4));
        const withExome = FIXTURES.filter((doc) => [...words(doc)].some((word) => word.startsWith('exome')));
        expect(idsOf(withExome)).toEqual(expect.arrayContaining(exomes));
        const genomes = await idsFor({ query: 'genome', visibility: ADMIN });
        expect(genomes).toContain(datasetId(11));
        const withGenome = FIXTURES.filter((doc) => [...words(doc)].some((word) => word.includes('genom')));
        expect(idsOf(withGenome)).toEqual(expect.arrayContaining(genomes));
      });

      it('ranks a title match above a description-only match', async () => {
        const ids = await idsFor({ query: 'epilepsy', sort: 'RELEVANCE' });
        expect(ids[0]).toBe(datasetId(6));
        expect(ids).toContain(datasetId(10));
        expect(ids.indexOf(datasetId(6))).toBeLessThan(ids.indexOf(datasetId(10)));
        // Every title match first, also one whose id comes after the description's, in a page holding one more.
        const titled = FIXTURES.filter((doc) => /\bepilepsy\b/i.test(doc.title)).map((doc) => doc.id);
        expect(titled.some((id) => id > datasetId(10))).toBe(true);
        const page = await idsFor({ query: 'epilepsy', sort: 'RELEVANCE', visibility: ADMIN, first: titled.length + 1 });
        expect(page.slice(0, titled.length)).toEqual([...titled].sort());
      });

      it('ranks documents matching more query terms higher', async () => {
        const ids = await idsFor({ query: 'acute myeloid leukaemia', sort: 'RELEVANCE' });
        expect(ids[0]).toBe(datasetId(1));
        expect(ids.indexOf(datasetId(2))).toBeLessThan(ids.indexOf(datasetId(3)));
        expect(ids.indexOf(datasetId(3))).toBeGreaterThan(0);
      });

      it('combines a query with filters, visibility and disjunctive facets', async () => {
        const query = 'genomes';
        const matched = new Set(await idsFor({ query, visibility: ADMIN, first: 1000 }));
        expect(matched.size).toBeGreaterThan(3);
        const matchedDocs = FIXTURES.filter((doc) => matched.has(doc.id));
        const filter: DatasetSearchFilter = { assays: ['WGS'], publisherIds: [ORG.vgr, ORG.uppsala, ORG.orebro] };
        for (const [, visibility] of VISIBILITIES) {
          const result = await engine.search(request({ query, filter, visibility, facets: FACET_FIELDS }));
          const expected = referenceSearch(matchedDocs, filter, visibility, 'TITLE');
          expect(result.hits.map((hit) => hit.id)).toEqual(expected);
          expect(result.totalCount).toBe(expected.length);
          expect(result.facets).toEqual(referenceFacets(matchedDocs, filter, visibility, FACET_FIELDS));
        }
      });

      it('counts every facet of a search by words exactly, for every caller and view', async () => {
        // A word in most titles, one in some, a typo, and words matching nothing; with the filters no facet
        // ignores (statuses, consent keys) and with a facet's own filter.
        const filters: DatasetSearchFilter[] = [{}, { statuses: ['PUBLISHED', 'WITHDRAWN'] }, { consentKeys: ['consent-hmb'] }, { assays: ['WGS'] }];
        for (const query of ['genomes', 'cancer', 'epilepsie', 'cancer genomes', 'zebrafish']) {
          const matched = new Set(await idsFor({ query, visibility: ADMIN, first: 1000 }));
          const docs = FIXTURES.filter((doc) => matched.has(doc.id));
          for (const filter of filters) {
            for (const [, visibility] of VISIBILITIES) {
              for (const [, individuals] of VIEWS) {
                const result = await engine.search(request({ query, filter, visibility, individuals, facets: FACET_FIELDS }));
                expect(result.totalCount).toBe(referenceSearch(docs, filter, visibility, 'TITLE', individuals).length);
                expect(result.individuals).toBe(referenceIndividuals(docs, filter, visibility, individuals));
                expect(result.facets).toEqual(referenceFacets(docs, filter, visibility, FACET_FIELDS, individuals));
              }
            }
          }
        }
      });

      it('narrows a relevance-ranked query by facet filters, in its pages and its totals', async () => {
        const query = 'cancer genomes';
        const matched = new Set(await idsFor({ query, visibility: ADMIN, first: 1000 }));
        const matchedDocs = FIXTURES.filter((doc) => matched.has(doc.id));
        const filters: DatasetSearchFilter[] = [
          { assays: ['WGS'] },
          { publisherIds: [ORG.vgr, ORG.uppsala, ORG.orebro] },
          { individualsRanges: ['1000-9999'], assays: ['WGS', 'WES'] },
        ];
        for (const filter of filters) {
          for (const [, visibility] of VISIBILITIES) {
            for (const [, individuals] of VIEWS) {
              const expected = referenceSearch(matchedDocs, filter, visibility, 'TITLE', individuals);
              expect(expected.length).toBeLessThan(matched.size);
              const base = request({ query, filter, visibility, individuals, sort: 'RELEVANCE', first: 1000, facets: [] });
              const whole = await engine.search(base);
              expect(whole.hits.map((hit) => hit.id).sort()).toEqual([...expected].sort());
              expect(whole.totalCount).toBe(expected.length);
              const { ids } = await pageThrough(base, 2);
              expect(ids).toEqual(whole.hits.map((hit) => hit.id));
              const faceted = await engine.search({ ...base, facets: FACET_FIELDS });
              expect(faceted.facets).toEqual(referenceFacets(matchedDocs, filter, visibility, FACET_FIELDS, individuals));
            }
          }
        }
      });
    });

    describe('writes', () => {
      it('upsert replaces a document instead of adding one', async () => {
        const original = byNumber(8);
        const renamed = { ...original, title: 'Mucoviscidosis modifier genes', modified: '2025-01-01T00:00:00.000Z' };
        try {
          await engine.upsert([renamed]);
          expect(await idsFor({ query: 'mucoviscidosis' })).toEqual([original.id]);
          expect((await engine.search(request())).totalCount).toBe(referenceSearch(FIXTURES, {}, ANONYMOUS, 'TITLE').length);
          const listed = await engine.listIds();
          expect(listed).toHaveLength(FIXTURES.length);
          expect(listed.find((entry) => entry.id === original.id)?.modified).toBe('2025-01-01T00:00:00.000Z');

          await engine.upsert([{ ...renamed, status: 'DRAFT' }]);
          expect(await idsFor({ query: 'mucoviscidosis' })).toEqual([]);
          const uppsala: SearchVisibility = { allStatusesForOwners: [ORG.uppsala] };
          expect(await idsFor({ query: 'mucoviscidosis', visibility: uppsala })).toEqual([original.id]);
        } finally {
          await engine.upsert([original]);
        }
        expect(await idsFor({ query: 'mucoviscidosis' })).toEqual([]);
        expect(await idsFor({ query: 'Cystic fibrosis modifier genes', first: 1, sort: 'RELEVANCE' })).toEqual([original.id]);
      });

      it('remove deletes documents and ignores unknown ids', async () => {
        const removed = byNumber(5);
        try {
          await engine.remove([removed.id, 'no-such-dataset']);
          const remaining = FIXTURES.filter((doc) => doc.id !== removed.id);
          expect(sorted((await engine.listIds()).map((entry) => entry.id))).toEqual(sorted(idsOf(remaining)));
          const result = await engine.search(request({ facets: FACET_FIELDS }));
          expect(result.hits.map((hit) => hit.id)).toEqual(referenceSearch(remaining, {}, ANONYMOUS, 'TITLE'));
          expect(result.facets).toEqual(referenceFacets(remaining, {}, ANONYMOUS, FACET_FIELDS));
        } finally {
          await engine.upsert([removed]);
        }
        await engine.upsert([]);
        await engine.remove([]);
        expect(await engine.listIds()).toHaveLength(FIXTURES.length);
      });
    });

    describe('documents the engine cannot index', () => {
      const unindexable = (n: number) => oversized(n, { disease: true, build: true, text: true });
      const listedIds = async () => new Set((await engine.listIds()).map((entry) => entry.id));

      it('are reported with a reason and never keep the rest of their batch out', async () => {
        const cases = [oversized(901, { disease: true }), oversized(902, { build: true }), oversized(903, { text: true }), unindexable(904)];
        const good = [byNumber(3), byNumber(6)].map((doc) => ({ ...doc, modified: '2025-02-02T00:00:00.000Z' }));
        try {
          const { rejected } = await engine.upsert([good[0]!, ...cases, good[1]!]);
          const refused = new Set(rejected.map((r) => r.id));
          for (const r of rejected) expect(r.reason.length).toBeGreaterThan(10);
          expect(refused.has(datasetId(904))).toBe(true);
          // Each engine refuses at least one of the single-limit cases as well (PostgreSQL the disease id and
          // the text, Elasticsearch the genome build) and nothing but these.
          expect(refused.size).toBeGreaterThan(1);
          expect([...refused].every((id) => cases.some((doc) => doc.id === id))).toBe(true);

          const listed = await engine.listIds();
          for (const doc of good) expect(listed.find((entry) => entry.id === doc.id)?.modified).toBe('2025-02-02T00:00:00.000Z');
          // A document is either indexed whole or not at all.
          for (const doc of cases) expect(listed.some((entry) => entry.id === doc.id)).toBe(!refused.has(doc.id));
        } finally {
          await engine.remove(cases.map((doc) => doc.id));
          await engine.upsert([byNumber(3), byNumber(6)]);
        }
      });

      it('take the earlier version of a refused document out of the index, and index it again once fixed', async () => {
        const original = byNumber(7);
        try {
          const { rejected } = await engine.upsert([{ ...unindexable(7), id: original.id, title: 'Unindexable rewrite' }]);
          expect(rejected.map((r) => r.id)).toEqual([original.id]);
          // Searches never find the dataset as it no longer is.
          expect((await listedIds()).has(original.id)).toBe(false);
          expect(await idsFor({ query: original.title.split(' ')[0], visibility: ADMIN })).not.toContain(original.id);
        } finally {
          const { rejected } = await engine.upsert([original]);
          expect(rejected).toEqual([]);
        }
        expect((await listedIds()).has(original.id)).toBe(true);
        expect(await engine.listIds()).toHaveLength(FIXTURES.length);
      });
    });

    describe('rebuild', () => {
      async function* inBatches(
        docs: readonly DatasetSearchDocument[],
        size: number,
      ): AsyncGenerator<DatasetSearchDocument[]> {
        for (let start = 0; start < docs.length; start += size) {
          // Slow enough that searches run while the new index is being filled.
          await new Promise((resolve) => setTimeout(resolve, 25));
          yield docs.slice(start, start + size);
        }
      }

      it('switches readers to a fresh index only when it is complete, without errors or empty results', async () => {
        const expected = referenceSearch(FIXTURES, {}, ANONYMOUS, 'TITLE');
        const failures: string[] = [];
        let searches = 0;
        let rebuilding = true;
        const reader = async (): Promise<void> => {
          // Keeps reading a little after the swap, while the previous index is being dropped.
          let after = 0;
          while (rebuilding || after++ < 10) {
            try {
              const result = await engine.search(request({ facets: ['publisher'] }));
              if (result.totalCount !== expected.length) failures.push(`totalCount ${result.totalCount}`);
              if (result.hits.length !== expected.length) failures.push(`hits ${result.hits.length}`);
            } catch (error) {
              failures.push(String(error));
            }
            searches += 1;
          }
        };
        const progress: number[] = [];
        const readers = [reader(), reader(), reader()];
        try {
          await engine.rebuild(inBatches(FIXTURES, 4), (indexed) => progress.push(indexed));
        } finally {
          rebuilding = false;
          await Promise.all(readers);
        }
        expect(failures).toEqual([]);
        expect(searches).toBeGreaterThan(30);
        expect(progress[progress.length - 1]).toBe(FIXTURES.length);
        expect(progress).toEqual([...progress].sort((a, b) => a - b));

        expect(sorted((await engine.listIds()).map((entry) => entry.id))).toEqual(sorted(idsOf(FIXTURES)));
        const result = await engine.search(request({ visibility: ADMIN, facets: FACET_FIELDS }));
        expect(result.hits.map((hit) => hit.id)).toEqual(referenceSearch(FIXTURES, {}, ADMIN, 'TITLE'));
        expect(result.facets).toEqual(referenceFacets(FIXTURES, {}, ADMIN, FACET_FIELDS));
      });

      it('replaces the content with exactly what was rebuilt', async () => {
        const withoutWithdrawn = FIXTURES.filter((doc) => doc.status !== 'WITHDRAWN');
        await engine.rebuild(inBatches(withoutWithdrawn, 10));
        expect(sorted((await engine.listIds()).map((entry) => entry.id))).toEqual(sorted(idsOf(withoutWithdrawn)));
        expect((await engine.search(request({ visibility: ADMIN }))).totalCount).toBe(withoutWithdrawn.length);

        await engine.rebuild(inBatches(FIXTURES, 25));
        expect(sorted((await engine.listIds()).map((entry) => entry.id))).toEqual(sorted(idsOf(FIXTURES)));
        expect(await idsFor({ query: 'Skane' })).toHaveLength(4);
        await engine.upsert([byNumber(1)]);
        expect(await engine.listIds()).toHaveLength(FIXTURES.length);
      });

      it('leaves out and reports the documents it cannot index, and builds the rest', async () => {
        const refused = oversized(905, { disease: true, build: true, text: true });
        const { rejected } = await engine.rebuild(inBatches([...FIXTURES.slice(0, 10), refused, ...FIXTURES.slice(10)], 8));
        expect(rejected.map((r) => r.id)).toEqual([refused.id]);
        expect(sorted((await engine.listIds()).map((entry) => entry.id))).toEqual(sorted(idsOf(FIXTURES)));
        expect((await engine.search(request({ visibility: ADMIN }))).totalCount).toBe(FIXTURES.length);
      });
    });
  });
}
