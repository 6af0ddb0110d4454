import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { DUO } from '../../src/consent/duo-vocabulary.js';
import { assessUse, consentKey, type ConsentModifier, type ConsentRules, type ResearchPurpose, type UseOutcome } from '../../src/consent/use-assessment.js';

const owl = readFileSync(new URL('../../data/standards/duo/duo.owl', import.meta.url), 'utf8');

const CANCER = 'MONDO:0004992';
const AML = 'MONDO:0018874';
const AML_NPM1 = 'MONDO:0044923';
const ALL = 'MONDO:0004967';
const EPILEPSY = 'MONDO:0005027';
const CHILDHOOD_ABSENCE_EPILEPSY = 'MONDO:0010826';
const CARDIOMYOPATHY = 'MONDO:0004994';
const HCM = 'MONDO:0005045';
const DIABETES_MELLITUS = 'MONDO:0005015';
const TYPE_2_DIABETES = 'MONDO:0005148';
// Outside the rare-disease subset of the shipped extract: its superclasses are not known.
const TYPE_1_DIABETES = 'MONDO:0005147';
const ASTHMA = 'MONDO:0004979';
const OBSOLETE_GRU_CC = 'DUO:0000005';
const OBSOLETE_RU = 'DUO:0000014';

const BEFORE_MORATORIUM = new Date('2026-11-23T12:00:00Z');
const AFTER_MORATORIUM = new Date('2027-07-01T00:00:00Z');

/** A not-for-profit health researcher in Sweden, with nothing special about the work. */
const basePurpose: ResearchPurpose = {
  primaryPurpose: 'HEALTH_MEDICAL_BIOMEDICAL',
  diseases: [],
  commercial: false,
  forProfitOrganisation: false,
  country: 'SE',
  methodsDevelopment: false,
  ancestryResearch: false,
  nonGeneticResearch: false,
  clinicalCare: false,
  researchType: null,
  requesterId: null,
  institutionId: null,
  projectId: null,
};

function consent(permission: string, modifiers: ConsentModifier[] = [], diseaseRestrictions: string[] = []): ConsentRules {
  return { permission, modifiers, diseaseRestrictions };
}

interface Row {
  name: string;
  /** The DUO term whose definition (or, where marked, comment/label) the row follows, with a quote from the release. */
  cite: string;
  consent: ConsentRules;
  purpose?: Partial<ResearchPurpose>;
  today?: Date;
  permitted: boolean;
  /** Defaults to PERMITTED or NOT_PERMITTED after `permitted`. */
  outcome?: UseOutcome;
  reasons?: string[];
  /** The conditions that apply if permitted (reported as `conditions` only when permitted). */
  conditions?: string[];
}

const rows: Row[] = [
  // --- permissions -------------------------------------------------------------------------------------
  {
    name: 'NRES allows any purpose, anywhere, commercially, in care',
    cite: 'DUO:0000004 "indicates there is no restriction on use"',
    consent: consent(DUO.NRES),
    purpose: { primaryPurpose: 'GENERAL_RESEARCH', commercial: true, forProfitOrganisation: true, country: 'US', ancestryResearch: true, clinicalCare: true, methodsDevelopment: true },
    permitted: true,
  },
  {
    name: 'GRU allows general research',
    cite: 'DUO:0000042 "use is allowed for general research use for any research purpose"',
    consent: consent(DUO.GRU),
    purpose: { primaryPurpose: 'GENERAL_RESEARCH' },
    permitted: true,
  },
  {
    name: 'GRU allows ancestry research',
    cite: 'DUO:0000042 (comment) "the study of population origins or ancestry"',
    consent: consent(DUO.GRU),
    purpose: { primaryPurpose: 'POPULATION_ORIGINS_ANCESTRY' },
    permitted: true,
  },
  {
    name: 'GRU allows methods development',
    cite: 'DUO:0000042 (comment) "statistical methods and algorithms development"',
    consent: consent(DUO.GRU),
    purpose: { methodsDevelopment: true },
    permitted: true,
  },
  {
    name: 'GRU is research only: clinical care is blocked',
    cite: 'DUO:0000042 "general research use for any research purpose"',
    consent: consent(DUO.GRU),
    purpose: { clinicalCare: true },
    permitted: false,
    reasons: [DUO.GRU],
  },
  {
    name: 'GRU + CC allows clinical care',
    cite: 'DUO:0000043 "use is allowed for clinical use and care"',
    consent: consent(DUO.GRU, [{ code: DUO.CC }]),
    purpose: { clinicalCare: true },
    permitted: true,
  },
  {
    name: 'HMB allows health research',
    cite: 'DUO:0000006 "use is allowed for health/medical/biomedical purposes"',
    consent: consent(DUO.HMB),
    permitted: true,
  },
  {
    name: 'HMB blocks general (non-health) research',
    cite: 'DUO:0000006 "use is allowed for health/medical/biomedical purposes"',
    consent: consent(DUO.HMB),
    purpose: { primaryPurpose: 'GENERAL_RESEARCH' },
    permitted: false,
    reasons: [DUO.HMB],
  },
  {
    name: 'HMB blocks population-origins research',
    cite: 'DUO:0000006 "does not include the study of population origins or ancestry"',
    consent: consent(DUO.HMB),
    purpose: { primaryPurpose: 'POPULATION_ORIGINS_ANCESTRY' },
    permitted: false,
    reasons: [DUO.HMB],
  },
  {
    name: 'HMB blocks an ancestry aspect of a health study',
    cite: 'DUO:0000006 "does not include the study of population origins or ancestry"',
    consent: consent(DUO.HMB),
    purpose: { ancestryResearch: true },
    permitted: false,
    reasons: [DUO.HMB],
  },
  {
    name: 'HMB allows disease-specific research',
    cite: 'DUO:0000006 "use is allowed for health/medical/biomedical purposes"',
    consent: consent(DUO.HMB),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [EPILEPSY] },
    permitted: true,
  },
  {
    name: 'HMB without CC blocks clinical care',
    cite: 'DUO:0000043 "use is allowed for clinical use and care"',
    consent: consent(DUO.HMB),
    purpose: { clinicalCare: true },
    permitted: false,
    reasons: [DUO.HMB],
  },
  {
    name: 'DS cancer covers AML (cancer > ... > AML in MONDO)',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [AML] },
    permitted: true,
  },
  {
    name: 'DS cancer covers breast cancer (MONDO: breast cancer is a cancer)',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0007254'] },
    permitted: true,
  },
  {
    name: 'DS cancer covers AML with mutated NPM1, three levels down',
    cite: 'DUO:0000007 "related to the specified disease"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [AML_NPM1] },
    permitted: true,
  },
  {
    name: 'DS AML does not cover the broader cancer',
    cite: 'DUO:0000007 "related to the specified disease"',
    consent: consent(DUO.DS, [], [AML]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [CANCER] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS AML does not cover the sibling ALL',
    cite: 'DUO:0000007 "related to the specified disease"',
    consent: consent(DUO.DS, [], [AML]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [ALL] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS AML+ALL covers a purpose given as an Orphanet IRI (exact match to MONDO)',
    cite: 'DUO:0000007 (comment) "DUO recommends MONDO be used, to provide the basis for automated evaluation"',
    consent: consent(DUO.DS, [], ['http://purl.obolibrary.org/obo/MONDO_0018874', 'http://purl.obolibrary.org/obo/MONDO_0004967']),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['http://www.orpha.net/ORDO/Orphanet_519'] },
    permitted: true,
  },
  {
    name: 'DS epilepsy covers childhood absence epilepsy',
    cite: 'DUO:0000007 "related to the specified disease"',
    consent: consent(DUO.DS, [], [EPILEPSY]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [CHILDHOOD_ABSENCE_EPILEPSY] },
    permitted: true,
  },
  {
    name: 'DS epilepsy blocks a study that also covers cardiomyopathy',
    cite: 'DUO:0000007 "related to the specified disease"',
    consent: consent(DUO.DS, [], [EPILEPSY]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [EPILEPSY, HCM] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS blocks a health purpose that names no disease',
    cite: 'DUO:0000007 "related to the specified disease"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'HEALTH_MEDICAL_BIOMEDICAL', diseases: [] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS (a subclass of HMB) blocks ancestry research even within the disease',
    cite: 'DUO:0000006 "does not include the study of population origins or ancestry"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'POPULATION_ORIGINS_ANCESTRY', diseases: [AML] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS blocks general research on the disease',
    cite: 'DUO:0000006 "use is allowed for health/medical/biomedical purposes"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'GENERAL_RESEARCH', diseases: [AML] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS cardiomyopathy cannot decide an ICD-10 code MONDO does not map: needs review',
    cite: 'DUO:0000007 (comment) "this may require an extra mapping step"',
    consent: consent(DUO.DS, [], [CARDIOMYOPATHY]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['http://id.who.int/icd/release/10/C92.0'] },
    permitted: false,
    outcome: 'NEEDS_REVIEW',
    reasons: [DUO.DS],
  },
  {
    name: 'DS cancer cannot decide a MONDO code the release does not have: needs review',
    cite: 'DUO:0000007 (comment) "this may require an extra mapping step"',
    consent: consent(DUO.DS, [{ code: DUO.IRB }], [CANCER]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:9999999'] },
    permitted: false,
    outcome: 'NEEDS_REVIEW',
    reasons: [DUO.DS],
    conditions: [DUO.IRB],
  },
  {
    name: 'DS cancer cannot decide an obsolete MONDO code: needs review',
    cite: 'DUO:0000007 (comment) "this may require an extra mapping step"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0000002'] },
    permitted: false,
    outcome: 'NEEDS_REVIEW',
    reasons: [DUO.DS],
  },
  {
    name: 'DS cancer with one covered and one unknown disease: needs review',
    cite: 'DUO:0000007 (comment) "this may require an extra mapping step"',
    consent: consent(DUO.DS, [], [CANCER]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0007254', 'MONDO:9999999'] },
    permitted: false,
    outcome: 'NEEDS_REVIEW',
    reasons: [DUO.DS],
  },
  {
    name: 'DS AML with a disease outside it and an unknown one: not permitted, one DS reason',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], [AML]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [EPILEPSY, 'MONDO:9999999'] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS diabetes mellitus covers type 2 diabetes (placed under it in the shipped MONDO)',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], [DIABETES_MELLITUS]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [TYPE_2_DIABETES] },
    permitted: true,
  },
  {
    name: 'DS diabetes mellitus cannot rule out type 1 diabetes, whose superclasses the extract lacks: needs review',
    cite: 'DUO:0000007 (comment) "this may require an extra mapping step"',
    consent: consent(DUO.DS, [], [DIABETES_MELLITUS]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [TYPE_1_DIABETES] },
    permitted: false,
    outcome: 'NEEDS_REVIEW',
    reasons: [DUO.DS],
  },
  {
    name: 'DS asthma (superclasses unknown) still rules out breast cancer, whose every ancestor is known',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], [ASTHMA]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0007254'] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS type 1 diabetes does not cover the broader diabetes mellitus',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], [TYPE_1_DIABETES]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [DIABETES_MELLITUS] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS on a local ICD-10 term covers the same code',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], ['ICD10:C92.0']),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['http://id.who.int/icd/release/10/C92.0'] },
    permitted: true,
  },
  {
    name: 'DS on an ICD-10 category covers the codes within it',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], ['http://id.who.int/icd/release/10/C92']),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['ICD10:C92.0', 'ICD-10:C92.01'] },
    permitted: true,
  },
  {
    name: 'DS on an ICD-10 category rules out a code of another category',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], ['ICD10:C92']),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['ICD10:C91.0'] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS on an ICD-10 subcategory does not cover its broader category',
    cite: 'DUO:0000007 "use is allowed provided it is related to the specified disease"',
    consent: consent(DUO.DS, [], ['ICD10:C92.0']),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['ICD10:C92'] },
    permitted: false,
    reasons: [DUO.DS],
  },
  {
    name: 'DS on an ICD-10 category cannot decide a MONDO class: needs review',
    cite: 'DUO:0000007 (comment) "this may require an extra mapping step"',
    consent: consent(DUO.DS, [], ['ICD10:C92']),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [AML] },
    permitted: false,
    outcome: 'NEEDS_REVIEW',
    reasons: [DUO.DS],
  },
  {
    name: 'GRU does not depend on the diseases, so an unknown code changes nothing',
    cite: 'DUO:0000042 "use is allowed for general research use for any research purpose"',
    consent: consent(DUO.GRU),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:9999999'] },
    permitted: true,
  },
  {
    name: 'DS matches across IRI and underscore spellings',
    cite: 'DUO:0000007 "related to the specified disease"',
    consent: consent('http://purl.obolibrary.org/obo/DUO_0000007', [], ['http://purl.obolibrary.org/obo/MONDO_0004992']),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO_0018874'] },
    permitted: true,
  },
  {
    name: 'POA allows ancestry research',
    cite: 'DUO:0000011 "use of the data is limited to the study of population origins or ancestry"',
    consent: consent(DUO.POA),
    purpose: { primaryPurpose: 'POPULATION_ORIGINS_ANCESTRY' },
    permitted: true,
  },
  {
    name: 'POA blocks health research',
    cite: 'DUO:0000011 "limited to the study of population origins or ancestry"',
    consent: consent(DUO.POA),
    permitted: false,
    reasons: [DUO.POA],
  },
  // --- commercial / for-profit --------------------------------------------------------------------------
  {
    name: 'NCU blocks commercial use',
    cite: 'DUO:0000046 "use of the data is limited to not-for-profit use"',
    consent: consent(DUO.GRU, [{ code: DUO.NCU }]),
    purpose: { commercial: true },
    permitted: false,
    reasons: [DUO.NCU],
  },
  {
    name: 'NCU allows research by a for-profit organisation',
    cite: 'DUO:0000046 (comment) "data can be used by commercial organisations for research purposes, but not commercial purposes"',
    consent: consent(DUO.GRU, [{ code: DUO.NCU }]),
    purpose: { forProfitOrganisation: true },
    permitted: true,
  },
  {
    name: 'NPU blocks for-profit organisations',
    cite: 'DUO:0000045 "use of the data is limited to not-for-profit organizations"',
    consent: consent(DUO.GRU, [{ code: DUO.NPU }]),
    purpose: { forProfitOrganisation: true },
    permitted: false,
    reasons: [DUO.NPU],
  },
  {
    name: 'NPU allows commercial use by a not-for-profit organisation',
    cite: 'DUO:0000045 "limited to not-for-profit organizations"',
    consent: consent(DUO.GRU, [{ code: DUO.NPU }]),
    purpose: { commercial: true },
    permitted: true,
  },
  {
    name: 'NPUNCU blocks a commercial for-profit use',
    cite: 'DUO:0000018 "limited to not-for-profit organizations and not-for-profit use, non-commercial use"',
    consent: consent(DUO.GRU, [{ code: DUO.NPUNCU }]),
    purpose: { commercial: true, forProfitOrganisation: true },
    permitted: false,
    reasons: [DUO.NPUNCU],
  },
  // --- geography ----------------------------------------------------------------------------------------
  {
    name: 'GS SE blocks use in Norway',
    cite: 'DUO:0000022 "use is limited to within a specific geographic region"',
    consent: consent(DUO.HMB, [{ code: DUO.GS, value: 'SE' }]),
    purpose: { country: 'NO' },
    permitted: false,
    reasons: [DUO.GS],
  },
  {
    name: 'GS EU-EEA allows use in Norway (EEA)',
    cite: 'DUO:0000022 "limited to within a specific geographic region"',
    consent: consent(DUO.HMB, [{ code: DUO.GS, value: 'EU-EEA' }]),
    purpose: { country: 'NO' },
    permitted: true,
  },
  {
    name: 'GS EU blocks use in Norway (not an EU member)',
    cite: 'DUO:0000022 "limited to within a specific geographic region"',
    consent: consent(DUO.HMB, [{ code: DUO.GS, value: 'EU' }]),
    purpose: { country: 'no' },
    permitted: false,
    reasons: [DUO.GS],
  },
  {
    name: 'GS SE/EU-EEA allows use in Germany',
    cite: 'DUO:0000022 "limited to within a specific geographic region"',
    consent: consent(DUO.HMB, [{ code: DUO.GS, value: 'SE/EU-EEA' }]),
    purpose: { country: 'DE' },
    permitted: true,
  },
  {
    name: 'GS with an unknown location becomes a condition',
    cite: 'DUO:0000022 (comment) "coupled with an ontology term describing the geographical location"',
    consent: consent(DUO.HMB, [{ code: DUO.GS, value: 'EU-EEA' }]),
    purpose: { country: null },
    permitted: true,
    conditions: [DUO.GS],
  },
  {
    name: 'GS, NCU and NPOA all reported at once',
    cite: 'DUO:0000044 "use for purposes of population, origin, or ancestry research is prohibited"',
    consent: consent(DUO.GRU, [{ code: DUO.GS, value: 'SE' }, { code: DUO.NCU }, { code: DUO.NPOA }]),
    purpose: { country: 'US', commercial: true, primaryPurpose: 'POPULATION_ORIGINS_ANCESTRY' },
    permitted: false,
    reasons: [DUO.GS, DUO.NCU, DUO.NPOA],
  },
  // --- time ---------------------------------------------------------------------------------------------
  {
    name: 'TS is an obligation, not a block',
    cite: 'DUO:0000025 "use is approved for a specific number of months"',
    consent: consent(DUO.HMB, [{ code: DUO.TS, value: '36' }]),
    permitted: true,
    conditions: [DUO.TS],
  },
  {
    name: 'MOR before its date: no publication before it',
    cite: 'DUO:0000024 "requestor agrees not to publish results of studies until a specific date"',
    consent: consent(DUO.HMB, [{ code: DUO.MOR, value: '2027-06-30' }]),
    today: BEFORE_MORATORIUM,
    permitted: true,
    conditions: [DUO.MOR],
  },
  {
    name: 'MOR after its date: nothing left to honour',
    cite: 'DUO:0000024 "not to publish results of studies until a specific date"',
    consent: consent(DUO.HMB, [{ code: DUO.MOR, value: '2027-06-30' }]),
    today: AFTER_MORATORIUM,
    permitted: true,
    conditions: [],
  },
  // --- obligations --------------------------------------------------------------------------------------
  {
    name: 'IRB, PUB, COL and RTN are conditions',
    cite: 'DUO:0000021 "the requestor must provide documentation of local IRB/ERB approval"',
    consent: consent(DUO.HMB, [{ code: DUO.IRB }, { code: DUO.PUB }, { code: DUO.COL, value: 'PI: example' }, { code: DUO.RTN }]),
    permitted: true,
    conditions: [DUO.IRB, DUO.PUB, DUO.COL, DUO.RTN],
  },
  {
    name: 'US with listed users blocks someone else',
    cite: 'DUO:0000026 "use is limited to use by approved users"',
    consent: consent(DUO.HMB, [{ code: DUO.US, value: 'alice, bob' }]),
    purpose: { requesterId: 'carol' },
    permitted: false,
    reasons: [DUO.US],
  },
  {
    name: 'IS with the listed institution is satisfied',
    cite: 'DUO:0000028 "use is limited to use within an approved institution"',
    consent: consent(DUO.HMB, [{ code: DUO.IS, value: 'ki.se; uu.se' }]),
    purpose: { institutionId: 'KI.se' },
    permitted: true,
    conditions: [],
  },
  {
    name: 'PS without a list needs project approval',
    cite: 'DUO:0000027 "use is limited to use within an approved project"',
    consent: consent(DUO.HMB, [{ code: DUO.PS }]),
    purpose: { projectId: 'proj-1' },
    permitted: true,
    conditions: [DUO.PS],
  },
  {
    name: 'RS matches the named research type',
    cite: 'DUO:0000012 "use is limited to studies of a certain research type"',
    consent: consent(DUO.HMB, [{ code: DUO.RS, value: 'EDAM:topic_3574' }]),
    purpose: { researchType: 'edam:topic_3574' },
    permitted: true,
  },
  {
    name: 'RS blocks another research type',
    cite: 'DUO:0000012 "limited to studies of a certain research type"',
    consent: consent(DUO.HMB, [{ code: DUO.RS, value: 'EDAM:topic_3574' }]),
    purpose: { researchType: 'EDAM:topic_3400' },
    permitted: false,
    reasons: [DUO.RS],
  },
  {
    name: 'RS with the type unknown becomes a condition',
    cite: 'DUO:0000012 "limited to studies of a certain research type"',
    consent: consent(DUO.HMB, [{ code: DUO.RS, value: 'EDAM:topic_3574' }]),
    permitted: true,
    conditions: [DUO.RS],
  },
  // --- scope modifiers ----------------------------------------------------------------------------------
  {
    name: 'GSO blocks phenotype-only research',
    cite: 'DUO:0000016 "not phenotype research exclusively"',
    consent: consent(DUO.HMB, [{ code: DUO.GSO }]),
    purpose: { nonGeneticResearch: true },
    permitted: false,
    reasons: [DUO.GSO],
  },
  {
    name: 'GSO allows genetic research',
    cite: 'DUO:0000016 "studies that include genotype research alone or both genotype and phenotype research"',
    consent: consent(DUO.HMB, [{ code: DUO.GSO }]),
    permitted: true,
  },
  {
    name: 'NMDS blocks methods development',
    cite: 'DUO:0000015 "use does not allow methods development research"',
    consent: consent(DUO.HMB, [{ code: DUO.NMDS }]),
    purpose: { methodsDevelopment: true },
    permitted: false,
    reasons: [DUO.NMDS],
  },
  {
    name: 'NMDS blocks methods work even within the DS disease (the definition has no exception)',
    cite: 'DUO:0000015 "use does not allow methods development research"',
    consent: consent(DUO.DS, [{ code: DUO.NMDS }], [CANCER]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [AML], methodsDevelopment: true },
    permitted: false,
    reasons: [DUO.NMDS],
  },
  {
    name: 'NMDS and DS both block methods work on another disease',
    cite: 'DUO:0000015 "use does not allow methods development research"',
    consent: consent(DUO.DS, [{ code: DUO.NMDS }], [AML]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [EPILEPSY], methodsDevelopment: true },
    permitted: false,
    reasons: [DUO.DS, DUO.NMDS],
  },
  {
    name: 'NPOA blocks an ancestry aspect under GRU',
    cite: 'DUO:0000044 "use for purposes of population, origin, or ancestry research is prohibited"',
    consent: consent(DUO.GRU, [{ code: DUO.NPOA }]),
    purpose: { ancestryResearch: true },
    permitted: false,
    reasons: [DUO.NPOA],
  },
  // --- codes that never match ---------------------------------------------------------------------------
  {
    name: 'obsolete permission GRU-CC never matches',
    cite: 'DUO:0000005 (label) "obsolete general research use and clinical care"',
    consent: consent(OBSOLETE_GRU_CC),
    permitted: false,
    reasons: [OBSOLETE_GRU_CC],
  },
  {
    name: 'obsolete modifier RU never matches',
    cite: 'DUO:0000014 (label) "obsolete research use only"',
    consent: consent(DUO.GRU, [{ code: OBSOLETE_RU }]),
    permitted: false,
    reasons: [OBSOLETE_RU],
  },
  {
    name: 'a modifier in the permission slot never matches',
    cite: 'DUO:0000017 "Data use modifiers indicate additional conditions for use."',
    consent: consent(DUO.NCU),
    permitted: false,
    reasons: [DUO.NCU],
  },
  {
    name: 'a permission in the modifier list never matches',
    cite: 'DUO:0000001 (label) "data use permission"',
    consent: consent(DUO.GRU, [{ code: DUO.HMB }]),
    permitted: false,
    reasons: [DUO.HMB],
  },
  {
    name: 'an unknown code never matches',
    cite: 'DUO:0000001 "relates to the purposes for which datasets and/or material might be removed, stored or used"',
    consent: consent(DUO.GRU, [{ code: 'DUO:9999999' }]),
    permitted: false,
    reasons: ['DUO:9999999'],
  },
  // --- seed-shaped consents -----------------------------------------------------------------------------
  {
    name: 'seed rare-disease WGS consent (HMB, IRB, GS SE/EU-EEA, NPOA) for Swedish health research',
    cite: 'DUO:0000021 "must provide documentation of local IRB/ERB approval"',
    consent: consent(DUO.HMB, [{ code: DUO.IRB }, { code: DUO.GS, value: 'SE/EU-EEA' }, { code: DUO.NPOA }]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [EPILEPSY] },
    permitted: true,
    conditions: [DUO.IRB],
  },
  {
    name: 'seed acute-leukaemia consent (DS AML+ALL, IRB, COL, PUB, MOR) for NPM1 AML research',
    cite: 'DUO:0000020 "the requestor must agree to collaboration with the primary study investigator(s)"',
    consent: consent(DUO.DS, [{ code: DUO.IRB }, { code: DUO.COL }, { code: DUO.PUB }, { code: DUO.MOR, value: '2027-06-30' }], [AML, ALL]),
    purpose: { primaryPurpose: 'DISEASE_SPECIFIC', diseases: [AML_NPM1] },
    today: BEFORE_MORATORIUM,
    permitted: true,
    conditions: [DUO.IRB, DUO.COL, DUO.PUB, DUO.MOR],
  },
  {
    name: 'every reason is reported: HMB, NCU, GS and GSO together',
    cite: 'DUO:0000006 "use is allowed for health/medical/biomedical purposes"',
    consent: consent(DUO.HMB, [{ code: DUO.NCU }, { code: DUO.GS, value: 'SE' }, { code: DUO.GSO }, { code: DUO.IRB }]),
    purpose: { primaryPurpose: 'GENERAL_RESEARCH', commercial: true, country: 'US', nonGeneticResearch: true },
    permitted: false,
    reasons: [DUO.HMB, DUO.NCU, DUO.GS, DUO.GSO],
    conditions: [DUO.IRB],
  },
];

const uniqueSorted = (codes: string[]) => [...new Set(codes)].sort();

describe('assessUse', () => {
  it('has a table of at least 45 purpose × consent cases', () => {
    expect(rows.length).toBeGreaterThanOrEqual(45);
  });

  it.each(rows)('$name', (row) => {
    const result = assessUse(row.consent, { ...basePurpose, ...row.purpose }, row.today ?? BEFORE_MORATORIUM);
    expect(result.permitted).toBe(row.permitted);
    expect(result.outcome).toBe(row.outcome ?? (row.permitted ? 'PERMITTED' : 'NOT_PERMITTED'));
    // One reason per term, never repeated.
    expect(result.reasons.map((r) => r.code).sort()).toEqual(uniqueSorted(row.reasons ?? []));
    expect(uniqueSorted(result.conditionsIfPermitted.map((c) => c.code))).toEqual(uniqueSorted(row.conditions ?? []));
    expect(result.conditions).toEqual(row.permitted ? result.conditionsIfPermitted : []);
    for (const entry of [...result.reasons, ...result.conditions]) expect(entry.description.length).toBeGreaterThan(10);
  });

  it.each(rows)('cites the release for "$name"', ({ cite }) => {
    const match = /^(DUO:\d{7})(?: \((?:comment|label)\))? "(.+)"$/.exec(cite);
    expect(match, cite).not.toBeNull();
    const [, code, quote] = match as RegExpExecArray;
    const block = new RegExp(`rdf:about="http://purl\\.obolibrary\\.org/obo/DUO_0?${code.slice(4)}">([\\s\\S]*?)</owl:Class>`).exec(owl);
    expect(block?.[1], `${code} block`).toContain(quote);
  });

  it('gives shorthand and value with each condition', () => {
    const result = assessUse(consent(DUO.HMB, [{ code: DUO.TS, value: '36' }, { code: DUO.GS, value: 'EU-EEA' }]), { ...basePurpose, country: null });
    expect(result.conditions.map(({ code, shorthand, value }) => ({ code, shorthand, value }))).toEqual([
      { code: DUO.TS, shorthand: 'TS', value: '36' },
      { code: DUO.GS, shorthand: 'GS', value: 'EU-EEA' },
    ]);
    expect(result.conditions[0].description).toMatch(/36 months/);
  });

  it('says which disease the shipped hierarchy cannot place when a DS decision needs review', () => {
    const [reason] = assessUse(consent(DUO.DS, [], [DIABETES_MELLITUS]), { ...basePurpose, primaryPurpose: 'DISEASE_SPECIFIC', diseases: [TYPE_1_DIABETES] }).reasons;
    expect(reason.outcome).toBe('NEEDS_REVIEW');
    expect(reason.description).toMatch(/does not say which classes type 1 diabetes mellitus \(MONDO:0005147\) falls under/);
  });

  it('explains a DS refusal with the diseases involved', () => {
    const [reason] = assessUse(consent(DUO.DS, [], [AML]), { ...basePurpose, primaryPurpose: 'DISEASE_SPECIFIC', diseases: [ALL] }).reasons;
    expect(reason).toMatchObject({ code: DUO.DS, shorthand: 'DS' });
    expect(reason.description).toMatch(/acute myeloid leukemia \(MONDO:0018874\)/);
    expect(reason.description).toMatch(/acute lymphoblastic leukemia \(MONDO:0004967\) is outside it/);
  });
});

describe('consentKey', () => {
  const a = consent(DUO.DS, [{ code: DUO.IRB }, { code: DUO.GS, value: 'SE' }], [AML, ALL]);

  it('is a sha1 hex digest', () => {
    expect(consentKey(a)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('ignores order and the spelling of codes and disease ids', () => {
    const b = consent(
      'http://purl.obolibrary.org/obo/DUO_0000007',
      [{ code: 'GS', value: ' SE ' }, { code: 'http://purl.obolibrary.org/obo/DUO_0000021', value: null }],
      ['http://purl.obolibrary.org/obo/MONDO_0004967', 'Orphanet:519'],
    );
    expect(consentKey(b)).toBe(consentKey(a));
  });

  it('differs when the meaning differs', () => {
    expect(consentKey(consent(DUO.DS, [{ code: DUO.IRB }, { code: DUO.GS, value: 'NO' }], [AML, ALL]))).not.toBe(consentKey(a));
    expect(consentKey(consent(DUO.DS, [{ code: DUO.IRB }, { code: DUO.GS, value: 'SE' }], [AML]))).not.toBe(consentKey(a));
    expect(consentKey(consent(DUO.HMB, [{ code: DUO.IRB }, { code: DUO.GS, value: 'SE' }]))).not.toBe(consentKey(a));
  });
});
