import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { startCatalogue } from '../../src/http/catalogue-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteTestIndices, elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

/**
 * A catalogue moved between search engines: the engine it starts on holds no document of it, and the
 * starting catalogue fills it instead of answering every search with nothing.
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

  /** Starts the catalogue on `engine`, answers an anonymous count, and stops; with what it logged. */
  async function countOn(engine: 'elasticsearch' | 'postgres'): Promise<{ total: number; log: string[] }> {
    const env = { DATABASE_URL: db.url, PORT: String(await freePort()), ELASTICSEARCH_URL: engine === 'elasticsearch' ? elasticsearchUrl! : '', ELASTICSEARCH_INDEX_PREFIX: indexPrefix, HARVEST_SCHEDULER: 'off' };
    const log: string[] = [];
    const catalogue = await startCatalogue({ ...configFromEnv(env), stateDir }, (line) => log.push(line));
    try {
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

  it('queues every dataset once, and searches find them', async () => {
    const first = await countOn('elasticsearch');
    expect(first.total).toBeGreaterThan(10);
    // Seeded on the first start: queued by the seed, not a second time.
    expect(first.log.filter((line) => line.includes('holds no dataset'))).toEqual([]);
    const moved = await countOn('postgres');
    expect(moved.log).toContainEqual(expect.stringMatching(/^the postgres index holds no dataset: queued all \d+ for indexing$/));
    expect(moved.total).toBe(first.total);
    const again = await countOn('postgres');
    expect(again.log.filter((line) => line.includes('holds no dataset'))).toEqual([]);
    expect(again.total).toBe(first.total);
  });
});
