import type { NamedNode } from '@rdfjs/types';
import { namedNode } from './rdf/terms.js';

/** A vocabulary namespace: call it with a local name to get the term, e.g. `dcat('Dataset')`. */
export type Namespace = ((localName: string) => NamedNode) & { readonly iri: string };

export function ns(iri: string): Namespace {
  // Terms are immutable and a document names the same few thousands of times (an export, millions): each is
  // made once, for a bounded number of local names.
  const made = new Map<string, NamedNode>();
  const term = (localName: string): NamedNode => {
    let node = made.get(localName);
    if (!node) {
      node = namedNode(iri + localName);
      if (made.size < 1024) made.set(localName, node);
    }
    return node;
  };
  return Object.assign(term, { iri });
}

/**
 * Namespace IRIs used by DCAT-AP 3 and HealthDCAT-AP, spelled exactly as in the official SHACL shapes
 * (data/standards/). Serializers use this map for Turtle prefixes, the JSON-LD context and RDF/XML
 * namespace declarations.
 */
export const prefixes = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  // Provisional: the HealthDCAT-AP shapes say it will change once the official namespace is created.
  healthdcatap: 'http://healthdataportal.eu/ns/health#',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  adms: 'http://www.w3.org/ns/adms#',
  dpv: 'https://w3id.org/dpv#',
  prov: 'http://www.w3.org/ns/prov#',
  // The shapes and DCAT-AP use the http form, not https://schema.org/.
  schema: 'http://schema.org/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  odrl: 'http://www.w3.org/ns/odrl/2/',
  spdx: 'http://spdx.org/rdf/terms#',
  dqv: 'http://www.w3.org/ns/dqv#',
  // Core Vocabularies (SEMIC): HealthDCAT-AP Release 6 reaches publishers and access bodies through cv:contactPoint.
  cv: 'http://data.europa.eu/m8g/',
  // Class of dcatap:applicableLegislation values (DCAT-AP 3 range constraint).
  eli: 'http://data.europa.eu/eli/ontology#',
  locn: 'http://www.w3.org/ns/locn#',
  time: 'http://www.w3.org/2006/time#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  fdp: 'https://w3id.org/fdp/fdp-o#',
  ldp: 'http://www.w3.org/ns/ldp#',
  // Our own terms for catalogue fields with no standard term (domain brief section 7, marked ext).
  ext: 'https://w3id.org/gdcat/ext#',
} as const satisfies Record<string, string>;

export const rdf = ns(prefixes.rdf);
export const rdfs = ns(prefixes.rdfs);
export const xsd = ns(prefixes.xsd);
export const dcat = ns(prefixes.dcat);
export const dct = ns(prefixes.dct);
export const dcatap = ns(prefixes.dcatap);
export const healthdcatap = ns(prefixes.healthdcatap);
export const foaf = ns(prefixes.foaf);
export const vcard = ns(prefixes.vcard);
export const adms = ns(prefixes.adms);
export const dpv = ns(prefixes.dpv);
export const prov = ns(prefixes.prov);
export const schema = ns(prefixes.schema);
export const skos = ns(prefixes.skos);
export const odrl = ns(prefixes.odrl);
export const spdx = ns(prefixes.spdx);
export const dqv = ns(prefixes.dqv);
export const cv = ns(prefixes.cv);
export const eli = ns(prefixes.eli);
export const locn = ns(prefixes.locn);
export const time = ns(prefixes.time);
export const hydra = ns(prefixes.hydra);
export const fdp = ns(prefixes.fdp);
export const ldp = ns(prefixes.ldp);
export const ext = ns(prefixes.ext);
