import { fork, type ChildProcess } from 'node:child_process';
import type { Logger, LogFields } from '../core/log.js';
import type { HarvestOptions } from './harvest.js';

/*
 * Scheduled harvests run in a process of their own (harvest-worker.ts): fetching, parsing and reading a regional
 * node's documents and writing its records take a core for seconds to minutes, which the thread answering
 * GraphQL and DCAT requests would otherwise spend on them. This module loads nothing but Node's own.
 *
 * A process, not a worker thread: a worker thread's heap limit is best-effort. A 40 MB JSON-LD document parsed in
 * a thread past its limit aborted the whole server ("FATAL ERROR: Reached heap limit"; nodejs/node#47224), so one
 * large or hostile source could take the API down. A process that runs out of its heap ends alone.
 *
 * It lives for one tick that found sources due, not for the server's lifetime: ticks with nothing due (most of
 * them) start none, and a harvest's memory (a 64 MiB document parsed and indexed) is handed back when it ends.
 * Starting one (loading its modules, connecting its ORM) takes a few seconds on a busy 2-core machine: little
 * next to a harvest of a regional node, once an hour or so.
 */

/** What a harvest process is told of the options: how to harvest, not whom to tell. */
export type HarvestSettings = Omit<HarvestOptions, 'onProgress'>;

/** What a harvest process is started with: the sources due (their ids), harvested in turn. */
export interface HarvestJob {
  databaseUrl: string;
  sources: string[];
  options: HarvestSettings;
}

/** What a harvest process sends: a source it starts (and when), each run it keeps, each line it logs, why it failed. */
export type HarvestProcessMessage =
  | { harvesting: string; at: number }
  | { harvested: string }
  | { log: { level: 'info' | 'warn' | 'error'; message: string; fields?: LogFields } }
  | { failed: { message: string; stack?: string } };

/** How a harvest process ended: the runs it kept, in order, and why it ended early, if it did, in which source's harvest. */
export interface ProcessHarvest {
  runs: string[];
  failure: Error | null;
  /** The source being harvested when the process ended early, and when its harvest began. */
  during: { source: string; since: Date } | null;
}

/**
 * The worker's module as compiled, beside this one in dist/. Run from its TypeScript source (by the test
 * runner), this module starts the build's copy in dist/.
 */
const WORKER_MODULE = import.meta.url.endsWith('.ts') ? new URL('../../dist/src/harvest/harvest-worker.js', import.meta.url) : new URL('./harvest-worker.js', import.meta.url);

/** What V8 writes to standard error as it gives up on a heap at its limit. */
const OUT_OF_HEAP = /JavaScript heap out of memory/;

/** The end of the process's standard error kept to tell why it ended: V8's last words fit. */
const STDERR_KEPT = 4096;

/** One scheduled harvest in its process; what it logs goes to `log`, the server's. */
export class HarvestProcess {
  private readonly child: ChildProcess;
  private readonly runs: string[] = [];
  private during: ProcessHarvest['during'] = null;
  private failure: Error | null = null;
  private stopped = false;
  private stderr = '';
  /** Resolves once the process has ended, however it ended. */
  readonly ended: Promise<ProcessHarvest>;

  /**
   * `heapMb` bounds the process's heap (HARVEST_HEAP_MB): beyond it the process ends out of memory, which is kept
   * as the source's failed run, and the server goes on.
   */
  constructor(job: HarvestJob, heapMb: number, log: Logger) {
    // Only the heap flag: the server's own flags (a test runner's loaders, its heap) are not the harvest's.
    this.child = fork(WORKER_MODULE, [], { execArgv: [`--max-old-space-size=${heapMb}`], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    this.child.on('message', (message: HarvestProcessMessage) => {
      if ('log' in message) log[message.log.level](message.log.message, message.log.fields);
      else if ('harvesting' in message) this.during = { source: message.harvesting, since: new Date(message.at) };
      else if ('failed' in message) this.failure ??= Object.assign(new Error(message.failed.message), { stack: message.failed.stack });
      else {
        this.runs.push(message.harvested);
        this.during = null;
      }
    });
    this.child.on('error', (error) => (this.failure ??= error));
    this.ended = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        if (this.stopped) this.failure ??= new Error('the server stopped during the harvest; what it had written was kept');
        else if (OUT_OF_HEAP.test(this.stderr)) {
          this.failure ??= new Error(`the harvest needed more memory than its ${heapMb} MiB (HARVEST_HEAP_MB): the source's documents are too large to read at once; what it had written was kept`);
        } else if (code !== 0) this.failure ??= new Error(`the harvest process stopped (${signal ? `signal ${signal}` : `exit code ${code}`})`);
        resolve({ runs: this.runs, failure: this.failure, during: this.failure ? this.during : null });
      });
    });
    this.child.send(job);
  }

  /**
   * Ends the process wherever its harvest is (the server is shutting down). Each of a harvest's writes is a
   * transaction, which PostgreSQL rolls back when the process's connections close: those it committed stay, the
   * one under way leaves nothing.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.child.kill('SIGTERM');
    await this.ended;
  }
}
