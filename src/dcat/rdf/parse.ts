import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { isomorphic as isomorphicGraphs } from 'rdf-isomorphic';
import type { RdfFormat } from './formats.js';
import { fromJsonLd } from './json-ld.js';
import { fromRdfXml } from './rdf-xml.js';
import { nextTurn, slicesOf } from './slices.js';

/** Parses RDF text. Blank nodes are fresh for every call, so graphs parsed separately never share one. */
export async function parse(text: string, format: RdfFormat, baseIri?: string): Promise<RDF.Quad[]> {
  switch (format) {
    case 'text/turtle':
    case 'application/n-triples':
      // n3 prefixes blank node labels per parser instance.
      return parseTurtle(new Parser({ format, ...(baseIri ? { baseIRI: baseIri } : {}) }), text);
    case 'application/ld+json':
      return fromJsonLd(text, baseIri);
    case 'application/rdf+xml':
      return fromRdfXml(text, baseIri);
  }
}

/** Turtle or N-Triples fed to the parser a slice at a time, with a turn of the event loop between slices. */
function parseTurtle(parser: Parser, text: string): Promise<RDF.Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: RDF.Quad[] = [];
    let failed = false;
    let onData: (slice: string) => void = () => undefined;
    let onEnd: () => void = () => undefined;
    // n3 reads a stream through its 'data' and 'end' callbacks; the slices are that stream.
    const slices = { on: (event: string, callback: never) => (event === 'data' ? (onData = callback) : event === 'end' ? (onEnd = callback) : undefined) };
    parser.parse(slices as unknown as string, (error, quad) => {
      if (error) {
        failed = true;
        reject(error);
      } else if (quad) quads.push(quad);
      else resolve(quads);
    });
    void (async () => {
      for (const slice of slicesOf(text)) {
        onData(slice);
        if (failed) return;
        await nextTurn();
      }
      onEnd();
    })().catch(reject);
  });
}

/** True when the two graphs are the same up to blank node renaming. */
export function isomorphic(a: readonly RDF.Quad[], b: readonly RDF.Quad[]): boolean {
  return isomorphicGraphs([...a], [...b]);
}
