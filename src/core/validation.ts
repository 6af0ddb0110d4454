import { isIsoCountryCode, isIsoCurrencyCode } from './iso-codes.js';
import type { Problem, Problems } from './problems.js';

/** Small field checks shared by services; each reports against the field path it is given. */

export function checkText(problems: Problems, field: string, value: string, maxLength: number): string {
  const trimmed = value.trim();
  if (trimmed.length > maxLength) problems.add(field, `is longer than ${maxLength} characters`);
  return trimmed;
}

/**
 * The schemes an address or IRI the catalogue keeps may have: web pages (http, https), files as genomics archives
 * serve them (ftp), an e-mail address to write to (mailto) and names (urn). Links in the web catalogue and the RDF
 * output follow them, so schemes a browser would run (javascript:, data:) are never taken.
 */
const ADDRESS_SCHEMES: readonly string[] = ['http:', 'https:', 'ftp:', 'urn:', 'mailto:'];

/** Whether `url` has a scheme an address may have (ADDRESS_SCHEMES). */
export const hasAddressScheme = (url: URL): boolean => ADDRESS_SCHEMES.includes(url.protocol);

export function checkUrl(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  try {
    if (!hasAddressScheme(new URL(value))) throw new Error('scheme');
  } catch {
    problems.add(field, `"${value}" is not an absolute http(s) or ftp URL, mailto: address or urn: IRI`);
  }
  return value;
}

/**
 * An IANA media type as DCAT's dcat:mediaType names one: type/subtype (RFC 6838 restricted names), no
 * parameters.
 */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

export const isMediaType = (value: string): boolean => MEDIA_TYPE.test(value);

/** A media type, in lower case (they are compared case-insensitively). */
export function checkMediaType(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!isMediaType(value.trim())) problems.add(field, `"${value}" is not a media type such as text/csv (type/subtype, as IANA registers them)`);
  return value.trim().toLowerCase();
}

export function checkEmail(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) problems.add(field, `"${value}" is not an e-mail address`);
  return value;
}

/** A country code, in upper case as ISO 3166-1 writes it; `se` is SE, as a spreadsheet or a form may give it. */
export function checkCountryCode(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  const code = value.trim().toUpperCase();
  if (!isIsoCountryCode(code)) problems.add(field, `"${value}" is not an ISO 3166-1 alpha-2 country code such as SE`);
  return code;
}

/** A currency code, in upper case as ISO 4217 writes it; `sek` is SEK. */
export function checkCurrency(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  const code = value.trim().toUpperCase();
  if (!isIsoCurrencyCode(code)) problems.add(field, `"${value}" is not an ISO 4217 currency code such as SEK, EUR or USD`);
  return code;
}

/** A real calendar date written YYYY-MM-DD (rejects 2026-02-30). */
export function isIsoCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]);
}

/** A date written YYYY, YYYY-MM or YYYY-MM-DD, each part real (rejects 2024-13 and 2024-02-30). */
export function isIsoPartialDate(value: string): boolean {
  if (/^\d{4}$/.test(value)) return true;
  const month = /^\d{4}-(\d{2})$/.exec(value);
  if (month) return Number(month[1]) >= 1 && Number(month[1]) <= 12;
  return isIsoCalendarDate(value);
}

const ISO_INSTANT = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The instant an ISO 8601 date or date-time names (as xsd:dateTime, date, gYearMonth and gYear write them: a
 * date is its first instant), a time without offset read as UTC; null for anything else, a date that does not
 * exist (2024-02-30) included, where Date would roll it over or read 12/31/2024 as it pleases.
 */
export function isoInstant(value: string): Date | null {
  const match = ISO_INSTANT.exec(value.trim());
  if (!match) return null;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = match;
  if (!isIsoCalendarDate(`${year}-${month}-${day}`) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  const instant = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** Reports a date field that is not a real ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD). */
export function checkPartialDate(problems: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!isIsoPartialDate(value)) problems.add(field, `"${value}" is not an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD`);
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A database id (UUID), as carried inside global ids and cursors. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Longest text each kind of input may carry (characters), checked for every GraphQL argument before any
 * service or engine sees it; services may be stricter. README, "Security model", lists them.
 */
export const TEXT_LIMITS = {
  /** Ids, public identifiers, references to other records, codes, cursors. */
  identifier: 500,
  /** Titles, names, labels. */
  title: 1_000,
  /** Full-text search words. */
  searchText: 500,
  /** Any other short value: URLs, e-mail addresses, keywords, units. */
  shortText: 2_000,
  /** Descriptions, notes and the CHEERS narrative items. */
  freeText: 20_000,
} as const;

export type TextKind = keyof typeof TEXT_LIMITS;

/** The kind of text an input field holds, by its name; names not listed are short text. */
const TEXT_KIND_OF_FIELD: Record<string, TextKind> = Object.fromEntries(
  (
    [
      ['identifier', ['id', 'identifier', 'after', 'before', 'code', 'iri', 'system', 'accession', 'reference', 'registration', 'orgNumber',
        'otherIdentifiers', 'requesterId', 'institutionId', 'projectId', 'publisher', 'ownerOrganisation', 'dataHolders', 'contributors',
        'hdab', 'publications', 'publication', 'accessBody', 'body', 'operatedBy', 'hostedBy', 'wasGeneratedBy', 'evaluatedDatasets',
        'evaluatedStudies', 'funders', 'participatingOrganisations', 'parent', 'dataset', 'holdingRegion', 'diseases',
        'diseaseRestrictions', 'edam', 'mediaType', 'currency', 'country', 'jurisdiction', 'duoPermission', 'date', 'startDate', 'endDate']],
      ['title', ['title', 'name', 'label', 'acronym', 'panelName', 'platform']],
      ['searchText', ['query']],
      ['freeText', ['description', 'note', 'statement', 'reason', 'abstract', 'decisionProblem', 'population', 'intervention',
        'comparators', 'comparator', 'setting', 'timeHorizon', 'costingMethod', 'sensitivityAnalyses', 'subgroups',
        'conflictsOfInterest', 'funding', 'outcomeMeasures', 'withdrawalProcess', 'returnOfResults', 'fees', 'priceYearNote',
        'nationalLegalBasis', 'measure', 'utilityInstrument', 'populationCoverage', 'pedigreeStructure', 'countsSource',
        'hostingLocation', 'encryption', 'accessRights', 'legalBases', 'researchType']],
    ] as [TextKind, string[]][]
  ).flatMap(([kind, names]) => names.map((name) => [name, kind])),
);


/**
 * Every text in `value` (at any depth) that the database cannot store (unstorableText) or that is longer than
 * its kind allows, the kind taken from the name of the field holding it (`unlisted` for names not in the
 * table). One rule for every way records come in: GraphQL arguments, imported files and harvests.
 */
export function textProblems(value: unknown, path: string, unlisted: TextKind, name = path): Problem[] {
  const problems: Problem[] = [];
  collectTextProblems(value, path ? [path] : [], unlisted, name, problems);
  return problems;
}

/**
 * The walk of textProblems. The path is kept as its parts and joined only for a problem: an import checks
 * every value of every record, and nearly all are fine.
 */
function collectTextProblems(value: unknown, path: string[], unlisted: TextKind, name: string, problems: Problem[]): void {
  if (typeof value === 'string') {
    const limit = TEXT_LIMITS[TEXT_KIND_OF_FIELD[name] ?? unlisted];
    const unstorable = unstorableText(value);
    if (unstorable) problems.push({ field: path.join(''), message: unstorable, code: 'INVALID' });
    else if (value.length > limit) problems.push({ field: path.join(''), message: `is longer than ${limit} characters`, code: 'INVALID' });
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(`[${index}]`);
      collectTextProblems(value[index], path, unlisted, name, problems);
      path.pop();
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const unstorable = unstorableText(key);
      if (unstorable) {
        problems.push({ field: path.join(''), message: `has a key that ${unstorable}`, code: 'INVALID' });
        continue;
      }
      path.push(path.length > 0 ? `.${key}` : key);
      collectTextProblems((value as Record<string, unknown>)[key], path, unlisted, key, problems);
      path.pop();
    }
  }
}

/**
 * Why the database cannot store a text that no field means anything by, or null: PostgreSQL refuses a NUL in
 * text and json, and a lone UTF-16 surrogate (half of a character, which JSON's \ud800 escape can carry) in json.
 */
function unstorableText(value: string): string | null {
  if (value.includes('\0')) return 'contains a NUL character';
  if (!value.isWellFormed()) return 'contains a lone UTF-16 surrogate (half of a character)';
  return null;
}

/** Largest whole number GraphQL's Int carries (32-bit signed). */
const MAX_GRAPHQL_INT = 2 ** 31 - 1;

/**
 * A count of people, records or the like: a whole number from 0 that GraphQL can give back as an Int.
 * Checked here too because imports bring counts in as JSON, past GraphQL's own Int check.
 */
export function checkCount(problems: Problems, field: string, value: unknown): void {
  if (value == null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_GRAPHQL_INT) {
    problems.add(field, `must be a whole number from 0 to ${MAX_GRAPHQL_INT}`);
  }
}
