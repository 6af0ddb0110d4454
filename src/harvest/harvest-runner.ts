import type { EntityManager } from '@mikro-orm/postgresql';
import { HARVEST_HEAP_MB } from '../config.js';
import { loggerOf, type Log, type LogFields, type Logger } from '../core/log.js';
import type { Orm } from '../db/orm.js';
import { type HarvestOptions, harvest, HARVEST_ACTOR } from './harvest.js';
import { HarvestMode, HarvestOutcome, HarvestRun } from './harvest-run.entity.js';
import { HarvestSource } from './harvest-source.entity.js';
import { scheduleMs } from './harvest-source.rules.js';
import { HarvestProcess } from './harvest-process.js';

// One PostgreSQL advisory lock key for harvesting ("gdcat harvest" in ASCII): one runner at a time across
// every process on the database, scheduled or started from the command line.
const HARVEST_LOCK = 0x67646361_7468;

/**
 * Runs `work` holding the harvest lock. `wait`: wait for another runner to finish (the CLI); otherwise give
 * up at once and return null (a scheduler tick on another instance is already harvesting).
 */
export async function withHarvestLock<T>(orm: Orm, wait: boolean, work: () => Promise<T>): Promise<T | null> {
  // The lock lives as long as this transaction, on its own connection; the harvest writes on others.
  return orm.em.fork().transactional(async (tx: EntityManager) => {
    const [row] = await tx.execute<{ locked: boolean | string }[]>(
      wait ? 'select true as locked from pg_advisory_xact_lock(?)' : 'select pg_try_advisory_xact_lock(?) as locked',
      [HARVEST_LOCK],
    );
    return row?.locked === true ? work() : null;
  });
}

/**
 * Harvests each source in turn. A source that fails, even unexpectedly, is kept as a failed run and the
 * next one is harvested all the same; an unexpected failure is logged with its stack.
 */
export async function harvestSources(orm: Orm, sources: HarvestSource[], options: HarvestOptions, log: Log): Promise<HarvestRun[]> {
  const runs: HarvestRun[] = [];
  for (const source of sources) {
    const em = orm.em.fork();
    const target = { source, url: source.url, kind: source.kind, organisation: source.organisation.identifier };
    try {
      runs.push(await harvest(em, target, options));
    } catch (error) {
      runs.push(await keepFailedRun(orm.em.fork(), source, error as Error, loggerOf(log)));
    }
  }
  return runs;
}

/** The level a finished run is logged at: error when nothing could be harvested, warn when some records failed. */
export function runLevel(run: HarvestRun): 'info' | 'warn' | 'error' {
  if (run.outcome === HarvestOutcome.FAILED) return 'error';
  return run.outcome === HarvestOutcome.PARTIAL ? 'warn' : 'info';
}

/**
 * A finished run as an operator's log line: the source, the run's id (its errors, with the source's addresses, are
 * read from the run itself: harvestRuns), the outcome, the counts and the code of its first error. The source's
 * address is left out, since it may carry credentials.
 */
export function logRun(log: Logger, run: HarvestRun): void {
  const fields: LogFields = {
    source: run.source?.identifier,
    run: run.id,
    outcome: run.outcome,
    documents: run.documents,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    withdrawn: run.withdrawn,
    failed: run.failed,
    error: run.errors[0]?.code,
  };
  log[runLevel(run)]('harvest run finished', fields);
}

/** Keeps an unexpected failure as a failed run, logged (with its stack) before it is written, which may fail too. */
async function keepFailedRun(em: EntityManager, source: HarvestSource, error: Error, log: Logger): Promise<HarvestRun> {
  const now = new Date();
  const run = em.create(HarvestRun, {
    source: em.getReference(HarvestSource, source.id),
    url: source.url,
    kind: source.kind,
    mode: HarvestMode.FULL,
    outcome: HarvestOutcome.FAILED,
    actor: HARVEST_ACTOR.subject,
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    failed: 1,
    errors: [{ identifier: null, iri: source.url, field: null, message: `internal error: ${error.message}`, code: 'INTERNAL' }],
  });
  log.error(`harvest failed: ${error.stack ?? String(error)}`, { source: source.identifier, run: run.id });
  await em.nativeUpdate(HarvestSource, { id: source.id }, { lastRunAt: now });
  await em.flush();
  return run;
}

/** Enabled sources whose schedule says they are due. */
export async function dueSources(em: EntityManager, now: Date): Promise<HarvestSource[]> {
  const enabled = await em.find(HarvestSource, { enabled: true }, { populate: ['organisation'], orderBy: { identifier: 'asc' } });
  return enabled.filter((source) => !source.lastRunAt || source.lastRunAt.getTime() + (scheduleMs(source.schedule) ?? Infinity) <= now.getTime());
}

export interface SchedulerOptions extends HarvestOptions {
  /** How often to look for due sources. */
  tickMs: number;
  /** The harvest process's heap, MiB (default HARVEST_HEAP_MB). */
  heapMb?: number;
}

/**
 * Harvests enabled sources on their schedule, from `gdcat serve`; instances share the work through the lock.
 * The harvests run in a process of their own (harvest-process.ts), on connections of their own to `databaseUrl`.
 */
export class HarvestScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private harvesting: HarvestProcess | null = null;
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly databaseUrl: string,
    private readonly options: SchedulerOptions,
    log: Log,
  ) {
    this.log = loggerOf(log);
  }

  private readonly log: Logger;

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick()).catch((error: Error) => this.log.error(`harvest scheduler: ${error.message}`));
    }, this.options.tickMs);
    this.timer.unref();
  }

  /** One look for due sources; harvests them unless another instance holds the lock. */
  async tick(now = new Date()): Promise<HarvestRun[]> {
    const runs = await withHarvestLock(this.orm, false, async () => this.harvestInProcess(await dueSources(this.orm.em.fork(), now)));
    for (const run of runs ?? []) logRun(this.log, run);
    return runs ?? [];
  }

  /**
   * Harvests the sources in a process while this one holds the lock; the runs it kept, read back. The source a
   * process was harvesting when it ended early (out of its heap, or stopped) is kept as a failed run, unless its
   * run was kept just before; the sources after it stay due.
   */
  private async harvestInProcess(sources: HarvestSource[]): Promise<HarvestRun[]> {
    if (sources.length === 0 || this.stopped) return [];
    const { timeoutMs, maxDocuments, maxResponseBytes, allowPrivateNetworks, baseUrl, full } = this.options;
    const options = { timeoutMs, maxDocuments, maxResponseBytes, allowPrivateNetworks, baseUrl, full };
    const heapMb = this.options.heapMb ?? HARVEST_HEAP_MB;
    this.harvesting = new HarvestProcess({ databaseUrl: this.databaseUrl, sources: sources.map((source) => source.id), options }, heapMb, this.log);
    const { runs, failure, during } = await this.harvesting.ended;
    this.harvesting = null;
    const kept = [...runs];
    const source = sources.find((candidate) => candidate.id === during?.source);
    if (source) kept.push(await this.keptInterrupted(source, during!.since, failure!));
    // Ended before or between sources: the sources not harvested stay due; only a failure is news (a stop is not).
    else if (failure && !this.stopped) this.log.error(`harvest failed: ${failure.stack ?? String(failure)}`);
    const found = await this.orm.em.fork().find(HarvestRun, { id: { $in: kept } }, { populate: ['source'] });
    return kept.map((id) => found.find((run) => run.id === id)!);
  }

  /** The run of a source whose process ended during its harvest: the one it kept just before, or a failed one. */
  private async keptInterrupted(source: HarvestSource, since: Date, failure: Error): Promise<string> {
    const em = this.orm.em.fork();
    const finished = await em.findOne(HarvestRun, { source: source.id, startedAt: { $gte: since } });
    return finished?.id ?? (await keepFailedRun(em, source, failure, this.log)).id;
  }

  /** Stops looking for due sources and ends a harvest under way (HarvestProcess.stop), keeping it as a failed run. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopped = true;
    await this.harvesting?.stop();
    await this.running;
  }
}
