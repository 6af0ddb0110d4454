import type { Orm } from '../db/orm.js';
import { type DatasetRange, DatasetBatchReader, type ExportPlan, findCatalogue, planExport } from './catalogue-source.js';
import { type ExportOptions, type ExportSettings, writeChunk } from './export-threads.js';
import { CatalogueIris } from './iris.js';
import { dcat } from './namespaces.js';
import { CatalogueDescriber, publishedPrefixes } from './profiles/describer.js';
import { describeContainer } from './profiles/fdp/fdp.writer.js';
import { nTriplesBatches, turtleBatches } from './rdf/batch-formats.js';

const DEFAULT_BATCH_SIZE = 200;

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
 * GET /dcat/catalog that list its datasets, without the paging. Nodes shared by datasets of different
 * batches (publishers, vocabulary terms) are written once per batch; repeated triples do not change an RDF
 * graph.
 */
export async function exportBatches(orm: Orm, options: ExportSettings, plan?: ExportPlan): Promise<ExportBatches> {
  const em = orm.em.fork();
  const catalogue = await findCatalogue(em);
  if (!catalogue) throw new Error('No catalogue has been set up yet; nothing to export.');
  plan ??= await planExport(em, catalogue, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const reader = new DatasetBatchReader(em, catalogue, plan.catalogueModified);
  const format = options.format === 'text/turtle' ? turtleBatches(publishedPrefixes) : nTriplesBatches();
  const iris = new CatalogueIris(options.baseUrl);
  return {
    plan,
    header: format.header,
    async describe(range) {
      const { records, ...related } = await reader.batch(range);
      const graph = format.graph();
      const describer = new CatalogueDescriber({ iris, catalogue, ...related, smallCountThreshold: options.smallCountThreshold }, { graph });
      const catalog = describer.catalog();
      const identifiers = records.map(({ dataset }) => dataset.identifier);
      describer.listDatasets(identifiers);
      // The FAIR Data Point container of the catalogue's first page, stated a batch at a time.
      describeContainer(graph, `${iris.catalog()}#datasets`, catalog, dcat('dataset'), identifiers.map((identifier) => iris.dataset(identifier)));
      for (const record of records) describer.dataset(record);
      return { chunk: format.encode(graph), datasets: records.length };
    },
  };
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
