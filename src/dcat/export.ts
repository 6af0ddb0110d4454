import type { Orm } from '../db/orm.js';
import { type DatasetRange, DatasetBatchReader, type DatasetRecord, type DatasetRecords, type ExportPlan, findCatalogue, planExport } from './catalogue-source.js';
import { type ExportOptions, type ExportResult, type ExportSettings, writeChunk } from './export-threads.js';
import { DescriptionParts, ownerOf } from './description-parts.js';
import { CatalogueIris } from './iris.js';
import { dcat } from './namespaces.js';
import { CatalogueDescriber, publishedPrefixes } from './profiles/describer.js';
import { describeContainer } from './profiles/fdp/fdp.writer.js';
import type { TextNode } from './rdf/graph.js';
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
  const format = options.format === 'text/turtle' ? turtleBatches(publishedPrefixes) : nTriplesBatches();
  const iris = new CatalogueIris(options.baseUrl);
  const catalogueContext = await reader.catalogueContext();
  const stored = new StoredDescriptions(await em.getConnection().getNativeClient(), options.format, descriptionSettings(options));
  /**
   * Describes these datasets anew, as one graph (each node described once), then takes it apart
   * (description-parts.ts): each dataset's own nodes, the catalogue's statements about them, and the shared nodes
   * it leads to.
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
      let described = 0;
      if (stale.length > 0) {
        const { records, ...related } = await reader.batch(range, stale.map((dataset) => dataset.id));
        const anew = new Map(describeAnew(records, related, new Map(stale.map((dataset) => [dataset.id, dataset.version]))).map((dataset) => [dataset.id, dataset]));
        await stored.store([...anew.values()]);
        described = anew.size;
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
      return { chunk: joined(format.encode(graph), [...written.map((dataset) => dataset.text!), ...sharedTexts]), datasets: written.length, described };
    },
  };
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
