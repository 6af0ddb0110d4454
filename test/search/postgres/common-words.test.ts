import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSearchDocument, DatasetSearchRequest } from '../../../src/search/engine.js';
import { PostgresSearchEngine, type PostgresSearchEngineOptions } from '../../../src/search/postgres/postgres-engine.js';
import { expandedWords, snapshotSql, type ExpandedWordRow } from '../../../src/search/postgres/postgres-translate.js';
import { queryWords } from '../../../src/search/query-model.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { documentNumbered } from '../../support/search-documents.js';

/** An engine on a database of its own; `end` closes it and drops the database. */
async function engineOnNewDatabase(options: Omit<PostgresSearchEngineOptions, 'pool'> = {}) {
  const database: TestDatabase = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 3 });
  const engine = new PostgresSearchEngine({ pool, ...options });
  return {
    pool,
    engine,
    end: async () => {
      await engine.close();
      await database.drop();
    },
  };
}

/**
 * Common words (postgres-schema.ts): a word most datasets hold gets an absence mark in the text row of each dataset
 * without it, so a search by it finds those few datasets through the text index. The marks must be exactly the
 * common words each row lacks, however the row or the common words change, or a search by a common word counts
 * wrong.
 */
describe('PostgreSQL engine: common words and their absence marks', () => {
  let pool: pg.Pool;
  let engine: PostgresSearchEngine;
  let end: (() => Promise<void>) | undefined;

  /** Titled without "cohort". */
  const trio = (n: number): DatasetSearchDocument => ({
    ...documentNumbered(n),
    title: `Epilepsy trio ${n}`,
    description: 'Exomes of families.',
    keywords: ['epilepsy'],
    diagnosticArea: 'NEUROLOGY',
  });

  beforeAll(async () => {
    // Every search by words counts its datasets as the catalogue's less those the words do not match.
    ({ pool, engine, end } = await engineOnNewDatabase({ vacuumAfterDocuments: 0, countOutsideShare: 0 }));
    await engine.init();
  });

  afterAll(async () => {
    await end?.();
  });

  const commonWords = async () => (await pool.query<{ word: string }>('SELECT word FROM dataset_search_common ORDER BY word')).rows.map((r) => r.word);
  const marked = async (mark: string) =>
    (await pool.query<{ id: string }>(`SELECT id FROM dataset_search_text WHERE terms @@ $1::tsquery ORDER BY id`, [`'${mark}'`])).rows.map((r) => r.id);
  const search = (query: string, request: Partial<DatasetSearchRequest> = {}) =>
    engine.search({ query, filter: {}, visibility: { allStatusesForOwners: [] }, sort: 'RELEVANCE', first: 20, facets: ['diagnosticArea'], individuals: { kind: 'EXACT' }, ...request });
  const idOf = (n: number) => documentNumbered(n).id;

  it('makes a word of at least 80 % of the datasets common once statistics are refreshed, and marks the datasets without it', async () => {
    await engine.upsert([documentNumbered(1), documentNumbered(2), documentNumbered(3), documentNumbered(4), trio(5)]);
    expect(await commonWords()).not.toContain('wcohort');
    await engine.refresh();
    expect(await commonWords()).toContain('wcohort');
    expect(await commonWords()).not.toContain('wepilepsy');
    expect(await marked('-wcohort')).toEqual([idOf(5)]);
  });

  it('marks a dataset written later by the common words it lacks, and moves the mark when it changes', async () => {
    await engine.upsert([trio(6)]);
    expect(await marked('-wcohort')).toEqual([idOf(5), idOf(6)]);
    await engine.upsert([documentNumbered(5)]);
    expect(await marked('-wcohort')).toEqual([idOf(6)]);
    await engine.upsert([trio(2)]);
    expect(await marked('-wcohort')).toEqual([idOf(2), idOf(6)]);
    await engine.remove([idOf(6)]);
    expect(await marked('-wcohort')).toEqual([idOf(2)]);
  });

  it('counts a search by a common word, with and without facets, as the datasets holding it', async () => {
    // Datasets 1, 3, 4 and 5 hold "cohort"; 2 does not.
    const withFacets = await search('cohort');
    expect(withFacets.totalCount).toBe(4);
    expect(withFacets.hits.map((hit) => hit.id).sort()).toEqual([1, 3, 4, 5].map(idOf));
    expect(withFacets.facets).toEqual([{ field: 'diagnosticArea', buckets: [{ value: 'HEMATOLOGY', count: 4, individuals: 101 + 103 + 104 + 105 }] }]);
    const totalsOnly = await search('cohort', { facets: [] });
    expect(totalsOnly.totalCount).toBe(4);
    expect(totalsOnly.individuals).toBe(101 + 103 + 104 + 105);
    // A typo-tolerant word also matches similar words the marks say nothing of: tested on the marked rows.
    expect((await search('cohort epilepsy', { facets: [] })).totalCount).toBe(5);
  });

  it('keeps a common word down to the kept share, and takes it and its marks away below it', async () => {
    // 4 of 6 datasets hold "cohort": below the common share, above the kept one.
    await engine.upsert([trio(6)]);
    await engine.refresh();
    expect(await commonWords()).toContain('wcohort');
    expect(await marked('-wcohort')).toEqual([2, 6].map(idOf));
    // 4 of 8.
    await engine.upsert([trio(7), trio(8)]);
    await engine.refresh();
    expect(await commonWords()).not.toContain('wcohort');
    expect(await marked('-wcohort')).toEqual([]);
    expect((await search('cohort')).totalCount).toBe(4);
  });

  it('never takes an absence mark in the statistics for a word the datasets hold', async () => {
    // "epilepsy" in 16 of 20 datasets: common, its mark in the 4 without it.
    await engine.upsert(Array.from({ length: 12 }, (_, n) => trio(n + 9)));
    await engine.refresh();
    expect(await commonWords()).toContain('wepilepsy');
    expect(await marked('-wepilepsy')).toEqual([1, 3, 4, 5].map(idOf));
    await pool.query('ANALYZE dataset_search_text');
    const client = await pool.connect();
    try {
      const words = queryWords('epilepsy');
      const results = (await client.query(snapshotSql('dataset_search', words, 0, (word) => client.escapeLiteral(word)))) as unknown as pg.QueryResult<ExpandedWordRow>[];
      const [word] = expandedWords(words, results.at(-1)!.rows);
      expect(word!.commonWords).toEqual(['wepilepsy']);
      expect(word!.commonTags.length).toBeGreaterThan(0);
      expect(word!.commonTags.every(({ tag }) => /^[A-D]/.test(tag))).toBe(true);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});

describe('PostgreSQL engine: the common words of a catalogue loaded in bulk', () => {
  let pool: pg.Pool;
  let engine: PostgresSearchEngine;
  let end: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ pool, engine, end } = await engineOnNewDatabase({ firstCommonWordsAfter: 4 }));
    await engine.init();
  });

  afterAll(async () => {
    await end?.();
  });

  it('are looked for early in the load, so the rest of it is written with its absence marks', async () => {
    const common = async () => (await pool.query<{ word: string }>('SELECT word FROM dataset_search_common ORDER BY word')).rows.map((r) => r.word);
    await engine.upsert([documentNumbered(1), documentNumbered(2), documentNumbered(3)]);
    expect(await common()).toEqual([]);
    await engine.upsert([documentNumbered(4)]);
    expect(await common()).toContain('wcohort');
    await engine.upsert([{ ...documentNumbered(5), title: 'Epilepsy trio 5', description: 'Exomes of families.' }]);
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM dataset_search_text WHERE terms @@ '''-wcohort'''::tsquery ORDER BY id`);
    expect(rows.map((row) => row.id)).toEqual([documentNumbered(5).id]);
  });
});

describe('PostgreSQL engine: a text table built by a version without absence marks', () => {
  it('is built afresh at start, with the common words and their marks', async () => {
    const { pool, engine, end } = await engineOnNewDatabase();
    try {
      await engine.init();
      await engine.upsert([1, 2, 3, 4, 5].map(documentNumbered));
      await engine.upsert([{ ...documentNumbered(6), title: 'Epilepsy trio 6', description: 'Exomes of families.' }]);
      // As an older version left it: no common words table, no marks.
      await pool.query('DROP TABLE dataset_search_common');
      await pool.query(`UPDATE dataset_search_text SET terms = ts_delete(terms, ARRAY(SELECT x FROM unnest(tsvector_to_array(terms)) x WHERE left(x, 1) = '-'))`);
      await engine.init();
      const { rows } = await pool.query<{ id: string }>(`SELECT id FROM dataset_search_text WHERE terms @@ '''-wcohort'''::tsquery`);
      expect(rows.map((row) => row.id)).toEqual([documentNumbered(6).id]);
    } finally {
      await end();
    }
  });
});
