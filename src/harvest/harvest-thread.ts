import { Worker } from 'node:worker_threads';
import type { Logger, LogFields } from '../core/log.js';
import type { HarvestOptions } from './harvest.js';

/*
 * Scheduled harvests run in a thread of their own (harvest-worker.ts): fetching, parsing and reading a regional
 * node's documents and writing its records take a core for seconds to minutes, which the thread answering
 * GraphQL and DCAT requests would otherwise spend on them. This module loads nothing but Node's own.
 *
 * A thread lives for one tick that found sources due, not for the server's lifetime: ticks with nothing due (most
 * of them) start none, a harvest's heap (a 64 MiB document parsed and indexed) is handed back when its thread
 * ends instead of staying with an idle one, and a thread that ran out of its heap needs no restarting. Starting
 * one (loading its modules, connecting its ORM) took 2.7-4.4 s on a busy 2-core machine, 4-14 ms of it on the
 * server's thread: little next to a harvest of a regional node, once an hour or so.
 */

/** What a harvest thread is told of the options: how to harvest, not whom to tell. */
export type HarvestSettings = Omit<HarvestOptions, 'onProgress'>;

/** What a harvest thread is started with: the sources due (their ids), harvested in turn. */
export interface HarvestJob {
  databaseUrl: string;
  sources: string[];
  options: HarvestSettings;
}

/** What a harvest thread sends: a source it starts (and when), each run it keeps, each line it logs. */
export type HarvestThreadMessage =
  | { harvesting: string; at: number }
  | { harvested: string }
  | { log: { level: 'info' | 'warn' | 'error'; message: string; fields?: LogFields } };

/** How a harvest thread ended: the runs it kept, in order, and why it ended early, if it did, in which source's harvest. */
export interface ThreadHarvest {
  runs: string[];
  failure: Error | null;
  /** The source being harvested when the thread ended early, and when its harvest began. */
  during: { source: string; since: Date } | null;
}

/**
 * A harvest holds a whole document, its quads and its records at once: parsing and reading 30 MB of Turtle peaked
 * at 470 MiB of heap (BENCHMARKS.md), so a document at HARVEST_MAX_RESPONSE_BYTES' default (64 MiB) needs about
 * 1 GiB, and writing its records more. Beyond 3 GiB the thread ends out of memory, which is kept as the source's
 * failed run, where the server's own heap (about 4 GiB by default) would have taken the API down with it.
 */
const HARVEST_HEAP = { maxOldGenerationSizeMb: 3072 };

/**
 * The worker's module as compiled, beside this one in dist/. Run from its TypeScript source (by the test
 * runner, whose compiling of modules does not reach a worker's), this module starts the build's copy in dist/.
 */
const WORKER_MODULE = import.meta.url.endsWith('.ts') ? new URL('../../dist/src/harvest/harvest-worker.js', import.meta.url) : new URL('./harvest-worker.js', import.meta.url);

/** One scheduled harvest in its thread; what it logs goes to `log`, the server's. */
export class HarvestThread {
  private readonly worker: Worker;
  private readonly runs: string[] = [];
  private during: ThreadHarvest['during'] = null;
  private failure: Error | null = null;
  private stopped = false;
  /** Resolves once the thread has ended, however it ended. */
  readonly ended: Promise<ThreadHarvest>;

  constructor(job: HarvestJob, log: Logger) {
    this.worker = new Worker(WORKER_MODULE, { workerData: job, resourceLimits: HARVEST_HEAP });
    this.worker.on('message', (message: HarvestThreadMessage) => {
      if ('log' in message) log[message.log.level](message.log.message, message.log.fields);
      else if ('harvesting' in message) this.during = { source: message.harvesting, since: new Date(message.at) };
      else {
        this.runs.push(message.harvested);
        this.during = null;
      }
    });
    this.worker.on('error', (error) => (this.failure ??= error));
    this.ended = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        if (this.stopped) this.failure ??= new Error('the server stopped during the harvest; what it had written was kept');
        else if (code !== 0) this.failure ??= new Error(`the harvest thread stopped (exit code ${code})`);
        resolve({ runs: this.runs, failure: this.failure, during: this.failure ? this.during : null });
      });
    });
  }

  /**
   * Ends the thread wherever its harvest is (the server is shutting down). Each of a harvest's writes is a
   * transaction, which PostgreSQL rolls back when the thread's connections close: those it committed stay, the one
   * under way leaves nothing.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
    await this.ended;
  }
}
