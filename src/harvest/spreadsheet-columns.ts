import { AccessMode, AccessRequirement } from '../access/access-route.entity.js';
import { DataAccessBodyKind, DataAccessBodyOperationalStatus } from '../access/data-access-body.entity.js';
import { ConsentType } from '../consent/consent-scope.entity.js';
import { EconomicModelType, EvaluationPerspective, EvaluationType } from '../economics/health-economic-evaluation.entity.js';
import { OrganisationType } from '../organisations/organisation.entity.js';
import { PublicationRelation } from '../publications/publication.entity.js';
import { CONTENT_LANGUAGES, DEFAULT_RECORD_LANGUAGE } from '../core/languages.js';
import { DiagnosticArea } from '../records/terms.js';
import { StudyProgress, StudyType } from '../studies/study.entity.js';
import type { Json, RecordKind } from './record-inputs.js';

/**
 * The spreadsheet form of the example-catalogue shape (seed/example-catalogue.json): one sheet per record
 * kind and per repeated part of a dataset or evaluation, one row per record or part, one column per field.
 * Column names are the field's path in the JSON shape, so a spreadsheet row reads as the JSON record it
 * becomes; the converters of record-inputs.ts then treat both alike.
 */
export type ColumnType = 'text' | 'integer' | 'digits' | 'number' | 'boolean' | 'list' | 'terms' | 'numberOrText';

export interface Column {
  /** Header of the column. */
  name: string;
  /** Where the value goes in the JSON record (dotted); the name when not given. */
  path?: string;
  /** How its cells and JSON values are read; `digits`: a whole number kept as its digits, which may be more than a JSON number holds exactly (a byte size). */
  type: ColumnType;
  /** For `terms`: the parts of each entry, written `part1|part2|...`. */
  parts?: string[];
  /** For `terms`: the parts every entry gives (GraphQL's input types require them: an ontology term's IRI). */
  requiredParts?: readonly string[];
  /**
   * Whether the part holding it (a parts sheet's row, or the object its path is in: `cohort.genomeBuild`) is
   * read without it; GraphQL's input types require it. A record's own required fields are the rules' to check.
   */
  required?: boolean;
  /** The record rules' name for the field, when it differs from the column (to place their problems). */
  input?: string;
  /**
   * The values a text column takes (the catalogue's enumeration of them), in any case; with `joinedBy`, one or
   * more of them joined by it (WGS+WTS).
   */
  choices?: readonly string[];
  joinedBy?: string;
  help: string;
}

export interface Sheet {
  name: string;
  help: string;
  /** The record kind of a record sheet; parts sheets (consent, distributions...) belong to a parent sheet. */
  kind?: RecordKind;
  /** The JSON `recordType` of records in the `records` section. */
  recordType?: string;
  parent?: {
    sheet: string;
    /** Column holding the parent record's identifier. */
    column: string;
    /** Where the part goes in the parent's JSON record. */
    path: string;
    /** Several rows per parent (a list) or at most one (an object). */
    many: boolean;
    /** The record rules' name for the part (to place their problems). */
    input: string;
    /** The column blamed for a problem with the parts as a whole (the parent column when not given). */
    wholeColumn?: string;
  };
  columns: Column[];
}

const text = (name: string, help: string, extra: Partial<Column> = {}): Column => ({ name, type: 'text', help, ...extra });
const integer = (name: string, help: string, extra: Partial<Column> = {}): Column => ({ name, type: 'integer', help, ...extra });
const number = (name: string, help: string, extra: Partial<Column> = {}): Column => ({ name, type: 'number', help, ...extra });
const boolean = (name: string, help: string): Column => ({ name, type: 'boolean', help });
const list = (name: string, help: string, extra: Partial<Column> = {}): Column => ({ name, type: 'list', help, ...extra });
const terms = (name: string, parts: string[], help: string, extra: Partial<Column> = {}): Column => ({ name, type: 'terms', parts, help, ...extra });
const id = (kind: string): Column => text('id', `identifier of the ${kind} (required; matches the record on the next import)`);
const owner = text('ownerOrganisation', 'identifier of the owning organisation (default: the organisation importing, or the catalogue publisher)');
const dates = [text('issued', 'date first issued (YYYY-MM-DD); kept as given'), text('modified', 'date last modified (YYYY-MM-DD); kept as given')];
const ONTOLOGY_TERM = ['iri', 'label', 'system'];
const WITH_IRI = { requiredParts: ['iri'] };
/** The record's own language and its texts in the other one (README, "Languages"); the default first, as for other choices. */
const language = text('language', 'language of the texts above: sv or en (default en)', {
  choices: [DEFAULT_RECORD_LANGUAGE, ...CONTENT_LANGUAGES.filter((code) => code !== DEFAULT_RECORD_LANGUAGE)],
});
/** An enumeration's values as a file writes them, in lower case (planned for PLANNED). */
const lowerCase = (values: Record<string, string>): string[] => Object.values(values).map((value) => value.toLowerCase());
const translated = (fields: [string, string][], kind: 'text' | 'list' = 'text'): Column[] =>
  (['sv', 'en'] as const).flatMap((lang) =>
    fields.map(([field, help]) => ({ name: `translations.${lang}.${field}`, type: kind, help: `${help} in ${lang === 'sv' ? 'Swedish' : 'English'}, when the record's language is the other one` })),
  );

export const SHEETS: Sheet[] = [
  {
    name: 'catalogue',
    help: 'The catalogue record (one row, optional; only an admin or the system sets it). Its publisher owns records that name no owner.',
    columns: [
      id('catalogue'),
      text('title', 'title'),
      text('description', 'description'),
      text('publisher', 'identifier of the publishing organisation'),
      list('language', 'languages, separated by ";"'),
      text('spatial', 'spatial coverage IRI'),
      list('themeTaxonomy', 'theme taxonomy IRIs, separated by ";"'),
      text('homepage', 'homepage URL'),
    ],
  },
  {
    name: 'organisations',
    kind: 'Organisation',
    help: 'Organisations: regions, universities, GMCs, biobanks, authorities. A parent may come after its children.',
    columns: [
      id('organisation'),
      text('name', 'name (required)'),
      language,
      ...translated([['name', 'name']]),
      text('type', 'REGION, UNIVERSITY, GMC, PROGRAMME, BIOBANK, AUTHORITY, INFRASTRUCTURE, FUNDER or COMPANY', { choices: Object.values(OrganisationType) }),
      text('publisherType', 'ADMS publisher type IRI'),
      list('roles', 'roles, separated by ";" (DATA_HOLDER; CONTROLLER; ...)'),
      text('homepage', 'homepage URL'),
      text('orgNumber', 'organisation number'),
      text('contactEmail', 'contact e-mail'),
      text('parentOrg', 'identifier of the parent organisation', { input: 'parent' }),
    ],
  },
  {
    name: 'accessBodies',
    kind: 'DataAccessBody',
    help: 'Data access bodies: DACs, regional disclosure functions, biobanks, HDABs, ethics authorities.',
    columns: [
      id('access body'),
      text('name', 'name (required)'),
      language,
      ...translated([['name', 'name']]),
      text('kind', 'DAC, REGIONAL_DISCLOSURE_FUNCTION, BIOBANK, HDAB or ETHICS_AUTHORITY', { choices: Object.values(DataAccessBodyKind) }),
      text('operatedBy', 'identifier of the operating organisation'),
      text('hostedBy', 'identifier of the hosting organisation'),
      text('contactEmail', 'contact e-mail'),
      text('applicationUrl', 'where to apply (the default for access routes naming this body)'),
      text('jurisdiction', 'country code (default SE)'),
      text('status', 'active or planned', { input: 'operationalStatus', choices: lowerCase(DataAccessBodyOperationalStatus) }),
      text('note', 'note'),
      owner,
    ],
  },
  {
    name: 'publications',
    kind: 'Publication',
    help: 'Publications that datasets, studies and evaluations refer to.',
    columns: [
      id('publication'),
      text('title', 'title (required)'),
      text('doi', 'DOI'),
      text('pmid', 'PubMed id'),
      text('authorsShort', 'authors, short form'),
      text('journal', 'journal'),
      integer('year', 'year of publication'),
      text('volumePages', 'volume and pages'),
      text('url', "web page (default: the DOI's)"),
      text('relationType', 'DESCRIBES, USES, CITES or PROTOCOL: what the publication is to the records naming it', { choices: Object.values(PublicationRelation) }),
      owner,
    ],
  },
  {
    name: 'studies',
    kind: 'Study',
    recordType: 'Study',
    help: 'Studies that generate datasets.',
    columns: [
      id('study'),
      text('title', 'title (required)'),
      text('acronym', 'acronym'),
      text('description', 'description'),
      text('studyType', 'NATIONAL_IMPLEMENTATION, VALIDATION, CLINICAL_ROUTINE, RESEARCH or PILOT', { choices: Object.values(StudyType) }),
      text('diagnosticArea', 'RARE_DISEASES, HEREDITARY_CANCER, SOLID_TUMOURS, HAEMATOLOGICAL_MALIGNANCIES, CHILDHOOD_CANCER, INFECTIOUS_DISEASES, PHARMACOGENOMICS or COMPLEX_DISEASES', {
        choices: Object.values(DiagnosticArea),
      }),
      text('status', 'planned, recruiting, ongoing or completed', { input: 'progress', choices: lowerCase(StudyProgress) }),
      text('startDate', 'start date (YYYY-MM-DD)'),
      text('endDate', 'end date (YYYY-MM-DD)'),
      number('plannedSize.value', 'planned size'),
      text('plannedSize.unit', 'unit of the planned size (e.g. patients/year)'),
      integer('actualSize', 'number of participants actually enrolled'),
      terms('ethicsApprovals', ['authority', 'reference', 'date'], 'ethics approvals: authority|reference|date; ...', { requiredParts: ['reference'] }),
      terms('healthCondition', ONTOLOGY_TERM, 'health conditions: IRI|label|system; ...', { input: 'healthConditions', ...WITH_IRI }),
      text('registration', 'trial registration, e.g. a ClinicalTrials.gov or EU CT number'),
      list('funders', 'identifiers of funding organisations, separated by ";"'),
      list('participatingOrgs', 'identifiers of participating organisations (the first owns the study by default)', { input: 'participatingOrganisations' }),
      list('publications', 'identifiers of publications'),
      list('outputs', 'identifiers of the datasets the study produced: a dataset of the same file naming no study takes this one as wasGeneratedBy'),
      owner,
      ...dates,
    ],
  },
  {
    name: 'datasets',
    kind: 'Dataset',
    recordType: 'Dataset',
    help: 'Datasets, one row each; consent, access route, its steps and distributions are on their own sheets.',
    columns: [
      id('dataset'),
      text('title', 'title (required)'),
      text('description', 'description'),
      list('keywords', 'keywords, separated by ";"'),
      language,
      ...translated([['title', 'title'], ['description', 'description']]),
      ...translated([['keywords', 'keywords (separated by ";")']], 'list'),
      text('diagnosticArea', 'as on the studies sheet (RARE_DISEASES, CHILDHOOD_CANCER, ...)', { choices: Object.values(DiagnosticArea) }),
      text('theme', 'EU data theme IRI'),
      text('accessRights', 'EU access-right IRI (PUBLIC, NON_PUBLIC, ...)'),
      list('otherIdentifiers', 'other identifiers, separated by ";"'),
      text('version', 'release version', { input: 'releaseVersion' }),
      text('publisher', 'identifier of the publishing organisation (default: the organisation importing)'),
      owner,
      list('dataHolder', 'identifiers of the data-holding organisations', { input: 'dataHolders' }),
      list('contributors', 'identifiers of contributing organisations'),
      text('wasGeneratedBy', 'identifier of the study that produced the dataset'),
      text('hdab', 'identifier of the health data access body'),
      list('isReferencedBy', 'identifiers of publications', { input: 'publications' }),
      text('status', 'published (published by the import), planned or draft (both imported as a draft); empty: as --publish says', { choices: ['published', 'planned', 'draft'] }),
      ...dates,
      integer('cohort.numberOfUniqueIndividuals', 'number of unique individuals'),
      integer('cohort.numberOfRecords', 'number of records'),
      integer('cohort.numberOfSamples', 'number of samples'),
      integer('cohort.numberOfFamilies', 'number of families'),
      integer('cohort.sexDistribution.female', 'females'),
      integer('cohort.sexDistribution.male', 'males'),
      integer('cohort.sexDistribution.otherOrUnknown', 'other or unknown sex'),
      number('cohort.minTypicalAge', 'typical minimum age (years)'),
      number('cohort.maxTypicalAge', 'typical maximum age (years)'),
      text('cohort.populationCoverage', 'population coverage'),
      terms('cohort.diseases', ONTOLOGY_TERM, 'diseases: IRI or CURIE|label|system; ... (MONDO codes are checked)', WITH_IRI),
      terms('cohort.phenotypes', ONTOLOGY_TERM, 'HPO phenotypes: IRI|label|system; ...', WITH_IRI),
      list('cohort.sampleTypes', 'sample types, separated by ";"'),
      text('cohort.sequencing.assay', 'assays joined by "+": WGS, WES, PANEL, WTS, LONG_READ_WGS, PATHOGEN_WGS, METAGENOMICS, ARRAY (e.g. WGS+WTS)', { input: 'cohort.sequencing.assays' }),
      text('cohort.sequencing.panelName', 'panel name'),
      text('cohort.sequencing.platform', 'sequencing platform'),
      number('cohort.sequencing.meanCoverage', 'mean coverage'),
      number('cohort.sequencing.readLength', 'read length'),
      text('cohort.genomeBuild.name', 'genome build (GRCh38, ...)', { required: true }),
      text('cohort.genomeBuild.accession', 'genome build accession'),
      list('cohort.variantTypes', 'variant types, separated by ";" (SNV; INDEL; CNV; ...)'),
      text('cohort.pedigreeStructure', 'SINGLETON, TRIO, SINGLETON_AND_FAMILY, ...'),
      text('cohort.countsSource', 'where the counts come from'),
    ],
  },
  {
    name: 'consent',
    parent: { sheet: 'datasets', column: 'dataset', path: 'consentScope', many: false, input: 'consent' },
    help: 'Consent scope of a dataset in DUO terms: at most one row per dataset.',
    columns: [
      text('dataset', 'identifier of the dataset (required)'),
      text('duoPermission', 'exactly one DUO permission: its code, shorthand or label, e.g. DUO:0000006, HMB or health or medical or biomedical research', { path: 'duoPermission.code' }),
      terms('duoModifiers', ['code', 'value'], 'DUO modifiers: code|value; ..., a code also as shorthand or label (e.g. DUO:0000021; DUO:0000022|SE; ethics approval required)', { requiredParts: ['code'] }),
      terms('diseaseRestrictions', ONTOLOGY_TERM, 'disease restrictions (DUO:0000007): IRI|label|system; ...', WITH_IRI),
      text('consentType', 'consent type', { choices: Object.values(ConsentType) }),
      text('consentFormVersion', 'consent form version'),
      list('legalBases', 'legal bases, separated by ";" (eu-gdpr:A6-1-e; ...)'),
      list('nationalLegalBasis', 'national legal bases, separated by ";"'),
      text('ethicsApproval.authority', 'ethics approval: authority'),
      text('ethicsApproval.reference', 'ethics approval: reference', { required: true }),
      text('ethicsApproval.date', 'ethics approval: date'),
      text('returnOfResults', 'return of results'),
      text('withdrawalProcess', 'how participants withdraw'),
    ],
  },
  {
    name: 'accessRoutes',
    parent: { sheet: 'datasets', column: 'dataset', path: 'accessRoute', many: false, input: 'accessRoute' },
    help: 'Access route of a dataset (whom to ask and how): at most one row per dataset; its steps are on accessRouteSteps.',
    columns: [
      text('dataset', 'identifier of the dataset (required)'),
      text('accessMode', 'SECURE_PROCESSING_ENVIRONMENT, CONTROLLED_DOWNLOAD, FEDERATED_QUERY, AGGREGATE_ONLY or OPEN (required)', { choices: Object.values(AccessMode), required: true }),
      text('accessBody', 'identifier of the access body to ask'),
      text('applicationUrl', "where to apply (default: the access body's)"),
      text('contactEmail', 'contact e-mail'),
      integer('expectedTurnaroundDays', 'expected turnaround in days'),
      text('fees', 'fees'),
      list('languages', 'languages, separated by ";" (default sv; en)'),
    ],
  },
  {
    name: 'accessRouteSteps',
    parent: { sheet: 'datasets', column: 'dataset', path: 'accessRoute.steps', many: true, input: 'accessRoute.steps', wholeColumn: 'order' },
    help: 'Ordered steps of access routes: one row per step, numbered 1, 2, 3... per dataset.',
    columns: [
      text('dataset', 'identifier of the dataset (required)'),
      integer('order', 'position of the step, 1, 2, 3... (required)', { required: true }),
      text('requirement', 'ETHICS_APPROVAL, DAC_REVIEW, CONTROLLER_DISCLOSURE_DECISION, BIOBANK_DECISION, DATA_TRANSFER_AGREEMENT, JOINT_CONTROLLER_AGREEMENT, HDAB_PERMIT or DPA (required)', {
        choices: Object.values(AccessRequirement),
        required: true,
      }),
      text('body', 'identifier of the responsible access body'),
      text('description', 'description'),
    ],
  },
  {
    name: 'distributions',
    parent: { sheet: 'datasets', column: 'dataset', path: 'distributions', many: true, input: 'distributions' },
    help: 'Distributions of datasets: one row per distribution.',
    columns: [
      text('dataset', 'identifier of the dataset (required)'),
      text('id', "the catalogue's id of the stored distribution the row keeps (as GraphQL gives it); without one, the stored distribution of the same title is kept"),
      text('title', 'title (required)', { required: true }),
      text('accessURL', 'access URL (for controlled data: the request page)', { input: 'accessUrl' }),
      text('downloadURL', 'download URL', { input: 'downloadUrl' }),
      terms('formats', ['label', 'edam', 'mediaType'], 'formats: label|EDAM IRI|media type; ... (e.g. CRAM|http://edamontology.org/format_3462)', { requiredParts: ['label'] }),
      text('mediaType', 'media type'),
      { name: 'byteSize', type: 'digits', help: 'size in bytes' },
      text('license', 'licence IRI'),
      text('accessMode', 'access mode (as on accessRoutes)', { choices: Object.values(AccessMode) }),
      text('hostingLocation', 'hosting location'),
      text('encryption', 'encryption'),
    ],
  },
  {
    name: 'evaluations',
    kind: 'HealthEconomicEvaluation',
    recordType: 'HealthEconomicEvaluation',
    help: 'Health-economic evaluations (CHEERS 2022); results are on evaluationResults.',
    columns: [
      id('evaluation'),
      text('title', 'title (required)'),
      text('evaluationType', 'CEA, CUA, CBA, CMA, COST_ANALYSIS, MICRO_COSTING, BUDGET_IMPACT, COST_CONSEQUENCE or YIELD_ONLY (required)', { choices: Object.values(EvaluationType) }),
      text('decisionProblem', 'decision problem or objective (CHEERS 3)'),
      text('analysisPlanUrl', 'health economic analysis plan, its URL (CHEERS 4)'),
      text('population', 'population'),
      text('country', 'country code'),
      text('setting', 'setting'),
      text('intervention', 'intervention'),
      list('comparators', 'comparators, separated by ";"'),
      text('perspective', 'HEALTHCARE_PAYER, HEALTHCARE_SYSTEM, SOCIETAL, HOSPITAL or PATIENT', { choices: Object.values(EvaluationPerspective) }),
      text('timeHorizon', 'ISO 8601 duration or LIFETIME'),
      text('timeHorizonNote', 'note on the time horizon (added to the note)', { input: 'note' }),
      number('discountRateCosts', 'discount rate for costs, percent per year (3 = 3%)'),
      number('discountRateOutcomes', 'discount rate for outcomes, percent per year (3 = 3%)'),
      list('outcomeMeasures', 'outcome measures, separated by ";"'),
      text('utilityInstrument', 'utility instrument, e.g. EQ-5D (CHEERS 12)'),
      text('costingMethod', 'costing method'),
      text('currency', 'ISO 4217 currency of every monetary figure (required)'),
      integer('priceYear', 'price year of every monetary figure'),
      text('priceYearNote', 'note on the price year: why it is not given (required then), or how it was set'),
      number('willingnessToPay.value', 'willingness-to-pay threshold used', { input: 'willingnessToPayAmount' }),
      text('willingnessToPay.unit', 'unit of the threshold as published, e.g. EUR/QALY (a leading ISO 4217 code is its currency)', { input: 'willingnessToPayUnit' }),
      text('modelType', 'model types joined by "+": NONE_TRIAL_OR_COHORT, DECISION_TREE, MARKOV, MICROSIMULATION, DES, PARTITIONED_SURVIVAL, BUDGET_IMPACT', {
        input: 'modelTypes',
        choices: Object.values(EconomicModelType),
        joinedBy: '+',
      }),
      text('modelTypeNote', 'note on the model (added to the note)', { input: 'note' }),
      boolean('modelAvailable', 'whether the model is available to others: true or false (CHEERS 16)'),
      list('sensitivityAnalyses', 'sensitivity analyses, separated by ";"'),
      text('subgroups', 'subgroups and heterogeneity analysed (CHEERS 18)'),
      boolean('engagementDescribed', 'whether patient and public engagement is described: true or false (CHEERS 21, 25)'),
      text('funding', 'funding of the evaluation (CHEERS 27)'),
      text('conflictsOfInterest', 'conflicts of interest (CHEERS 28)'),
      boolean('cheersCompliant', 'true or false'),
      text('note', 'note'),
      text('publication', 'identifier of the publication'),
      list('evaluates', 'identifiers of the datasets and studies evaluated', { input: 'evaluatedDatasets' }),
      owner,
      ...dates,
    ],
  },
  {
    name: 'evaluationResults',
    parent: { sheet: 'evaluations', column: 'evaluation', path: 'results', many: true, input: 'results' },
    help: 'Results of evaluations: one row per result.',
    columns: [
      text('evaluation', 'identifier of the evaluation (required)'),
      text('measure', 'what was measured, e.g. ICER, DIAGNOSTIC_YIELD, MEAN_COST_DIFFERENCE_PER_PATIENT (required)'),
      { name: 'value', type: 'numberOrText', help: 'a number, a range (0.68-0.72) or a statement' },
      number('rangeLow', 'low end of the range, when the source gives a range instead of a value'),
      number('rangeHigh', 'high end of the range'),
      text('statement', 'what the source states instead of a number (e.g. dominant)'),
      text('unit', 'unit'),
      text('currency', "ISO 4217 currency of the figure (default: the one its unit starts with, else the evaluation's for a monetary unit)"),
      integer('priceYear', "price year of the figure (default: the evaluation's)"),
      number('ci95Low', '95% CI low'),
      number('ci95High', '95% CI high'),
      number('pValue', 'p-value'),
      text('comparator', 'comparator'),
      number('comparatorValue', "comparator's value"),
      text('note', 'note'),
    ],
  },
];

export const SHEETS_BY_NAME = new Map(SHEETS.map((s) => [s.name, s]));

/** Sheets in the template besides the data sheets, skipped on import. */
export const ABOUT_SHEET = 'about';

export type Cell = string | number | boolean | Date | null;

const LIST_SEPARATOR = ';';
const PART_SEPARATOR = '|';

const isBlank = (value: Cell | undefined): value is null | undefined => value == null || (typeof value === 'string' && value.trim() === '');


/** A cell as text; a date cell (midnight UTC, as Excel stores a date) as YYYY-MM-DD. */
export function cellText(value: Exclude<Cell, null>): string {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return String(value).trim();
}

function toNumber(value: Exclude<Cell, null>): number | null {
  if (typeof value === 'number') return value;
  const text = cellText(value);
  return /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : null;
}

/**
 * A number cell as written where the decimal separator is a comma (30,5; 1 200 with a space, or Excel's
 * non-breaking one, between thousands), as a number; any other cell as it is.
 */
export function fromDecimalComma(column: Column | null, value: Cell): Cell {
  if (!column || typeof value !== 'string' || !['integer', 'digits', 'number', 'numberOrText'].includes(column.type)) return value;
  const text = value.trim();
  if (!/^-?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,\d+)?$/.test(text)) return value;
  return Number(text.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
}

/** What a value of a column holding one value must be, as the reason it cannot be read says. */
const EXPECTED: Record<Exclude<ColumnType, 'list' | 'terms'>, string> = {
  text: 'text',
  integer: 'a whole number',
  digits: 'a whole number',
  number: 'a number',
  numberOrText: 'a number or text',
  boolean: 'true or false',
};

const DIGITS = /^\d+$/;

/** Why a value of a column holding one value cannot be read, quoting what was given. */
const unreadable = (column: Column, got: string) => `must be ${EXPECTED[column.type as keyof typeof EXPECTED]} (got ${got})`;

/** A text as one of a column's choices, spelt as the catalogue spells it, or the reason it is not one; any text where there are none. */
function chosen(column: Column, text: string): { value?: string; problem?: string } {
  const { choices, joinedBy } = column;
  if (!choices || choices.includes(text)) return { value: text };
  const spelt = (joinedBy ? text.split(joinedBy) : [text]).map((part) => choices.find((choice) => choice.toLowerCase() === part.trim().toLowerCase()));
  if (spelt.every((choice) => choice !== undefined)) return { value: spelt.join(joinedBy ?? '') };
  const one = `one of ${choices.join(', ')}`;
  return { problem: `must be ${joinedBy ? `${one}, or several joined by "${joinedBy}"` : one} (got ${JSON.stringify(text)})` };
}

/** A cell's value in the JSON shape, or the reason it cannot be read. */
export function readCell(column: Column, value: Cell | undefined): { value?: unknown; problem?: string } {
  if (isBlank(value)) return {};
  switch (column.type) {
    case 'text':
      return chosen(column, cellText(value));
    case 'integer': {
      const n = toNumber(value);
      return n != null && Number.isInteger(n) ? { value: n } : { problem: unreadable(column, `"${cellText(value)}"`) };
    }
    case 'digits': {
      const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : cellText(value);
      return DIGITS.test(text) ? { value: text } : { problem: unreadable(column, `"${cellText(value)}"`) };
    }
    case 'number': {
      const n = toNumber(value);
      return n != null ? { value: n } : { problem: unreadable(column, `"${cellText(value)}"`) };
    }
    case 'numberOrText':
      return { value: toNumber(value) ?? cellText(value) };
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      const word = cellText(value).toLowerCase();
      if (['true', 'yes', '1'].includes(word)) return { value: true };
      if (['false', 'no', '0'].includes(word)) return { value: false };
      return { problem: unreadable(column, `"${cellText(value)}"`) };
    }
    case 'list':
      return { value: entries(value) };
    case 'terms': {
      const names = column.parts!;
      const read = entries(value).map((entry) => entry.split(PART_SEPARATOR).map((p) => p.trim()));
      // A part past the last the column has would belong to none: refused, not dropped.
      const over = read.find((parts) => parts.length > names.length);
      if (over) return { problem: `must give each entry as ${names.join(PART_SEPARATOR)}, no more parts (got "${over.join(PART_SEPARATOR)}")` };
      return { value: read.map((parts) => Object.fromEntries(names.map((name, i) => [name, parts[i]]).filter(([, part]) => part))) };
    }
  }
}

/** A value too long to quote whole in a reason is cut short. */
const QUOTED = 60;

/** A JSON value as a reason quotes it. */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > QUOTED ? `${text.slice(0, QUOTED - 4)}..."` : text;
}

/** Why a value cannot be read. */
export class Unreadable {
  constructor(readonly problem: string) {}
}

/** Whether a JSON value is of a type (a column holding one value). */
function isOfType(type: ColumnType, value: unknown): boolean {
  switch (type) {
    case 'text':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'digits':
      return Number.isInteger(value) || (typeof value === 'string' && DIGITS.test(value));
    case 'number':
      return typeof value === 'number';
    case 'numberOrText':
      return typeof value === 'number' || typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

/**
 * A JSON value of a column holding one value (not a list), as the import reads it, or why it cannot be read:
 * the same types as a cell (a text for a text column, a whole number for an integer...), but no number is read
 * from a text: JSON states which it is.
 */
export function readJsonValue(column: Column, value: unknown): unknown {
  if (!isOfType(column.type, value)) return new Unreadable(unreadable(column, shown(value)));
  if (!column.choices || typeof value !== 'string') return value;
  const { value: spelt, problem } = chosen(column, value);
  return problem ? new Unreadable(problem) : spelt;
}

/** A list's entries are separated by ";", or put on lines of their own in the cell (Alt+Enter in Excel). */
const ENTRY_BREAK = /;|\r\n?|\n/;

function entries(value: Exclude<Cell, null>): string[] {
  return cellText(value)
    .split(ENTRY_BREAK)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A JSON value as the cell that reads back as it (the inverse of readCell). */
export function writeCell(column: Column, value: unknown): Cell {
  if (value == null) return null;
  switch (column.type) {
    case 'list':
      return (Array.isArray(value) ? value : [value]).map(String).join(`${LIST_SEPARATOR} `) || null;
    case 'terms':
      return (
        (Array.isArray(value) ? value : [value])
          .map((entry) => {
            const parts = typeof entry === 'object' ? column.parts!.map((name) => String(entry[name] ?? '')) : [String(entry)];
            while (parts.length > 1 && parts.at(-1) === '') parts.pop();
            return parts.join(PART_SEPARATOR);
          })
          .join(`${LIST_SEPARATOR} `) || null
      );
    case 'boolean':
      return Boolean(value);
    case 'text':
      return String(value);
    default:
      return typeof value === 'number' ? value : String(value);
  }
}

export const columnPath = (column: Column): string => column.path ?? column.name;

/** The keys of a column's path, split once: an import sets every cell of every row through them. */
const pathKeys = new Map<string, string[]>();
const keysOf = (path: string): string[] => pathKeys.get(path) ?? pathKeys.set(path, path.split('.')).get(path)!;

export function getPath(record: Json, path: string): unknown {
  return keysOf(path).reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Json)[key] : undefined), record);
}

export function setPath(record: Json, path: string, value: unknown): void {
  const keys = keysOf(path);
  let target = record;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i];
    if (!target[key] || typeof target[key] !== 'object') target[key] = {};
    target = target[key];
  }
  target[keys[keys.length - 1]] = value;
}
