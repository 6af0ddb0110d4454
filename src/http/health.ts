import { HEALTH_CHECK_TIMEOUT_MS } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { SearchEngine } from '../search/engine.js';
import type { IndexingFailure, OutboxIndexer } from '../search/indexer.js';

/**
 * /healthz and /readyz (meanings in README, "Operations"). Every check is bounded by HEALTH_CHECK_TIMEOUT_MS,
 * so a hung dependency makes the probe answer "down" rather than hang the probe.
 */

interface HealthDependencies {
  orm: Orm;
  search: SearchEngine;
  indexer: OutboxIndexer;
}

interface DependencyState {
  up: boolean;
  error?: string;
}

/** Failed documents listed in /readyz; the count covers all of them. */
const LISTED_FAILURES = 20;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`)), HEALTH_CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function database(orm: Orm): Promise<DependencyState> {
  try {
    const check = await within(orm.checkConnection(), 'PostgreSQL');
    return check.ok ? { up: true } : { up: false, error: check.reason };
  } catch (error) {
    return { up: false, error: (error as Error).message };
  }
}

async function searchEngine(search: SearchEngine): Promise<DependencyState> {
  try {
    return (await within(search.ping(), search.name)) ? { up: true } : { up: false, error: `${search.name} does not answer` };
  } catch (error) {
    return { up: false, error: (error as Error).message };
  }
}

/** Liveness that tells the truth: the process answers, and can do its work only while PostgreSQL answers. */
export async function checkHealth(deps: HealthDependencies): Promise<{ status: 'ok' | 'unavailable'; database: DependencyState }> {
  const db = await database(deps.orm);
  return { status: db.up ? 'ok' : 'unavailable', database: db };
}

export interface Readiness {
  status: 'ready' | 'unavailable';
  database: DependencyState;
  search: DependencyState & { engine: string };
  indexing: { pendingOutboxEvents: number | null; failedDocuments: number | null; failures: IndexingFailure[] };
}

/**
 * Ready to serve everything: PostgreSQL and the search engine answer. Documents an engine rejected are listed
 * but do not make the instance unready: every other document and request is served.
 */
export async function checkReadiness(deps: HealthDependencies): Promise<Readiness> {
  const [db, search] = await Promise.all([database(deps.orm), searchEngine(deps.search)]);
  const indexing = db.up
    ? await within(deps.indexer.status(LISTED_FAILURES), 'the outbox').catch(() => null)
    : null;
  return {
    status: db.up && search.up ? 'ready' : 'unavailable',
    database: db,
    search: { engine: deps.search.name, ...search },
    indexing: {
      pendingOutboxEvents: indexing?.pending ?? null,
      failedDocuments: indexing?.failed ?? null,
      failures: indexing?.failures ?? [],
    },
  };
}
