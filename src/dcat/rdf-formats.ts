import type * as RDF from '@rdfjs/types';
import jsonld from 'jsonld';
import { DataFactory, Parser, Writer, type WriterOptions } from 'n3';
import { isomorphic as isomorphicGraphs } from 'rdf-isomorphic';
import { RdfXmlParser } from 'rdfxml-streaming-parser';

export type RdfFormat = 'text/turtle' | 'application/ld+json' | 'application/rdf+xml' | 'application/n-triples';

/** The formats we serve, in our order of preference when a client rates several equally. */
export const rdfFormats: readonly RdfFormat[] = [
  'text/turtle',
  'application/ld+json',
  'application/rdf+xml',
  'application/n-triples',
];

// Media types a client may name for each format; the first is the canonical one.
const mediaTypesOf: Record<RdfFormat, readonly string[]> = {
  'text/turtle': ['text/turtle', 'application/x-turtle'],
  'application/ld+json': ['application/ld+json', 'application/json'],
  'application/rdf+xml': ['application/rdf+xml'],
  'application/n-triples': ['application/n-triples'],
};

// Values of the ?format= query parameter (the canonical media types are accepted too). A Map, so that
// user input such as "__proto__" cannot reach Object.prototype.
const formatNames = new Map<string, RdfFormat>([
  ['ttl', 'text/turtle'],
  ['turtle', 'text/turtle'],
  ['jsonld', 'application/ld+json'],
  ['json-ld', 'application/ld+json'],
  ['rdf', 'application/rdf+xml'],
  ['rdfxml', 'application/rdf+xml'],
  ['xml', 'application/rdf+xml'],
  ['nt', 'application/n-triples'],
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
  let best: { format: RdfFormat; q: number } | null = null;
  for (const format of rdfFormats) {
    const q = qualityOf(format, ranges);
    if (q > 0 && (best === null || q > best.q)) best = { format, q };
  }
  return best?.format ?? null;
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

/** The weight a client gives a format: that of the most specific range matching any of its media types. */
function qualityOf(format: RdfFormat, ranges: readonly MediaRange[]): number {
  let specificity = -1;
  let q = 0;
  for (const mediaType of mediaTypesOf[format]) {
    const [type, subtype] = mediaType.split('/') as [string, string];
    for (const range of ranges) {
      const rangeSpecificity =
        range.type === type && range.subtype === subtype ? 2
        : range.type === type && range.subtype === '*' ? 1
        : range.type === '*' ? 0
        : -1;
      if (rangeSpecificity < 0) continue;
      if (rangeSpecificity > specificity || (rangeSpecificity === specificity && range.q > q)) {
        specificity = rangeSpecificity;
        q = range.q;
      }
    }
  }
  return q;
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

/**
 * Serializes a graph. All quads must be in the default graph: the catalogue is one graph, and Turtle,
 * N-Triples and RDF/XML could not carry others.
 */
export async function serialize(
  quads: readonly RDF.Quad[],
  format: RdfFormat,
  prefixes: Record<string, string>,
): Promise<string> {
  for (const quad of quads) {
    if (quad.graph.termType !== 'DefaultGraph') {
      throw new Error(`Cannot serialize a quad in named graph <${quad.graph.value}>: only the default graph is supported`);
    }
  }
  switch (format) {
    case 'text/turtle':
      return writeWithN3(quads, { format: 'text/turtle', prefixes: prefixesInUse(quads, prefixes) });
    case 'application/n-triples':
      return writeWithN3(quads, { format: 'application/n-triples' });
    case 'application/ld+json':
      return toJsonLd(quads, prefixesInUse(quads, prefixes));
    case 'application/rdf+xml':
      return toRdfXml(quads, prefixes);
  }
}

/** The prefixes some IRI in the graph starts with, so a small document does not declare the whole list. */
function prefixesInUse(quads: readonly RDF.Quad[], prefixes: Record<string, string>): Record<string, string> {
  const iris = new Set<string>();
  for (const { subject, predicate, object } of quads) {
    for (const term of [subject, predicate, object]) {
      if (term.termType === 'NamedNode') iris.add(term.value);
      else if (term.termType === 'Literal') iris.add(term.datatype.value);
    }
  }
  const used = [...iris];
  return Object.fromEntries(
    Object.entries(prefixes).filter(([, namespace]) => used.some((iri) => iri.startsWith(namespace))),
  );
}

function writeWithN3(quads: readonly RDF.Quad[], options: WriterOptions): Promise<string> {
  const writer = new Writer(options);
  for (const quad of quads) writer.addQuad(quad);
  return new Promise((resolve, reject) => {
    writer.end((error: Error | null, result: string) => (error ? reject(error) : resolve(result)));
  });
}

// Harvested or posted JSON-LD must not make us fetch remote contexts (SSRF, slow or hostile servers).
async function refuseRemoteDocuments(url: string): Promise<never> {
  throw new Error(`Remote JSON-LD documents are not loaded (${url}); inline the @context`);
}

async function toJsonLd(quads: readonly RDF.Quad[], prefixes: Record<string, string>): Promise<string> {
  // jsonld reads RDF/JS quads directly.
  const expanded = await jsonld.fromRDF([...quads]);
  const compacted = await jsonld.compact(expanded, jsonLdContext(prefixes), {
    documentLoader: refuseRemoteDocuments,
  });
  return `${JSON.stringify(compacted, null, 2)}\n`;
}

function jsonLdContext(prefixes: Record<string, string>): Record<string, string | { '@id': string; '@prefix': true }> {
  // JSON-LD 1.1 compacts IRIs with a term only if its IRI ends in a gen-delim, unless the term is flagged @prefix.
  return Object.fromEntries(
    Object.entries(prefixes).map(([prefix, iri]) => [
      prefix,
      /[:/?#[\]@]$/.test(iri) ? iri : { '@id': iri, '@prefix': true as const },
    ]),
  );
}

/** Parses RDF text. Blank nodes are fresh for every call, so graphs parsed separately never share one. */
export async function parse(text: string, format: RdfFormat, baseIri?: string): Promise<RDF.Quad[]> {
  switch (format) {
    case 'text/turtle':
    case 'application/n-triples':
      // n3 prefixes blank node labels per parser instance.
      return new Parser({ format, ...(baseIri ? { baseIRI: baseIri } : {}) }).parse(text);
    case 'application/ld+json':
      return fromJsonLd(text, baseIri);
    case 'application/rdf+xml':
      return fromRdfXml(text, baseIri);
  }
}

/** A data factory whose labelled blank nodes are scoped to one document. */
function documentScopedFactory(): RDF.DataFactory<RDF.Quad> {
  const byLabel = new Map<string, RDF.BlankNode>();
  return {
    ...DataFactory,
    blankNode(label?: string): RDF.BlankNode {
      if (label === undefined) return DataFactory.blankNode();
      let node = byLabel.get(label);
      if (!node) {
        node = DataFactory.blankNode();
        byLabel.set(label, node);
      }
      return node;
    },
  };
}

async function fromJsonLd(text: string, baseIri: string | undefined): Promise<RDF.Quad[]> {
  const document = JSON.parse(text) as jsonld.JsonLdDocument;
  const dataset = (await jsonld.toRDF(document, {
    documentLoader: refuseRemoteDocuments,
    ...(baseIri ? { base: baseIri } : {}),
  })) as RDF.Quad[];
  // jsonld returns plain term objects labelled b0, b1, ... in every document; rebuild them as our terms.
  const factory = documentScopedFactory();
  const term = (plain: RDF.Term): RDF.Term => {
    switch (plain.termType) {
      case 'BlankNode':
        return factory.blankNode(plain.value);
      case 'Literal':
        return factory.literal(plain.value, plain.language || factory.namedNode(plain.datatype.value));
      case 'NamedNode':
        return factory.namedNode(plain.value);
      case 'DefaultGraph':
        return factory.defaultGraph();
      default:
        throw new Error(`Unexpected ${plain.termType} in JSON-LD output`);
    }
  };
  return dataset.map((quad) =>
    factory.quad(
      term(quad.subject) as RDF.Quad_Subject,
      term(quad.predicate) as RDF.Quad_Predicate,
      term(quad.object) as RDF.Quad_Object,
      term(quad.graph) as RDF.Quad_Graph,
    ),
  );
}

function fromRdfXml(text: string, baseIri: string | undefined): Promise<RDF.Quad[]> {
  const parser = new RdfXmlParser({ dataFactory: documentScopedFactory(), ...(baseIri ? { baseIRI: baseIri } : {}) });
  return new Promise((resolve, reject) => {
    const quads: RDF.Quad[] = [];
    parser.on('data', (quad: RDF.Quad) => quads.push(quad));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.end(text);
  });
}

/** True when the two graphs are the same up to blank node renaming. */
export function isomorphic(a: readonly RDF.Quad[], b: readonly RDF.Quad[]): boolean {
  return isomorphicGraphs([...a], [...b]);
}

// ---------------------------------------------------------------------------------------------------------
// RDF/XML serializer. No maintained package writes RDF/XML, so this is a deliberately plain one: one
// rdf:Description per subject, one property element per triple, no abbreviations.

const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANG_STRING = `${RDF_NS}langString`;

// Names in the rdf namespace that the RDF/XML grammar reserves, so they cannot be property elements
// (rdf:li is rewritten to rdf:_n by parsers, so it would not round-trip either).
const reservedRdfNames = new Set([
  'RDF', 'ID', 'about', 'parseType', 'resource', 'nodeID', 'datatype', 'Description', 'li',
  'aboutEach', 'aboutEachPrefix', 'bagID',
]);

// XML 1.0 (5th edition) NameStartChar / NameChar without ':', i.e. the characters of an NCName.
const NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D'
  + '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
// The longest NCName suffix of an IRI: the regex engine tries the leftmost start first.
const LOCAL_NAME_SUFFIX = new RegExp(`[${NAME_START}][${NAME_CHAR}]*$`, 'u');
const NCNAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`, 'u');

// Characters XML 1.0 cannot carry at all, not even as character references.
const NON_XML_CHARACTER =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function xmlSafe(value: string): string {
  if (NON_XML_CHARACTER.test(value)) {
    throw new Error(`RDF/XML cannot carry the control character in ${JSON.stringify(value)}`);
  }
  return value;
}

const textEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const attributeEscapes: Record<string, string> = { ...textEscapes, '"': '&quot;', '\t': '&#9;', '\n': '&#10;' };

// A bare \r would be normalised away by XML parsers; in attributes \t and \n would become spaces.
function escapeText(value: string): string {
  return xmlSafe(value).replace(/[&<>\r]/g, (char) => textEscapes[char]!);
}

function escapeAttribute(value: string): string {
  return xmlSafe(value).replace(/[&<>"\t\n\r]/g, (char) => attributeEscapes[char]!);
}

/** Assigns XML namespace prefixes: the caller's where they fit, generated ns1, ns2, ... otherwise. */
class XmlNamespaces {
  readonly #prefixByIri = new Map<string, string>([[RDF_NS, 'rdf']]);
  readonly #preferred = new Map<string, string>();
  readonly #taken = new Set<string>(['rdf']);
  #generated = 0;

  constructor(prefixes: Record<string, string>) {
    for (const [prefix, iri] of Object.entries(prefixes)) {
      if (NCNAME.test(prefix) && !/^xml/i.test(prefix) && prefix !== 'rdf' && !this.#preferred.has(iri)) {
        this.#preferred.set(iri, prefix);
        this.#taken.add(prefix);
      }
    }
  }

  qualifiedName(predicate: string): string {
    const local = LOCAL_NAME_SUFFIX.exec(predicate)?.[0];
    if (!local) throw new Error(`RDF/XML cannot express the predicate <${predicate}>: it does not end in an XML name`);
    const namespace = predicate.slice(0, predicate.length - local.length);
    if (namespace === RDF_NS && reservedRdfNames.has(local)) {
      throw new Error(`RDF/XML cannot use rdf:${local} as a property`);
    }
    return `${this.#prefixFor(namespace)}:${local}`;
  }

  #prefixFor(namespace: string): string {
    let prefix = this.#prefixByIri.get(namespace) ?? this.#preferred.get(namespace);
    if (!prefix) {
      do prefix = `ns${++this.#generated}`;
      while (this.#taken.has(prefix));
      this.#taken.add(prefix);
    }
    this.#prefixByIri.set(namespace, prefix);
    return prefix;
  }

  declarations(): string {
    return [...this.#prefixByIri]
      .map(([iri, prefix]) => `\n    xmlns:${prefix}="${escapeAttribute(iri)}"`)
      .join('');
  }
}

function toRdfXml(quads: readonly RDF.Quad[], prefixes: Record<string, string>): string {
  const namespaces = new XmlNamespaces(prefixes);
  const nodeIds = new Map<string, string>();
  const nodeId = (node: RDF.BlankNode): string => {
    let id = nodeIds.get(node.value);
    if (!id) {
      id = `b${nodeIds.size}`;
      nodeIds.set(node.value, id);
    }
    return id;
  };
  const identify = (node: RDF.Term, iriAttribute: string): string => {
    if (node.termType === 'NamedNode') return `${iriAttribute}="${escapeAttribute(node.value)}"`;
    if (node.termType === 'BlankNode') return `rdf:nodeID="${nodeId(node)}"`;
    throw new Error(`RDF/XML cannot express a ${node.termType} here`);
  };

  const statementsBySubject = new Map<string, RDF.Quad[]>();
  for (const quad of quads) {
    const key = `${quad.subject.termType}:${quad.subject.value}`;
    const statements = statementsBySubject.get(key);
    if (statements) statements.push(quad);
    else statementsBySubject.set(key, [quad]);
  }

  let body = '';
  for (const statements of statementsBySubject.values()) {
    body += `  <rdf:Description ${identify(statements[0]!.subject, 'rdf:about')}>\n`;
    for (const { predicate, object } of statements) {
      const name = namespaces.qualifiedName(predicate.value);
      if (object.termType === 'Literal') {
        const attributes = object.language
          ? ` xml:lang="${escapeAttribute(object.language)}"`
          : object.datatype.value === XSD_STRING || object.datatype.value === RDF_LANG_STRING
            ? ''
            : ` rdf:datatype="${escapeAttribute(object.datatype.value)}"`;
        body += `    <${name}${attributes}>${escapeText(object.value)}</${name}>\n`;
      } else {
        body += `    <${name} ${identify(object, 'rdf:resource')}/>\n`;
      }
    }
    body += '  </rdf:Description>\n';
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF${namespaces.declarations()}>\n${body}</rdf:RDF>\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Streaming writers for whole-catalogue exports.

/** Writes quads as they come; `write` waits while `out` is full, so an export runs in constant memory. */
export interface RdfStreamWriter {
  write(quad: RDF.Quad): Promise<void>;
  /** Writes the closing punctuation. `out` stays open: the caller owns it. */
  end(): Promise<void>;
}

export function createTurtleStreamWriter(
  out: NodeJS.WritableStream,
  prefixes: Record<string, string>,
): RdfStreamWriter {
  return streamWriter(out, { format: 'text/turtle', prefixes });
}

export function createNTriplesStreamWriter(out: NodeJS.WritableStream): RdfStreamWriter {
  return streamWriter(out, { format: 'application/n-triples' });
}

function streamWriter(out: NodeJS.WritableStream, options: WriterOptions): RdfStreamWriter {
  // n3's Writer appends to this buffer; we pass it on to `out` ourselves because the Writer ignores back-pressure.
  let pending = '';
  const buffer = {
    write(chunk: string, _encoding?: string, done?: () => void): boolean {
      pending += chunk;
      done?.();
      return true;
    },
    end(done?: () => void): void {
      done?.();
    },
  };
  const writer = new Writer(buffer, { ...options, end: false });
  const flush = async (): Promise<void> => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    if (!out.write(chunk)) await drained(out);
  };
  return {
    async write(quad) {
      if (quad.graph.termType !== 'DefaultGraph') {
        throw new Error(`Cannot stream a quad in named graph <${quad.graph.value}>: only the default graph is supported`);
      }
      writer.addQuad(quad);
      await flush();
    },
    async end() {
      writer.end();
      await flush();
    },
  };
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    // A client that hangs up mid-export closes the stream without ever draining it.
    const onClose = (): void => settle(new Error('The output stream closed before the export finished'));
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
  });
}
