import 'reflect-metadata';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createTokenVerifier } from '../src/auth/tokens.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { openOrm } from '../src/db/orm.js';
import { createApp, listen } from '../src/http/app.js';
import { seedExampleCatalogue } from '../seed/example-catalogue.js';
import { createSearchEngine } from '../src/search/create-engine.js';
import { OutboxIndexer } from '../src/search/indexer.js';
import { generateDatasets } from './generate.js';

/**
 * Benchmark harness: a catalogue of N synthetic datasets on a fresh embedded PostgreSQL, indexed into the
 * chosen engine, then typical portal queries over loopback HTTP with a bounded number of requests.
 *   node dist/bench/run.js --datasets 100000 [--elasticsearch http://127.0.0.1:9200] [--requests 200]
 */
const { values } = parseArgs({
  options: { datasets: { type: 'string', default: '100000' }, elasticsearch: { type: 'string' }, requests: { type: 'string', default: '200' } },
});
const datasets = Number(values.datasets);
const requests = Math.min(Number(values.requests), 2000);

const QUERIES: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  'browse first page + facets': { query: '{ datasets(first: 20) { totalCount edges { node { title } } facets { field buckets { value count } } } }' },
  'full-text "leukaemia"': { query: '{ datasets(query: "leukaemia", first: 20) { totalCount edges { node { title publisher { name } } } } }' },
  'typo "epilepsie"': { query: '{ datasets(query: "epilepsie", first: 20) { totalCount edges { node { title } } } }' },
  'filter disease=cancer (descendants) + assay': {
    query: '{ datasets(first: 20, filter: { diseases: ["MONDO:0004992"], assay: [WGS, WTS] }) { totalCount edges { node { title } } facets { field buckets { value count } } } }',
  },
  'permittedFor HMB/SE': {
    query: '{ datasets(first: 20, filter: { permittedFor: { primaryPurpose: HEALTH_MEDICAL_BIOMEDICAL, country: "SE" } }) { totalCount edges { node { title } } } }',
  },
  'page of 50 with relations': {
    query: '{ datasets(first: 50, sort: TITLE) { edges { node { title publisher { name } consent { duoPermission } accessRoute { steps { order } } whoToAsk { name } distributions { title } } } } }',
  },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  // Inside the repo's git-ignored cache: the postgres system user must be able to enter the directory.
  const dataDir = path.resolve('.cache', `bench-${Date.now()}`);
  await mkdir(dataDir, { recursive: true });
  const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg') });
  const orm = await openOrm({ databaseUrl: database.url });
  const search = createSearchEngine({ databaseUrl: database.url, elasticsearchUrl: values.elasticsearch, indexPrefix: `gdcat-bench-${Date.now()}` });
  await search.init();
  await seedExampleCatalogue(orm.em.fork());
  let started = performance.now();
  await generateDatasets(orm, datasets);
  const generateSeconds = (performance.now() - started) / 1000;

  const indexer = new OutboxIndexer(orm, search, { batchSize: 500 });
  started = performance.now();
  await indexer.drain();
  const indexSeconds = (performance.now() - started) / 1000;

  const { app } = await createApp({
    orm,
    search,
    indexer,
    verifyToken: await createTokenVerifier({ mode: 'dev', devKeyFile: path.join(dataDir, 'key.json') }),
    smallCountThreshold: 5,
    version: 'bench',
    log: () => undefined,
  });
  const server = await listen(app, 0, '127.0.0.1');
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;

  console.log(`# ${search.name}: ${datasets} synthetic + 16 seed datasets`);
  console.log(`generate: ${generateSeconds.toFixed(1)} s; index: ${indexSeconds.toFixed(1)} s (${Math.round(datasets / indexSeconds)} docs/s)`);
  console.log('| query | p50 ms | p95 ms | max ms |');
  console.log('|---|---|---|---|');
  for (const [name, body] of Object.entries(QUERIES)) {
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await response.json()) as { errors?: unknown };
      if (json.errors) throw new Error(`${name}: ${JSON.stringify(json.errors)}`);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${name} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${times.at(-1)!.toFixed(1)} |`);
  }
  console.log(`rss after run: ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await search.close();
  await orm.close();
  await database.stop();
  await rm(dataDir, { recursive: true, force: true });
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
