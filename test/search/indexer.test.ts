import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { OutboxIndexer } from '../../src/search/indexer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

/**
 * Issue 9: one dataset the engine refuses blocked its whole batch (PostgreSQL: a 9 kB disease id; Elasticsearch:
 * a 40 kB genome build). Such values are refused when saved now (test/datasets/search-limits.test.ts), so the
 * dataset here gets its value the way older data would have: written to PostgreSQL directly.
 */
const es = elasticsearchForTests();
const CASES = [
  { engine: 'postgres', url: undefined, what: 'a 9 kB disease id', set: `jsonb_set(cohort, '{diseases}', jsonb_build_array(jsonb_build_object('iri', 'ICD10:' || repeat('Q', 9216), 'label', 'unindexable')))` },
  { engine: 'elasticsearch', url: es, what: 'a 40 kB genome build', set: `jsonb_set(cohort, '{genomeBuild}', jsonb_build_object('name', 'GRCh38-' || repeat('p', 40960)))` },
] as const;

const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { field message } } }`;
const FAILURES = '{ indexingFailures { identifier engine error attempts dataset { identifier } } }';

for (const testCase of CASES) {
  describe.skipIf(testCase.engine === 'elasticsearch' && !es)(`indexer on ${testCase.engine}: ${testCase.what}`, () => {
    let catalogue: TestCatalogue;
    let admin: string;
    let datasets: { id: string; identifier: string; version: number; owner: string }[];
    const indexPrefix = uniqueIndexPrefix('indexer');
    beforeAll(async () => {
      catalogue = await startTestCatalogue({ elasticsearchUrl: testCase.url, indexPrefix });
      admin = await catalogue.token('admin');
      datasets = await catalogue.orm.em.getConnection().execute(
        `select d.id, d.identifier, d.version, o.identifier as owner from dataset d join organisation o on o.id = d.owner_organisation_id
          where d.status = 'PUBLISHED' and d.cohort is not null order by d.identifier limit 4`,
      );
    }, 120_000);
    afterAll(async () => {
      if (testCase.url) await fetch(`${testCase.url}/${indexPrefix}-datasets-*`, { method: 'DELETE' }).catch(() => undefined);
      await catalogue?.stop();
    });

    const sql = (text: string, params: unknown[] = []) => catalogue.orm.em.getConnection().execute(text, params);
    const searchIds = async (query: string) => {
      await catalogue.search.refresh();
      const { data } = await catalogue.gql(`{ datasets(query: "${query}", first: 50) { edges { node { identifier } } } }`, {}, admin);
      return (data!.datasets.edges as { node: { identifier: string } }[]).map((e) => e.node.identifier).sort();
    };

    it('sets the refused dataset aside with its reason and indexes the rest of its batch', async () => {
      const [refused, ...others] = datasets;
      await sql(`update dataset set cohort = ${testCase.set}, keywords = array['batchmate'] where id = ?`, [refused!.id]);
      await sql(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) values ('Dataset', ?, now(), now(), 0)`, [refused!.id]);
      for (const dataset of others) {
        const { data } = await catalogue.gql(UPDATE, { id: dataset.identifier, v: dataset.version, input: { keywords: ['batchmate'] } }, admin);
        expect(data?.updateDataset.userErrors).toEqual([]);
      }
      // One pass takes the whole batch: the refused document does not hold up the others, nor fail the pass.
      const logged: string[] = [];
      const indexer = new OutboxIndexer(catalogue.orm, catalogue.search, { log: createLogger('json', (line) => logged.push(line)) });
      expect(await indexer.runOnce()).toBe(4);
      // Set aside is given up until the dataset is saved again: an error for the operator, naming engine and count.
      expect(logged.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 'error', msg: expect.stringContaining(`set aside: ${refused!.id}: `), engine: testCase.engine, datasets: 1 }),
      ]);
      expect(await catalogue.indexer.pendingCount()).toBe(0);
      expect(await searchIds('batchmate')).toEqual(others.map((d) => d.identifier).sort());

      const { data } = await catalogue.gql(FAILURES, {}, admin);
      expect(data!.indexingFailures).toEqual([
        { identifier: refused!.identifier, engine: testCase.engine, error: expect.stringMatching(testCase.engine === 'postgres' ? /PostgreSQL: .*disease ids/ : /Elasticsearch: .*(immense|bytes)/), attempts: 1, dataset: { identifier: refused!.identifier } },
      ]);
      const ready = await fetch(`${catalogue.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        indexing: { pendingOutboxEvents: 0, failedDocuments: 1, failures: [{ identifier: refused!.identifier, engine: testCase.engine }] },
      });
    });

    it('shows failures to admins and to the owning organisation only', async () => {
      const anonymous = await catalogue.gql(FAILURES);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const owner = await catalogue.gql(FAILURES, {}, await catalogue.token('data_manager', [datasets[0]!.owner]));
      expect(owner.data!.indexingFailures).toHaveLength(1);
      const other = datasets.find((d) => d.owner !== datasets[0]!.owner)?.owner ?? 'urn:example:gms-catalogue:org:gms';
      const stranger = await catalogue.gql(FAILURES, {}, await catalogue.token('data_manager', [other]));
      expect(stranger.data!.indexingFailures).toEqual([]);
    });

    it('refuses a page size outside 0-500, naming first, instead of quietly answering another size', async () => {
      for (const first of [501, -1]) {
        const { data, errors } = await catalogue.gql('query($first: Int!) { indexingFailures(first: $first) { identifier } }', { first }, admin);
        expect(data?.indexingFailures ?? null).toBeNull();
        expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(errors?.[0]?.message).toMatch(/first/);
      }
    });

    it('tries again on retryIndexing, and indexes the dataset once it is saved with indexable values', async () => {
      const refused = datasets[0]!;
      const retry = await catalogue.gql('mutation { retryIndexing { queued userErrors { code } } }', {}, admin);
      expect(retry.data!.retryIndexing).toEqual({ queued: 1, userErrors: [] });
      await catalogue.indexer.runOnce();
      expect((await catalogue.gql(FAILURES, {}, admin)).data!.indexingFailures[0].attempts).toBe(2);

      const [{ version }] = await sql('select version from dataset where id = ?', [refused.id]);
      const cohort = { diseases: [{ iri: 'MONDO:0005027', label: 'epilepsy' }], genomeBuild: { name: 'GRCh38' }, sequencing: { assays: ['WGS'] } };
      const { data } = await catalogue.gql(UPDATE, { id: refused.identifier, v: version, input: { cohort } }, admin);
      expect(data?.updateDataset.userErrors).toEqual([]);
      await catalogue.indexer.runOnce();
      expect((await catalogue.gql(FAILURES, {}, admin)).data!.indexingFailures).toEqual([]);
      expect(await searchIds('batchmate')).toEqual(datasets.map((d) => d.identifier).sort());
      expect(await (await fetch(`${catalogue.url}/readyz`)).json()).toMatchObject({ indexing: { failedDocuments: 0, failures: [] } });
    });
  });
}

describe('indexer batches (PostgreSQL engine)', () => {
  let catalogue: TestCatalogue;
  let total: number;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    total = Number((await catalogue.orm.em.getConnection().execute<{ n: string }[]>('select count(*) as n from dataset'))[0]!.n);
  }, 120_000);
  afterAll(() => catalogue?.stop());

  const sql = <T>(text: string) => catalogue.orm.em.getConnection().execute<T[]>(text);
  let queued: string[] = [];
  const queueAll = async () => {
    await sql('delete from outbox_settled');
    queued = (await sql<{ id: string }>(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) select 'Dataset', id, now(), now(), 0 from dataset order by id returning id`)).map((e) => e.id);
  };
  /** The queued events in order: settled ones are gone from the outbox. */
  const outbox = async () => {
    const pending = new Map(
      (await sql<{ id: string; attempts: number; backed_off: boolean }>(`select id, attempts, available_at - created_at >= interval '500 ms' as backed_off from outbox_event`)).map((e) => [e.id, e]),
    );
    return queued.map((id) => ({ processed: !pending.has(id), attempts: pending.get(id)?.attempts ?? 0, backed_off: pending.get(id)?.backed_off ?? false }));
  };
  /** Per settled batch in order: how many datasets it indexed and the failed attempts before. */
  const settledBatches = () => sql<{ datasets: number; failed_attempts: number }>('select cardinality(aggregate_ids) as datasets, failed_attempts::int from outbox_settled order by id');

  it('takes each batch with one claim, one build, one engine write and one settling statement', async () => {
    await sql('delete from outbox_event');
    await queueAll();
    const batches = Math.ceil(total / 5);
    const indexer = new OutboxIndexer(catalogue.orm, catalogue.search, { batchSize: 5 });
    catalogue.queries.length = 0;
    expect(await indexer.runOnce()).toBe(total);
    const count = (pattern: RegExp) => catalogue.queries.filter((q) => pattern.test(q)).length;
    // A last batch that is full makes one more claim, which finds nothing.
    expect(count(/for update skip locked/)).toBe(total % 5 === 0 ? batches + 1 : batches);
    expect(count(/from dataset d\b/)).toBe(batches);
    expect(count(/insert into "?dataset_search/i)).toBe(batches);
    expect(count(/delete from outbox_event/)).toBe(batches);
    expect(count(/indexing_failure/)).toBe(batches);
    expect((await outbox()).every((e) => e.processed)).toBe(true);
    expect((await settledBatches()).map((b) => b.datasets)).toEqual(Array.from({ length: batches }, (_, n) => Math.min(5, total - 5 * n)));
  });

  it('running, settles a bulk load with the engine (one refresh when the outbox is empty again), not each single write', async () => {
    await sql('delete from outbox_event');
    let refreshes = 0;
    const counting = new Proxy(catalogue.search, {
      get(target, property) {
        if (property === 'refresh') return () => (refreshes++, target.refresh());
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const indexer = new OutboxIndexer(catalogue.orm, counting, { batchSize: 5, pollIntervalMs: 20 });
    const settledAll = async () => {
      for (let i = 0; i < 500 && (await indexer.pendingCount()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      // A few polls more: the refresh follows the pass that finds the outbox empty.
      await new Promise((resolve) => setTimeout(resolve, 200));
    };
    indexer.start();
    try {
      await queueAll();
      await settledAll();
      expect(refreshes).toBe(1);
      await sql(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) select 'Dataset', id, now(), now(), 0 from dataset limit 1`);
      await settledAll();
      expect(refreshes).toBe(1);
    } finally {
      await indexer.stop();
    }
  });

  it('tells work that can wait (preparing the next export) that it is indexing through a burst and its settling, and after it once', async () => {
    await sql('delete from outbox_event');
    let release!: () => void;
    let refreshing = false;
    const gated = new Proxy(catalogue.search, {
      get(target, property) {
        if (property === 'refresh') {
          return async () => {
            refreshing = true;
            await new Promise<void>((resolve) => (release = resolve));
            return target.refresh();
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let bursts = 0;
    const indexer = new OutboxIndexer(catalogue.orm, gated, { batchSize: 5, pollIntervalMs: 20, afterIndexing: () => bursts++ });
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    indexer.start();
    try {
      await until(() => !indexer.indexing);
      expect(indexer.indexing).toBe(false);
      await queueAll();
      indexer.notify();
      // Settling the bulk load with the engine (held here) is part of indexing it.
      await until(() => refreshing);
      expect(refreshing).toBe(true);
      expect(indexer.indexing).toBe(true);
      expect(bursts).toBe(0);
      release();
      await until(() => bursts > 0 && !indexer.indexing);
      expect(indexer.indexing).toBe(false);
      expect(bursts).toBe(1);
      expect((await outbox()).every((e) => e.processed)).toBe(true);
    } finally {
      release?.();
      await indexer.stop();
    }
  });

  it('once stopped, claims nothing more, even when stopped while it settles a bulk load with the engine', async () => {
    await sql('delete from outbox_event');
    let refreshing: (() => void) | null = null;
    const refreshStarted = new Promise<void>((started) => {
      refreshing = started;
    });
    // The engine's settling of a bulk load (a VACUUM on PostgreSQL) outlasts the call to stop().
    const slowRefresh = new Proxy(catalogue.search, {
      get(target, property) {
        if (property === 'refresh') {
          return async () => {
            refreshing?.();
            await new Promise((resolve) => setTimeout(resolve, 300));
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const indexer = new OutboxIndexer(catalogue.orm, slowRefresh, { batchSize: 5, pollIntervalMs: 20 });
    await queueAll();
    indexer.start();
    await refreshStarted;
    await indexer.stop();
    await sql(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) select 'Dataset', id, now(), now(), 0 from dataset limit 5`);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await indexer.pendingCount()).toBe(5);
  });

  it('keeps a failed batch for a retry with back-off, settles the batch written alongside, returns the batches claimed ahead untouched, and loses nothing', async () => {
    await sql('delete from outbox_event');
    await catalogue.search.remove((await catalogue.search.listIds()).map((d) => d.id));
    await queueAll();
    let writes = 0;
    // The engine goes away on the second write (an outage mid-drain).
    const flaky = new Proxy(catalogue.search, {
      get(target, property) {
        if (property === 'upsert') {
          return (docs: Parameters<typeof target.upsert>[0]) => (++writes === 2 ? Promise.reject(new Error('connection refused')) : target.upsert(docs));
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const logged: string[] = [];
    const indexer = new OutboxIndexer(catalogue.orm, flaky, { batchSize: 5, maxBackoffMs: 60_000, log: createLogger('json', (line) => logged.push(line)) });
    // The third batch is written while the second is (they share no dataset), before its failure is known.
    expect(await indexer.runOnce()).toBe(10);
    // A batch to be tried again is a warning, with what an operator needs to follow it.
    expect(logged.map((line) => JSON.parse(line))).toEqual([
      { time: expect.any(String), level: 'warn', msg: 'indexing batch failed, to be retried: connection refused', engine: 'postgres', events: 5, datasets: 5, attempt: 1, retryInMs: 500 },
    ]);
    const events = await outbox();
    expect(events.slice(0, 5).every((e) => e.processed && e.attempts === 0)).toBe(true);
    expect(events.slice(5, 10).every((e) => !e.processed && e.attempts === 1 && e.backed_off)).toBe(true);
    expect(events.slice(10, 15).every((e) => e.processed && e.attempts === 0)).toBe(true);
    expect(events.slice(15).every((e) => !e.processed && e.attempts === 0 && !e.backed_off)).toBe(true);
    expect(await settledBatches()).toEqual([{ datasets: 5, failed_attempts: 0 }, { datasets: 5, failed_attempts: 0 }]);

    // Once its back-off has passed, the failed batch is indexed too, and its settled batch tells it was retried.
    await sql('update outbox_event set available_at = now()');
    expect(await indexer.runOnce()).toBe(total - 10);
    expect((await outbox()).every((e) => e.processed)).toBe(true);
    expect((await settledBatches())[2]).toEqual({ datasets: 5, failed_attempts: 5 });
    const indexed = (await catalogue.search.listIds()).map((d) => d.id).sort();
    expect(indexed).toEqual((await sql<{ id: string }>('select id from dataset order by id')).map((d) => d.id).sort());
  });
  it('logs a batch still failing at the longest back-off at level error: the engine has been away for a while', async () => {
    await sql('delete from outbox_event');
    await sql(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) select 'Dataset', id, now(), now(), 3 from dataset order by id limit 5`);
    const away = new Proxy(catalogue.search, {
      get(target, property) {
        if (property === 'upsert') return () => Promise.reject(new Error('connection refused'));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const logged: string[] = [];
    const indexer = new OutboxIndexer(catalogue.orm, away, { batchSize: 5, maxBackoffMs: 2_000, log: createLogger('json', (line) => logged.push(line)) });
    await indexer.runOnce();
    expect(logged.map((line) => JSON.parse(line))).toEqual([
      { time: expect.any(String), level: 'error', msg: 'indexing batch failed 4 times, retried at the longest back-off: connection refused', engine: 'postgres', events: 5, datasets: 5, attempt: 4, retryInMs: 2_000 },
    ]);
    await sql('delete from outbox_event');
  });
  it('writes two batches at once only when they share no dataset, so a dataset\'s documents stay in claim order', async () => {
    await sql('delete from outbox_event');
    const ids = (await sql<{ id: string }>('select id from dataset order by id limit 15')).map((d) => d.id);
    // Batches of 5: the first two hold the same datasets, the next two others each.
    for (const id of [...ids.slice(0, 5), ...ids.slice(0, 5), ...ids.slice(5, 15)]) {
      await catalogue.orm.em.getConnection().execute(
        `insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) values ('Dataset', ?, now(), now(), 0)`,
        [id],
      );
    }
    // Per write: how many documents were being written when it started, and which of its own among them.
    const writing = new Set<string>();
    const started: { alongside: number; shared: string[] }[] = [];
    const slow = new Proxy(catalogue.search, {
      get(target, property) {
        if (property === 'upsert') {
          return async (docs: Parameters<typeof target.upsert>[0]) => {
            const batch = (Array.isArray(docs) ? docs : docs.documents).map((d) => d.id);
            started.push({ alongside: writing.size, shared: batch.filter((id) => writing.has(id)) });
            batch.forEach((id) => writing.add(id));
            // Long enough for the next batch to be claimed, built and sent meanwhile; the third outlasts the second.
            await new Promise((resolve) => setTimeout(resolve, started.length === 3 ? 900 : 300));
            batch.forEach((id) => writing.delete(id));
            return target.upsert(docs);
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect(await new OutboxIndexer(catalogue.orm, slow, { batchSize: 5 }).runOnce()).toBe(20);
    // The second batch waited for the first; the third went while the second was being written, the fourth
    // while the third was.
    expect(started).toEqual([0, 0, 5, 5].map((alongside) => ({ alongside, shared: [] })));
    expect((await outbox()).every((e) => e.processed)).toBe(true);
  });
});
