import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { Orm } from '../db/orm.js';
import { CatalogueDescriber, publishedPrefixes } from './profiles/describer.js';
import { DatasetBatchReader, findCatalogue } from './catalogue-source.js';
import { CatalogueIris } from './iris.js';
import { dcat } from './namespaces.js';
import { describeContainer } from './profiles/fdp/fdp.writer.js';
import { createNTriplesStreamWriter, createTurtleStreamWriter, type RdfStreamWriter } from './rdf/serialize.js';

export interface ExportOptions {
  baseUrl: string;
  format: 'text/turtle' | 'application/n-triples';
  /** Datasets read and written per batch. */
  batchSize?: number;
  /** Called after each batch with the number of datasets written so far. */
  onProgress?: (datasetsWritten: number) => void;
}

const DEFAULT_BATCH_SIZE = 200;

/**
 * Streams the whole catalogue (the same graph as all pages of GET /dcat/catalog together, without the
 * paging) to `out`. Datasets are read in keyset batches as plain records (DatasetBatchReader: no identity map
 * to grow) and written as they are described, so memory stays flat however large the catalogue.
 * Nodes shared by datasets of different batches (publishers, vocabulary terms) are written once per batch;
 * repeated triples do not change an RDF graph. `out` stays open: the caller owns it.
 */
export async function exportCatalogue(orm: Orm, out: NodeJS.WritableStream, options: ExportOptions): Promise<{ datasets: number }> {
  const iris = new CatalogueIris(options.baseUrl);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const catalogue = await findCatalogue(orm.em.fork());
  if (!catalogue) throw new Error('No catalogue has been set up yet; nothing to export.');
  const writer: RdfStreamWriter =
    options.format === 'text/turtle' ? createTurtleStreamWriter(out, publishedPrefixes) : createNTriplesStreamWriter(out);

  const reader = new DatasetBatchReader(orm.em.fork(), catalogue);
  let afterId: string | null = null;
  let written = 0;
  for (;;) {
    const { records, lastId, ...related } = await reader.batch(afterId, batchSize);
    const describer = new CatalogueDescriber({ iris, catalogue, ...related });
    const catalog = describer.catalog();
    const identifiers = records.map(({ dataset }) => dataset.identifier);
    describer.listDatasets(identifiers);
    // The FAIR Data Point container of the catalogue's first page, stated a batch at a time.
    describeContainer(describer.graph, `${iris.catalog()}#datasets`, catalog, dcat('dataset'), identifiers.map((identifier) => iris.dataset(identifier)));
    for (const record of records) describer.dataset(record);
    await writer.write(describer.graph);
    written += records.length;
    if (records.length > 0) options.onProgress?.(written);
    if (records.length < batchSize) break;
    afterId = lastId;
  }
  await writer.end();
  return { datasets: written };
}

/** The format named on the command line (`ttl` or `nt`), or null for anything else. */
export function exportFormatNamed(name: string): ExportOptions['format'] | null {
  return name === 'ttl' ? 'text/turtle' : name === 'nt' ? 'application/n-triples' : null;
}

/** Exports to the file at `path` (replacing it), or to standard output when there is none. */
export async function exportCatalogueTo(orm: Orm, path: string | undefined, options: ExportOptions): Promise<{ datasets: number }> {
  if (!path) return exportCatalogue(orm, process.stdout, options);
  const file = createWriteStream(path);
  try {
    const result = await exportCatalogue(orm, file, options);
    file.end();
    await finished(file);
    return result;
  } catch (error) {
    file.destroy();
    throw error;
  }
}

/** What exportCatalogueInWorker hands its thread. */
export interface ExportJob {
  databaseUrl: string;
  path: string;
  options: Omit<ExportOptions, 'onProgress'>;
}

/**
 * V8 lets the heap grow to several times the live data before a full collection; an export allocates a
 * batch's worth of short-lived objects again and again, so a heap bounded near the live set (a batch plus
 * the ORM's metadata and the modules) keeps the process small, paid for in more frequent collections
 * (BENCHMARKS.md: 48 MiB of old generation costs far more collections than it saves memory).
 */
const EXPORT_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/** Exports to the file at `path` from a thread of its own whose heap is bounded (EXPORT_HEAP). */
export function exportCatalogueInWorker(databaseUrl: string, path: string, options: ExportOptions): Promise<{ datasets: number }> {
  const { onProgress, ...rest } = options;
  const job: ExportJob = { databaseUrl, path, options: rest };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./export-worker.js', import.meta.url), { workerData: job, resourceLimits: EXPORT_HEAP });
    let result: { datasets: number } | undefined;
    worker.on('message', (message: { written?: number; result?: { datasets: number } }) => {
      if (message.result) result = message.result;
      else if (message.written !== undefined) onProgress?.(message.written);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (result ? resolve(result) : reject(new Error(`The export stopped before it finished (exit code ${code})`))));
  });
}
