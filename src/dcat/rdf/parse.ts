import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { isomorphic as isomorphicGraphs } from 'rdf-isomorphic';
import type { RdfFormat } from './formats.js';
import { fromJsonLd } from './json-ld.js';
import { fromRdfXml } from './rdf-xml.js';

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

/** True when the two graphs are the same up to blank node renaming. */
export function isomorphic(a: readonly RDF.Quad[], b: readonly RDF.Quad[]): boolean {
  return isomorphicGraphs([...a], [...b]);
}
