import type { Orm } from '../db/orm.js';
import { type DatasetRange, DatasetBatchReader, type DatasetRecord, type DatasetRecords, type ExportPlan, findCatalogue, planExport } from './catalogue-source.js';
import { type ExportOptions, type ExportSettings, writeChunk } from './export-threads.js';
import { CatalogueIris } from './iris.js';
import { dcat } from './namespaces.js';
import { CatalogueDescriber, publishedPrefixes } from './profiles/describer.js';
import { describeContainer } from './profiles/fdp/fdp.writer.js';
import type { TextGraph, TextNode } from './rdf/graph.js';
import { nTriplesBatches, turtleBatches } from './rdf/batch-formats.js';
import { type DescribedDataset, descriptionSettings, StoredDescriptions } from './stored-descriptions.js';

/**
 * Datasets per batch. With stored descriptions a batch's texts are held as strings until written, and a smaller
 * batch holds fewer (10k with relations, N-Triples: 100 a batch against 200, 248 MiB peak RSS against 270 when
 * every dataset is described, 204 against 239 when copied, and no slower; 50 was slower when describing).
 */
const DEFAULT_BATCH_SIZE = 100;

/** One batch of an export as text: a chunk of the document. */
export interface BatchText {
  chunk: Buffer<ArrayBuffer>;
  datasets: number;
}

/** What a thread of an export describes batches with. */
export interface ExportBatches {
  plan: ExportPlan;
  /** What the document starts with (Turtle's prefixes). */
  header: string;
  describe(range: DatasetRange): Promise<BatchText>;
}

/**
 * Describes an export's batches (the export's plan, or a new one), each as the same graph as the pages of
 * GET /dcat/catalog that list its datasets, without the paging. Each dataset is described on its own and its text
 * kept for the next export (stored-descriptions.ts), which reads and describes only the datasets changed since;
 * the nodes datasets share (publishers, vocabulary terms...) are kept once and written once per batch.
 */
export async function exportBatches(orm: Orm, options: ExportSettings, plan?: ExportPlan): Promise<ExportBatches> {
  const em = orm.em.fork();
  const catalogue = await findCatalogue(em);
  if (!catalogue) throw new Error('No catalogue has been set up yet; nothing to export.');
  plan ??= await planExport(em, catalogue, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const reader = new DatasetBatchReader(em, catalogue, plan.catalogueModified);
  const format = options.format === 'text/turtle' ? turtleBatches(publishedPrefixes) : nTriplesBatches();
  const iris = new CatalogueIris(options.baseUrl);
  const catalogueContext = await reader.catalogueContext();
  const stored = new StoredDescriptions(await em.getConnection().getNativeClient(), options.format, descriptionSettings(options));
  /**
   * Describes these datasets anew, as one graph (each node described once), then takes it apart: each dataset's
   * own nodes (ownerOf), the catalogue's statements about them, and the subjects of the shared nodes it leads to.
   */
  const describeAnew = (records: DatasetRecord[], related: Omit<DatasetRecords, 'records'>, versions: Map<string, string>): DescribedDataset[] => {
    const graph = format.graph();
    const describer = new CatalogueDescriber({ iris, catalogue, ...related, smallCountThreshold: options.smallCountThreshold }, { graph });
    for (const record of records) describer.dataset(record);
    const split = new DescriptionParts(graph, ownerOf(iris, records), iris.catalog());
    const encode = (nodes: TextNode[], keep?: (k: number) => boolean): string => format.encode(graph, nodes, keep).toString('utf8');
    const sharedText = new Map<TextNode, string>();
    const described = records.map(({ dataset }): DescribedDataset => {
      const listed = split.catalogStatements.get(dataset.id);
      const own = encode(split.own.get(dataset.id) ?? []) + (listed ? encode([split.catalogNode!], (k) => listed.has(k)) : '');
      const shared = new Map<string, string>();
      for (const node of split.reachedFrom(dataset.id)) {
        if (!sharedText.has(node)) sharedText.set(node, encode([node]));
        shared.set(node.key, sharedText.get(node)!);
      }
      return { id: dataset.id, version: versions.get(dataset.id)!, text: own, shared };
    });
    split.checkWhole();
    return described;
  };
  return {
    plan,
    header: format.header,
    async describe(range) {
      const datasets = await stored.read(range);
      const wanted = new Set(datasets.flatMap((dataset) => dataset.shared ?? []));
      const nodes = await stored.sharedNodes([...wanted]);
      // Described anew: datasets changed since their text was stored, and any whose shared nodes are not stored
      // (an export with other settings replaced them).
      const stale = datasets.filter((dataset) => dataset.text === null || dataset.shared!.some((subject) => !nodes.has(subject)));
      if (stale.length > 0) {
        const { records, ...related } = await reader.batch(range, stale.map((dataset) => dataset.id));
        const described = describeAnew(records, related, new Map(stale.map((dataset) => [dataset.id, dataset.version])));
        await stored.store(described);
        const anew = new Map(described.map((dataset) => [dataset.id, dataset]));
        for (const dataset of stale) {
          // A dataset withdrawn in between is left out (one published in between is in the next export).
          const one = anew.get(dataset.id);
          dataset.text = one?.text ?? null;
          dataset.shared = one ? [...one.shared.keys()] : [];
          for (const [subject, text] of one?.shared ?? []) nodes.set(subject, text);
        }
      }
      const written = datasets.filter((dataset) => dataset.text !== null);
      const graph = format.graph();
      const describer = new CatalogueDescriber({ iris, catalogue, ...catalogueContext, smallCountThreshold: options.smallCountThreshold }, { graph });
      const catalog = describer.catalog();
      const identifiers = written.map((dataset) => dataset.identifier);
      describer.listDatasets(identifiers);
      // The FAIR Data Point container of the catalogue's first page, stated a batch at a time.
      describeContainer(graph, `${iris.catalog()}#datasets`, catalog, dcat('dataset'), identifiers.map((identifier) => iris.dataset(identifier)));
      // Each shared node once per batch, as when the batch was described as one graph.
      const sharedTexts = [...new Set(written.flatMap((dataset) => dataset.shared!))].map((subject) => nodes.get(subject)!);
      return { chunk: joined(format.encode(graph), [...written.map((dataset) => dataset.text!), ...sharedTexts]), datasets: written.length };
    },
  };
}

/**
 * Which dataset of `records` a node of their description belongs to, by subject: the dataset, its distributions,
 * and the nodes named after either (its consent scope, access route steps, catalogue record...). Every other node
 * (organisations, access bodies, studies, publications, evaluations, contact points, vocabulary terms) is
 * described from its own record alone, the same whichever dataset names it.
 */
function ownerOf(iris: CatalogueIris, records: DatasetRecord[]): (subject: string) => string | undefined {
  const owners = new Map<string, string>();
  for (const { dataset } of records) {
    owners.set(iris.dataset(dataset.identifier), dataset.id);
    for (const distribution of dataset.distributions) owners.set(iris.distribution(distribution.id), dataset.id);
  }
  return (subject) => owners.get(baseOf(subject));
}

/** An IRI without its fragment: what a node named after another (`<dataset>#record`) is named after. */
const baseOf = (iri: string): string => {
  const hash = iri.indexOf('#');
  return hash === -1 ? iri : iri.slice(0, hash);
};

/** The graph of several datasets' descriptions, taken apart by dataset. */
class DescriptionParts {
  /** Each dataset's own nodes, by dataset id. */
  readonly own = new Map<string, TextNode[]>();
  /** Nodes said of no dataset in particular. */
  private readonly shared = new Set<TextNode>();
  /** The nodes named after each shared node (an organisation's record), by its subject. */
  private readonly partsOf = new Map<string, TextNode[]>();
  catalogNode: TextNode | null = null;
  /** The catalogue's statements, by the dataset whose node they point at. */
  readonly catalogStatements = new Map<string, Set<number>>();
  private readonly ownerOfNode = new Map<TextNode, string>();
  private readonly bySubjectText = new Map<string, TextNode>();
  private readonly objects = new Map<number, TextNode | null>();
  private readonly closures = new Map<TextNode, Set<TextNode>>();
  private readonly unreached: Set<TextNode>;

  constructor(
    private readonly graph: TextGraph,
    owner: (subject: string) => string | undefined,
    catalog: string,
  ) {
    graph.forEachNode((node) => {
      this.bySubjectText.set(graph.subjectText(node), node);
      const dataset = owner(node.key);
      if (dataset) {
        this.ownerOfNode.set(node, dataset);
        this.own.set(dataset, [...(this.own.get(dataset) ?? []), node]);
      } else if (node.key === catalog) {
        this.catalogNode = node;
      } else {
        this.shared.add(node);
        const base = baseOf(node.key);
        if (base !== node.key) this.partsOf.set(base, [...(this.partsOf.get(base) ?? []), node]);
      }
    });
    this.unreached = new Set(this.shared);
    for (let k = this.catalogNode?.first ?? -1; k !== -1; k = graph.nextStatement(k)) {
      const dataset = this.ownerOf(this.objectNode(k));
      // What the catalogue says here must be about one of the datasets, or the export would lose it.
      if (!dataset) throw new Error(`An export cannot take apart the description of ${catalog}: it states something about no dataset`);
      this.catalogStatements.set(dataset, (this.catalogStatements.get(dataset) ?? new Set()).add(k));
    }
  }

  /**
   * The shared nodes a dataset's nodes lead to, directly or through other shared nodes (an organisation's contact
   * point), with the nodes named after each (an organisation's record).
   */
  reachedFrom(dataset: string): Set<TextNode> {
    const reached = new Set<TextNode>();
    for (const node of this.own.get(dataset) ?? []) {
      for (const next of this.sharedObjects(node)) for (const one of this.closure(next)) reached.add(one);
    }
    return reached;
  }

  /** A shared node with the shared nodes it leads to and those named after each; the same for every dataset. */
  private closure(start: TextNode): Set<TextNode> {
    let reached = this.closures.get(start);
    if (reached) return reached;
    reached = new Set();
    const reach = (node: TextNode): void => {
      if (reached.has(node)) return;
      reached.add(node);
      this.unreached.delete(node);
      for (const next of this.sharedObjects(node)) reach(next);
      for (const part of this.partsOf.get(node.key) ?? []) reach(part);
    };
    reach(start);
    this.closures.set(start, reached);
    return reached;
  }

  private *sharedObjects(node: TextNode): Generator<TextNode> {
    for (let k = node.first; k !== -1; k = this.graph.nextStatement(k)) {
      const next = this.objectNode(k);
      if (next && this.shared.has(next)) yield next;
    }
  }

  /**
   * Once every dataset's shared nodes are taken: each shared node must have been reached, and must say nothing
   * of a dataset (it is kept once for all of them), or the export would lose statements.
   */
  checkWhole(): void {
    const [lost] = this.unreached;
    if (lost) throw new Error(`An export cannot take apart the description of ${lost.key}: no dataset leads to it`);
    for (const node of this.shared) {
      for (let k = node.first; k !== -1; k = this.graph.nextStatement(k)) {
        if (this.ownerOf(this.objectNode(k))) throw new Error(`An export cannot take apart the description of ${node.key}: it states something about a dataset`);
      }
    }
  }

  private ownerOf(node: TextNode | null): string | undefined {
    return node ? this.ownerOfNode.get(node) : undefined;
  }

  /** The node statement `k`'s object is the subject of, if any. */
  private objectNode(k: number): TextNode | null {
    let node = this.objects.get(k);
    if (node === undefined) {
      const object = this.graph.objectText(k);
      node = (object === null ? undefined : this.bySubjectText.get(object)) ?? null;
      this.objects.set(k, node);
    }
    return node;
  }
}

/** The batch's own text followed by its datasets' descriptions, as one chunk with memory of its own (it is handed over). */
function joined(head: Buffer, texts: string[]): Buffer<ArrayBuffer> {
  let length = head.length;
  for (const text of texts) length += Buffer.byteLength(text);
  const chunk = Buffer.allocUnsafeSlow(length);
  let at = head.copy(chunk);
  for (const text of texts) at += chunk.write(text, at);
  return chunk;
}

/**
 * Streams the whole catalogue (the same graph as all pages of GET /dcat/catalog together, without the
 * paging) to `out` from this thread, a batch at a time, so memory stays flat however large the catalogue.
 * `out` stays open: the caller owns it. (`gdcat export` runs the same batches in threads of their own:
 * export-threads.ts.)
 */
export async function exportCatalogue(orm: Orm, out: NodeJS.WritableStream, options: ExportOptions): Promise<{ datasets: number }> {
  const batches = await exportBatches(orm, options);
  options.onStart?.(batches.plan.datasets);
  await writeChunk(out, batches.header);
  let written = 0;
  for (const range of batches.plan.ranges) {
    const { chunk, datasets } = await batches.describe(range);
    await writeChunk(out, chunk);
    written += datasets;
    if (datasets > 0) options.onProgress?.(written);
  }
  return { datasets: written };
}
