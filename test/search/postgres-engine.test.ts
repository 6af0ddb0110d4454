import pg from 'pg';
import type { DatasetSearchDocument } from '../../src/search/engine.js';
import { PostgresSearchEngine } from '../../src/search/postgres/postgres-engine.js';
import { createTestDatabase } from '../support/database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEMMED_QUERIES, STEMMING_FIXTURE, searchEngineContract } from './engine-contract.js';

searchEngineContract('postgres', async () => {
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 6 });
  return {
    engine: new PostgresSearchEngine({ pool }),
    cleanup: async () => {
      // The engine ends its pool on close(); this covers a suite that failed before closing it.
      if (!pool.ended) await pool.end();
      await database.drop();
    },
  };
});

/**
 * Vacuums and analyses after every write: searches by words then know their common words, as at scale, and every
 * word the statistics know is a common word, whose absence marks find the datasets without it.
 */
class AnalysedEngine extends PostgresSearchEngine {
  constructor(pool: pg.Pool) {
    super({ pool, countOutsideShare: 0, commonWordShare: 0, vacuumAfterDocuments: 0 });
  }

  override async upsert(...args: Parameters<PostgresSearchEngine['upsert']>): ReturnType<PostgresSearchEngine['upsert']> {
    const result = await super.upsert(...args);
    await this.refresh();
    return result;
  }
}

// Every search by words that allows it counts its facets (or its totals, when the words' absence marks find the
// datasets they do not match) as the catalogue's less those datasets (the engine does so for words most datasets
// have): the same answers as counting the matches. With the
// text table's statistics, a search also reads its relevance levels by its common words (a level of most rows
// read as the last, a level below empty ones walked in id order): the same pages.
searchEngineContract(
  'postgres',
  async () => {
    const database = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 6 });
    return {
      engine: new AnalysedEngine(pool),
      cleanup: async () => {
        if (!pool.ended) await pool.end();
        await database.drop();
      },
    };
  },
  "facets of words counted from the catalogue's, common words known",
);

/**
 * A PostgreSQL engine on a database of its own holding `documents`, for one describe block; `ids` searches it by
 * words and gives the ids of what it finds.
 */
function engineHolding(documents: () => DatasetSearchDocument[]): { ids(query: string): Promise<string[]> } {
  let engine: PostgresSearchEngine;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    engine = new PostgresSearchEngine({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) });
    await engine.init();
    await engine.upsert(documents());
  });
  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });
  return {
    async ids(query) {
      const answer = await engine.search({ query, filter: {}, visibility: { allStatusesForOwners: [] }, sort: 'RELEVANCE', first: 10, facets: [], individuals: { kind: 'EXACT' } });
      return answer.hits.map((hit) => hit.id);
    },
  };
}

describe('PostgreSQL engine: languages', () => {
  const { ids } = engineHolding(() => [STEMMING_FIXTURE]);

  it('stems Swedish texts with the swedish configuration and English texts with the english one', async () => {
    for (const query of [STEMMED_QUERIES.sv, STEMMED_QUERIES.en]) {
      expect(await ids(query)).toEqual([STEMMING_FIXTURE.id]);
    }
  });
});

describe('PostgreSQL engine: typos of words longer than fuzzystrmatch compares', () => {
  // fuzzystrmatch refuses words over 255 letters; such words are aligned without it.
  const long = `${'a'.repeat(150)}${'b'.repeat(150)}`;
  const { ids } = engineHolding(() => [{ ...STEMMING_FIXTURE, title: long, texts: [] }]);

  it('takes two edits, a swap among them, and not three', async () => {
    expect(await ids(`${'a'.repeat(149)}ba${'b'.repeat(148)}c`)).toEqual([STEMMING_FIXTURE.id]);
    expect(await ids(`${'a'.repeat(149)}ba${'b'.repeat(147)}cc`)).toEqual([]);
  });
});

describe('PostgreSQL engine: rebuild', () => {
  it('leaves the new projection vacuumed, so counts under a DUO permission can be answered from the covering index alone', async () => {
    const database = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const engine = new PostgresSearchEngine({ pool });
    try {
      await engine.init();
      await engine.rebuild(
        (async function* () {
          yield [STEMMING_FIXTURE];
        })(),
      );
      const { rows } = await pool.query<{ relpages: number; relallvisible: number }>(
        "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'dataset_search'",
      );
      expect(rows[0]!.relpages).toBeGreaterThan(0);
      expect(rows[0]!.relallvisible).toBe(rows[0]!.relpages);
    } finally {
      await engine.close();
      await database.drop();
    }
  });
});
