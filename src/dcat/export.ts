import type { EntityManager } from '@mikro-orm/postgresql';
import type { Catalogue } from '../catalogue/catalogue.entity.js';
import type { Orm } from '../db/orm.js';
import { type DatasetRange, DatasetBatchReader, type DatasetRecord, type DatasetRecords, type ExportPlan, findCatalogue, planExport } from './catalogue-source.js';
import { type ExportOptions, type ExportResult, type ExportSettings, writeChunk } from './export-threads.js';
import { DescriptionParts, ownerOf } from './description-parts.js';
import { CatalogueIris } from './iris.js';
import { dcat } from './namespaces.js';
import { CatalogueDescriber, publishedPrefixes } from './profiles/describer.js';
import { describeContainer } from './profiles/fdp/fdp.writer.js';
import type { TextNode } from './rdf/graph.js';
import { nTriplesBatches, type RdfBatchFormat, turtleBatches } from './rdf/batch-formats.js';
import { type DescribedDataset, descriptionSettings, type StaleDescription, StoredDescriptions } from './stored-descriptions.js';

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
  /** Of those, the datasets described anew (the others' descriptions were stored by an earlier export). */
  described: number;
}

/** What a thread of an export describes batches with. */
export interface ExportBatches {
  plan: ExportPlan;
  /** What the document starts with (Turtle's prefixes). */
  header: string;
  describe(range: DatasetRange): Promise<BatchText>;
}

/**
 * Describes published datasets anew and keeps their descriptions for the next export (stored-descriptions.ts):
 * what an export does for the datasets changed since the last one, and what preparing the next export
 * (export-preparation.ts) does ahead of it.
 */
class DescribingAnew {
  private constructor(
    private readonly reader: DatasetBatchReader,
    private readonly format: RdfBatchFormat,
    private readonly iris: CatalogueIris,
    private readonly catalogue: Catalogue,
    readonly stored: StoredDescriptions,
    private readonly smallCountThreshold: number,
  ) {}

  static async open(em: EntityManager, catalogue: Catalogue, reader: DatasetBatchReader, format: RdfBatchFormat, options: ExportSettings): Promise<DescribingAnew> {
    const stored = new StoredDescriptions(await em.getConnection().getNativeClient(), options.format, descriptionSettings(options));
    return new DescribingAnew(reader, format, new CatalogueIris(options.baseUrl), catalogue, stored, options.smallCountThreshold);
  }

  /**
   * Describes these datasets of `range` (each at the row version given) and stores their descriptions; a dataset
   * no longer published is left out.
   */
  async describe(range: DatasetRange, stale: readonly StaleDescription[]): Promise<Map<string, DescribedDataset>> {
    if (stale.length === 0) return new Map();
    const { records, ...related } = await this.reader.batch(range, stale.map((dataset) => dataset.id));
    const described = this.split(records, related, new Map(stale.map((dataset) => [dataset.id, dataset.version])));
    await this.stored.store(described);
    return new Map(described.map((dataset) => [dataset.id, dataset]));
  }

  /**
   * Describes the datasets as one graph (each node described once), then takes it apart (description-parts.ts):
   * each dataset's own nodes, the catalogue's statements about them, and the shared nodes it leads to.
   */
  private split(records: DatasetRecord[], related: Omit<DatasetRecords, 'records'>, versions: Map<string, string>): DescribedDataset[] {
    const { format, iris } = this;
    const graph = format.graph();
    const describer = new CatalogueDescriber({ iris, catalogue: this.catalogue, ...related, smallCountThreshold: this.smallCountThreshold }, { graph });
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
  }
}

/** The writer of a format's batches. */
function batchFormat(format: ExportSettings['format']): RdfBatchFormat {
  return format === 'text/turtle' ? turtleBatches(publishedPrefixes) : nTriplesBatches();
}

/**
 * Describes an export's batches (the export's plan, or a new one), each as the same graph as the pages of
 * GET /dcat/catalog that list its datasets, without the paging. Each dataset's description, taken apart from its
 * batch's graph, is kept for the next export (stored-descriptions.ts), which reads and describes only the datasets
 * changed since; the nodes datasets share (publishers, vocabulary terms...) are kept once and written once per batch.
 */
export async function exportBatches(orm: Orm, options: ExportSettings, plan?: ExportPlan): Promise<ExportBatches> {
  const em = orm.em.fork();
  const catalogue = await findCatalogue(em);
  if (!catalogue) throw new Error('No catalogue has been set up yet; nothing to export.');
  plan ??= await planExport(em, catalogue, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const reader = new DatasetBatchReader(em, catalogue, plan.catalogueModified);
  const format = batchFormat(options.format);
  const iris = new CatalogueIris(options.baseUrl);
  const catalogueContext = await reader.catalogueContext();
  const anew = await DescribingAnew.open(em, catalogue, reader, format, options);
  const { stored } = anew;
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
      const described = await anew.describe(range, stale);
      for (const dataset of stale) {
        // A dataset withdrawn in between is left out (one published in between is in the next export).
        const one = described.get(dataset.id);
        dataset.text = one?.text ?? null;
        dataset.shared = one ? [...one.shared.keys()] : [];
        for (const [subject, text] of one?.shared ?? []) nodes.set(subject, text);
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
      return { chunk: joined(format.encode(graph), [...written.map((dataset) => dataset.text!), ...sharedTexts]), datasets: written.length, described: described.size };
    },
  };
}

/** The advisory lock key ("EXPP" in ASCII) a process holds while it prepares a batch of the next export. */
const PREPARING_LOCK = 0x45585050;

/** A batch of preparing the next export: how many datasets it described, and where the next batch starts. */
export interface PreparedBatch {
  /** Datasets described (fewer than found when some were withdrawn meanwhile). */
  described: number;
  /** The id of the last stale dataset found, after which the next batch looks; null: none was left. */
  last: string | null;
}

/**
 * Prepares the next export in `options.format`: describes and stores up to `limit` published datasets after the
 * id `after` (null: from the first) whose stored description is not current, in id order, so that the export copies
 * them instead; of those changed here since `changedSince` only, if given. A round walks the ids once, each batch
 * after the last one's `last` (looking from the first each time would pass over every dataset prepared so far:
 * quadratic in the catalogue). Returns null while another process prepares a batch (two indexers would otherwise
 * describe the same datasets).
 */
export async function prepareDescriptions(
  orm: Orm,
  options: ExportSettings,
  limit: number,
  after: string | null,
  changedSince: Date | null,
): Promise<PreparedBatch | null> {
  const em = orm.em.fork();
  const pool = await em.getConnection().getNativeClient();
  const lock = await pool.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [PREPARING_LOCK]);
    if (!rows[0]!.locked) return null;
    try {
      const catalogue = await findCatalogue(em);
      if (!catalogue) return { described: 0, last: null };
      // The catalogue's dct:modified is stated by each export, never stored.
      const reader = new DatasetBatchReader(em, catalogue, new Date());
      const anew = await DescribingAnew.open(em, catalogue, reader, batchFormat(options.format), options);
      const stale = await anew.stored.stale(limit, after, changedSince);
      const described = await anew.describe({ after, upTo: null }, stale);
      return { described: described.size, last: stale.at(-1)?.id ?? null };
    } finally {
      await lock.query('select pg_advisory_unlock($1)', [PREPARING_LOCK]);
    }
  } finally {
    lock.release();
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
export async function exportCatalogue(orm: Orm, out: NodeJS.WritableStream, options: ExportOptions): Promise<ExportResult> {
  const batches = await exportBatches(orm, options);
  options.onStart?.(batches.plan.datasets);
  await writeChunk(out, batches.header);
  const result = { datasets: 0, described: 0 };
  for (const range of batches.plan.ranges) {
    const { chunk, datasets, described } = await batches.describe(range);
    await writeChunk(out, chunk);
    result.datasets += datasets;
    result.described += described;
    if (datasets > 0) options.onProgress?.(result.datasets);
  }
  return result;
}
