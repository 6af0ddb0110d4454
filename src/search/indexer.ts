import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { buildSearchDocuments } from './document.js';
import type { SearchEngine, SearchVisibility } from './engine.js';
import { clearFailures, countFailures, listFailures, setAside, type IndexingFailure } from './indexing-failures.js';

export type { IndexingFailure };

export interface IndexerOptions {
  batchSize?: number;
  /** Upper bound of the retry back-off. */
  maxBackoffMs?: number;
  pollIntervalMs?: number;
  log?: (message: string) => void;
}

interface DueEvent {
  id: string;
  aggregate_id: string;
  attempts: number;
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
  private stopped = true;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private readonly pollIntervalMs: number;
  private lastCleanup = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly engine: SearchEngine,
    private readonly options: IndexerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Asks for a pass soon (after a write). */
  notify(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Processes due events once; returns how many were indexed. */
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
    if (indexed > 0) await this.engine.refresh();
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
      'select count(*) as n from outbox_event where processed_at is null',
    );
    return Number(rows[0].n);
  }

  /**
   * Processed events are kept for a day (a reindex replays the ones written while it ran), then deleted
   * at most once an hour, so the outbox does not grow without bound.
   */
  private async cleanUp(connection: ReturnType<EntityManager['getConnection']>, ctx: unknown): Promise<void> {
    if (Date.now() - this.lastCleanup < 3_600_000) return;
    this.lastCleanup = Date.now();
    await connection.execute(`delete from outbox_event where processed_at < now() - interval '1 day'`, [], 'run', ctx as never);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.runOnce()
        .then((count) => this.schedule(count > 0 ? 0 : this.pollIntervalMs))
        .catch((error: unknown) => {
          this.options.log?.(`indexer pass failed: ${(error as Error).message}`);
          this.schedule(this.pollIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async processDue(): Promise<number> {
    const em = this.orm.em.fork();
    return em.transactional(async (tx) => {
      const connection = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const due = await connection.execute<DueEvent[]>(
        `select id, aggregate_id, attempts from outbox_event
          where processed_at is null and available_at <= now()
          order by id limit ? for update skip locked`,
        [this.batchSize],
        'all',
        ctx,
      );
      if (due.length === 0) {
        await this.cleanUp(connection, ctx);
        return 0;
      }
      const ids = due.map((e) => e.id);
      const datasetIds = [...new Set(due.map((e) => e.aggregate_id))];
      try {
        const documents = await buildSearchDocuments(tx, datasetIds);
        const present = new Set(documents.map((d) => d.id));
        const { rejected } = await this.engine.upsert(documents);
        const gone = datasetIds.filter((id) => !present.has(id));
        if (gone.length > 0) await this.engine.remove(gone);
        await connection.execute('update outbox_event set processed_at = now() where id in (?)', [ids], 'run', ctx);
        const refused = new Set(rejected.map((r) => r.id));
        await clearFailures(connection, ctx, datasetIds.filter((id) => !refused.has(id)));
        if (rejected.length > 0) {
          await setAside(connection, ctx, this.engine.name, rejected);
          this.options.log?.(`search engine refused ${rejected.length} document(s), set aside: ${rejected.map((r) => `${r.id}: ${r.reason}`).join('; ').slice(0, 2000)}`);
        }
        return due.length;
      } catch (error) {
        const message = (error as Error).message.slice(0, 2000);
        const attempts = Math.max(...due.map((e) => e.attempts)) + 1;
        const backoffMs = Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(attempts, 16));
        await connection.execute(
          `update outbox_event set attempts = attempts + 1, last_error = ?,
             available_at = now() + (? * interval '1 millisecond') where id in (?)`,
          [message, backoffMs, ids],
          'run',
          ctx,
        );
        this.options.log?.(`search engine rejected ${ids.length} outbox events (attempt ${attempts}): ${message}`);
        return 0;
      }
    });
  }
}
