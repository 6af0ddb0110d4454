import 'reflect-metadata';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { openOrm } from '../src/db/orm.js';
import { seedExampleCatalogue } from '../seed/example-catalogue.js';
import { PostgresSearchEngine } from '../src/search/postgres/postgres-engine.js';
import { OutboxIndexer } from '../src/search/indexer.js';
import { FACET_FIELDS } from '../src/search/engine.js';
import { generateDatasets } from './generate.js';

const database = await startEmbeddedPostgres({ dataDir: path.resolve('.cache/explain/pg') });
const orm = await openOrm({ databaseUrl: database.url });
const pool = new pg.Pool({ connectionString: database.url });
const engine = new PostgresSearchEngine({ pool });
await engine.init();
if ((await pool.query('select count(*) from dataset')).rows[0].count === '0') {
  await seedExampleCatalogue(orm.em.fork());
  await generateDatasets(orm, 100000);
  await new OutboxIndexer(orm, engine, { batchSize: 500 }).drain();
}
const original = pool.query.bind(pool);
for (const [label, request] of [
  ['browse', { query: null }],
  ['text', { query: 'leukaemia' }],
] as const) {
  let captured: { sql: string; values: unknown[] } | null = null;
  (pool as unknown as { query: unknown }).query = (sql: string, values: unknown[]) => {
    if (typeof sql === 'string' && sql.includes('WITH base')) captured = { sql, values };
    return original(sql as never, values as never);
  };
  const t0 = Date.now();
  await engine.search({ ...request, filter: {}, visibility: { allStatusesForOwners: [] }, sort: 'RELEVANCE', first: 21, facets: FACET_FIELDS, individuals: { kind: 'DISCLOSED', threshold: 5 } });
  console.log(label, Date.now() - t0, 'ms');
  (pool as unknown as { query: unknown }).query = original;
  if (captured) {
    const c = captured as { sql: string; values: unknown[] };
    const client = await pool.connect();
    await client.query('begin');
    await client.query('set local pg_trgm.word_similarity_threshold = 0.5');
    const plan = await client.query(`explain (analyze, buffers off, timing on) ${c.sql}`, c.values);
    await client.query('rollback');
    client.release();
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
}
await pool.end();
await orm.close();
await database.stop();
