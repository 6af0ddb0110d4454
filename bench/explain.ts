import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { openOrm } from '../src/db/orm.js';
import { seedExampleCatalogue } from '../seed/example-catalogue.js';
import { PostgresSearchEngine } from '../src/search/postgres/postgres-engine.js';
import { OutboxIndexer } from '../src/search/indexer.js';
import { FACET_FIELDS, type DatasetSearchRequest } from '../src/search/engine.js';
import { addDatasetRelations, generateDatasets } from './generate.js';

/**
 * The PostgreSQL engine's search statement for the shapes that cost the most, run under EXPLAIN ANALYZE in the
 * engine's own snapshot and settings, on a bench catalogue kept in .cache/explain-<datasets>/ (built on first use,
 * reused after):
 *   node dist/bench/explain.js [--datasets 100000] [--repeat 5] [--plans] [--data-dir DIR]
 * Prints each shape's median execution time as PostgreSQL measures it (no HTTP, no GraphQL), the load average,
 * and with --plans the plan of the last run.
 */
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '5' },
    plans: { type: 'boolean', default: false },
    // Where the catalogue's database lives, when several people measure different schemas at once.
    'data-dir': { type: 'string' },
  },
});
const datasets = Number(values.datasets);
const repeat = Number(values.repeat);

const SHAPES: Record<string, Partial<DatasetSearchRequest>> = {
  'browse + facets': { query: null },
  'full text "leukaemia" + total': { query: 'leukaemia', facets: [] },
  'disease + assay + facets': { query: null, filter: { diseaseIds: ['MONDO:0004992'], assays: ['WGS', 'WTS'] } },
  // Answered index-only by the covering DUO index once the projection is vacuumed, a sequential scan before.
  'duoPermission=HMB + total': { query: null, filter: { duoPermissions: ['HMB'] }, facets: [] },
  'words "whole-genome leukaemia" + disease + facets': { query: 'whole-genome leukaemia', filter: { diseaseIds: ['MONDO:0004992'] } },
};

const database = await startEmbeddedPostgres({ dataDir: path.resolve(values['data-dir'] ?? `.cache/explain-${datasets}/pg`) });
const orm = await openOrm({ databaseUrl: database.url });
const pool = new pg.Pool({ connectionString: database.url, max: 2 });
/** The statements the engine sends, in order: the search statement is the one with bind parameters. */
const sent: { text: string; values: unknown[] }[] = [];
pool.on('connect', (client) => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && (Array.isArray(args[1]) || args[0].startsWith('BEGIN'))) sent.push({ text: args[0], values: (args[1] as unknown[]) ?? [] });
    return query(...args);
  };
});
const engine = new PostgresSearchEngine({ pool });
await engine.init();
if ((await pool.query('select count(*) from dataset')).rows[0].count === '0') {
  await seedExampleCatalogue(orm.em.fork());
  await generateDatasets(orm, datasets);
  // As the bench's queries section has them: three holders each, which the holding region facet counts.
  await addDatasetRelations(orm);
  await new OutboxIndexer(orm, engine, { batchSize: 500 }).drain();
  await pool.query('ANALYZE');
}

console.log(`${datasets} datasets; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
for (const [label, shape] of Object.entries(SHAPES)) {
  sent.length = 0;
  await engine.search({
    filter: {},
    visibility: { allStatusesForOwners: [] },
    sort: 'RELEVANCE',
    first: 21,
    facets: FACET_FIELDS,
    individuals: { kind: 'DISCLOSED', threshold: 5 },
    ...shape,
  });
  // The snapshot's settings (and a search by words' expansion, whose threshold the statement relies on) come first.
  const snapshot = sent.find((s) => s.text.startsWith('BEGIN'))!;
  const statement = sent.find((s) => s.text.includes(' AS summary, '))!;
  const times: number[] = [];
  let plan = '';
  for (let run = 0; run < repeat; run += 1) {
    const client = await pool.connect();
    try {
      await client.query(snapshot.text);
      const result = await client.query(`EXPLAIN (ANALYZE, BUFFERS OFF, FORMAT JSON) ${statement.text}`, statement.values);
      const [explained] = result.rows[0]['QUERY PLAN'] as { 'Execution Time': number }[];
      times.push(explained!['Execution Time']);
      if (values.plans && run === repeat - 1) {
        plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS OFF) ${statement.text}`, statement.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
      }
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
  if (plan) console.log(plan);
}
console.log(`load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
await engine.close();
await orm.close();
await database.stop();
