import type * as RDF from '@rdfjs/types';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { nextTurn, slicesOf } from './slices.js';
import { documentScopedFactory } from './terms.js';

/** Parses RDF/XML written a slice at a time, with a turn of the event loop between slices. */
export function fromRdfXml(text: string, baseIri: string | undefined): Promise<RDF.Quad[]> {
  const parser = new RdfXmlParser({ dataFactory: documentScopedFactory(), ...(baseIri ? { baseIRI: baseIri } : {}) });
  return new Promise((resolve, reject) => {
    const quads: RDF.Quad[] = [];
    let failed = false;
    parser.on('data', (quad: RDF.Quad) => quads.push(quad));
    parser.on('error', (error) => {
      failed = true;
      reject(error);
    });
    parser.on('end', () => resolve(quads));
    void (async () => {
      for (const slice of slicesOf(text)) {
        if (failed) return;
        parser.write(slice);
        await nextTurn();
      }
      parser.end();
    })().catch(reject);
  });
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

export function toRdfXml(quads: readonly RDF.Quad[], prefixes: Record<string, string>): string {
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
