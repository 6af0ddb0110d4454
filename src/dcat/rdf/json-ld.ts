import type * as RDF from '@rdfjs/types';
import jsonld from 'jsonld';
import { documentScopedFactory } from './terms.js';

// Harvested or posted JSON-LD must not make us fetch remote contexts (SSRF, slow or hostile servers).
async function refuseRemoteDocuments(url: string): Promise<never> {
  throw new Error(`Remote JSON-LD documents are not loaded (${url}); inline the @context`);
}

/**
 * jsonld reports a refused remote context as a failed download ("perhaps due to a same-origin policy ... too many
 * redirects"), which sends whoever reads it after the wrong cause: say what was refused, and why.
 */
function remoteContextRefusal(error: unknown): Error | null {
  const details = (error as { details?: { code?: string; url?: unknown } }).details;
  if (details?.code !== 'loading remote context failed' && details?.code !== 'loading document failed') return null;
  return new Error(`the document's @context names ${String(details.url)}: remote JSON-LD contexts are not loaded; inline the @context`);
}

export async function toJsonLd(quads: readonly RDF.Quad[], prefixes: Record<string, string>): Promise<string> {
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

export async function fromJsonLd(text: string, baseIri: string | undefined): Promise<RDF.Quad[]> {
  const document = JSON.parse(text) as jsonld.JsonLdDocument;
  const dataset = (await jsonld
    .toRDF(document, { documentLoader: refuseRemoteDocuments, ...(baseIri ? { base: baseIri } : {}) })
    .catch((error: unknown) => {
      throw remoteContextRefusal(error) ?? error;
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
