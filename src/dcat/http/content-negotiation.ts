import { mediaTypesOf, type RdfFormat, rdfFormats } from '../rdf/formats.js';

/*
 * Content negotiation for every RDF resource the catalogue serves: the one place that decides which
 * representation a request gets (an HTML representation would be one more branch here).
 */

/** The ?format= value each format's links use (the documents a landing page names). */
export const formatParameter: Record<RdfFormat, string> = {
  'text/turtle': 'ttl',
  'application/ld+json': 'jsonld',
  'application/rdf+xml': 'rdf',
  'application/n-triples': 'nt',
};

// Values of the ?format= query parameter (the canonical media types are accepted too). A Map, so that
// user input such as "__proto__" cannot reach Object.prototype.
const formatNames = new Map<string, RdfFormat>([
  ...rdfFormats.map((format): [string, RdfFormat] => [formatParameter[format], format]),
  ['turtle', 'text/turtle'],
  ['json-ld', 'application/ld+json'],
  ['rdfxml', 'application/rdf+xml'],
  ['xml', 'application/rdf+xml'],
  ['ntriples', 'application/n-triples'],
  ...rdfFormats.map((format): [string, RdfFormat] => [format, format]),
]);

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/**
 * Picks the RDF format for a response. `?format=` wins over the Accept header; a missing or empty Accept
 * header, or one that only matches through wildcards, gets Turtle. Returns null when nothing we serve is
 * acceptable (answer 406) or the format parameter names no format we know.
 */
export function negotiateRdfFormat(acceptHeader: string | undefined, formatQueryParam?: string): RdfFormat | null {
  if (formatQueryParam !== undefined && formatQueryParam.trim() !== '') {
    return formatNames.get(formatQueryParam.trim().toLowerCase()) ?? null;
  }
  if (acceptHeader === undefined || acceptHeader.trim() === '') return 'text/turtle';

  const ranges = parseAccept(acceptHeader);
  // Of formats given the same weight, one the client names beats one it only admits through a wildcard (an
  // HTTP library's default "application/json, text/plain, */*" asks for JSON); then our preference order.
  let best: { format: RdfFormat; q: number; specificity: number } | null = null;
  for (const format of rdfFormats) {
    const { q, specificity } = acceptanceOf(format, ranges);
    if (q > 0 && (best === null || q > best.q || (q === best.q && specificity > best.specificity))) best = { format, q, specificity };
  }
  return best?.format ?? null;
}

const pageMediaTypes = ['text/html', 'application/xhtml+xml'];

/**
 * Whether a client asks for the web page rather than RDF: it names text/html (or XHTML) above every RDF
 * format we serve, as browsers do. Wildcards alone never choose the page, so harvesters and curl keep getting
 * RDF, and ?format= always means RDF.
 */
export function prefersPage(acceptHeader: string | undefined, formatQueryParam?: string): boolean {
  if (formatQueryParam?.trim() || !acceptHeader?.trim()) return false;
  const ranges = parseAccept(acceptHeader);
  const page = Math.max(0, ...ranges.filter((range) => pageMediaTypes.includes(`${range.type}/${range.subtype}`)).map((range) => range.q));
  return page > 0 && rdfFormats.every((format) => qualityOf(format, ranges) < page);
}

/**
 * Whether a client asks for RDF by name: with ?format=, or by naming one of the RDF formats we serve in its
 * Accept header (wildcards alone do not count) above the web page. For addresses that are a web page first.
 */
export function namesRdf(acceptHeader: string | undefined, formatQueryParam?: string): boolean {
  if (formatQueryParam?.trim()) return true;
  if (!acceptHeader?.trim() || prefersPage(acceptHeader)) return false;
  return parseAccept(acceptHeader).some((range) => range.q > 0 && (rdfFormats as readonly string[]).includes(`${range.type}/${range.subtype}`));
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const element of splitOutsideQuotes(header, ',')) {
    const [mediaRange = '', ...parameters] = splitOutsideQuotes(element, ';').map((part) => part.trim());
    const match = /^([^\s/]+)\/([^\s/]+)$/.exec(mediaRange);
    if (!match) continue;
    const type = match[1]!.toLowerCase();
    const subtype = match[2]!.toLowerCase();
    if (type === '*' && subtype !== '*') continue;

    let q = 1;
    for (const parameter of parameters) {
      const [name = '', value = ''] = parameter.split('=', 2).map((part) => part.trim());
      if (name.toLowerCase() !== 'q') continue;
      // RFC 9110 qvalue: 0 to 1 with at most three decimals; a malformed weight voids the range.
      q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : Number.NaN;
      break;
    }
    if (!Number.isNaN(q)) ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The weight a client gives a format (see acceptanceOf). */
function qualityOf(format: RdfFormat, ranges: readonly MediaRange[]): number {
  return acceptanceOf(format, ranges).q;
}

/**
 * The weight a client gives a format: that of the most specific range matching its canonical media type, or
 * naming one of its other media types exactly; with how specific that range is (2 names the media type, 1 its
 * type with any subtype, 0 is the full wildcard, -1 when none matches).
 */
function acceptanceOf(format: RdfFormat, ranges: readonly MediaRange[]): { q: number; specificity: number } {
  let specificity = -1;
  let q = 0;
  for (const [index, mediaType] of mediaTypesOf[format].entries()) {
    const [type, subtype] = mediaType.split('/') as [string, string];
    for (const range of ranges) {
      const rangeSpecificity =
        range.type === type && range.subtype === subtype ? 2
        : range.type === type && range.subtype === '*' ? 1
        : range.type === '*' ? 0
        : -1;
      // Wildcards stand for the canonical media type only: "text/*;q=0" must not refuse RDF/XML as text/xml.
      if (rangeSpecificity < 0 || (index > 0 && rangeSpecificity < 2)) continue;
      if (rangeSpecificity > specificity || (rangeSpecificity === specificity && range.q > q)) {
        specificity = rangeSpecificity;
        q = range.q;
      }
    }
  }
  return { q, specificity };
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && quoted && i + 1 < text.length) {
      current += char + text[++i];
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
