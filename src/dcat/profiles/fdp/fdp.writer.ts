import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { Graph } from '../../rdf/graph.js';
import type { CatalogueDescriber } from '../describer.js';
import type { CatalogueIris } from '../../iris.js';
import { dcat, dct, fdp, foaf, ldp, rdf, xsd } from '../../namespaces.js';
import { euLanguage, r3d } from '../../vocabularies.js';

const { namedNode, literal } = DataFactory;

/**
 * FAIR Data Point navigation (https://w3id.org/fdp/fdp-o#) over the catalogue. The FDP's pages are metadata
 * records about the catalogue's resources, which keep their DCAT IRIs: each record names what it describes
 * (fdp:isMetadataOf, foaf:primaryTopic) and lists the records one level down in an LDP container, so a
 * client walks repository -> catalog -> dataset -> distribution by following ldp:contains.
 */

const FDP_SPECIFICATION = 'https://specs.fairdatapoint.org/fdp-specs-v1.2.html';

const dateTime = (date: Date) => literal(date.toISOString(), xsd('dateTime'));

/** The FAIR Data Point itself: a repository serving one metadata catalog. */
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
  graph.add(repository, fdp('metadataModified'), dateTime(catalogue.modified));
  const catalog = describer.catalog();
  graph.add(repository, fdp('metadataCatalog'), catalog);
  describeMembers(graph, `${iris.fdp()}#catalogs`, repository, fdp('metadataCatalog'), [iris.fdpCatalog(catalogue.identifier)]);
  return repository;
}

/** The record an FDP page is: what it describes, and when that was registered and last changed. */
export function describeRecord(
  graph: Graph,
  record: string,
  about: RDF.NamedNode,
  dates: { issued?: Date | null; modified: Date },
  partOf?: string,
): void {
  const node = namedNode(record);
  graph.add(node, rdf('type'), fdp('Metadata'));
  graph.add(node, fdp('isMetadataOf'), about);
  graph.add(node, foaf('primaryTopic'), about);
  graph.add(about, fdp('hasMetadata'), node);
  if (dates.issued) graph.add(node, fdp('metadataIssued'), dateTime(dates.issued));
  graph.add(node, fdp('metadataModified'), dateTime(dates.modified));
  if (partOf) graph.add(node, dct('isPartOf'), namedNode(partOf));
}

/**
 * An LDP indirect container listing child records: each contained record's foaf:primaryTopic is a member,
 * related to `owner` by `memberRelation` (e.g. catalog dcat:dataset dataset).
 */
export function describeMembers(
  graph: Graph,
  container: string,
  owner: RDF.NamedNode,
  memberRelation: RDF.NamedNode,
  records: readonly string[],
): RDF.NamedNode {
  const node = namedNode(container);
  graph.add(node, rdf('type'), ldp('IndirectContainer'));
  graph.add(node, ldp('membershipResource'), owner);
  graph.add(node, ldp('hasMemberRelation'), memberRelation);
  graph.add(node, ldp('insertedContentRelation'), foaf('primaryTopic'));
  for (const record of records) graph.add(node, ldp('contains'), namedNode(record));
  return node;
}
