import type * as RDF from '@rdfjs/types';
import type { DataAccessBody } from '../../access/data-access-body.entity.js';
import type { Catalogue } from '../../catalogue/catalogue.entity.js';
import type { Distribution } from '../../datasets/distribution.entity.js';
import type { HealthEconomicEvaluation } from '../../economics/health-economic-evaluation.entity.js';
import type { Organisation } from '../../organisations/organisation.entity.js';
import type { Study } from '../../studies/study.entity.js';
import type { DatasetRecord } from '../catalogue-source.js';
import type { CatalogueReader } from './catalogue-reader.js';
import type { CatalogueDescriber } from './describer.js';

/** States one property of the node being described. */
export type Add = (predicate: RDF.NamedNode, object: RDF.Quad_Object) => void;

/**
 * The writer half of an application profile (the shape of ckanext-dcat's profiles): for each kind of record
 * it states the triples its profile defines about that record's node. The describer applies every profile in
 * order to the same node, so a dataset comes out as DCAT-AP 3 core + HealthDCAT-AP + the gdcat extension.
 * A profile reaches other nodes (publishers, contact points, vocabulary terms) through the describer, which
 * describes each once per document. The reader of a profile lives next to its writer, in the same folder.
 */
export interface ProfileWriter {
  readonly name: string;
  catalog?(describer: CatalogueDescriber, add: Add, catalogue: Catalogue): void;
  dataset?(describer: CatalogueDescriber, add: Add, record: DatasetRecord): void;
  distribution?(describer: CatalogueDescriber, add: Add, record: DatasetRecord, distribution: Distribution): void;
  organisation?(describer: CatalogueDescriber, add: Add, organisation: Organisation): void;
  accessBody?(describer: CatalogueDescriber, add: Add, body: DataAccessBody): void;
  study?(describer: CatalogueDescriber, add: Add, study: Study): void;
  evaluation?(describer: CatalogueDescriber, add: Add, evaluation: HealthEconomicEvaluation): void;
}

/** A record read back from RDF, in the shape of the example catalogue (seed/example-catalogue.json). */
export type ReadRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The reader half of an application profile, the inverse of its writer: for each kind of node it reads the
 * triples its profile defines into the record being read. The catalogue reader applies every profile in
 * order to the same node, and reaches the nodes a record points at through its methods.
 */
export interface ProfileReader {
  readonly name: string;
  dataset?(reader: CatalogueReader, node: RDF.Quad_Subject, into: ReadRecord): void;
  distribution?(reader: CatalogueReader, node: RDF.Quad_Subject, into: ReadRecord): void;
  organisation?(reader: CatalogueReader, node: RDF.Quad_Subject, into: ReadRecord): void;
  accessBody?(reader: CatalogueReader, node: RDF.Quad_Subject, into: ReadRecord): void;
  study?(reader: CatalogueReader, node: RDF.Quad_Subject, into: ReadRecord): void;
  evaluation?(reader: CatalogueReader, node: RDF.Quad_Subject, into: ReadRecord): void;
}
