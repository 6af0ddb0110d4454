import type * as RDF from '@rdfjs/types';
import { Writer, type WriterOptions } from 'n3';
import type { RdfFormat } from './formats.js';
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
