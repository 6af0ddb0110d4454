import type * as RDF from '@rdfjs/types';
import { createHash } from 'node:crypto';
import { dcat, dct, rdf, vcard } from '../namespaces.js';
import { QuadIndex } from '../rdf/quad-index.js';
import { nextTurn } from '../rdf/slices.js';
import { dcatApReader } from './dcat-ap/dcat-ap.reader.js';
import { fdpReader } from './fdp/fdp.reader.js';
import { gdcatReader } from './gdcat/gdcat.reader.js';
import { healthDcatApReader } from './healthdcat-ap/healthdcat-ap.reader.js';
import type { ProfileReader, ReadRecord } from './profile.js';

/** The profiles records are read in, in the order the writers add to a node. */
export const readProfiles: readonly ProfileReader[] = [dcatApReader, healthDcatApReader, gdcatReader, fdpReader];

/** What a document says about the records it describes, in the example-catalogue shape the import takes. */
export interface CatalogueReading {
  organisations: ReadRecord[];
  accessBodies: ReadRecord[];
  publications: ReadRecord[];
  /** Datasets, studies and evaluations, each with its recordType. */
  records: ReadRecord[];
  /** The IRI each record has in the document, by `${recordType} ${identifier}`. */
  sourceIris: Map<string, string>;
  /** Properties of datasets, their distributions and their coverage that no profile reads, with how often they occur. */
  unknownProperties: Map<string, number>;
  /** Records a dataset points at that the document only names (`${recordType} ${identifier}`): another describes them. */
  undescribed: Set<string>;
}

type Kind = 'Organisation' | 'DataAccessBody' | 'Publication' | 'Study' | 'HealthEconomicEvaluation';

// The path segment under which gdcat mints each kind's IRIs (src/dcat/iris.ts).
const pathOf: Record<Kind | 'Dataset', string> = {
  Dataset: 'datasets',
  Organisation: 'organisations',
  DataAccessBody: 'access-bodies',
  Publication: 'publications',
  Study: 'studies',
  HealthEconomicEvaluation: 'evaluations',
};

/** A contact point as read: who answers and how. */
export interface ContactRead {
  /** The record the contact point belongs to, when it is a part of one (`…/organisations/x#contact`). */
  ownerPath: string | null;
  name: string | null;
  email: string | null;
  url: string | null;
}

/**
 * Reads the datasets of an RDF document, and every record they point at, back into the example-catalogue
 * shape: the inverse of CatalogueDescriber. Records a dataset points at are read once each, whichever
 * dataset mentions them first.
 */
/** Records read between turns of the event loop (see readAll). */
const RECORDS_PER_TURN = 25;

export class CatalogueReader {
  readonly graph: QuadIndex;
  private readonly read = new Map<string, ReadRecord>();
  private readonly sourceIris = new Map<string, string>();
  private readonly undescribed = new Set<string>();
  private readonly pending: [Kind, RDF.Quad_Subject, ReadRecord][] = [];

  constructor(
    quads: readonly RDF.Quad[],
    private readonly profiles: readonly ProfileReader[] = readProfiles,
  ) {
    this.graph = new QuadIndex(quads);
  }

  /**
   * Reads every dcat:Dataset of the document and what it points at, letting other work run every
   * RECORDS_PER_TURN records: a harvested document of thousands of datasets takes seconds to read.
   */
  async readAll(): Promise<CatalogueReading> {
    const datasets: ReadRecord[] = [];
    let sinceTurn = 0;
    const turn = async () => {
      if (++sinceTurn < RECORDS_PER_TURN) return;
      sinceTurn = 0;
      await nextTurn();
    };
    const unknownProperties = new Map<string, number>();
    const countUnknown = (node: RDF.Term) => {
      for (const predicate of this.graph.unreadPredicates(node)) unknownProperties.set(predicate, (unknownProperties.get(predicate) ?? 0) + 1);
    };
    for (const node of this.graph.subjectsOfType(dcat('Dataset'))) {
      await turn();
      const dataset: ReadRecord = { recordType: 'Dataset' };
      for (const profile of this.profiles) profile.dataset?.(this, node, dataset);
      if (!dataset.id) continue;
      this.sourceIris.set(`Dataset ${dataset.id}`, node.value);
      datasets.push(dataset);
      countUnknown(node);
      // What its parts state that no profile reads counts too: its distributions, named or blank (as many
      // catalogues write them), and its coverage (a period of time, a place described in place), whose type
      // says nothing more.
      for (const distribution of this.graph.objects(node, dcat('distribution'))) countUnknown(distribution);
      for (const coverage of [...this.graph.objects(node, dct('temporal')), ...this.graph.objects(node, dct('spatial'))]) {
        this.graph.objects(coverage, rdf('type'));
        countUnknown(coverage);
      }
    }
    // Reading a record may reach further ones (an access body's operator), so drain until none are left.
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      await turn();
      const [kind, node, into] = next;
      const method = ({ Organisation: 'organisation', DataAccessBody: 'accessBody', Publication: null, Study: 'study', HealthEconomicEvaluation: 'evaluation' } as const)[kind];
      if (method) for (const profile of this.profiles) profile[method]?.(this, node, into);
    }
    const ofKind = (kind: Kind) => [...this.read.entries()].filter(([key]) => key.startsWith(`${kind} `)).map(([, record]) => record);
    return {
      organisations: ofKind('Organisation'),
      accessBodies: ofKind('DataAccessBody'),
      publications: ofKind('Publication'),
      records: [...datasets, ...ofKind('Study'), ...ofKind('HealthEconomicEvaluation')],
      sourceIris: this.sourceIris,
      unknownProperties,
      undescribed: this.undescribed,
    };
  }

  /** Reads one distribution of a dataset. */
  distribution(node: RDF.Quad_Subject): ReadRecord {
    const distribution: ReadRecord = {};
    for (const profile of this.profiles) profile.distribution?.(this, node, distribution);
    return distribution;
  }

  /** The identifier of the organisation `node` stands for; it is read with the other records. */
  organisation(node: RDF.Term): string {
    return this.reference('Organisation', node);
  }

  accessBody(node: RDF.Term): string {
    return this.reference('DataAccessBody', node);
  }

  study(node: RDF.Term): string {
    return this.reference('Study', node);
  }

  /** A publication is named by its IRI (a DOI or web page): gdcat does not publish a publication's own identifier. */
  publication(node: RDF.Term): string {
    const identifier = node.value;
    const key = `Publication ${identifier}`;
    if (!this.read.has(key)) {
      if (!this.graph.describes(node)) this.undescribed.add(key);
      const doi = /^https?:\/\/(?:dx\.)?doi\.org\/(.+)$/.exec(identifier)?.[1];
      // A publication without a DOI is a web page: its IRI is its address (one with a DOI takes the DOI's).
      this.read.set(key, { id: identifier, title: this.graph.literal(node, dct('title')) ?? identifier, doi: doi ? decodeURI(doi) : null, url: doi ? undefined : identifier });
      this.sourceIris.set(key, identifier);
    }
    return identifier;
  }

  /** The record read for a node of this kind and identifier, once something pointed at it. */
  recordOf(kind: Kind, identifier: string): ReadRecord | null {
    return this.read.get(`${kind} ${identifier}`) ?? null;
  }

  /** An evaluation that uses `dataset`; evaluations list the datasets they evaluate. */
  evaluation(node: RDF.Term, dataset: string): string {
    const identifier = this.reference('HealthEconomicEvaluation', node);
    const evaluation = this.read.get(`HealthEconomicEvaluation ${identifier}`)!;
    evaluation.evaluates = [...new Set([...(evaluation.evaluates ?? []), dataset])].sort();
    return identifier;
  }

  /**
   * The public identifier behind an IRI gdcat minted (`…/dcat/organisations/{identifier}`), else the IRI
   * itself (gdcat keeps http(s) identifiers as IRIs). A blank node has none: it gets one from its content.
   */
  identifierOf(node: RDF.Term, kind: Kind | 'Dataset'): string {
    if (node.termType !== 'NamedNode') return `urn:gdcat:harvested:${pathOf[kind]}:${blankNodeName(this.graph, node)}`;
    const minted = new RegExp(`/dcat/${pathOf[kind]}/([^/#?]+)$`).exec(node.value);
    return minted ? decodeURIComponent(minted[1]!) : node.value;
  }

  /** A vCard contact point, and whose part it is when gdcat minted it. */
  contact(node: RDF.Term): ContactRead {
    const email = this.graph.iri(node, vcard('hasEmail')) ?? this.graph.literal(node, vcard('hasEmail'));
    return {
      ownerPath: node.termType === 'NamedNode' ? (/\/dcat\/([a-z-]+\/[^/#?]+)#contact$/.exec(node.value)?.[1] ?? null) : null,
      name: this.graph.literal(node, vcard('fn')),
      email: email ? email.replace(/^mailto:/, '') : null,
      url: this.graph.iri(node, vcard('hasURL')),
    };
  }

  /** Whether a contact point is the record's own rather than one it falls back to (its operator's, the catalogue's). */
  isOwnContact(contact: ContactRead, kind: Kind | 'Dataset', identifier: string): boolean {
    return contact.ownerPath === null || contact.ownerPath === `${pathOf[kind]}/${encodeURIComponent(identifier)}`;
  }

  private reference(kind: Kind, node: RDF.Term): string {
    const identifier = this.identifierOf(node, kind);
    const key = `${kind} ${identifier}`;
    if (!this.read.has(key)) {
      const record: ReadRecord = kind === 'Study' || kind === 'HealthEconomicEvaluation' ? { recordType: kind, id: identifier } : { id: identifier };
      this.read.set(key, record);
      this.sourceIris.set(key, node.value);
      if (!this.graph.describes(node)) this.undescribed.add(key);
      this.pending.push([kind, node as RDF.Quad_Subject, record]);
    }
    return identifier;
  }
}

/**
 * A stable name for a blank node: its statements, so the same description gets the same identifier again. Read
 * from the index: scanning the document for each blank node made a catalogue whose datasets each name their
 * publisher as a blank node (as CKAN writes them) quadratic (4,000 datasets: 29 s).
 */
function blankNodeName(graph: QuadIndex, node: RDF.Term): string {
  const statements = [...graph.statements(node)]
    .filter(([, object]) => object.termType !== 'BlankNode')
    .map(([predicate, object]) => `${predicate} ${object.value}`)
    .sort()
    .join('\n');
  return createHash('sha256').update(statements).digest('base64url').slice(0, 16);
}

/** Reads an RDF document's datasets (see CatalogueReader). */
export function readCatalogue(quads: readonly RDF.Quad[]): Promise<CatalogueReading> {
  return new CatalogueReader(quads).readAll();
}

/**
 * The reading with strings of its own. A parser's strings are slices of the document's text, so one record
 * value kept from each page would keep every page's whole text alive (1.5 MB a page of 50 gdcat datasets).
 */
export function detached(reading: CatalogueReading): CatalogueReading {
  const copy = JSON.parse(
    JSON.stringify({
      organisations: reading.organisations,
      accessBodies: reading.accessBodies,
      publications: reading.publications,
      records: reading.records,
      sourceIris: [...reading.sourceIris],
      unknownProperties: [...reading.unknownProperties],
      undescribed: [...reading.undescribed],
    }),
  );
  return { ...copy, sourceIris: new Map(copy.sourceIris), unknownProperties: new Map(copy.unknownProperties), undescribed: new Set(copy.undescribed) };
}

type Section = 'organisations' | 'accessBodies' | 'publications' | 'records';

/**
 * The readings of a source's documents (listing pages, dataset documents) gathered into one as they come, so
 * that a harvest holds the records it read, once each, rather than every document's statements. A dataset on
 * two pages (the listing moved while it was walked) is the later page's; one identifier at two IRIs stays two
 * datasets, for the harvest to refuse. A record datasets point at is kept once, in the version of a document
 * that describes it, and an evaluation evaluates the datasets of every document that names it.
 */
export class CatalogueReadings {
  private readonly datasets = new Map<string, ReadRecord[]>();
  private readonly others = new Map<string, { record: ReadRecord; described: boolean; section: Section }>();
  private readonly sourceIris = new Map<string, string>();
  private readonly unknownProperties = new Map<string, number>();

  add(reading: CatalogueReading): void {
    for (const [key, iri] of reading.sourceIris) this.sourceIris.set(key, iri);
    for (const [property, count] of reading.unknownProperties) this.unknownProperties.set(property, (this.unknownProperties.get(property) ?? 0) + count);
    const take = (section: Section, kind: string, record: ReadRecord) => {
      const key = `${kind} ${record.id}`;
      const described = !reading.undescribed.has(key);
      const held = this.others.get(key);
      if (kind === 'HealthEconomicEvaluation' && held) {
        const evaluates = [...new Set([...(held.record.evaluates ?? []), ...(record.evaluates ?? [])])].sort();
        this.others.set(key, described && !held.described ? { record: { ...record, evaluates }, described, section } : { ...held, record: { ...held.record, evaluates } });
      } else if (!held || (described && !held.described)) this.others.set(key, { record, described, section });
    };
    for (const record of reading.organisations) take('organisations', 'Organisation', record);
    for (const record of reading.accessBodies) take('accessBodies', 'DataAccessBody', record);
    for (const record of reading.publications) take('publications', 'Publication', record);
    // Within one document, a dataset described twice stays twice (the harvest reports it).
    const placed = new Set<string>();
    for (const record of reading.records) {
      if (record.recordType !== 'Dataset') {
        take('records', record.recordType, record);
        continue;
      }
      const place = `${record.id}\u0000${reading.sourceIris.get(`Dataset ${record.id}`)}`;
      if (placed.has(place)) this.datasets.get(place)!.push(record);
      else {
        this.datasets.delete(place);
        this.datasets.set(place, [record]);
        placed.add(place);
      }
    }
  }

  /** Everything read, as one reading. */
  merged(): CatalogueReading {
    const section = (name: Section) => [...this.others.values()].filter((held) => held.section === name).map((held) => held.record);
    return {
      organisations: section('organisations'),
      accessBodies: section('accessBodies'),
      publications: section('publications'),
      records: [...[...this.datasets.values()].flat(), ...section('records')],
      sourceIris: this.sourceIris,
      unknownProperties: this.unknownProperties,
      undescribed: new Set([...this.others].filter(([, held]) => !held.described).map(([key]) => key)),
    };
  }
}
