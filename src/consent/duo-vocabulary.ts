import { isIsoCountryCode } from '../core/iso-codes.js';
import { isIsoCalendarDate } from '../core/validation.js';
import { repoRoot } from '../core/repo-root.js';
import { diseaseIdSyntaxProblem, unregistrableDiseaseReason } from '../ontology/disease-hierarchy.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RdfXmlParser } from 'rdfxml-streaming-parser';

/**
 * The GA4GH Data Use Ontology, read from the pinned release in data/standards/duo/duo.owl (see SOURCE.md
 * there). Everything about a term (shorthand, label, definition, permission/modifier, obsolete) comes from
 * that file; nothing here restates the vocabulary by hand.
 */

export type DuoTermKind = 'PERMISSION' | 'MODIFIER' | 'OTHER';

export interface DuoTerm {
  /** Compact id, e.g. `DUO:0000042`. */
  code: string;
  /** OBO PURL, e.g. `http://purl.obolibrary.org/obo/DUO_0000042`. */
  iri: string;
  /** `oboInOwl:shorthand`, e.g. `GRU`; null for terms without one. */
  shorthand: string | null;
  label: string;
  /** `IAO:0000115` definition. */
  definition: string;
  kind: DuoTermKind;
  obsolete: boolean;
  /** Codes named by the term's "term replaced by" annotation (obsolete terms only). */
  replacedBy: string[];
}

export interface DuoRelease {
  versionIri: string;
  terms: DuoTerm[];
}

export interface ConsentCodeError {
  field: string;
  message: string;
  code: ConsentCodeErrorCode;
}

export type ConsentCodeErrorCode =
  | 'REQUIRED'
  | 'UNKNOWN_DUO_CODE'
  | 'OBSOLETE_DUO_CODE'
  | 'NOT_A_PERMISSION'
  | 'NOT_A_MODIFIER'
  | 'DUPLICATE_MODIFIER'
  | 'MODIFIER_VALUE_REQUIRED'
  | 'MODIFIER_VALUE_INVALID'
  | 'DISEASE_RESTRICTION_REQUIRED'
  | 'DISEASE_RESTRICTION_NOT_ALLOWED'
  | 'DISEASE_ID_INVALID'
  | 'UNKNOWN_DISEASE';

export const DUO = {
  permissionRoot: 'DUO:0000001',
  modifierRoot: 'DUO:0000017',
  NRES: 'DUO:0000004',
  GRU: 'DUO:0000042',
  HMB: 'DUO:0000006',
  DS: 'DUO:0000007',
  POA: 'DUO:0000011',
  RS: 'DUO:0000012',
  NMDS: 'DUO:0000015',
  GSO: 'DUO:0000016',
  NPUNCU: 'DUO:0000018',
  PUB: 'DUO:0000019',
  COL: 'DUO:0000020',
  IRB: 'DUO:0000021',
  GS: 'DUO:0000022',
  MOR: 'DUO:0000024',
  TS: 'DUO:0000025',
  US: 'DUO:0000026',
  PS: 'DUO:0000027',
  IS: 'DUO:0000028',
  RTN: 'DUO:0000029',
  CC: 'DUO:0000043',
  NPOA: 'DUO:0000044',
  NPU: 'DUO:0000045',
  NCU: 'DUO:0000046',
} as const;

const OBO = 'http://purl.obolibrary.org/obo/';
const OBO_IN_OWL = 'http://www.geneontology.org/formats/oboInOwl#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';
const RDFS_SUBCLASS_OF = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
const OWL_CLASS = 'http://www.w3.org/2002/07/owl#Class';
const OWL_DEPRECATED = 'http://www.w3.org/2002/07/owl#deprecated';
const OWL_VERSION_IRI = 'http://www.w3.org/2002/07/owl#versionIRI';
const OBO_ID = `${OBO_IN_OWL}id`;
const OBO_SHORTHAND = `${OBO_IN_OWL}shorthand`;
const OBO_OBSOLETE_CLASS = `${OBO_IN_OWL}ObsoleteClass`;
const IAO_DEFINITION = `${OBO}IAO_0000115`;
const IAO_TERM_REPLACED_BY = `${OBO}IAO_0100001`;

const DUO_CODE = /^DUO:(\d{7})$/;
const DUO_REFERENCE = /DUO[_:](\d{7})\b/g;
const DUO_IRI = /^https?:\/\/purl\.obolibrary\.org\/obo\/DUO_(\d{7,8})$/;

/** The shape of the RDF/JS quads the parser emits, as far as this module reads them. */
interface Triple {
  subject: { termType: string; value: string };
  predicate: { value: string };
  object: { termType: string; value: string };
}

interface ClassFacts {
  isClass: boolean;
  oboId?: string;
  label?: string;
  definition?: string;
  shorthand?: string;
  superClasses: string[];
  deprecated: boolean;
  replacedBy: string[];
}

interface Vocabulary {
  release: DuoRelease;
  byKey: Map<string, DuoTerm>;
}

let vocabulary: Vocabulary | undefined;


const DUO_RELEASE_FILE = path.join('data', 'standards', 'duo', 'duo.owl');

function parseTriples(file: string): Triple[] {
  const triples: Triple[] = [];
  let failure: Error | undefined;
  const parser = new RdfXmlParser({ baseIRI: 'http://purl.obolibrary.org/obo/duo.owl' });
  parser.on('data', (quad: Triple) => triples.push(quad));
  parser.on('error', (error: Error) => {
    failure = error;
  });
  // The parser delivers quads synchronously while it is written to, so the vocabulary can be a plain
  // synchronous lookup; load() checks below that the whole file arrived.
  parser.write(readFileSync(file, 'utf8'));
  parser.end();
  if (failure) throw new Error(`${file}: ${failure.message}`);
  return triples;
}

function collectFacts(triples: Triple[]): { facts: Map<string, ClassFacts>; versionIri?: string } {
  const facts = new Map<string, ClassFacts>();
  let versionIri: string | undefined;
  const of = (iri: string): ClassFacts => {
    let entry = facts.get(iri);
    if (!entry) {
      entry = { isClass: false, superClasses: [], deprecated: false, replacedBy: [] };
      facts.set(iri, entry);
    }
    return entry;
  };
  for (const { subject, predicate, object } of triples) {
    if (subject.termType !== 'NamedNode') continue;
    const entry = of(subject.value);
    switch (predicate.value) {
      case RDF_TYPE:
        if (object.value === OWL_CLASS) entry.isClass = true;
        break;
      case OBO_ID:
        entry.oboId = object.value;
        break;
      case RDFS_LABEL:
        entry.label ??= object.value;
        break;
      case IAO_DEFINITION:
        entry.definition ??= object.value;
        break;
      case OBO_SHORTHAND:
        entry.shorthand ??= object.value;
        break;
      case RDFS_SUBCLASS_OF:
        // Anonymous superclasses are OWL restrictions ("is restricted to some disease"), not hierarchy.
        if (object.termType === 'NamedNode') entry.superClasses.push(object.value);
        break;
      case OWL_DEPRECATED:
        if (object.value === 'true') entry.deprecated = true;
        break;
      case IAO_TERM_REPLACED_BY:
        // The release writes this as free text ("General Research Use, DUO_0000042 …") or as an IRI.
        for (const match of object.value.matchAll(DUO_REFERENCE)) entry.replacedBy.push(`DUO:${match[1]}`);
        break;
      case OWL_VERSION_IRI:
        versionIri = object.value;
        break;
    }
  }
  return { facts, versionIri };
}

function buildRelease(file: string): DuoRelease {
  const { facts, versionIri } = collectFacts(parseTriples(file));
  const ancestorsOf = (iri: string): Set<string> => {
    const seen = new Set<string>();
    const queue = [...(facts.get(iri)?.superClasses ?? [])];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(facts.get(next)?.superClasses ?? []));
    }
    return seen;
  };
  const iriOfCode = new Map<string, string>();
  for (const [iri, entry] of facts) if (entry.oboId) iriOfCode.set(entry.oboId, iri);
  const permissionRoot = iriOfCode.get(DUO.permissionRoot);
  const modifierRoot = iriOfCode.get(DUO.modifierRoot);
  if (!versionIri || !permissionRoot || !modifierRoot) {
    throw new Error(`${file} is not a complete DUO release (version IRI or root classes missing)`);
  }

  const terms: DuoTerm[] = [];
  for (const [iri, entry] of facts) {
    const code = entry.oboId;
    if (!entry.isClass || !code || !DUO_CODE.test(code)) continue;
    const ancestors = ancestorsOf(iri);
    const kind: DuoTermKind = ancestors.has(permissionRoot)
      ? 'PERMISSION'
      : ancestors.has(modifierRoot)
        ? 'MODIFIER'
        : 'OTHER';
    terms.push({
      code,
      iri: `${OBO}DUO_${code.slice(4)}`,
      shorthand: entry.shorthand ?? null,
      label: entry.label ?? code,
      definition: entry.definition ?? '',
      kind,
      obsolete: entry.deprecated || ancestors.has(OBO_OBSOLETE_CLASS),
      replacedBy: entry.replacedBy,
    });
  }
  terms.sort((a, b) => a.code.localeCompare(b.code));
  return { versionIri, terms };
}

function load(): Vocabulary {
  if (vocabulary) return vocabulary;
  const release = buildRelease(path.join(repoRoot(), DUO_RELEASE_FILE));
  const byKey = new Map<string, DuoTerm>();
  for (const term of release.terms) {
    byKey.set(term.code, term);
    if (term.shorthand) byKey.set(term.shorthand.toUpperCase(), term);
    // Labels are unique in the release and none is another term's shorthand.
    byKey.set(term.label.toUpperCase(), term);
  }
  vocabulary = { release, byKey };
  return vocabulary;
}

/** The pinned release: its version IRI and every DUO class in it, sorted by code. */
export function duoRelease(): DuoRelease {
  return load().release;
}

export function duoTerms(): DuoTerm[] {
  return load().release.terms;
}

/**
 * Looks a term up by compact id (`DUO:0000042`, `DUO_0000042`), IRI (also the release's eight-digit
 * `DUO_00000044` for NPOA), shorthand (`GRU`) or label (`general research use`), the last two in any case: a
 * spreadsheet of consent scopes often names its terms as the release labels them.
 */
export function findDuoTerm(codeOrIriOrShorthand: string): DuoTerm | undefined {
  const { byKey } = load();
  const text = codeOrIriOrShorthand.trim().replace(/\s+/g, ' ');
  const iri = DUO_IRI.exec(text);
  if (iri) return byKey.get(`DUO:${iri[1].slice(-7)}`);
  const curie = /^DUO[_:](\d{7})$/i.exec(text);
  if (curie) return byKey.get(`DUO:${curie[1]}`);
  return byKey.get(text.toUpperCase());
}

/** A DUO id in canonical compact form when the release knows it, else the input trimmed. */
export function canonicalDuoCode(codeOrIriOrShorthand: string): string {
  return findDuoTerm(codeOrIriOrShorthand)?.code ?? codeOrIriOrShorthand.trim();
}

// ---------------------------------------------------------------------------------------------------
// Modifier values. The release's comments say what each parameterised modifier is coupled with:
// GS "an ontology term describing the geographical location", TS "an integer value indicating the
// number of months", MOR "a date specified as ISO8601". This catalogue stores GS as ISO 3166-1 alpha-2
// country codes and the region tokens EU, EEA and EU-EEA, separated by "/", "," or spaces.
// ---------------------------------------------------------------------------------------------------

interface CountryGroupsFile {
  groups: Record<string, { includes?: string[]; memberStates: string[]; territories: Record<string, string> }>;
  aliases: Record<string, string>;
}

let countryGroups: Map<string, ReadonlySet<string>> | undefined;

/**
 * The country groups a GS value may name (EU, EEA, EU-EEA), each with every territory that has its own
 * ISO 3166-1 code and belongs to it, from data/geography/country-groups.json (sources in its SOURCE.md).
 */
export function countryGroup(token: string): ReadonlySet<string> | undefined {
  if (!countryGroups) {
    const file = JSON.parse(readFileSync(path.join(repoRoot(), 'data', 'geography', 'country-groups.json'), 'utf8')) as CountryGroupsFile;
    const resolve = (name: string): string[] => {
      const group = file.groups[name];
      if (!group) throw new Error(`country-groups.json: unknown group ${name}`);
      return [...(group.includes ?? []).flatMap(resolve), ...group.memberStates, ...Object.keys(group.territories)];
    };
    const groups = new Map(Object.keys(file.groups).map((name) => [name, new Set(resolve(name)) as ReadonlySet<string>]));
    for (const [alias, name] of Object.entries(file.aliases)) groups.set(alias, groups.get(name)!);
    countryGroups = groups;
  }
  return countryGroups.get(token);
}

/**
 * The countries a GS value allows (the union of its parts), or the parts that are neither a country code
 * nor a region token.
 */
export function geographicRestrictionCountries(value: string): { countries: Set<string>; unknown: string[] } {
  const countries = new Set<string>();
  const unknown: string[] = [];
  for (const part of value.split(/[\s/,;]+/).filter((p) => p.length > 0)) {
    const token = part.toUpperCase();
    const region = countryGroup(token);
    if (region) region.forEach((c) => countries.add(c));
    else if (isIsoCountryCode(token)) countries.add(token);
    else unknown.push(part);
  }
  return { countries, unknown };
}

/** A TS value as a whole number of months, or undefined when it is not one. */
export function timeLimitMonths(value: string): number | undefined {
  return /^\s*[1-9]\d*\s*$/.test(value) ? Number(value) : undefined;
}

const VALUE_EXPECTED: Record<string, string> = {
  [DUO.GS]: 'the ISO 3166-1 country code(s) or region (EU, EEA, EU-EEA) use is restricted to',
  [DUO.TS]: 'the number of months use is approved for',
  [DUO.MOR]: 'the ISO 8601 date (YYYY-MM-DD) before which results may not be published',
};

type ValueProblem = { missing: true } | { missing: false; detail: string };

function modifierValueProblem(term: DuoTerm, value: string | null | undefined): ValueProblem | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return term.code in VALUE_EXPECTED ? { missing: true } : undefined;
  switch (term.code) {
    case DUO.GS: {
      const { countries, unknown } = geographicRestrictionCountries(text);
      if (unknown.length === 0 && countries.size > 0) return undefined;
      const parts = unknown.length > 0 ? unknown.join('", "') : text;
      return { missing: false, detail: `"${parts}" is not an ISO 3166-1 alpha-2 country code or one of the regions EU, EEA, EU-EEA` };
    }
    case DUO.TS:
      return timeLimitMonths(text) === undefined ? { missing: false, detail: `"${text}" is not a whole number of months` } : undefined;
    case DUO.MOR:
      return isIsoCalendarDate(text) ? undefined : { missing: false, detail: `"${text}" is not an ISO 8601 date (YYYY-MM-DD)` };
    default:
      return undefined;
  }
}


function describe(term: DuoTerm): string {
  return term.shorthand ? `${term.code} (${term.shorthand}, "${term.label}")` : `${term.code} ("${term.label}")`;
}

function obsoleteMessage(term: DuoTerm): string {
  const replacements = term.replacedBy.map((code) => {
    const replacement = findDuoTerm(code);
    return replacement ? describe(replacement) : code;
  });
  const advice = replacements.length > 0 ? `; the release names its replacement: ${replacements.join(' and ')}` : '';
  return `${describe(term)} is obsolete in DUO ${load().release.versionIri}${advice}`;
}

/**
 * Checks a consent scope's DUO codes against the pinned release. Returns one error per problem, each naming
 * the input field it is about; an empty list means the codes are usable.
 */
export function validateConsentCodes(
  permission: string,
  modifiers: { code: string; value?: string | null }[],
  diseaseRestrictions: string[],
): ConsentCodeError[] {
  const errors: ConsentCodeError[] = [];
  const permissionField = 'consent.duoPermission';
  let permissionTerm: DuoTerm | undefined;

  if (permission.trim() === '') {
    errors.push({ field: permissionField, code: 'REQUIRED', message: 'a DUO permission is required (exactly one)' });
  } else {
    permissionTerm = findDuoTerm(permission);
    if (!permissionTerm) {
      errors.push({ field: permissionField, code: 'UNKNOWN_DUO_CODE', message: `"${permission}" is not a term of the pinned DUO release` });
    } else if (permissionTerm.obsolete) {
      errors.push({ field: permissionField, code: 'OBSOLETE_DUO_CODE', message: obsoleteMessage(permissionTerm) });
    } else if (permissionTerm.kind !== 'PERMISSION') {
      const hint = permissionTerm.kind === 'MODIFIER' ? '; it is a data use modifier and belongs in consent.duoModifiers' : '';
      errors.push({ field: permissionField, code: 'NOT_A_PERMISSION', message: `${describe(permissionTerm)} is not a data use permission${hint}` });
    }
  }

  const seen = new Map<string, number>();
  modifiers.forEach((modifier, i) => {
    const field = `consent.duoModifiers[${i}]`;
    const term = findDuoTerm(modifier.code);
    if (!term) {
      errors.push({ field: `${field}.code`, code: 'UNKNOWN_DUO_CODE', message: `"${modifier.code}" is not a term of the pinned DUO release` });
      return;
    }
    if (term.obsolete) {
      errors.push({ field: `${field}.code`, code: 'OBSOLETE_DUO_CODE', message: obsoleteMessage(term) });
      return;
    }
    if (term.kind !== 'MODIFIER') {
      const hint = term.kind === 'PERMISSION' ? '; it is a data use permission and belongs in consent.duoPermission' : '';
      errors.push({ field: `${field}.code`, code: 'NOT_A_MODIFIER', message: `${describe(term)} is not a data use modifier${hint}` });
      return;
    }
    const first = seen.get(term.code);
    if (first !== undefined) {
      errors.push({ field: `${field}.code`, code: 'DUPLICATE_MODIFIER', message: `${describe(term)} is already given as consent.duoModifiers[${first}]` });
      return;
    }
    seen.set(term.code, i);
    const problem = modifierValueProblem(term, modifier.value);
    if (problem?.missing) {
      errors.push({ field: `${field}.value`, code: 'MODIFIER_VALUE_REQUIRED', message: `${describe(term)} needs a value: ${VALUE_EXPECTED[term.code]}` });
    } else if (problem) {
      errors.push({ field: `${field}.value`, code: 'MODIFIER_VALUE_INVALID', message: `${describe(term)}: ${problem.detail}` });
    }
  });

  const restrictionsField = 'consent.diseaseRestrictions';
  // Whether restrictions belong can only be judged against a usable permission.
  const usablePermission = permissionTerm && !permissionTerm.obsolete && permissionTerm.kind === 'PERMISSION' ? permissionTerm : undefined;
  if (usablePermission?.code === DUO.DS && diseaseRestrictions.length === 0) {
    errors.push({
      field: restrictionsField,
      code: 'DISEASE_RESTRICTION_REQUIRED',
      message: `${describe(usablePermission)} needs at least one disease (a MONDO id such as MONDO:0004992): "${usablePermission.definition}"`,
    });
  }
  if (usablePermission && usablePermission.code !== DUO.DS && diseaseRestrictions.length > 0) {
    errors.push({
      field: restrictionsField,
      code: 'DISEASE_RESTRICTION_NOT_ALLOWED',
      message: `disease restrictions apply only to ${DUO.DS} (DS, "disease specific research"); the permission is ${describe(usablePermission)}`,
    });
  }
  diseaseRestrictions.forEach((disease, i) => {
    const syntax = diseaseIdSyntaxProblem(disease);
    if (syntax) {
      errors.push({ field: `${restrictionsField}[${i}]`, code: 'DISEASE_ID_INVALID', message: syntax });
      return;
    }
    const unknown = unregistrableDiseaseReason(disease);
    if (unknown) errors.push({ field: `${restrictionsField}[${i}]`, code: 'UNKNOWN_DISEASE', message: unknown });
  });
  return errors;
}
