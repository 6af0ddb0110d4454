import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSearchRequest } from '../../src/search/engine.js';
import { PostgresSearchEngine } from '../../src/search/postgres/postgres-engine.js';
import { limitSearches, SearchBusyError, SearchTooSlowError } from '../../src/search/search-limiter.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const REQUEST: DatasetSearchRequest = {
  query: 'leukaemia',
  filter: {},
  visibility: { allStatusesForOwners: [] },
  sort: 'RELEVANCE',
  first: 10,
  facets: ['publisher'],
  individuals: { kind: 'EXACT' },
};

/**
 * The search side of cost control on a real PostgreSQL: a search is held up for real by a transaction that
 * locks the search table (as a long scan would hold its connection), so the limits act on real waits.
 */
describe('search limits (PostgreSQL engine)', () => {
  let database: TestDatabase;
  let locker: pg.Client;
  const engines: PostgresSearchEngine[] = [];
  const engine = (searchStatementTimeoutMs?: number) => {
    const created = new PostgresSearchEngine({ pool: new pg.Pool({ connectionString: database.url, max: 5 }), searchStatementTimeoutMs });
    engines.push(created);
    return created;
  };
  const lockSearchTable = () => locker.query('BEGIN; LOCK TABLE dataset_search IN ACCESS EXCLUSIVE MODE');
  const unlock = () => locker.query('ROLLBACK');

  beforeAll(async () => {
    database = await createTestDatabase();
    await engine().init();
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    for (const created of engines) await created.close();
    await database?.drop();
  });

  it('stops a search statement at the configured timeout with a clear SEARCH_TIMEOUT error', async () => {
    const limited = engine(300);
    await lockSearchTable();
    try {
      const failure = await limited.search(REQUEST).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SearchTooSlowError);
      expect((failure as SearchTooSlowError).extensions.code).toBe('SEARCH_TIMEOUT');
    } finally {
      await unlock();
    }
    expect((await limited.search(REQUEST)).totalCount).toBe(0);
  });

  it('runs at most `concurrency` searches, queues a bounded number and refuses the rest with SEARCH_BUSY', async () => {
    const limited = limitSearches(engine(), { concurrency: 2, queue: 1, maxWaitMs: 10_000 });
    await lockSearchTable();
    const outcomes: Promise<string>[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        outcomes.push(limited.search(REQUEST).then(() => 'answered', (error: unknown) => (error instanceof SearchBusyError ? 'busy' : String(error))));
      }
      // Two run (held by the lock), one waits: the fourth and fifth are refused at once, while the lock holds.
      expect(await Promise.race([Promise.all([outcomes[3], outcomes[4]]), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000))])).toEqual([
        'busy',
        'busy',
      ]);
    } finally {
      await unlock();
    }
    expect(await Promise.all(outcomes)).toEqual(['answered', 'answered', 'answered', 'busy', 'busy']);
  });

  it('refuses a search that waited longer than maxWaitMs for its turn', async () => {
    const limited = limitSearches(engine(), { concurrency: 1, queue: 5, maxWaitMs: 200 });
    await lockSearchTable();
    try {
      const first = limited.search(REQUEST).then(() => 'answered', String);
      const second = await limited.search(REQUEST).then(() => 'answered', (error: unknown) => (error instanceof SearchBusyError ? 'busy' : String(error)));
      expect(second).toBe('busy');
      await unlock();
      expect(await first).toBe('answered');
    } finally {
      await locker.query('ROLLBACK');
    }
  });
});
