import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchEngine } from '../../src/search/engine.js';
import { ElasticsearchSearchEngine } from '../../src/search/elasticsearch/elasticsearch-engine.js';
import { OutboxIndexer } from '../../src/search/indexer.js';
import { PostgresSearchEngine } from '../../src/search/postgres/postgres-engine.js';
import { queueAllWhenIndexEmpty, reindexAll } from '../../src/search/reindex.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { deleteTestIndices, elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

/** A second index of the same engine, empty, as a catalogue moved to it finds it. */
type EmptyIndex = (catalogue: TestCatalogue) => { engine: SearchEngine; drop(): Promise<void> };

function reindexSuite(label: string, options: () => { elasticsearchUrl?: string }, emptyIndex: EmptyIndex) {
  describe(`reindex without downtime (${label})`, () => {
    let catalogue: TestCatalogue;
    const indexPrefix = uniqueIndexPrefix('reindex');
    beforeAll(async () => {
      catalogue = await startTestCatalogue({ ...options(), indexPrefix });
    });
    afterAll(async () => {
      await catalogue?.stop();
      const { elasticsearchUrl } = options();
      if (elasticsearchUrl) await fetch(`${elasticsearchUrl}/${indexPrefix}-datasets-*`, { method: 'DELETE' });
    });

    it('rebuilds the index from PostgreSQL while readers keep getting full answers', async () => {
      const query = '{ datasets(first: 100) { totalCount } }';
      const expected = (await catalogue.gql(query)).data!.datasets.totalCount;
      expect(expected).toBeGreaterThan(10);
      // Drift the index away from PostgreSQL, then let reindex repair it.
      const [published] = await catalogue.orm.em.getConnection().execute<{ id: string }[]>(`select id from dataset where status = 'PUBLISHED' limit 1`);
      await catalogue.search.remove([published.id]);
      await catalogue.search.refresh();
      expect((await catalogue.gql(query)).data!.datasets.totalCount).toBe(expected - 1);

      let reindexing = true;
      const readers = (async () => {
        const seen: number[] = [];
        while (reindexing) seen.push((await catalogue.gql(query)).data!.datasets.totalCount);
        return seen;
      })();
      const progress: number[] = [];
      const indexed = await reindexAll(catalogue.orm, catalogue.search, (done) => progress.push(done));
      reindexing = false;
      const seen = await readers;

      expect(indexed).toBe(expected + 1); // the draft is indexed too; it is only hidden from readers
      expect(progress.at(-1)).toBe(indexed);
      expect(seen.length).toBeGreaterThan(0);
      for (const count of seen) expect([expected - 1, expected]).toContain(count);
      expect((await catalogue.gql(query)).data!.datasets.totalCount).toBe(expected);
    });

    it('queues again afterwards the datasets indexed into the old index while it ran', async () => {
      const sql = catalogue.orm.em.getConnection();
      await sql.execute('delete from outbox_event');
      const [changed] = await sql.execute<{ id: string }[]>(`select id from dataset order by id limit 1`);
      // While the rebuild runs, a change is queued and indexed (into the index being replaced) and settled.
      const meanwhile = new Proxy(catalogue.search, {
        get(target, property) {
          if (property === 'rebuild') {
            return async (...args: Parameters<typeof target.rebuild>) => {
              await sql.execute(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) values ('Dataset', ?, now(), now(), 0)`, [changed!.id]);
              expect(await catalogue.indexer.runOnce()).toBe(1);
              return target.rebuild(...args);
            };
          }
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await reindexAll(catalogue.orm, meanwhile);
      const queued = await sql.execute<{ aggregate_id: string }[]>('select aggregate_id from outbox_event');
      expect(queued.map((e) => e.aggregate_id)).toEqual([changed!.id]);
      await catalogue.indexer.drain();
    });

    it('leaves out a dataset the engine refuses, sets it aside and settles earlier failures', async () => {
      const sql = catalogue.orm.em.getConnection();
      const [refused, settled] = await sql.execute<{ id: string }[]>(`select id from dataset where status = 'PUBLISHED' and cohort is not null order by id limit 2`);
      // A value no engine indexes (a 9 kB disease id and a 40 kB genome build), as data stored before the limits.
      await sql.execute(
        `update dataset set cohort = jsonb_set(jsonb_set(cohort, '{genomeBuild}', jsonb_build_object('name', repeat('p', 40960))),
           '{diseases}', jsonb_build_array(jsonb_build_object('iri', 'ICD10:' || repeat('Q', 9216)))) where id = ?`,
        [refused!.id],
      );
      await sql.execute(`insert into indexing_failure (dataset_id, engine, error, failed_at) values (?, 'postgres', 'an earlier refusal', now() - interval '1 hour')`, [settled!.id]);
      const total = Number((await sql.execute<{ n: string }[]>('select count(*) as n from dataset'))[0]!.n);

      expect(await reindexAll(catalogue.orm, catalogue.search)).toBe(total - 1);
      const failures = await sql.execute<{ dataset_id: string }[]>('select dataset_id from indexing_failure');
      expect(failures.map((f) => f.dataset_id)).toEqual([refused!.id]);
      expect((await catalogue.search.listIds()).map((d) => d.id)).not.toContain(refused!.id);
      expect((await catalogue.search.listIds()).map((d) => d.id)).toContain(settled!.id);
    });

    it('fills an index it finds empty at start with every dataset, once', async () => {
      const sql = catalogue.orm.em.getConnection();
      await sql.execute('delete from outbox_event');
      const datasets = Number((await sql.execute<{ n: string }[]>('select count(*) as n from dataset'))[0]!.n);
      const moved = emptyIndex(catalogue);
      try {
        await moved.engine.init();
        expect(await queueAllWhenIndexEmpty(catalogue.orm, catalogue.search)).toBe(0);
        expect(await queueAllWhenIndexEmpty(catalogue.orm, moved.engine)).toBe(datasets);
        // Queued already: not twice (a first start's seed queues its datasets too).
        expect(await queueAllWhenIndexEmpty(catalogue.orm, moved.engine)).toBe(0);
        await new OutboxIndexer(catalogue.orm, moved.engine).drain();
        const everything = { filter: {}, visibility: { allStatusesForOwners: 'ALL' as const }, sort: 'MODIFIED_DESC' as const, first: 0, facets: [], individuals: { kind: 'EXACT' as const } };
        // One dataset is refused by the engine (the test before): set aside, the rest indexed.
        expect((await moved.engine.search(everything)).totalCount).toBe(datasets - 1);
        expect(await queueAllWhenIndexEmpty(catalogue.orm, moved.engine)).toBe(0);
      } finally {
        await moved.drop();
      }
    });
  });
}

reindexSuite('PostgreSQL engine', () => ({}), (catalogue) => {
  const pool = new pg.Pool({ connectionString: catalogue.db.url, max: 2 });
  return { engine: new PostgresSearchEngine({ pool, table: 'dataset_search_moved' }), drop: () => pool.end() };
});
const elasticsearchUrl = elasticsearchForTests();
if (elasticsearchUrl) {
  reindexSuite('Elasticsearch engine', () => ({ elasticsearchUrl }), () => {
    const indexPrefix = uniqueIndexPrefix('moved');
    const engine = new ElasticsearchSearchEngine({ node: elasticsearchUrl, indexPrefix });
    return { engine, drop: async () => (await engine.close(), await deleteTestIndices(elasticsearchUrl, indexPrefix)) };
  });
}
