import type * as RDF from '@rdfjs/types';
import { metadataModifiedOf } from '../../catalogue-source.js';
import type { CatalogueIris } from '../../iris.js';
import { dcat, dct, fdp, ldp, rdf } from '../../namespaces.js';
import type { Triples } from '../../rdf/graph.js';
import { dateTime } from '../../rdf/literals.js';
import { literal, namedNode } from '../../rdf/terms.js';
import { euLanguage, r3d } from '../../vocabularies.js';
import type { CatalogueDescriber } from '../describer.js';
import type { Add, ProfileWriter } from '../profile.js';

/**
 * FAIR Data Point metadata (https://w3id.org/fdp/fdp-o#). As in the FDP specification and its reference
 * implementation, the metadata records are the resources themselves: the catalogue, each dataset and each
 * distribution is served at its own IRI, typed dcat:Catalog / dcat:Dataset / dcat:Distribution, with the FDP
 * metadata (identifier, issued, modified, parent) and an LDP direct container listing its children. A
 * harvester that starts at the repository and follows only ldp:contains (the GDI / Health-RI one) reaches
 * every published dataset and distribution.
 */

const FDP_SPECIFICATION = 'https://specs.fairdatapoint.org/fdp-specs-v1.2.html';

export const fdpWriter: ProfileWriter = {
  name: 'FAIR Data Point',

  catalog(describer, add, catalogue) {
    const { iris } = describer;
    describeMetadata(describer, add, `${iris.catalog()}#metadata-identifier`, iris.catalog(), {
      issued: catalogue.issued,
      modified: describer.context.catalogueModified,
    });
    // No dct:isPartOf to the FAIR Data Point: DCAT-AP ranges a catalogue's dct:isPartOf over catalogues. The
    // FAIR Data Point states the link itself (fdp:metadataCatalog and its ldp:contains).
  },

  dataset(describer, add, { dataset }) {
    const { iris } = describer;
    const node = namedNode(iris.dataset(dataset.identifier));
    const self = iris.dataset(dataset.identifier);
    describeMetadata(describer, add, iris.part('datasets', dataset.identifier, 'metadata-identifier'), self, {
      issued: dataset.issued ?? dataset.createdAt,
      modified: metadataModifiedOf(dataset),
    });
    add(dct('isPartOf'), namedNode(iris.catalog()));
    const distributions = [...dataset.distributions].map((distribution) => iris.distribution(distribution.id)).sort();
    describeContainer(describer.graph, iris.part('datasets', dataset.identifier, 'distributions'), node, dcat('distribution'), distributions);
  },

  distribution(describer, add, { dataset }, distribution) {
    const { iris } = describer;
    const self = iris.distribution(distribution.id);
    describeMetadata(describer, add, iris.part('distributions', distribution.id, 'metadata-identifier'), self, {
      issued: dataset.issued ?? dataset.createdAt,
      modified: metadataModifiedOf(dataset),
    });
    add(dct('isPartOf'), namedNode(iris.dataset(dataset.identifier)));
  },
};

function describeMetadata(
  describer: CatalogueDescriber,
  add: Add,
  identifierIri: string,
  self: string,
  dates: { issued: Date; modified: Date },
): void {
  const identifier = describer.about(identifierIri);
  identifier(rdf('type'), namedNode('http://purl.org/spar/datacite/Identifier'));
  identifier(dct('identifier'), literal(self));
  add(fdp('metadataIdentifier'), namedNode(identifierIri));
  add(fdp('metadataIssued'), dateTime(dates.issued));
  add(fdp('metadataModified'), dateTime(dates.modified));
}

/** The FAIR Data Point itself: a repository whose one catalog is the catalogue. */
export function describeRepository(describer: CatalogueDescriber, iris: CatalogueIris): RDF.NamedNode {
  const { graph, context } = describer;
  const { catalogue } = context;
  const repository = namedNode(iris.fdp());
  for (const type of [fdp('FAIRDataPoint'), fdp('MetadataService'), dcat('DataService'), r3d('Repository')]) {
    graph.add(repository, rdf('type'), type);
  }
  graph.add(repository, dct('title'), literal(`${catalogue.title} (FAIR Data Point)`));
  graph.add(repository, dct('description'), literal(`FAIR Data Point over ${catalogue.title}: ${catalogue.description}`));
  if (catalogue.publisher) graph.add(repository, dct('publisher'), describer.organisation(catalogue.publisher));
  for (const code of catalogue.languages) {
    const language = euLanguage(code);
    if (language) graph.add(repository, dct('language'), namedNode(language));
  }
  graph.add(repository, dcat('endpointURL'), repository);
  graph.add(repository, fdp('conformsToFdpSpec'), namedNode(FDP_SPECIFICATION));
  graph.add(repository, fdp('metadataIssued'), dateTime(catalogue.issued));
  graph.add(repository, fdp('metadataModified'), dateTime(context.catalogueModified));
  const catalog = describer.catalog();
  graph.add(repository, fdp('metadataCatalog'), catalog);
  describeContainer(graph, `${iris.fdp()}#catalogs`, repository, fdp('metadataCatalog'), [catalog.value]);
  return repository;
}

/**
 * An LDP direct container of the resources one level down: each contained IRI is a member, related to
 * `owner` by `memberRelation` (e.g. catalog dcat:dataset dataset).
 */
export function describeContainer(
  graph: Triples,
  container: string,
  owner: RDF.NamedNode,
  memberRelation: RDF.NamedNode,
  members: readonly string[],
): RDF.NamedNode {
  const node = namedNode(container);
  graph.add(node, rdf('type'), ldp('DirectContainer'));
  graph.add(node, ldp('membershipResource'), owner);
  graph.add(node, ldp('hasMemberRelation'), memberRelation);
  for (const member of members) graph.add(node, ldp('contains'), namedNode(member));
  return node;
}
