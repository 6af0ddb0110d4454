/** The RDF serialisations the catalogue reads and writes. */
export type RdfFormat = 'text/turtle' | 'application/ld+json' | 'application/rdf+xml' | 'application/n-triples';

/** The formats we serve, in our order of preference when a client rates several equally. */
export const rdfFormats: readonly RdfFormat[] = [
  'text/turtle',
  'application/ld+json',
  'application/rdf+xml',
  'application/n-triples',
];

// Media types a client may name for each format; the first is the canonical one.
export const mediaTypesOf: Record<RdfFormat, readonly string[]> = {
  'text/turtle': ['text/turtle', 'application/x-turtle'],
  'application/ld+json': ['application/ld+json', 'application/json'],
  // RDF/XML is XML: clients that ask for XML in general get it too.
  'application/rdf+xml': ['application/rdf+xml', 'application/xml', 'text/xml'],
  'application/n-triples': ['application/n-triples'],
};
