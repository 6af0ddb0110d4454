import type * as RDF from '@rdfjs/types';
import { Writer, type WriterOptions } from 'n3';
import type { RdfFormat } from './formats.js';
import type { Graph } from './graph.js';
import { literalText, nTriplesIri, nTriplesTerm, rememberedIris } from './n-triples.js';
import { toJsonLd } from './json-ld.js';
import { toRdfXml } from './rdf-xml.js';

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

// ---------------------------------------------------------------------------------------------------------
// Streaming writers for whole-catalogue exports.

/**
 * Writes a graph a batch at a time; `write` hands the batch's text to `out` as one chunk and waits while `out`
 * is full, so an export runs in constant memory. The text is built straight from each triple's terms (one
 * string per batch, no quads and no general-purpose writer in between): the export writes millions of
 * triples.
 */
export interface RdfStreamWriter {
  write(graph: Graph): Promise<void>;
  /** Finishes the document (a Turtle document with no triples still declares its prefixes). `out` stays open: the caller owns it. */
  end(): Promise<void>;
}

export function createTurtleStreamWriter(out: NodeJS.WritableStream, prefixes: Record<string, string>): RdfStreamWriter {
  const terms = new TurtleTerms(prefixes);
  let header = Object.entries(prefixes).map(([prefix, namespace]) => `@prefix ${prefix}: ${nTriplesIri(namespace)}.\n`).join('') + '\n';
  const withHeader = (text: string): string => {
    const first = header;
    header = '';
    return first + text;
  };
  return streamWriter(out, (graph) => withHeader(terms.document(graph)), () => withHeader(''));
}

export function createNTriplesStreamWriter(out: NodeJS.WritableStream): RdfStreamWriter {
  return streamWriter(out, (graph) => {
    let text = '';
    for (const { subject, statements } of graph.subjects()) {
      const node = nTriplesTerm(subject);
      for (const statement of statements.keys()) text += `${node} ${statement} .\n`;
    }
    return text;
  });
}

function streamWriter(out: NodeJS.WritableStream, textOf: (graph: Graph) => string, closing: () => string = () => ''): RdfStreamWriter {
  const send = async (chunk: string): Promise<void> => {
    if (chunk !== '' && !out.write(chunk)) await drained(out);
  };
  return {
    write: (graph) => send(textOf(graph)),
    end: () => send(closing()),
  };
}

/** Turtle for a graph's triples: a block per subject, prefixed names where a prefix fits, `a` for rdf:type. */
class TurtleTerms {
  /** Prefix by namespace; our namespaces all end in / or #, so a name's namespace is found by one cut. */
  private readonly prefixOf: Map<string, string>;

  /** Predicates and datatypes, which recur in every block. */
  private readonly vocabularyIri = rememberedIris((iri) => this.iri(iri));

  constructor(prefixes: Record<string, string>) {
    this.prefixOf = new Map(Object.entries(prefixes).map(([prefix, namespace]) => [namespace, prefix]));
  }

  document(graph: Graph): string {
    let text = '';
    for (const { subject, statements } of graph.subjects()) {
      text += subject.termType === 'NamedNode' ? this.iri(subject.value) : `_:${subject.value}`;
      let previous: RDF.NamedNode | null = null;
      for (const [predicate, object] of statements.values()) {
        if (previous?.value === predicate.value) text += `, ${this.term(object)}`;
        else text += `${previous ? ';\n   ' : ''} ${predicate.value === RDF_TYPE ? 'a' : this.vocabularyIri(predicate.value)} ${this.term(object)}`;
        previous = predicate;
      }
      text += '.\n';
    }
    return text;
  }

  private readonly iri = (iri: string): string => {
    const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1;
    const prefix = cut > 0 ? this.prefixOf.get(iri.slice(0, cut)) : undefined;
    if (prefix === undefined) return nTriplesIri(iri);
    const local = iri.slice(cut);
    return LOCAL_NAME.test(local) ? `${prefix}:${local}` : nTriplesIri(iri);
  };

  private term(term: RDF.Quad_Object): string {
    switch (term.termType) {
      case 'NamedNode':
        return this.iri(term.value);
      case 'Literal':
        return literalText(term, this.vocabularyIri);
      default:
        return nTriplesTerm(term);
    }
  }
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
// A subset of Turtle's PN_LOCAL that needs no escaping (no dots, no percent signs, no colons).
const LOCAL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

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
