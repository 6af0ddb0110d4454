import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { loggerOf, type Log, type Logger } from '../core/log.js';
import { toDocument } from './document.js';
import { readDocumentRows, type DocumentRow } from './document-rows.js';
import type { PreparedUpsert, RejectedDocument, SearchEngine, SearchVisibility } from './engine.js';
import { countFailures, listFailures, setAside, settleIndexed, type IndexingFailure } from './indexing-failures.js';

export type { IndexingFailure };

/** Engine writes at once: two keep an engine with more than one core busy while the next batch is sent. */
const WRITES_IN_FLIGHT = 2;

export interface IndexerOptions {
  batchSize?: number;
  /** Upper bound of the retry back-off. */
  maxBackoffMs?: number;
  pollIntervalMs?: number;
  /**
   * Where failures are logged: a batch to be retried at level warn (at error once its retries are at the longest
   * back-off), a pass that failed and refused documents at error.
   */
  log?: Log;
  /** Called when a burst of indexing ends (the outbox found empty after events were indexed): the catalogue changed. */
  afterIndexing?: () => void;
}

interface DueEvent {
  id: string;
  aggregate_id: string;
  attempts: number;
}

/**
 * Claimed events, locked by the open transaction of `em` until settled, and their datasets' documents as
 * encoded for the engine (or why they could not be built).
 */
interface ClaimedBatch {
  em: EntityManager;
  events: DueEvent[];
  datasetIds: string[];
  documents: PreparedUpsert | Error;
}

/**
 * Drains the outbox into the search engine. Events are claimed with FOR UPDATE SKIP LOCKED, so several
 * server processes can run indexers; a failed batch is retried with exponential back-off and stays in the
 * outbox until the engine accepts it, so an engine outage delays indexing but loses nothing. A document the
 * engine refuses as it is does not fail its batch: it is set aside with the reason (indexing-failures.ts)
 * and indexed again when its dataset is next saved (or on retryIndexing / reindex).
 */
export class OutboxIndexer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** The timer's pass: processing, then settling a bulk load with the engine and scheduling the next. */
  private pass: Promise<void> | null = null;
  private stopped = true;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private readonly pollIntervalMs: number;
  private readonly log: Logger;
  private lastCleanup = 0;
  /** Events indexed since the outbox was last found empty (schedule()). */
  private indexedInBurst = 0;
  /** Bulk loads being settled with the engine (refreshed): the settling is part of indexing them. */
  private settling = 0;
  private readonly afterIndexing: () => void;

  constructor(
    private readonly orm: MikroORM,
    private readonly engine: SearchEngine,
    options: IndexerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.log = loggerOf(options.log ?? (() => undefined));
    this.afterIndexing = options.afterIndexing ?? (() => undefined);
  }

  /**
   * Whether a pass is under way, a burst of events is being indexed, or a bulk load is being settled with the engine
   * (at 10k the last quarter of a drain): work that can wait waits for it.
   */
  get indexing(): boolean {
    return this.running !== null || this.indexedInBurst > 0 || this.settling > 0;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling; returns once the pass under way, its settling with the engine included, is over. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.pass;
  }

  /** Asks for a pass soon (after a write). */
  notify(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Processes the due events (batch after batch, see processDue); returns how many were indexed. */
  async runOnce(): Promise<number> {
    this.running ??= this.processDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Processes until no due event is left (events waiting for their back-off are left alone), then makes what
   * it indexed visible to searches.
   */
  async drain(): Promise<void> {
    let indexed = 0;
    for (let count = await this.runOnce(); count > 0; count = await this.runOnce()) indexed += count;
    if (indexed > 0) await this.settleBulkLoad();
  }

  /** The outbox and the set-aside documents, for /readyz (the `listed` most recent failures, all datasets). */
  async status(listed: number): Promise<{ pending: number; failed: number; failures: IndexingFailure[] }> {
    const connection = this.orm.em.getConnection();
    const everything: SearchVisibility = { allStatusesForOwners: 'ALL' };
    const [pending, failed, failures] = await Promise.all([this.pendingCount(), countFailures(connection), listFailures(connection, listed, everything)]);
    return { pending, failed, failures };
  }

  async pendingCount(): Promise<number> {
    const rows = await this.orm.em.getConnection().execute<{ n: string }[]>(
      'select count(*) as n from outbox_event',
    );
    return Number(rows[0].n);
  }

  /**
   * Settled batches are kept for a day (a reindex replays the ones settled while it ran), then deleted at
   * most once an hour, so outbox_settled does not grow without bound.
   */
  private async cleanUp(connection: ReturnType<EntityManager['getConnection']>, ctx: unknown): Promise<void> {
    if (Date.now() - this.lastCleanup < 3_600_000) return;
    this.lastCleanup = Date.now();
    await connection.execute(`delete from outbox_settled where settled_at < now() - interval '1 day'`, [], 'run', ctx as never);
  }

  /** Makes what a bulk load indexed visible to searches (and, on PostgreSQL, vacuums the projection). */
  private async settleBulkLoad(): Promise<void> {
    this.settling++;
    try {
      await this.engine.refresh();
    } finally {
      this.settling--;
    }
  }

  private schedule(delayMs: number): void {
    // A pass that ends after stop() (its engine refresh outlasting it) schedules nothing more.
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.pass = this.runOnce()
        .then(async (count) => {
          this.indexedInBurst += count;
          if (count === 0) {
            const burst = this.indexedInBurst;
            this.indexedInBurst = 0;
            // A bulk load (a batch or more) is over: the engine settles it (PostgreSQL vacuums, Elasticsearch
            // refreshes), as drain() does. Single writes are left to the engine's own rhythm.
            if (burst >= this.batchSize && !this.stopped) await this.settleBulkLoad();
            if (burst > 0) this.afterIndexing();
          }
          this.schedule(count > 0 ? 0 : this.pollIntervalMs);
        })
        .catch((error: unknown) => {
          this.log.error(`indexer pass failed: ${(error as Error).message}`, { engine: this.engine.name });
          this.schedule(this.pollIntervalMs);
        })
        .finally(() => {
          this.pass = null;
        });
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Indexes batch after batch until fewer than a batch are due. Each batch is one claim, one build, one
   * engine write and one settling statement, in its own transaction, which keeps the batch's events locked
   * until they are settled. The drain is a pipeline, so that the engine, PostgreSQL and this process work at
   * once: while the engine writes a batch (two, when they share no dataset), the next is encoded for the engine
   * and the one after it claimed and read (SKIP LOCKED passes over the locked events), and finished batches
   * are settled. Claims and reads follow one another, and so do settlements; a dataset's writes keep claim
   * order, so its later document is never overwritten by an earlier one, nor its later outcome by an earlier
   * one. After a failed write the batch written alongside is settled by its own outcome and the batches
   * claimed ahead go back untouched.
   */
  private async processDue(): Promise<number> {
    let indexed = 0;
    let next = this.claimAndBuild(Promise.resolve(this.batchSize));
    let afterNext = this.claimAndBuild(next.claimed);
    const writing: { batch: ClaimedBatch; outcome: Promise<RejectedDocument[] | Error> }[] = [];
    let settled: Promise<unknown> = Promise.resolve();
    const settlements: Promise<void>[] = [];
    const finished = async (write: (typeof writing)[number]): Promise<boolean> => {
      const outcome = await write.outcome;
      if (outcome instanceof Error) return false;
      indexed += write.batch.events.length;
      return true;
    };
    try {
      for (let batch = await next.built; batch; batch = await next.built) {
        [next, afterNext] = [afterNext, this.claimAndBuild(afterNext.claimed)];
        const previous = writing.at(-1);
        if (previous && sharesDataset(previous.batch, batch)) await previous.outcome;
        const outcome = this.write(batch);
        const settling = settled.then(() => outcome).then((result) => this.settle(batch, result));
        settled = settling.catch(() => undefined);
        settlements.push(settling);
        writing.push({ batch, outcome });
        if (writing.length === WRITES_IN_FLIGHT && !(await finished(writing.shift()!))) break;
      }
    } finally {
      for (const ahead of [next, afterNext]) {
        const batch = await ahead.built.catch(() => null);
        if (batch) await batch.em.rollback();
      }
      for (const write of writing) await finished(write);
      await Promise.allSettled(settlements);
    }
    // A settlement that failed leaves its events for the next pass (the writes themselves are idempotent).
    await Promise.all(settlements);
    return indexed;
  }

  /**
   * Claims due events in a new transaction (left open) once the previous claim has read its documents' rows
   * and found a full batch (`previous`: how many events it claimed), then builds the documents and encodes
   * them for the engine. `claimed` tells the next claim when it may go and whether there is more to claim.
   */
  private claimAndBuild(previous: Promise<number>): { claimed: Promise<number>; built: Promise<ClaimedBatch | null> } {
    let reportClaimed!: (count: number) => void;
    const claimed = new Promise<number>((resolve) => (reportClaimed = resolve));
    const built = (async (): Promise<ClaimedBatch | null> => {
      if ((await previous.catch(() => 0)) < this.batchSize) return null;
      const em = this.orm.em.fork();
      await em.begin();
      try {
        const connection = em.getConnection();
        const ctx = em.getTransactionContext();
        // In the order of the index outbox_event_due (available_at, id), so the claim reads only due events,
        // not those waiting for their back-off. Claim order is still the write order.
        const events = await connection.execute<DueEvent[]>(
          `select id, aggregate_id, attempts from outbox_event
            where available_at <= now()
            order by available_at, id limit ? for update skip locked`,
          [this.batchSize],
          'all',
          ctx,
        );
        if (events.length === 0) {
          await this.cleanUp(connection, ctx);
          await em.commit();
          return null;
        }
        const datasetIds = [...new Set(events.map((e) => e.aggregate_id))];
        // A document that cannot be built fails its batch like an engine error: retried with back-off.
        const rows = await readDocumentRows(connection, datasetIds, ctx).catch((error: Error) => error);
        reportClaimed(events.length);
        const documents = rows instanceof Error ? rows : this.encode(rows);
        return { em, events, datasetIds, documents };
      } catch (error) {
        await em.rollback();
        throw error;
      }
    })().finally(() => reportClaimed(0));
    // Awaited only once the batches before it are written: a failure meanwhile must not go unhandled.
    built.catch(() => undefined);
    return { claimed, built };
  }

  private encode(rows: DocumentRow[]): PreparedUpsert | Error {
    try {
      return this.engine.prepareUpsert(rows.map(toDocument));
    } catch (error) {
      return error as Error;
    }
  }

  /** Writes a claimed batch to the engine: the documents the engine refused, or why the write failed. */
  private async write(batch: ClaimedBatch): Promise<RejectedDocument[] | Error> {
    const { datasetIds, documents } = batch;
    try {
      if (documents instanceof Error) throw documents;
      const present = new Set(documents.documents.map((d) => d.id));
      const { rejected } = await this.engine.upsert(documents);
      const gone = datasetIds.filter((id) => !present.has(id));
      if (gone.length > 0) await this.engine.remove(gone);
      return rejected;
    } catch (error) {
      return error as Error;
    }
  }

  /**
   * Ends a batch's transaction: its events settled and its refused documents set aside, or, after a failed
   * write, the events left for a later attempt with back-off.
   */
  private async settle(batch: ClaimedBatch, outcome: RejectedDocument[] | Error): Promise<void> {
    const { em, events, datasetIds } = batch;
    const connection = em.getConnection();
    const ctx = em.getTransactionContext();
    const eventIds = events.map((e) => e.id);
    try {
      if (outcome instanceof Error) {
        const message = outcome.message.slice(0, 2000);
        const attempts = Math.max(...events.map((e) => e.attempts)) + 1;
        const backoffMs = Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(attempts, 16));
        await connection.execute(
          `update outbox_event set attempts = attempts + 1, last_error = ?,
             available_at = now() + (? * interval '1 millisecond') where id in (?)`,
          [message, backoffMs, eventIds],
          'run',
          ctx,
        );
        // Retries at the longest back-off mean the engine has been failing for a while: an operator is needed.
        const stillFailing = backoffMs >= this.maxBackoffMs;
        (stillFailing ? this.log.error : this.log.warn)(`indexing batch failed${stillFailing ? ` ${attempts} times, retried at the longest back-off` : ', to be retried'}: ${message}`, {
          engine: this.engine.name,
          events: eventIds.length,
          datasets: datasetIds.length,
          attempt: attempts,
          retryInMs: backoffMs,
        });
      } else {
        const refused = new Set(outcome.map((r) => r.id));
        await settleIndexed(connection, ctx, eventIds, datasetIds, datasetIds.filter((id) => !refused.has(id)));
        if (outcome.length > 0) {
          await setAside(connection, ctx, this.engine.name, outcome);
          this.log.error(`search engine refused documents, set aside: ${outcome.map((r) => `${r.id}: ${r.reason}`).join('; ').slice(0, 2000)}`, {
            engine: this.engine.name,
            datasets: outcome.length,
          });
        }
      }
      await em.commit();
    } catch (error) {
      await em.rollback();
      throw error;
    }
  }
}

function sharesDataset(a: ClaimedBatch, b: ClaimedBatch): boolean {
  const ids = new Set(a.datasetIds);
  return b.datasetIds.some((id) => ids.has(id));
}
