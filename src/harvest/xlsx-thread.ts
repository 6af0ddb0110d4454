import { Worker } from 'node:worker_threads';
import { compiledWorkerModule } from '../core/message-thread.js';
import type { Cell } from './spreadsheet-columns.js';
import type { RawRow, Spreadsheet } from './spreadsheet-files.js';

/*
 * An XLSX workbook read in a thread of its own (xlsx-worker.ts): inflating its parts and tokenizing their XML
 * take a core, which the import's thread, validating and inserting, would otherwise spend on them. This module
 * loads only Node's own modules (and the thread helper of src/core, which loads only those).
 */

/** What the workbook's thread is started with: the file, or the workbook's bytes (the GraphQL input). */
export interface XlsxJob {
  input: string | Uint8Array;
}

/** What the workbook's thread is sent: read a sheet's rows, estimate them, take a batch (one more may come), or stop reading. */
export type XlsxRequest = { id: number; read: string } | { id: number; estimate: string } | { id: number; taken: true } | { id: number; stop: true };

/**
 * What the workbook's thread sends: the workbook opened (its sheets) or not, then per request its answer. A
 * sheet's rows come in batches: their cells as one JSON text (a copy of a string is all the handing over costs,
 * and one JSON.parse is this thread's cheapest way to rebuild them) with the row numbers beside it; the cells
 * JSON cannot carry (dates, numbers that are not finite, -0) are listed apart as [row in batch, column, value].
 */
export type XlsxMessage =
  | { opened: string[] }
  | { failed: string }
  | { id: number; rows: number[]; cells: string; dates: number[]; numbers: number[] }
  | { id: number; end: true }
  | { id: number; estimate: number | null }
  | { id: number; error: string };

/** Batches of rows a sheet's reading may be ahead of the import, at most: the memory it holds is bounded. */
export const BATCHES_AHEAD = 8;

/**
 * The thread's young generation: what it allocates (a row's strings, a batch's JSON) is short-lived, and at
 * V8's default size its heap grew to 75 MiB for the bench's 20,000-dataset workbook (23-31 MiB at 8 MiB, for the
 * same CPU). Its old generation is left as it is: it holds the workbook's shared strings.
 */
const XLSX_HEAP = { maxYoungGenerationSizeMb: 8 };

const WORKER_MODULE = compiledWorkerModule(import.meta.url, './xlsx-worker.js');

/**
 * Opens an XLSX workbook (a file, or its bytes) in a thread of its own: a spreadsheet as openXlsx opens it,
 * the same rows, estimates and errors, read in that thread ahead of the import by up to BATCHES_AHEAD
 * batches a sheet. Closing it ends the thread.
 */
export async function openXlsxInThread(input: string | Buffer): Promise<Spreadsheet> {
  const thread = new XlsxThread(input);
  try {
    return await thread.opened();
  } catch (error) {
    await thread.close();
    throw error;
  }
}

/** A request's answers as they arrive, until it is taken. */
class Answers {
  readonly queue: XlsxMessage[] = [];
  private waiting: (() => void) | null = null;

  push(message: XlsxMessage): void {
    this.queue.push(message);
    this.wake();
  }

  wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  arrived(): Promise<void> {
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

class XlsxThread {
  private readonly worker: Worker;
  private readonly requests = new Map<number, Answers>();
  private readonly start = new Answers();
  private nextId = 1;
  private failure: Error | null = null;
  private readonly exited: Promise<void>;

  constructor(input: string | Buffer) {
    this.worker = new Worker(WORKER_MODULE, { workerData: { input } satisfies XlsxJob, resourceLimits: XLSX_HEAP });
    this.worker.on('message', (message: XlsxMessage) => {
      if ('id' in message) this.requests.get(message.id)?.push(message);
      else this.start.push(message);
    });
    this.worker.on('error', (error) => this.fail(new Error(`the workbook cannot be read: ${error.message}`)));
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.fail(new Error(`the workbook's reading stopped before it finished (exit code ${code})`));
        resolve();
      });
    });
  }

  async opened(): Promise<Spreadsheet> {
    const message = await this.answer(this.start);
    if ('failed' in message) throw new Error(message.failed);
    if (!('opened' in message)) throw new Error('the workbook thread answered before it opened the workbook');
    return {
      sheets: message.opened,
      rows: (sheet) => this.rows(sheet),
      estimatedRows: (sheet) => this.estimatedRows(sheet),
      close: () => this.close(),
    };
  }

  private async *rows(sheet: string): AsyncGenerator<RawRow> {
    const { id, answers } = this.request();
    this.worker.postMessage({ id, read: sheet } satisfies XlsxRequest);
    let ended = false;
    try {
      for (;;) {
        const message = await this.answer(answers);
        if ('end' in message) {
          ended = true;
          return;
        }
        if ('error' in message) {
          ended = true;
          throw new Error(message.error);
        }
        if (!('rows' in message)) throw new Error('the workbook thread answered a sheet with something else');
        this.worker.postMessage({ id, taken: true } satisfies XlsxRequest);
        const cells = JSON.parse(message.cells) as Cell[][];
        for (let at = 0; at < message.dates.length; at += 3) cells[message.dates[at]!]![message.dates[at + 1]!] = new Date(message.dates[at + 2]!);
        for (let at = 0; at < message.numbers.length; at += 3) cells[message.numbers[at]!]![message.numbers[at + 1]!] = message.numbers[at + 2]!;
        for (let i = 0; i < cells.length; i++) yield { sheet, row: message.rows[i]!, cells: cells[i]! };
      }
    } finally {
      this.requests.delete(id);
      // Left before its end (the import stopped reading, or a row failed): the thread stops reading the sheet.
      if (!ended && !this.failure) this.worker.postMessage({ id, stop: true } satisfies XlsxRequest);
    }
  }

  private async estimatedRows(sheet: string): Promise<number | null> {
    const { id, answers } = this.request();
    try {
      this.worker.postMessage({ id, estimate: sheet } satisfies XlsxRequest);
      const message = await this.answer(answers);
      if ('error' in message) throw new Error(message.error);
      if (!('estimate' in message)) throw new Error('the workbook thread answered an estimate with something else');
      return message.estimate;
    } finally {
      this.requests.delete(id);
    }
  }

  private request(): { id: number; answers: Answers } {
    const id = this.nextId++;
    const answers = new Answers();
    this.requests.set(id, answers);
    return { id, answers };
  }

  /** The next answer to a request, once it has come; the thread's failure if it ended first. */
  private async answer(answers: Answers): Promise<XlsxMessage> {
    while (answers.queue.length === 0) {
      if (this.failure) throw this.failure;
      await answers.arrived();
    }
    return answers.queue.shift()!;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.start.wake();
    for (const answers of this.requests.values()) answers.wake();
  }

  /** Ends the thread, wherever its reading is; resolves once it has ended. */
  async close(): Promise<void> {
    // Batches already here are not read either.
    for (const answers of this.requests.values()) answers.queue.length = 0;
    this.fail(new Error('the workbook is closed'));
    await this.worker.terminate();
    await this.exited;
  }
}
