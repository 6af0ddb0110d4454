import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { MessageThread } from '../core/message-thread.js';
import type { DatasetRange, ExportPlan } from './catalogue-source.js';

/*
 * `gdcat export`: the export's batches are read and described in threads of their own, and this thread
 * writes their text in order. This module loads only Node's own modules (and the thread helper of src/core,
 * which loads only those): the thread that writes carries no ORM, entities or RDF libraries.
 */

export interface ExportOptions {
  baseUrl: string;
  /** SMALL_COUNT_THRESHOLD: counts of people are disclosed as to anonymous GraphQL callers. */
  smallCountThreshold: number;
  format: 'text/turtle' | 'application/n-triples';
  /** Datasets read and written per batch. */
  batchSize?: number;
  /** Called once with the number of datasets to export, before any is written. */
  onStart?: (datasets: number) => void;
  /** Called after each batch with the number of datasets written so far. */
  onProgress?: (datasetsWritten: number) => void;
}

/** What an export wrote: its datasets, and how many of them it described anew (the rest were stored by an earlier one). */
export interface ExportResult {
  datasets: number;
  described: number;
}

/** What an export thread is told of the options: what to write, not whom to tell. */
export type ExportSettings = Omit<ExportOptions, 'onStart' | 'onProgress'>;

/** The format named on the command line (`ttl` or `nt`), or null for anything else. */
export function exportFormatNamed(name: string): ExportOptions['format'] | null {
  return name === 'ttl' ? 'text/turtle' : name === 'nt' ? 'application/n-triples' : null;
}

/** What an export thread is started with: the first one plans the export, the others are given its plan. */
export interface ExportJob {
  databaseUrl: string;
  options: ExportSettings;
  plan?: ExportPlan;
}

/** What an export thread sends: the plan (the first thread, once), then the text of each batch it is given. */
export type ExportThreadMessage = { plan: ExportPlan; header: string } | ({ chunk: Uint8Array<ArrayBuffer> } & ExportResult);

/** What an export thread is sent: a batch to describe, or null when there is no more. */
export type ExportThreadTask = { range: DatasetRange } | null;

/**
 * Reading a batch waits on PostgreSQL and describing it keeps a core busy: two threads keep both cores of
 * a small server busy (and PostgreSQL too), a third would add its memory for little.
 */
const EXPORT_THREADS = 2;
/** Batches described ahead of the one being written, at most: their text waits here. */
const BATCHES_AHEAD = 2 * EXPORT_THREADS;

/**
 * V8 lets a heap grow to several times its live data before a full collection; an export allocates a
 * batch's worth of short-lived objects again and again, so each thread's heap is bounded near its live set
 * (a batch's records plus the ORM's metadata and the modules; a batch's text lives outside the heap), paid
 * for in more frequent collections (BENCHMARKS.md: 48 MiB of old generation costs 20 % more CPU, a 16 MiB
 * young generation 14 MiB more memory for no less).
 */
export const EXPORT_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/** Exports to the file at `path` (replacing it), or to standard output when there is none. */
export async function exportCatalogueTo(databaseUrl: string, path: string | undefined, options: ExportOptions): Promise<ExportResult> {
  if (!path) return exportCatalogueInThreads(databaseUrl, process.stdout, options);
  const file = createWriteStream(path);
  try {
    // A path that cannot be written fails here, before any thread starts.
    await once(file, 'open');
    const result = await exportCatalogueInThreads(databaseUrl, file, options);
    file.end();
    await finished(file);
    return result;
  } catch (error) {
    file.destroy();
    throw error;
  }
}

/**
 * Exports the whole catalogue to `out` (which stays open: the caller owns it) from threads of their own
 * (EXPORT_THREADS, heaps bounded by EXPORT_HEAP): they read and describe batches side by side and this
 * thread writes each batch's text in the order of the plan, so the document is the one exportCatalogue
 * writes from a single thread.
 */
export async function exportCatalogueInThreads(databaseUrl: string, out: NodeJS.WritableStream, options: ExportOptions): Promise<ExportResult> {
  const { onStart, onProgress, ...rest } = options;
  const threads = [new ExportThread({ databaseUrl, options: rest })];
  try {
    const { plan, header } = await threads[0]!.planned();
    onStart?.(plan.datasets);
    const { ranges } = plan;
    while (threads.length < Math.min(EXPORT_THREADS, ranges.length)) threads.push(new ExportThread({ databaseUrl, options: rest, plan }));
    await writeChunk(out, header);

    const described: (Promise<{ chunk: Uint8Array<ArrayBuffer> } & ExportResult> | undefined)[] = [];
    const idle = [...threads];
    let next = 0;
    let writing = 0;
    const dispatch = (): void => {
      while (idle.length > 0 && next < ranges.length && next <= writing + BATCHES_AHEAD) {
        const thread = idle.pop()!;
        const batch = thread.describe(ranges[next]!);
        described[next++] = batch;
        // A failure is reported where its batch is awaited, in order.
        batch.then(() => (idle.push(thread), dispatch()), () => undefined);
      }
    };
    const result = { datasets: 0, described: 0 };
    for (; writing < ranges.length; writing++) {
      dispatch();
      const { chunk, ...batch } = await described[writing]!;
      described[writing] = undefined;
      // The chunk's memory is released once it is written, not at this thread's next garbage collection:
      // with this thread's small heap, that comes only after dozens of chunks.
      await writeChunk(out, chunk, () => chunk.buffer.transfer(0));
      result.datasets += batch.datasets;
      result.described += batch.described;
      if (batch.datasets > 0) onProgress?.(result.datasets);
    }
    return result;
  } finally {
    await Promise.all(threads.map((thread) => thread.stop()));
  }
}

/** One export thread (export-worker.ts) and the one message at a time it is waited on for. */
class ExportThread {
  private readonly thread: MessageThread<ExportThreadTask, ExportThreadMessage>;

  constructor(job: ExportJob) {
    this.thread = new MessageThread(new URL('./export-worker.js', import.meta.url), { workerData: job, resourceLimits: EXPORT_HEAP }, (code) => `The export stopped before it finished (exit code ${code})`);
  }

  /** The export's plan and the document's header, which the first thread sends once it has made the plan. */
  async planned(): Promise<{ plan: ExportPlan; header: string }> {
    const message = await this.thread.next();
    if (!('plan' in message)) throw new Error('The export thread sent a batch before its plan');
    return message;
  }

  async describe(range: DatasetRange): Promise<{ chunk: Uint8Array<ArrayBuffer> } & ExportResult> {
    const message = await this.thread.ask({ range });
    if (!('chunk' in message)) throw new Error('The export thread sent a plan instead of a batch');
    return message;
  }

  /** Lets the thread close its connections and end; waits until it has. */
  stop(): Promise<void> {
    return this.thread.stop(null);
  }
}

/**
 * Writes a chunk to `out`, waiting while `out` is full, so an export runs in constant memory; `written` is
 * called once `out` is done with the chunk.
 */
export async function writeChunk(out: NodeJS.WritableStream, chunk: string | Uint8Array, written?: () => void): Promise<void> {
  if (chunk.length > 0 && !out.write(chunk, written)) await drained(out);
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    // A client that hangs up mid-export closes the stream without ever draining it.
    const onClose = (): void => settle(new Error('The output stream closed before the export finished'));
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
  });
}
