import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/log.js';
import { compiledWorkerModule, MessageThread } from '../core/message-thread.js';
import type { PreparedBatch } from './export.js';
import { EXPORT_HEAP, type ExportOptions, type ExportSettings } from './export-threads.js';

/*
 * Preparing the next export: an export copies each dataset's stored description and describes only the datasets
 * changed since (stored-descriptions.ts), so the export that follows an upgrade, a bulk import or a harvest would
 * describe thousands to all of them (1.5-2.5 minutes for 100,000 against 10-20 s copied, BENCHMARKS.md). The indexing
 * process (`gdcat serve`'s in-process indexer, or `gdcat indexer`) describes them ahead of it instead: after a burst
 * of indexing ends, and once at its start, a thread of its own describes and stores the stale descriptions of each
 * format a batch at a time, and waits between batches while the indexer works, so search indexing comes first.
 * This module loads only Node's own modules (and the thread helper of src/core): the thread loads the ORM and the
 * describing code.
 */

/** What the preparing thread is started with. */
export interface PreparationJob {
  databaseUrl: string;
  settings: Omit<ExportSettings, 'format' | 'batchSize'>;
}

/**
 * A batch to prepare in a format, after a dataset id (null: from the first), of the datasets changed since an
 * instant (milliseconds; null: all), or null to end the thread.
 */
export type PreparationTask = { format: ExportOptions['format']; limit: number; after: string | null; changedSince: number | null } | null;

/** What a batch described and where the next starts (null: another process was preparing one), or why it failed. */
export type PreparationMessage = { prepared: PreparedBatch | null } | { failed: string };

export interface ExportPreparationOptions {
  databaseUrl: string;
  baseUrl: string;
  smallCountThreshold: number;
  formats: ExportOptions['format'][];
  /** Whether the indexer is at work: the preparation waits for it between batches. */
  indexing: () => boolean;
  log: Logger;
  /**
   * A round starts this long after the change that asked for it (or after the start), so that the writes of a busy
   * hour are prepared a few rounds at a time rather than one round each.
   */
  delayMs?: number;
}

/** Datasets a batch describes: an export's batch, whose memory (248 MiB peak for N-Triples) is measured. */
const PREPARATION_BATCH = 100;
const DEFAULT_DELAY_MS = 30_000;
/**
 * A round after the first looks only at the datasets changed since the round before it started, less this much: a
 * write whose transaction was open that long when it started (or a clock that far from PostgreSQL's) is left to
 * the next start's round, or to the export, which describes what is stale itself.
 */
const CHANGES_MARGIN_MS = 10 * 60_000;
/** How often a waiting preparation looks whether the indexer is done. */
const INDEXING_POLL_MS = 500;

const FORMAT_NAMES: Record<ExportOptions['format'], string> = { 'text/turtle': 'Turtle', 'application/n-triples': 'N-Triples' };
/** The log fields of the counts: the names `gdcat export --format` takes. */
const FORMAT_KEYS: Record<ExportOptions['format'], string> = { 'text/turtle': 'ttl', 'application/n-triples': 'nt' };

/** The rounds of preparing the next export that an indexing process runs, and the thread each round runs in. */
export class ExportPreparation {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  /** A change was reported during the round under way: another round follows it. */
  private again = false;
  private stopped = true;
  private thread: PreparationThread | null = null;
  private readonly delayMs: number;
  /**
   * What the next round looks at: the datasets changed since this instant, or all (null) until a round has walked
   * them all (after a start the code may have changed, which makes every description stale).
   */
  private changedSince: number | null = null;

  constructor(private readonly options: ExportPreparationOptions) {
    this.delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  }

  /** Starts with a round (the code may have changed since the last, which makes every description stale). */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Reports that the catalogue changed (a burst of indexing ended): a round follows. */
  notify(): void {
    if (this.stopped) return;
    if (this.round) this.again = true;
    else this.schedule();
  }

  /** Stops; a batch under way is left to finish in its thread, which then ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.thread?.stop();
    await this.round;
  }

  /** The round under way, if any (for tests and the bench). */
  get running(): Promise<void> | null {
    return this.round;
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round = this.prepare()
        .catch((error: Error) => this.options.log.warn(`preparing the next export failed: ${error.message}; tried again after the next change`))
        .finally(() => {
          this.round = null;
          if (this.again) {
            this.again = false;
            this.schedule();
          }
        });
    }, this.delayMs);
    this.timer.unref();
  }

  private async prepare(): Promise<void> {
    const { databaseUrl, baseUrl, smallCountThreshold, formats, indexing, log } = this.options;
    const started = Date.now();
    const changedSince = this.changedSince;
    const described = new Map<ExportOptions['format'], number>();
    this.thread = new PreparationThread({ databaseUrl, settings: { baseUrl, smallCountThreshold } });
    try {
      for (const format of formats) {
        // Datasets changed behind the walk are prepared by the round their indexing asks for.
        for (let after: string | null = null; ; ) {
          while (indexing() && !this.stopped) await sleep(INDEXING_POLL_MS);
          if (this.stopped) return;
          const prepared = await this.thread.prepare({ format, limit: PREPARATION_BATCH, after, changedSince });
          // Another process (a second indexer) is preparing: it will see this round's changes too.
          if (prepared === null) return;
          if (prepared.described > 0) described.set(format, (described.get(format) ?? 0) + prepared.described);
          if (prepared.last === null) break;
          after = prepared.last;
        }
      }
      this.changedSince = started - CHANGES_MARGIN_MS;
    } finally {
      await this.thread.stop();
      this.thread = null;
    }
    if (described.size === 0) return;
    const counts = [...described].map(([format, count]) => `${count} ${FORMAT_NAMES[format]}`).join(', ');
    const seconds = (Date.now() - started) / 1000;
    log.info(`prepared the next export: described ${counts} in ${seconds.toFixed(1)} s`, {
      seconds,
      ...Object.fromEntries([...described].map(([format, count]) => [FORMAT_KEYS[format], count])),
    });
  }
}

/** The preparing thread, with its heap bounded as an export thread's. */
class PreparationThread {
  private readonly thread: MessageThread<PreparationTask, PreparationMessage>;

  constructor(job: PreparationJob) {
    this.thread = new MessageThread(compiledWorkerModule(import.meta.url, './export-preparation-worker.js'), { workerData: job, resourceLimits: EXPORT_HEAP }, (code) => `the preparing thread ended (exit code ${code})`);
  }

  async prepare(task: NonNullable<PreparationTask>): Promise<PreparedBatch | null> {
    const message = await this.thread.ask(task);
    if ('failed' in message) throw new Error(message.failed);
    return message.prepared;
  }

  /** Lets the thread finish its batch, close its connections and end; waits until it has. */
  stop(): Promise<void> {
    return this.thread.stop(null);
  }
}
