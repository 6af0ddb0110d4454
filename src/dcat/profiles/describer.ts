import type * as RDF from '@rdfjs/types';
import type { DataAccessBody } from '../../access/data-access-body.entity.js';
import type { Catalogue } from '../../catalogue/catalogue.entity.js';
import { discloseCohort } from '../../datasets/cohort-disclosure.js';
import type { Dataset } from '../../datasets/dataset.entity.js';
import type { Distribution } from '../../datasets/distribution.entity.js';
import type { HealthEconomicEvaluation } from '../../economics/health-economic-evaluation.entity.js';
import type { Organisation } from '../../organisations/organisation.entity.js';
import type { Study } from '../../studies/study.entity.js';
import type { DatasetRecord } from '../catalogue-source.js';
import type { CatalogueIris } from '../iris.js';
import { adms, cv, dcat, dct, eli, prefixes, rdf, rdfs, skos, vcard } from '../namespaces.js';
import { Graph, type Triples } from '../rdf/graph.js';
import { english } from '../rdf/literals.js';
import { literal, namedNode } from '../rdf/terms.js';
import { conceptLabel, dataThemeScheme, valuePrefixes } from '../vocabularies.js';
import { dcatApWriter } from './dcat-ap/dcat-ap.writer.js';
import { fdpWriter } from './fdp/fdp.writer.js';
import { gdcatWriter } from './gdcat/gdcat.writer.js';
import { healthDcatApWriter } from './healthdcat-ap/healthdcat-ap.writer.js';
import type { Add, ProfileWriter } from './profile.js';

/** Every prefix our documents may use: the DCAT-AP ones and those of the vocabularies we point at. */
export const publishedPrefixes: Record<string, string> = { ...prefixes, ...valuePrefixes };

/** The profiles every document is written in, in the order they add to a node. */
export const publishedProfiles: readonly ProfileWriter[] = [dcatApWriter, healthDcatApWriter, gdcatWriter, fdpWriter];

/** What every description needs besides the records: where IRIs live, and the catalogue they belong to. */
export interface DescriptionContext {
  iris: CatalogueIris;
  catalogue: Catalogue;
  /** The latest change to the catalogue or anything it lists. */
  catalogueModified: Date;
  /** Access bodies each organisation operates, by organisation id (see catalogue-source.ts). */
  bodiesOperatedBy: Map<string, DataAccessBody[]>;
  /** SMALL_COUNT_THRESHOLD: the output is public, so counts of people are disclosed as to anonymous callers. */
  smallCountThreshold: number;
}

/** A contact point: who answers, and how to reach them. */
export interface ContactDetails {
  iri: string;
  name: string;
  email: string | null;
  url: string | null;
}


/**
 * One RDF document about catalogue records, written in the published profiles (./profile.ts). Each node is
 * described once per document, entirely from the record it stands for (never from the page it appears on),
 * so pages, single-dataset documents and exports agree on every node they share. The node builders here are
 * those every profile may point at: records, contact points and controlled-vocabulary terms. The triples go
 * to a Graph of terms (documents, the default) or, for an export, to a TextGraph.
 */
export class CatalogueDescriber {
  readonly graph: Triples;
  readonly iris: CatalogueIris;
  private readonly described = new Set<string>();
  private readonly profiles: readonly ProfileWriter[];

  constructor(
    readonly context: DescriptionContext,
    options: { graph?: Triples; profiles?: readonly ProfileWriter[] } = {},
  ) {
    this.iris = context.iris;
    this.graph = options.graph ?? new Graph();
    this.profiles = options.profiles ?? publishedProfiles;
  }

  /** The document's quads; only a Graph of terms has them. */
  get quads(): RDF.Quad[] {
    if (!(this.graph instanceof Graph)) throw new Error('A description written as text has no quads');
    return this.graph.quads;
  }

  catalog(): RDF.NamedNode {
    const { catalogue } = this.context;
    return this.once(this.iris.catalog(), (add) => {
      for (const profile of this.profiles) profile.catalog?.(this, add, catalogue);
    });
  }

  /** States that the catalogue lists the datasets with these public identifiers. */
  listDatasets(identifiers: readonly string[]): void {
    const catalog = this.catalog();
    for (const identifier of identifiers) this.graph.add(catalog, dcat('dataset'), namedNode(this.iris.dataset(identifier)));
  }

  dataset(record: DatasetRecord): RDF.NamedNode {
    return this.once(this.iris.dataset(record.dataset.identifier), (add) => {
      const disclosed = this.disclosed(record);
      for (const profile of this.profiles) profile.dataset?.(this, add, disclosed);
    });
  }

  distribution(record: DatasetRecord, distribution: Distribution): RDF.NamedNode {
    return this.once(this.iris.distribution(distribution.id), (add) => {
      const disclosed = this.disclosed(record);
      for (const profile of this.profiles) profile.distribution?.(this, add, disclosed, distribution);
    });
  }

  /**
   * The record as anonymous GraphQL callers see it (discloseCohort): harvesters read every document
   * anonymously, so no document states a count of people more exactly than the public API does. The
   * profile writers see only this view; the record itself is left untouched.
   */
  private disclosed(record: DatasetRecord): DatasetRecord {
    const { cohort } = record.dataset;
    if (!cohort) return record;
    const dataset = Object.create(record.dataset) as Dataset;
    const view = { kind: 'DISCLOSED', threshold: this.context.smallCountThreshold } as const;
    Object.defineProperty(dataset, 'cohort', { value: discloseCohort(cohort, view), enumerable: true });
    return { ...record, dataset };
  }

  organisation(organisation: Organisation): RDF.NamedNode {
    return this.once(this.iris.organisation(organisation.identifier), (add) => {
      for (const profile of this.profiles) profile.organisation?.(this, add, organisation);
    });
  }

  accessBody(body: DataAccessBody): RDF.NamedNode {
    return this.once(this.iris.accessBody(body.identifier), (add) => {
      for (const profile of this.profiles) profile.accessBody?.(this, add, body);
    });
  }

  study(study: Study): RDF.NamedNode {
    return this.once(this.iris.study(study.identifier), (add) => {
      for (const profile of this.profiles) profile.study?.(this, add, study);
    });
  }

  evaluation(evaluation: HealthEconomicEvaluation): RDF.NamedNode {
    return this.once(this.iris.evaluation(evaluation.identifier), (add) => {
      for (const profile of this.profiles) profile.evaluation?.(this, add, evaluation);
    });
  }

  /**
   * A contact point in both vocabularies the profiles ask for: vCard (DCAT-AP dcat:contactPoint, HealthDCAT-AP
   * Release 5) and the Core Vocabularies (HealthDCAT-AP Release 6 cv:contactPoint, whose email is a literal).
   */
  contactPoint(details: ContactDetails): RDF.NamedNode {
    return this.once(details.iri, (add) => {
      add(rdf('type'), vcard('Kind'));
      add(rdf('type'), cv('ContactPoint'));
      add(vcard('fn'), literal(details.name));
      if (details.email) {
        add(vcard('hasEmail'), namedNode(details.email));
        add(cv('email'), literal(decodeURI(details.email.slice('mailto:'.length))));
      }
      if (details.url) {
        add(vcard('hasURL'), namedNode(details.url));
        add(cv('contactPage'), namedNode(details.url));
      }
    });
  }

  // --- controlled vocabularies (DCAT-AP checks ranges by class, so each term is typed and labelled) --------

  concept(iri: string, scheme: string | null = null, label = conceptLabel(iri)): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), skos('Concept'));
      add(skos('prefLabel'), english(label));
      if (scheme) add(skos('inScheme'), namedNode(scheme));
    });
  }

  conceptScheme(iri: string): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), skos('ConceptScheme'));
      add(dct('title'), english(iri === dataThemeScheme.iri ? dataThemeScheme.title : conceptLabel(iri)));
    });
  }

  rightsStatement(iri: string): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), dct('RightsStatement'));
      add(rdfs('label'), english(conceptLabel(iri)));
    });
  }

  legalResource(law: { iri: string; title: string }): RDF.NamedNode {
    return this.once(law.iri, (add) => {
      add(rdf('type'), eli('LegalResource'));
      add(dct('title'), english(law.title));
    });
  }

  identifier(iri: string, notation: string): RDF.NamedNode {
    return this.once(iri, (add) => {
      add(rdf('type'), adms('Identifier'));
      add(skos('notation'), literal(notation));
    });
  }

  typed(iri: string, type: RDF.NamedNode): RDF.NamedNode {
    const node = namedNode(iri);
    this.graph.add(node, rdf('type'), type);
    return node;
  }

  /** Statements about a node that is not a record of its own (a consent scope, an access route step). */
  about(iri: string): Add {
    const node = namedNode(iri);
    return (predicate, object) => this.graph.add(node, predicate, object);
  }

  /** The node for `iri`, described by `describe` the first time this document mentions it. */
  once(iri: string, describe: (add: Add) => void): RDF.NamedNode {
    const node = namedNode(iri);
    if (!this.described.has(iri)) {
      this.described.add(iri);
      describe((predicate, object) => this.graph.add(node, predicate, object));
    }
    return node;
  }
}
