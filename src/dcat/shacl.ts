import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as RDF from '@rdfjs/types';
import { Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { repoRoot } from '../core/repo-root.js';

/*
 * What the official shapes demand of the RDF we publish (data/standards/, see the SOURCE.md files).
 *
 * DCAT-AP 3.0.1 checks every range with sh:class, and a SHACL validator only sees a class through an
 * rdf:type triple in the data graph (rdfs:subClassOf counts only if that triple is in the data too). So
 * every object we point at — EU controlled-vocabulary IRIs included — needs its type stated in our output:
 *   dct:publisher, dct:creator            a foaf:Agent (foaf:Organization alone is not enough), foaf:name required
 *   dcat:contactPoint                     a vcard:Kind (vcard:Organization alone is not enough)
 *   dcat:theme, dct:type, adms:status,
 *   dcatap:availability, Agent dct:type   a skos:Concept, with skos:prefLabel (skos:Concept requires one)
 *   dct:accessRights, dct:rights          a dct:RightsStatement (e.g. the access-right/NON_PUBLIC IRI)
 *   dct:license                           a dct:LicenseDocument
 *   dct:language                          a dct:LinguisticSystem
 *   dct:spatial                           a dct:Location
 *   dct:temporal                          a dct:PeriodOfTime
 *   dct:accrualPeriodicity                a dct:Frequency
 *   dct:conformsTo                        a dct:Standard
 *   dct:provenance                        a dct:ProvenanceStatement
 *   dct:format                            a dct:MediaTypeOrExtent; dcat:mediaType etc. a dct:MediaType
 *   dcatap:applicableLegislation          a eli:LegalResource (e.g. the ELI of the EHDS regulation)
 *   dcat:landingPage, foaf:page,
 *   foaf:homepage                         a foaf:Document
 *   prov:wasGeneratedBy                   a prov:Activity; prov:qualifiedAttribution a prov:Attribution
 *   adms:identifier                       a adms:Identifier with exactly one skos:notation
 *   dcat:qualifiedRelation                a dcat:Relationship with dct:relation and dcat:hadRole (a dcat:Role)
 *   spdx:checksum                         a spdx:Checksum: one spdx:algorithm (a spdx:ChecksumAlgorithm) and
 *                                         one spdx:checksumValue typed xsd:hexBinary
 *   dcat:distribution / dcat:dataset /
 *   dcat:service / dcat:accessService     a dcat:Distribution / dcat:Dataset / dcat:DataService
 *   dcat:themeTaxonomy                    a skos:ConceptScheme with dct:title
 * Mandatory: Catalog dct:title, dct:description, exactly one dct:publisher; Dataset dct:title,
 * dct:description; Distribution dcat:accessURL; DataService dct:title, dcat:endpointURL; DatasetSeries
 * dct:title, dct:description. Datatypes: dcat:byteSize xsd:nonNegativeInteger, dcat:temporalResolution
 * xsd:duration, dcat:spatialResolutionInMeters xsd:decimal.
 *
 * HealthDCAT-AP (NON_PUBLIC shapes, Release 5 and 6) adds, for every dcat:Dataset: exactly one dct:accessRights
 * with the value access-right/NON_PUBLIC — so these shapes are for non-public datasets only; at least one
 * dcatap:applicableLegislation (IRI), dcat:distribution, dct:identifier, dcat:theme (IRI),
 * healthdcatap:healthCategory (IRI), dcat:contactPoint, dcat:keyword, dct:type and dct:provenance; exactly
 * one healthdcatap:hdab; at most one dct:publisher with at most one dct:description. The publisher and the
 * HDAB need exactly one contact point: Release 5 a dcat:contactPoint (a vcard:Kind), Release 6 a
 * cv:contactPoint (a cv:ContactPoint with a literal cv:email or an IRI cv:contactPage). Every vcard:Kind needs
 * vcard:hasEmail or vcard:hasURL as an IRI (mailto:...), at most one of each. Catalog, Distribution and
 * DatasetSeries each need dcatap:applicableLegislation. healthdcatap:minTypicalAge, maxTypicalAge,
 * numberOfRecords and numberOfUniqueIndividuals are at most one xsd:nonNegativeInteger each.
 * healthdcatap:hasCodeValues must be a node in Release 5 and a literal in Release 6, so we write none.
 */

/**
 * The official shape sets we validate against (data/standards/, see the SOURCE.md files there):
 * - `dcat-ap-3`: DCAT-AP 3.0.1, all three designs the release publishes: the per-constraint file
 *   (dcat-ap-SHACL.ttl), the core constraints (shapes.ttl) and the class ranges (range.ttl).
 * - `healthdcat-ap-r5`, `healthdcat-ap-r6`: the HealthDCAT-AP NON_PUBLIC shapes of Release 5 and 6, with the
 *   DCAT-AP shapes they owl:import. They demand access-right NON_PUBLIC of every dcat:Dataset, so they are
 *   for non-public datasets only.
 */
export type ShaclProfile = 'dcat-ap-3' | 'healthdcat-ap-r5' | 'healthdcat-ap-r6';

export interface ShaclViolation {
  /** IRI of the offending node, or `_:label` for a blank node. */
  focusNode: string;
  /** The property checked, or null for node-level constraints and non-IRI paths. */
  path: string | null;
  message: string;
  severity: 'Violation' | 'Warning' | 'Info';
  /** IRI (or `_:label`) of the shape that failed. */
  sourceShape: string;
  /** The SHACL constraint component, e.g. `MinCountConstraintComponent`. */
  constraint: string;
  /** The offending value, when the constraint is about a value. */
  value: string | null;
}

export interface ShaclReport {
  conforms: boolean;
  violations: ShaclViolation[];
}

const DCAT_AP_BASE = 'dcat-ap/shapes.ttl';

const shapeFiles: Record<ShaclProfile, readonly string[]> = {
  'dcat-ap-3': ['dcat-ap/dcat-ap-SHACL.ttl', DCAT_AP_BASE, 'dcat-ap/range.ttl'],
  'healthdcat-ap-r5': ['healthdcat-ap/release-5/nonpublic-shapes.ttl', DCAT_AP_BASE],
  'healthdcat-ap-r6': ['healthdcat-ap/release-6/nonpublic-shapes.ttl', DCAT_AP_BASE],
};

/*
 * Both HealthDCAT-AP files owl:import <https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/shapes.ttl>.
 * DCAT-AP 3.0.1's html/shacl/shapes.ttl describes itself with that IRI and defines the same shapes, fixing
 * one range (dcat:byteSize is xsd:nonNegativeInteger, as in DCAT 3, where 3.0.0 said xsd:decimal), so it
 * stands in for the import. Release 6 also imports a relative path of the repository it was copied from
 * (another copy of the same file). Shapes are never fetched: the imports are dropped from the working copy.
 */
const OWL_IMPORTS = 'http://www.w3.org/2002/07/owl#imports';

const SH = 'http://www.w3.org/ns/shacl#';

type ValidationResult = Awaited<ReturnType<SHACLValidator['validate']>>['results'][number];

const parsedFiles = new Map<string, Promise<RDF.Quad[]>>();

function shapesIn(file: string): Promise<RDF.Quad[]> {
  let quads = parsedFiles.get(file);
  if (!quads) {
    const fullPath = path.join(repoRoot(), 'data', 'standards', file);
    quads = readFile(fullPath, 'utf8').then((text) => new Parser({ format: 'text/turtle' }).parse(text));
    parsedFiles.set(file, quads);
    quads.catch(() => parsedFiles.delete(file));
  }
  return quads;
}

/**
 * The shapes graph of a profile, as a fresh dataset the caller may change: the official files, without
 * their owl:imports (satisfied locally, see above) and without sh:property references to shapes that no
 * file defines (dcat-ap-SHACL.ttl names two such shapes of dcat:DataServiceShape; rdf-validate-shacl
 * ignores them, Apache Jena refuses the whole graph). Both validators get exactly this graph.
 */
export async function loadShapes(profile: ShaclProfile): Promise<Store> {
  const store = new Store();
  for (const file of shapeFiles[profile]) store.addQuads(await shapesIn(file));
  store.removeQuads(store.getQuads(null, OWL_IMPORTS, null, null));
  for (const reference of store.getQuads(null, SH + 'property', null, null)) {
    if (reference.object.termType === 'NamedNode' && store.countQuads(reference.object, null, null, null) === 0) store.removeQuad(reference);
  }
  return store;
}

// Messages for results whose shape has no sh:message (none of the DCAT-AP 3.0.1 shapes has one), built
// from the parameter of the constraint that failed.
const explanations: Record<string, { parameter: string; explain: (parameter: string) => string }> = {
  ClassConstraintComponent: { parameter: 'class', explain: (c) => `must be typed <${c}> by an rdf:type triple` },
  MinCountConstraintComponent: { parameter: 'minCount', explain: (n) => `needs at least ${n} value(s)` },
  MaxCountConstraintComponent: { parameter: 'maxCount', explain: (n) => `allows at most ${n} value(s)` },
  DatatypeConstraintComponent: { parameter: 'datatype', explain: (d) => `must be a literal typed <${d}>` },
  NodeKindConstraintComponent: { parameter: 'nodeKind', explain: (k) => `must be a ${localName(k)}` },
  HasValueConstraintComponent: { parameter: 'hasValue', explain: (v) => `must include the value <${v}>` },
  NodeConstraintComponent: { parameter: 'node', explain: (s) => `must conform to the shape <${s}>` },
};

export async function validate(quads: readonly RDF.Quad[], profile: ShaclProfile): Promise<ShaclReport> {
  const shapes = await loadShapes(profile);
  const validator = new SHACLValidator(shapes);
  const report = await validator.validate(new Store([...quads]));
  return {
    conforms: report.conforms,
    violations: report.results.map((result) => {
      const constraint = localName(result.sourceConstraintComponent.value);
      const path = result.path?.termType === 'NamedNode' ? result.path.value : null;
      const value = result.value ? describe(result.value) : null;
      return {
        focusNode: describe(result.focusNode),
        path,
        message: describeFailure(result, shapes, constraint, path, value),
        severity: localName(result.severity.value) as ShaclViolation['severity'],
        sourceShape: describe(result.sourceShape),
        constraint,
        value,
      };
    }),
  };
}

/**
 * The shape's own sh:message when it has one; otherwise a sentence built from the failed constraint's
 * parameter, which says more than the validator's generic default (e.g. "Less than 1 values").
 */
function describeFailure(
  result: ValidationResult,
  shapes: Store,
  constraint: string,
  path: string | null,
  value: string | null,
): string {
  if (shapes.getObjects(result.sourceShape, SH + 'message', null).length > 0) {
    return result.message.map((message) => message.value).join('; ');
  }
  const explanation = explanations[constraint];
  const parameter = explanation && shapes.getObjects(result.sourceShape, SH + explanation.parameter, null)[0];
  const subject = `${path ? `<${path}>` : 'The node'}${value ? ` value ${value}` : ''}`;
  if (explanation && parameter) return `${subject} ${explanation.explain(parameter.value)}`;
  const defaults = result.message.map((message) => message.value).join('; ');
  return `${subject}: ${defaults || constraint}`;
}

function describe(term: RDF.Term): string {
  return term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
}

function localName(iri: string): string {
  return iri.startsWith(SH) ? iri.slice(SH.length) : iri;
}
