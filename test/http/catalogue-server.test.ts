import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { startCatalogue, type RunningCatalogue } from '../../src/http/catalogue-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteTestIndices, elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

/**
 * A catalogue moved between search engines: the index it starts on holds nothing of it, or what it held when the
 * catalogue left it; the starting catalogue queues every dataset instead of answering from that index as it is.
 */
const elasticsearchUrl = elasticsearchForTests();

describe.skipIf(!elasticsearchUrl)('startCatalogue on a search engine that holds nothing of the catalogue', () => {
  let db: TestDatabase;
  let stateDir: string;
  const indexPrefix = uniqueIndexPrefix('moved');

  beforeAll(async () => {
    db = await createTestDatabase();
    stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-moved-'));
  });
  afterAll(async () => {
    await deleteTestIndices(elasticsearchUrl!, indexPrefix);
    await db?.drop();
    await rm(stateDir, { recursive: true, force: true });
  });

  /** Starts the catalogue on `engine`, answers an anonymous count (after `meanwhile`), and stops; with what it logged. */
  async function countOn(engine: 'elasticsearch' | 'postgres', meanwhile?: (catalogue: RunningCatalogue) => Promise<void>): Promise<{ total: number; log: string[] }> {
    const env = { DATABASE_URL: db.url, PORT: String(await freePort()), ELASTICSEARCH_URL: engine === 'elasticsearch' ? elasticsearchUrl! : '', ELASTICSEARCH_INDEX_PREFIX: indexPrefix, HARVEST_SCHEDULER: 'off' };
    const log: string[] = [];
    const catalogue = await startCatalogue({ ...configFromEnv(env), stateDir }, (line) => log.push(line));
    try {
      await meanwhile?.(catalogue);
      await catalogue.indexer.drain();
      await catalogue.search.refresh();
      const response = await fetch(`${catalogue.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ datasets { totalCount } }' }),
      });
      return { total: ((await response.json()) as { data: { datasets: { totalCount: number } } }).data.datasets.totalCount, log };
    } finally {
      await catalogue.stop();
    }
  }

  it('queues every dataset once, and searches find them; moved back, the index is caught up', async () => {
    const first = await countOn('elasticsearch');
    expect(first.total).toBeGreaterThan(10);
    // Seeded on the first start: queued by the seed, not a second time.
    expect(first.log.filter((line) => line.includes('queued all'))).toEqual([]);
    const moved = await countOn('postgres');
    expect(moved.log).toContainEqual(expect.stringMatching(/^the catalogue was indexed into the elasticsearch index gdcat-test-moved-\w+-datasets before: queued all \d+ for indexing$/));
    expect(moved.total).toBe(first.total);
    // While on PostgreSQL a published dataset is withdrawn: the Elasticsearch index, left as it was, still has it.
    const again = await countOn('postgres', async (catalogue) => {
      await catalogue.orm.em.getConnection().execute(
        `update dataset set status = 'WITHDRAWN', withdrawal_reason = 'moved' where id = (select id from dataset where status = 'PUBLISHED' order by id limit 1)`,
      );
      await catalogue.orm.em.getConnection().execute(
        `insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
         select 'Dataset', id, now(), now(), 0 from dataset where status = 'WITHDRAWN'`,
      );
    });
    expect(again.log.filter((line) => line.includes('queued all'))).toEqual([]);
    expect(again.total).toBe(first.total - 1);
    // Back on Elasticsearch: its index missed the change, so every dataset is queued again.
    const back = await countOn('elasticsearch');
    expect(back.log).toContainEqual(expect.stringMatching(/^the catalogue was indexed into the postgres index dataset_search before: queued all \d+ for indexing$/));
    expect(back.total).toBe(first.total - 1);
  });
});
