import { isMediaType } from '../core/validation.js';
import { isHttpIri } from './iris.js';
import { ns } from './namespaces.js';

/**
 * Controlled-vocabulary terms the catalogue's RDF points at, with the labels we state for them. DCAT-AP 3
 * checks ranges with sh:class, so every term is typed (and labelled) in our own output; the labels here are
 * the vocabularies' own English labels.
 */

/** Namespaces used only in values (never as predicates of ours), on top of ./namespaces.ts. */
export const valuePrefixes = {
  'eu-gdpr': 'https://w3id.org/dpv/legal/eu/gdpr#',
  r3d: 'http://www.re3data.org/schema/3-0#',
  wd: 'http://www.wikidata.org/entity/',
  obo: 'http://purl.obolibrary.org/obo/',
  edam: 'http://edamontology.org/',
} as const satisfies Record<string, string>;

export const r3d = ns(valuePrefixes.r3d);

/** EU regulations, as ELI IRIs (the range of dcatap:applicableLegislation is eli:LegalResource). */
export const legislation = {
  gdpr: { iri: 'http://data.europa.eu/eli/reg/2016/679/oj', title: 'Regulation (EU) 2016/679 (General Data Protection Regulation)' },
  ehds: { iri: 'http://data.europa.eu/eli/reg/2025/327/oj', title: 'Regulation (EU) 2025/327 on the European Health Data Space' },
} as const;

const EU_AUTHORITY = 'http://publications.europa.eu/resource/authority/';

export const dataThemeScheme = { iri: `${EU_AUTHORITY}data-theme`, title: 'Data theme' };

// The EU data-theme table's own English labels.
const dataThemeLabels: [string, string][] = [
  ['AGRI', 'Agriculture, fisheries, forestry and food'],
  ['ECON', 'Economy and finance'],
  ['EDUC', 'Education, culture and sport'],
  ['ENER', 'Energy'],
  ['ENVI', 'Environment'],
  ['GOVE', 'Government and public sector'],
  ['HEAL', 'Health'],
  ['INTR', 'International issues'],
  ['JUST', 'Justice, legal system and public safety'],
  ['REGI', 'Regions and cities'],
  ['SOCI', 'Population and society'],
  ['TECH', 'Science and technology'],
  ['TRAN', 'Transport'],
];

const knownConceptLabels = new Map<string, string>([
  ...dataThemeLabels.map(([code, label]): [string, string] => [`${EU_AUTHORITY}data-theme/${code}`, label]),
  [`${EU_AUTHORITY}access-right/PUBLIC`, 'public'],
  [`${EU_AUTHORITY}access-right/RESTRICTED`, 'restricted'],
  [`${EU_AUTHORITY}access-right/NON_PUBLIC`, 'non-public'],
]);

/**
 * The label of a controlled-vocabulary term: its own English label when we know it, else the last segment
 * of its IRI (skos:Concept needs a skos:prefLabel, and the code is what the vocabulary calls it).
 */
export function conceptLabel(iri: string): string {
  return knownConceptLabels.get(iri) ?? iri.replace(/[/#]+$/, '').split(/[/#]/).pop() ?? iri;
}

/** The vocabulary's own English label of a term, or null when we do not know it (no code stands in). */
export function knownConceptLabel(iri: string): string | null {
  return knownConceptLabels.get(iri) ?? null;
}

/**
 * Format names to the EU file-type authority table (the vocabulary DCAT-AP names for dct:format). The table
 * has no entries for genomics formats (CRAM, BAM, VCF, FASTQ...): those are described by their EDAM format
 * in dct:conformsTo instead, and get no dct:format rather than a wrong one.
 */
const euFileTypes = new Map([
  ['TSV', 'TSV'],
  ['CSV', 'CSV'],
  ['JSON', 'JSON'],
  ['XML', 'XML'],
  ['PDF', 'PDF'],
  ['TXT', 'TXT'],
  ['HTML', 'HTML'],
  ['XLSX', 'XLSX'],
  ['ZIP', 'ZIP'],
  ['GZIP', 'GZIP'],
  ['TAR', 'TAR'],
  ['PARQUET', 'PARQUET'],
]);

export function euFileType(label: string): { iri: string; label: string } | null {
  const code = euFileTypes.get(label.trim().toUpperCase());
  return code ? { iri: `${EU_AUTHORITY}file-type/${code}`, label: code } : null;
}

/** ISO 639-1 codes (as the catalogue stores languages) to the EU language authority table. */
const euLanguages = new Map([
  ['sv', 'SWE'],
  ['en', 'ENG'],
  ['fi', 'FIN'],
  ['da', 'DAN'],
  ['no', 'NOR'],
  ['nb', 'NOB'],
  ['nn', 'NNO'],
  ['de', 'DEU'],
  ['fr', 'FRA'],
]);

/** Where IANA's media types have their IRIs (dcat:mediaType ranges over them). */
export const ianaMediaTypes = 'http://www.iana.org/assignments/media-types/';

/**
 * The media type a source's dcat:mediaType names (an IANA IRI, over http or https, or a literal), in lower
 * case; null when it names none we can state again (a file-type label, a type with parameters).
 */
export function mediaTypeNamed(value: string | null): string | null {
  if (value === null) return null;
  const named = value.trim().replace(/^https?:\/\/www\.iana\.org\/assignments\/media-types\//i, '').toLowerCase();
  return isMediaType(named) ? named : null;
}

export function euLanguage(code: string): string | null {
  const authorityCode = euLanguages.get(code.trim().toLowerCase());
  return authorityCode ? `${EU_AUTHORITY}language/${authorityCode}` : null;
}

/**
 * HealthDCAT-AP health categories (the EHDS Article 51 data categories). Release 6 names this
 * provisional server as the vocabulary's home until the Publications Office publishes it.
 */
const HEALTH_CATEGORIES = 'http://13.81.34.152:1101/resource/authority/healthcategories/';
export const healthCategory = {
  humanGenomic: { iri: `${HEALTH_CATEGORIES}HGPD`, label: 'Human genetic, epigenomic and genomic data' },
  otherHumanMolecular: {
    iri: `${HEALTH_CATEGORIES}HPML`,
    label: 'Other human molecular data such as proteomic, transcriptomic, metabolomic, lipidomic and other omic data',
  },
  pathogen: { iri: `${HEALTH_CATEGORIES}RPDG`, label: 'Data on pathogens that impact human health' },
} as const;

/** dct:type of datasets about people: HealthDCAT-AP asks health datasets with personal data to say so. */
export const personalDataType = { iri: `${EU_AUTHORITY}dataset-type/PERSONAL_DATA`, label: 'Personal data' };

/** ADMS status vocabulary: how harvesters learn that a dataset was withdrawn. */
export const admsStatus = {
  scheme: 'http://purl.org/adms/status/1.0',
  completed: { iri: 'http://purl.org/adms/status/Completed', label: 'Completed' },
  withdrawn: { iri: 'http://purl.org/adms/status/Withdrawn', label: 'Withdrawn' },
} as const;

/** ISO 19115 role codes, the roles HealthDCAT-AP uses in prov:qualifiedAttribution. */
const ISO_19115_ROLES = 'https://standards.iso.org/iso/19115/resources/Codelists/gml/CI_RoleCode.xml#';
export const attributionRole = {
  custodian: `${ISO_19115_ROLES}custodian`,
  contributor: `${ISO_19115_ROLES}contributor`,
} as const;

/** DPV purposes: every DUO permission is a research use; DUO's non-commercial modifier narrows it. */
const DPV = 'https://w3id.org/dpv#';
export const dpvPurpose = {
  research: `${DPV}ResearchAndDevelopment`,
  nonCommercialResearch: `${DPV}NonCommercialResearch`,
} as const;

/**
 * A GDPR legal basis as a DPV IRI. The catalogue stores DPV compact names (`eu-gdpr:A6-1-e`, `dpv:Consent`)
 * or full IRIs; anything else is not an IRI we could vouch for.
 */
export function legalBasisIri(value: string): string | null {
  const text = value.trim();
  if (isHttpIri(text)) return text;
  const compact = /^(eu-gdpr|dpv):([A-Za-z0-9-]+)$/.exec(text);
  if (!compact) return null;
  return (compact[1] === 'dpv' ? DPV : valuePrefixes['eu-gdpr']) + compact[2];
}

/** Wikidata properties of the coding systems (HealthDCAT-AP asks for Wikidata IRIs in hasCodingSystem). */
const codingSystems = new Map([
  ['MONDO', `${valuePrefixes.wd}P5270`],
  ['Orphanet', `${valuePrefixes.wd}P1550`],
  ['ICD10', `${valuePrefixes.wd}P494`],
  ['HP', `${valuePrefixes.wd}P3841`],
  ['NCBITaxon', `${valuePrefixes.wd}P685`],
  ['DOID', `${valuePrefixes.wd}P699`],
]);

// Prefix spellings in circulation, mapped to one per coding system.
const canonicalPrefixes = new Map([
  ['MONDO', 'MONDO'],
  ['ORPHA', 'Orphanet'],
  ['ORPHANET', 'Orphanet'],
  ['ICD10', 'ICD10'],
  ['ICD-10', 'ICD10'],
  ['ICD10WHO', 'ICD10'],
  ['HP', 'HP'],
  ['HPO', 'HP'],
  ['NCBITAXON', 'NCBITaxon'],
  ['DOID', 'DOID'],
]);

const OBO_PURL = /^https?:\/\/purl\.obolibrary\.org\/obo\/([A-Za-z][A-Za-z0-9]*)_(\S+)$/;
const ORPHANET_IRI = /^https?:\/\/www\.orpha\.net\/ORDO\/Orphanet_(\d+)$/;
// The WHO URI may carry a release year: http://id.who.int/icd/release/10/2019/C92.0
const ICD10_IRI = /^https?:\/\/id\.who\.int\/icd\/release\/10\/(?:\d{4}\/)?([A-Z]\d{2}(?:\.\d{1,2})?)$/;
const CURIE = /^([A-Za-z][A-Za-z0-9-]*)[:_](\S+)$/;

export interface CodedTerm {
  /** IRI of the term itself. */
  iri: string;
  /** Wikidata IRI of the coding system, when known. */
  codingSystem: string | null;
}

/**
 * The IRI and coding system of an ontology term stored as an IRI or CURIE (`MONDO:0005027`,
 * `http://www.orpha.net/ORDO/Orphanet_513`). Null when it is neither an IRI nor a CURIE we can expand.
 */
export function codedTerm(iriOrCurie: string): CodedTerm | null {
  const text = iriOrCurie.trim();
  const isIri = isHttpIri(text);
  const [prefix, local] = codeOf(text, isIri) ?? [];
  const iri = isIri ? text : prefix && local ? expand(prefix, local) : null;
  if (!iri) return null;
  return { iri, codingSystem: (prefix && codingSystems.get(prefix)) || null };
}

function codeOf(text: string, isIri: boolean): [string, string] | null {
  const orphanet = ORPHANET_IRI.exec(text);
  if (orphanet) return ['Orphanet', orphanet[1]!];
  const icd = ICD10_IRI.exec(text);
  if (icd) return ['ICD10', icd[1]!];
  const match = OBO_PURL.exec(text) ?? (isIri ? null : CURIE.exec(text));
  const prefix = match && canonicalPrefixes.get(match[1]!.toUpperCase());
  return prefix ? [prefix, match[2]!] : null;
}

function expand(prefix: string, local: string): string {
  switch (prefix) {
    case 'Orphanet':
      return `http://www.orpha.net/ORDO/Orphanet_${local}`;
    case 'ICD10':
      return `http://id.who.int/icd/release/10/${local}`;
    default:
      return `${valuePrefixes.obo}${prefix}_${local}`;
  }
}

/** The stored form of a DPV legal basis IRI (inverse of legalBasisIri): its compact name, else the IRI. */
export function compactLegalBasis(iri: string): string {
  if (iri.startsWith(valuePrefixes['eu-gdpr'])) return `eu-gdpr:${iri.slice(valuePrefixes['eu-gdpr'].length)}`;
  if (iri.startsWith(DPV)) return `dpv:${iri.slice(DPV.length)}`;
  return iri;
}

/** The ISO 639-1 code of an EU language authority IRI (inverse of euLanguage); null for others. */
export function languageCodeOf(iri: string): string | null {
  const authorityCode = iri.startsWith(`${EU_AUTHORITY}language/`) ? iri.slice(`${EU_AUTHORITY}language/`.length) : null;
  return [...euLanguages.entries()].find(([, code]) => code === authorityCode)?.[0] ?? null;
}

// How the catalogue names each coding system in a term's `system` (seed/example-catalogue.json).
const codingSystemNames = new Map([
  ['MONDO', 'MONDO'],
  ['Orphanet', 'ORPHA'],
  ['ICD10', 'ICD-10'],
  ['HP', 'HPO'],
  ['NCBITaxon', 'NCBITaxon'],
  ['DOID', 'DOID'],
]);

/** The catalogue's name of a coding system given as its Wikidata IRI (inverse of codedTerm's codingSystem). */
export function codingSystemName(wikidataIri: string | null): string | null {
  const prefix = [...codingSystems.entries()].find(([, iri]) => iri === wikidataIri)?.[0];
  return prefix ? (codingSystemNames.get(prefix) ?? null) : null;
}
