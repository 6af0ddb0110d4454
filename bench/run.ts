import 'reflect-metadata';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify, parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { createTokenVerifier, mintDevToken } from '../src/auth/tokens.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { type Orm, openOrm } from '../src/db/orm.js';
import { configFromEnv, httpSettingsFromEnv } from '../src/config.js';
import { createLogger } from '../src/core/log.js';
import { ExportPreparation } from '../src/dcat/export-preparation.js';
import { createApp, listen } from '../src/http/app.js';
import { seedExampleCatalogue } from '../seed/example-catalogue.js';
import { createSearchEngine } from '../src/search/create-engine.js';
import { buildSearchDocuments } from '../src/search/document.js';
import { ElasticsearchSearchEngine } from '../src/search/elasticsearch/elasticsearch-engine.js';
import type { DatasetSearchDocument, DatasetSearchRequest, SearchEngine } from '../src/search/engine.js';
import { OutboxIndexer } from '../src/search/indexer.js';
import { PostgresSearchEngine } from '../src/search/postgres/postgres-engine.js';
import type { ApiMessage, ApiReply } from './api-server.js';
import { addDatasetRelations, generateDatasets } from './generate.js';

/**
 * Benchmark harness: a catalogue of N synthetic datasets on a fresh embedded PostgreSQL, indexed into the
 * chosen engine, then measured section by section (bounded loops, loopback only):
 *   node dist/bench/run.js [--datasets 10000] [--requests 20] [--elasticsearch http://127.0.0.1:9200]
 *                          [--only indexing,queries,writes,export] [--index-prefix gdcat-bench]
 * 10k (the default) runs in a few minutes; --datasets 100000 is the full mode.
 *
 * - indexing: the outbox drain against the engine's raw write of the same documents (ES _bulk without
 *   refresh; PostgreSQL the engine's upsert statement), each into a fresh index/table, with wall time, CPU
 *   seconds (this process, the PostgreSQL server) and the load average; the first (cold) drain too.
 * - queries: each GraphQL request alternates with the exact engine request it sent (captured from the
 *   engine call), so the ratio is measured under the same load; SQL statements per GraphQL request. The API
 *   runs in a process of its own (bench/api-server.ts), as `gdcat serve` does: its heap and garbage
 *   collections are not the bench's, and its CPU is counted apart from the bench client's. Then the floor of
 *   any search: an HTTP request GraphQL answers without reading, and the read of a page's rows (searchFloor).
 * - writes: SQL statements of createDataset and publishDataset; create+publish throughput with 4 clients.
 * - export: `gdcat export` of the whole catalogue to a file, Turtle then N-Triples, under /usr/bin/time -v
 *   (wall time, CPU time and peak RSS of the CLI process, as an operator runs it).
 * --profile-queries DIR: after the queries table, each query's GraphQL requests again (no engine replays in
 * between) under V8's CPU profiler in the API process, one DIR/<query>.cpuprofile each: where the API's own
 * time goes.
 * --profile-writes FILE: the timed create+publish loop under V8's CPU profiler, written to FILE.
 * --writes-per-client N (250): more writes make the CPU per create+publish steadier on a shared machine. Each
 * client first creates and publishes WRITE_WARM_UP datasets untimed: a server that has been up a while runs
 * the write path compiled, and the timed loop measures that steady state, not the first calls' compilation.
 */
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: '10000' },
    elasticsearch: { type: 'string' },
    // Enough for a 95th percentile that is not the slowest request: a few minutes at 10k, about three at 100k.
    requests: { type: 'string', default: '200' },
    only: { type: 'string', default: 'indexing,queries,writes,export' },
    'profile-queries': { type: 'string' },
    'profile-writes': { type: 'string' },
    'writes-per-client': { type: 'string', default: '250' },
    // Several people may bench against one Elasticsearch: each names its indices with a prefix of its own.
    'index-prefix': { type: 'string', default: 'gdcat-bench' },
  },
});
const datasets = Number(values.datasets);
const requests = Math.min(Number(values.requests), 2000);
const sections = new Set(values.only.split(','));
const BATCH = 500;
const WRITE_CLIENTS = 4;
const WRITES_PER_CLIENT = Number(values['writes-per-client']);
const WRITE_WARM_UP = 25;
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
/** This run's own Elasticsearch indices (drain and raw); only these are deleted, also when the run fails. */
const indexPrefix = `${values['index-prefix']}-${Date.now()}`;

const BODY = '{ name contactEmail kind operatedBy { name } }';
/** What a portal shows for each dataset of a result page: every field of the dataset and the records it names. */
const PAGE_OF_50 = `{ datasets(first: 50, sort: TITLE) { edges { node {
  title status cohort { numberOfUniqueIndividuals diseases { iri label } sequencing { assays } }
  publisher { name contactEmail } ownerOrganisation { name } dataHolders { name contactEmail } contributors { name } hdab ${BODY}
  consent { duoPermission duoModifiers { code value } }
  useAssessment(purpose: { primaryPurpose: GENERAL_RESEARCH, country: "SE" }) { outcome }
  accessRoute { accessMode accessBody ${BODY} steps { order requirement body ${BODY} } } whoToAsk ${BODY}
  accessContacts { reason hasRegisteredBody organisation { name } body { name contactEmail } step { order } }
  distributions { title formats { label } } publications { title doi } wasGeneratedBy { title }
  healthEconomicEvaluations { title results { measure amount { currency priceYear } } } } }
  facets { field buckets { value label count } } } }`;

const QUERIES: Record<string, string> = {
  'browse first page + facets': '{ datasets(first: 20) { totalCount edges { node { title } } facets { field buckets { value count } } } }',
  'full-text "leukaemia"': '{ datasets(query: "leukaemia", first: 20) { totalCount edges { node { title publisher { name } } } } }',
  'typo "epilepsie"': '{ datasets(query: "epilepsie", first: 20) { totalCount edges { node { title } } } }',
  'filter disease=cancer (descendants) + assay + facets':
    '{ datasets(first: 20, filter: { diseases: ["MONDO:0004992"], assay: [WGS, WTS] }) { totalCount edges { node { title } } facets { field buckets { value count } } } }',
  'duoPermission=HMB (same query without permittedFor)': '{ datasets(first: 20, filter: { duoPermission: [\"HMB\"] }) { totalCount edges { node { title } } } }',
  'permittedFor HMB/SE + duoPermission=HMB':
    '{ datasets(first: 20, filter: { duoPermission: [\"HMB\"], permittedFor: { primaryPurpose: HEALTH_MEDICAL_BIOMEDICAL, country: "SE" } }) { totalCount edges { node { title } } } }',
  'page of 50 with all nested fields': PAGE_OF_50,
  // What the web catalogue sends for a search: words with every facet. A word nearly every dataset has counts
  // every dataset; two words and a filter narrow by both.
  'full text "cohort" (every dataset) + facets': '{ datasets(query: "cohort", first: 20) { totalCount edges { node { title } } facets { field buckets { value count } } } }',
  // Two words most datasets hold below their titles: the page is the first rows by id of a score thousands tie at.
  'words "sequencing region" + facets': '{ datasets(query: "sequencing region", first: 20) { totalCount edges { node { title } } facets { field buckets { value count } } } }',
  'words "whole-genome leukaemia" + disease filter + facets':
    '{ datasets(query: "whole-genome leukaemia", first: 20, filter: { diseases: ["MONDO:0004992"] }) { totalCount edges { node { title } } facets { field buckets { value count } } } }',
};

/** The search whose engine request is the fastest: what a GraphQL search costs besides it weighs most there. */
const FLOOR_QUERY = 'duoPermission=HMB (same query without permittedFor)';

/** The region's own study: the reference rule lets a data manager name only their organisations' studies as a dataset's origin. */
const BENCH_STUDY = 'urn:bench:study:stockholm';
const CREATE_STUDY = `mutation($input: StudyInput!) { createStudy(input: $input) { study { id } userErrors { message } } }`;
const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { message } } }`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { dataset { status } userErrors { message } } }`;

function datasetInput(n: string) {
  return {
    identifier: `urn:bench:written:${n}`,
    title: `Written benchmark cohort ${n}`,
    description: 'Created through GraphQL by the write benchmark.',
    keywords: ['benchmark'],
    publisher: STOCKHOLM,
    dataHolders: [STOCKHOLM, 'urn:example:gms-catalogue:org:region-uppsala'],
    wasGeneratedBy: BENCH_STUDY,
    diagnosticArea: 'RARE_DISEASES',
    cohort: {
      numberOfUniqueIndividuals: 120,
      diseases: [{ iri: 'http://purl.obolibrary.org/obo/MONDO_0005027', label: 'epilepsy', system: 'MONDO' }],
      phenotypes: [],
      sampleTypes: ['blood'],
      variantTypes: ['SNV'],
      sequencing: { assays: ['WGS'] },
      genomeBuild: { name: 'GRCh38' },
    },
    consent: { duoPermission: 'HMB', duoModifiers: [{ code: 'DUO:0000022', value: 'SE' }] },
    accessRoute: {
      accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
      accessBody: 'urn:example:gms-catalogue:dab:stockholm',
      steps: [
        { order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' },
        { order: 2, requirement: 'CONTROLLER_DISCLOSURE_DECISION', body: 'urn:example:gms-catalogue:dab:stockholm' },
      ],
    },
    // Non-public data publishes only with a health data access body and a distribution.
    hdab: 'urn:example:gms-catalogue:dab:se-hdab',
    distributions: [{ title: 'CRAM and VCF in the regional SPE', formats: [{ label: 'CRAM' }, { label: 'VCF' }] }],
  };
}

/** Nearest rank: the smallest value with at least p % of the values at or below it. */
const percentile = (sorted: number[], p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (value: number): string => value.toFixed(1);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Each query's GraphQL requests under the CPU profiler of the API process, one profile file per query. */
async function profileQueries(dir: string, api: ApiProcess): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, query] of Object.entries(QUERIES)) {
    const file = path.resolve(dir, `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.cpuprofile`);
    await api.ask({ op: 'profile', file });
    for (let i = 0; i < requests; i++) await api.gql(query);
    await api.ask({ op: 'profile' });
    console.log(`profile of ${requests} GraphQL requests "${name}": ${file}`);
  }
}

/**
 * What any GraphQL search adds to its engine request at the least, each part alternating with the engine request
 * of FLOOR_QUERY: an HTTP request to the API that GraphQL answers without reading anything (`{ __typename }`),
 * and one statement reading the rows of the page's datasets (the hits of that request) from PostgreSQL.
 */
async function searchFloor(api: ApiProcess, search: SearchEngine, orm: Awaited<ReturnType<typeof openOrm>>, request: DatasetSearchRequest): Promise<void> {
  const ids = (await search.search(request)).hits.slice(0, 20).map((hit) => hit.id);
  const connection = orm.em.getConnection();
  const [http, rows, engine]: number[][] = [[], [], []];
  for (let i = 0; i < requests; i++) {
    http.push(await timed(() => api.gql('{ __typename }')));
    rows.push(await timed(() => connection.execute('select * from dataset where id in (?)', [ids])));
    engine.push(await timed(() => search.search(request)));
  }
  const [p50, p95] = [50, 95].map((p) => (values: number[]) => ms(percentile([...values].sort((a, b) => a - b), p)));
  console.log(`floor of a GraphQL search besides its engine request, p50 / p95 ms: "{ __typename }" over HTTP ${p50!(http)} / ${p95!(http)}, ` +
    `the page's ${ids.length} dataset rows in one statement ${p50!(rows)} / ${p95!(rows)}; ` +
    `alternating with the engine request of "${FLOOR_QUERY}" ${p50!(engine)} / ${p95!(engine)}; load ${load()}\n`);
}

/** A full collection of this process's heap now (the flag makes V8's gc() reachable from a new context). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Keep-alive connections to a GraphQL endpoint, at most `connections` at once: each request is a real HTTP request
 * to the API, without the cost of global fetch's streams in this process, which shares the machine's cores with
 * the API (for `{ __typename }` 0.12 ms of client CPU a request against fetch's 0.4, BENCHMARKS.md).
 */
function graphqlClient(url: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const gql = (query: string, variables?: Record<string, unknown>, token?: string) =>
    new Promise<Record<string, any>>((resolve, reject) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const body = JSON.stringify({ query, variables });
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const sent = httpRequest({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: Record<string, unknown>; errors?: unknown };
            if (json.errors) reject(new Error(JSON.stringify(json.errors)));
            else resolve(json.data!);
          } catch (error) {
            reject(error as Error);
          }
        });
      });
      sent.on('error', reject);
      sent.end(body);
    });
  return { gql, close: () => agent.destroy() };
}

/** The API process of the queries section (bench/api-server.ts): its GraphQL endpoint and its IPC questions. */
interface ApiProcess {
  gql(query: string): Promise<Record<string, unknown>>;
  ask(message: ApiMessage): Promise<ApiReply>;
  stop(): Promise<void>;
}

async function startApi(databaseUrl: string, devKeyFile: string): Promise<ApiProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./api-server.js', import.meta.url)), [databaseUrl, values.elasticsearch ?? '', indexPrefix, devKeyFile], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the API process ended (${code})`))));
  exited.catch(() => undefined);
  const next = () => Promise.race([new Promise<ApiReply>((resolve) => child.once('message', (reply: ApiReply) => resolve(reply))), exited]);
  const listening = await next();
  onFailure.unshift(async () => void child.kill());
  // One keep-alive connection, as a portal's server or a browser keeps (the engine replay has its client's pool too).
  const client = graphqlClient(listening.url!, 1);
  return {
    gql: (query) => client.gql(query),
    async ask(message) {
      const reply = next();
      child.send(message);
      return reply;
    },
    async stop() {
      client.close();
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'stop' } satisfies ApiMessage);
      await ended;
    },
  };
}

async function main(): Promise<void> {
  // Inside the repo's git-ignored cache: the postgres system user must be able to enter the directory.
  const dataDir = path.resolve('.cache', `bench-${Date.now()}`);
  await mkdir(dataDir, { recursive: true });
  const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg') });
  onFailure.push(async () => {
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  let counting = false;
  let statements = 0;
  const orm = await openOrm({
    databaseUrl: database.url,
    onQuery: (line) => {
      // eslint-disable-next-line no-control-regex
      if (counting && /\b(select|insert|update|delete|with)\b/i.test(line.replace(/\x1b\[[0-9;]*m/g, ''))) statements++;
    },
  });
  const countStatements = async (run: () => Promise<unknown>): Promise<number> => {
    statements = 0;
    counting = true;
    await run();
    counting = false;
    return statements;
  };
  if (values.elasticsearch) onFailure.unshift(() => deleteIndices(values.elasticsearch!, indexPrefix));
  const search = createSearchEngine({ databaseUrl: database.url, elasticsearchUrl: values.elasticsearch, indexPrefix });
  await search.init();
  await seedExampleCatalogue(orm.em.fork());
  const generateMs = await timed(async () => {
    await generateDatasets(orm, datasets);
    // The result pages measured read lists of several holders, steps, publications... on every dataset, and
    // the documents indexed carry their holders and route bodies; an export describes them all.
    if (sections.has('queries') || sections.has('indexing') || sections.has('export')) await addDatasetRelations(orm);
  });

  console.log(`# ${search.name}: ${datasets} synthetic + 16 seed datasets, ${requests} requests per query`);
  console.log(`load average at start (1/5/15 min): ${load()}; generating rows: ${(generateMs / 1000).toFixed(1)} s\n`);

  const indexer = new OutboxIndexer(orm, search, { batchSize: BATCH });
  const pgDataDir = path.join(dataDir, 'pg');
  const firstDrain = await metered(pgDataDir, () => indexer.drain());
  if (sections.has('indexing')) await benchIndexing(orm, search, firstDrain, database.url, pgDataDir);

  const verifyToken = await createTokenVerifier({ mode: 'dev', devKeyFile: path.join(dataDir, 'key.json') });
  // One bench client sends far more than a person would: the per-client rate limit would measure itself.
  const http = httpSettingsFromEnv({ RATE_LIMIT_PER_MINUTE: '0' });
  const { app } = await createApp({ orm, search, indexer, verifyToken, smallCountThreshold: 5, version: 'bench', baseUrl: 'http://gdcat.bench', log: () => undefined, http });
  const server = await listen(app, 0, '127.0.0.1', http);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
  // One keep-alive connection for each writing client.
  const { gql, close: closeClient } = graphqlClient(url, WRITE_CLIENTS);

  if (sections.has('queries')) {
    const api = await startApi(database.url, path.join(dataDir, 'key.json'));
    // The engine replays run in this process: what the generator and the first drain left behind (hundreds of
    // MiB at 100k) is collected now, not in a full collection in the middle of a measured engine request.
    collectGarbage();
    const usage = () => api.ask({ op: 'usage' }) as Promise<{ cpuMs: number; heapUsedMiB: number }>;
    console.log(`heap used at the start of the queries: API process ${Math.round((await usage()).heapUsedMiB)} MiB, ` +
      `bench process (engine replays) ${Math.round(process.memoryUsage().heapUsed / 1048576)} MiB; load ${load()}`);
    // CPU of the API process, and of this one for sending each request (not Elasticsearch's): steadier than wall
    // time on a loaded machine.
    console.log('| query | GraphQL p50 / p95 ms | engine request p50 / p95 ms | p95 ratio | p50 ratio | CPU ms per GraphQL request (API + client) / engine request | SQL statements | timeouts |');
    console.log('|---|---|---|---|---|---|---|---|');
    const engineRequests = new Map<string, DatasetSearchRequest>();
    for (const [name, query] of Object.entries(QUERIES)) {
      let recorded: ApiReply = { op: 'recorded' };
      for (let attempt = 1; ; attempt++) {
        await api.ask({ op: 'record' });
        try {
          await api.gql(query);
          recorded = await api.ask({ op: 'recorded' });
          break;
        } catch (error) {
          await api.ask({ op: 'recorded' });
          if (attempt === 3 || !/SEARCH_UNAVAILABLE/.test(String(error))) throw error;
        }
      }
      const request = recorded.requests?.[0];
      if (recorded.requests?.length !== 1 || !request) throw new Error(`${name}: expected one engine request, saw ${recorded.requests?.length}`);
      engineRequests.set(name, request);
      const graphql: number[] = [];
      const engine: number[] = [];
      let clientCpu = 0;
      let engineCpu = 0;
      // On the loaded machine a search now and then outlasts the request timeout (SEARCH_REQUEST_TIMEOUT_MS):
      // counted and left out of the latencies, on either side.
      let timeouts = 0;
      const measure = async (into: number[], run: () => Promise<unknown>): Promise<number> => {
        const cpu = process.cpuUsage();
        try {
          into.push(await timed(run));
        } catch (error) {
          if (!/SEARCH_UNAVAILABLE|Timeout/i.test(String((error as Error).message ?? error))) throw error;
          timeouts++;
        }
        const used = process.cpuUsage(cpu);
        return (used.user + used.system) / 1000;
      };
      const apiBefore = await usage();
      for (let i = 0; i < requests; i++) {
        clientCpu += await measure(graphql, () => api.gql(query));
        engineCpu += await measure(engine, () => search.search(request));
      }
      const apiCpu = (await usage()).cpuMs - apiBefore.cpuMs;
      graphql.sort((a, b) => a - b);
      engine.sort((a, b) => a - b);
      const ratio = percentile(graphql, 95) / percentile(engine, 95);
      const medianRatio = percentile(graphql, 50) / percentile(engine, 50);
      console.log(`| ${name} | ${ms(percentile(graphql, 50))} / ${ms(percentile(graphql, 95))} | ${ms(percentile(engine, 50))} / ${ms(percentile(engine, 95))} | ` +
        `${ratio.toFixed(2)} | ${medianRatio.toFixed(2)} | ${ms(apiCpu / requests)} + ${ms(clientCpu / requests)} / ${ms(engineCpu / requests)} | ${recorded.statements} | ${timeouts} |`);
    }
    console.log('');
    await searchFloor(api, search, orm, engineRequests.get(FLOOR_QUERY)!);
    if (values['profile-queries']) await profileQueries(values['profile-queries'], api);
    await api.stop();
  }

  if (sections.has('writes')) {
    const token = await mintDevToken({ mode: 'dev', devKeyFile: path.join(dataDir, 'key.json') }, { role: 'data_manager', orgs: [STOCKHOLM] });
    const study = (await gql(CREATE_STUDY, { input: { identifier: BENCH_STUDY, title: 'Stockholm benchmark study', description: 'Origin of the written benchmark cohorts.', studyType: 'PILOT', ownerOrganisation: STOCKHOLM } }, token)).createStudy;
    if (study.userErrors.length > 0) throw new Error(JSON.stringify(study.userErrors));
    let id = '';
    const createSql = await countStatements(async () => {
      id = (await gql(CREATE, { input: datasetInput('counted') }, token)).createDataset.dataset.id as string;
    });
    const publishSql = await countStatements(() => gql(PUBLISH, { id }, token));
    const createMs: number[] = [];
    const publishMs: number[] = [];
    const createAndPublish = async (n: string, times?: { create: number[]; publish: number[] }) => {
      let created: { dataset: { id: string }; userErrors: unknown[] } | undefined;
      const createTook = await timed(async () => (created = (await gql(CREATE, { input: datasetInput(n) }, token)).createDataset));
      if (created!.userErrors.length > 0) throw new Error(JSON.stringify(created!.userErrors));
      const publishTook = await timed(() => gql(PUBLISH, { id: created!.dataset.id }, token));
      times?.create.push(createTook);
      times?.publish.push(publishTook);
    };
    await Promise.all(Array.from({ length: WRITE_CLIENTS }, async (_, client) => {
      for (let i = 0; i < WRITE_WARM_UP; i++) await createAndPublish(`warm-up-${client}-${i}`);
    }));
    const profiler = values['profile-writes'] ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    // The API, its indexer and this client share the process: its CPU time is the server's cost plus the client's.
    const cpuBefore = process.cpuUsage();
    const postgresBefore = await postgresCpuSeconds(pgDataDir);
    const writeMs = await timed(() =>
      Promise.all(
        Array.from({ length: WRITE_CLIENTS }, async (_, client) => {
          for (let i = 0; i < WRITES_PER_CLIENT; i++) await createAndPublish(`${client}-${i}`, { create: createMs, publish: publishMs });
        }),
      ),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const postgresCpuS = (await postgresCpuSeconds(pgDataDir)) - postgresBefore;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(values['profile-writes']!, JSON.stringify(profile));
      profiler.disconnect();
    }
    const written = WRITE_CLIENTS * WRITES_PER_CLIENT;
    createMs.sort((a, b) => a - b);
    publishMs.sort((a, b) => a - b);
    console.log(`writes: createDataset ${createSql} SQL statements, publishDataset ${publishSql}; ` +
      `${WRITE_CLIENTS} clients created+published ${written} datasets (after ${WRITE_CLIENTS * WRITE_WARM_UP} untimed) in ${(writeMs / 1000).toFixed(1)} s = ${Math.round(written / (writeMs / 1000))} datasets/s; ` +
      `create p50/p95 ${ms(percentile(createMs, 50))}/${ms(percentile(createMs, 95))} ms, publish p50/p95 ${ms(percentile(publishMs, 50))}/${ms(percentile(publishMs, 95))} ms; ` +
      `bench process CPU ${((cpu.user + cpu.system) / 1e6 / written * 1000).toFixed(2)} ms per dataset, PostgreSQL ${(postgresCpuS / written * 1000).toFixed(2)} ms; load ${load()}\n`);
  }

  if (sections.has('export')) {
    // The first export of a format describes every dataset and stores the texts; the next copies them, as every
    // export does once a catalogue has been exported (src/dcat/stored-descriptions.ts); then with a tenth changed.
    for (const format of ['ttl', 'nt'] as const) {
      await benchExport(database.url, format, dataDir, 'every dataset described');
      await benchExport(database.url, format, dataDir, 'descriptions stored');
      const changed = await touchDatasets(orm, 0.1);
      await benchExport(database.url, format, dataDir, `${changed} datasets changed since`);
    }
    // As after an upgrade (every description stale): the indexing process prepares both formats in the background
    // (src/dcat/export-preparation.ts), then each export copies what it stored.
    await orm.em.getConnection().execute('truncate stored_dataset_description, stored_node_description');
    await benchPreparation(database.url);
    for (const format of ['ttl', 'nt'] as const) await benchExport(database.url, format, dataDir, 'prepared by the indexing process');
  }

  console.log(`load average at end (1/5/15 min): ${load()}; bench process RSS ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB`);
  closeClient();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (values.elasticsearch) await deleteIndices(values.elasticsearch, indexPrefix);
  await search.close();
  await orm.close();
  await database.stop();
  await rm(dataDir, { recursive: true, force: true });
}

/** Runs `gdcat export` to a file under /usr/bin/time -v, so the figures are the CLI process's own. */
async function benchExport(databaseUrl: string, format: 'ttl' | 'nt', dataDir: string, state: string): Promise<void> {
  const out = path.join(dataDir, `export.${format}`);
  const stats = path.join(dataDir, `export-${format}.time`);
  const loadAtStart = load();
  await promisify(execFile)('/usr/bin/time', ['-v', '-o', stats, process.execPath, path.resolve('bin/gdcat.js'), 'export', '--format', format, '--out', out], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ELASTICSEARCH_URL: '' },
    maxBuffer: 16 << 20,
  });
  const report = await readFile(stats, 'utf8');
  const elapsed = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(report)!;
  const seconds = Number(elapsed[1] ?? 0) * 3600 + Number(elapsed[2]) * 60 + Number(elapsed[3]);
  const peakRssMiB = Math.round(Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)![1]) / 1024);
  // On a shared machine the CPU time is the steadier figure.
  const cpu = (kind: string): number => Number(new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(report)![1]);
  const bytes = (await stat(out)).size;
  console.log(`export ${format} (${state}): ${seconds.toFixed(1)} s, user + sys CPU ${cpu('User')} + ${cpu('System')} s, peak RSS ${peakRssMiB} MiB, ${(bytes / 1048576).toFixed(0)} MiB written ` +
    `(load average ${loadAtStart} at start, ${load()} at end)\n`);
  await rm(out, { force: true });
}

/**
 * One round of preparing the next export in both formats, as the indexing process runs it with nothing to index
 * (its thread, with the base URL and threshold `gdcat export` has here): wall time, and this process's CPU, which
 * holds the thread's.
 */
async function benchPreparation(databaseUrl: string): Promise<void> {
  const { baseUrl, smallCountThreshold } = configFromEnv({ ...process.env, DATABASE_URL: databaseUrl });
  const logged: string[] = [];
  const loadAtStart = load();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const preparation = new ExportPreparation({
    databaseUrl,
    baseUrl,
    smallCountThreshold,
    formats: ['text/turtle', 'application/n-triples'],
    indexing: () => false,
    log: createLogger('text', (line) => logged.push(line)),
    delayMs: 0,
  });
  preparation.start();
  while (logged.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  await preparation.stop();
  const used = process.cpuUsage(cpu);
  console.log(`export preparation (every description stale): ${((performance.now() - started) / 1000).toFixed(1)} s, bench process CPU ` +
    `${((used.user + used.system) / 1e6).toFixed(1)} s: ${logged.join('; ')} (load average ${loadAtStart} at start, ${load()} at end)\n`);
}

/** Changes a share of the published datasets (their modified date) as an edit would; returns how many. */
async function touchDatasets(orm: Orm, share: number): Promise<number> {
  const changed = await orm.em.getConnection().execute<{ id: string }[]>(
    `update dataset set modified = modified + interval '1 second' where status = 'PUBLISHED' and random() < ? returning id`,
    [share],
  );
  return changed.length;
}

/** Wall time, CPU seconds of this process and of the PostgreSQL server, and the load average, of some work. */
interface Cost {
  ms: number;
  nodeCpuS: number;
  postgresCpuS: number;
  load: string;
}

const CLOCK_TICKS = 100;

/**
 * CPU seconds the embedded PostgreSQL has used so far: the postmaster's own and its ended children's (cutime,
 * cstime) plus its live backends'.
 */
async function postgresCpuSeconds(pgDataDir: string): Promise<number> {
  const postmaster = Number((await readFile(path.join(pgDataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  let ticks = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime cutime cstime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
    ticks += Number(fields[11]) + Number(fields[12]) + (pid === postmaster ? Number(fields[13]) + Number(fields[14]) : 0);
  }
  return ticks / CLOCK_TICKS;
}

async function metered(pgDataDir: string, run: () => Promise<unknown>): Promise<Cost> {
  const loadAtStart = load();
  const [cpu, postgres] = [process.cpuUsage(), await postgresCpuSeconds(pgDataDir)];
  const ms = await timed(run);
  const used = process.cpuUsage(cpu);
  return {
    ms,
    nodeCpuS: (used.user + used.system) / 1e6,
    postgresCpuS: (await postgresCpuSeconds(pgDataDir)) - postgres,
    load: `${loadAtStart} -> ${load()}`,
  };
}

const describeCost = (cost: Cost) =>
  `${(cost.ms / 1000).toFixed(1)} s, CPU node ${cost.nodeCpuS.toFixed(1)} s + PostgreSQL ${cost.postgresCpuS.toFixed(1)} s, load ${cost.load}`;

/**
 * The drain against the raw write of the same documents, each into a fresh index (Elasticsearch) or table
 * (PostgreSQL) of its own, both after the first drain warmed everything up (JIT, caches, the engine). Raw:
 * the engine writes alone, documents built beforehand. Drain: every dataset queued in the outbox again and
 * drained (claim, build, write, settle). Each starts on a vacuumed, analysed database.
 */
async function benchIndexing(
  orm: Awaited<ReturnType<typeof openOrm>>,
  search: SearchEngine,
  firstDrain: Cost,
  databaseUrl: string,
  pgDataDir: string,
): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const fresh = (name: string): SearchEngine =>
    search.name === 'elasticsearch'
      ? new ElasticsearchSearchEngine({ node: values.elasticsearch!, indexPrefix: `${indexPrefix}-${name}`, refresh: false })
      : new PostgresSearchEngine({ pool, table: `dataset_search_${name}` });
  const [raw, drained] = [fresh('raw'), fresh('drain')];
  await raw.init();
  await drained.init();
  const connection = orm.em.getConnection();
  const documents = Number((await connection.execute<{ n: string }[]>('select count(*) as n from dataset'))[0]!.n);
  const batches: DatasetSearchDocument[][] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  const buildMs = await timed(async () => {
    for (;;) {
      const ids = (await connection.execute<{ id: string }[]>('select id from dataset where id > ? order by id limit ?', [after, BATCH])).map((r) => r.id);
      if (ids.length === 0) break;
      after = ids.at(-1)!;
      batches.push(await buildSearchDocuments(orm.em.fork(), ids));
    }
  });
  // Vacuumed and analysed before each timed phase, so neither pays for what earlier phases left behind (the
  // first drain's settled events, the generator's rows) nor has autovacuum start in it.
  const vacuum = () => connection.execute('vacuum (analyze)');
  await vacuum();
  const rawCost = await metered(pgDataDir, async () => {
    for (const batch of batches) await raw.upsert(batch);
    await raw.refresh();
  });
  // Released before the drain, whose garbage collections would otherwise walk them too.
  batches.length = 0;
  await connection.execute(
    `insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
     select 'Dataset', id, now(), now(), 0 from dataset order by id`,
  );
  await vacuum();
  const drainCost = await metered(pgDataDir, () => new OutboxIndexer(orm, drained, { batchSize: BATCH }).drain());
  // The same drain while the indexing process prepares the next export with every description stale (as after an
  // upgrade): the preparation waits between its batches while the indexer is at work.
  await connection.execute('truncate stored_dataset_description, stored_node_description');
  await connection.execute(
    `insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts)
     select 'Dataset', id, now(), now(), 0 from dataset order by id`,
  );
  await vacuum();
  const preparing = new OutboxIndexer(orm, drained, { batchSize: BATCH });
  const { baseUrl, smallCountThreshold } = configFromEnv({ ...process.env, DATABASE_URL: databaseUrl });
  const preparation = new ExportPreparation({
    databaseUrl,
    baseUrl,
    smallCountThreshold,
    formats: ['text/turtle', 'application/n-triples'],
    indexing: () => preparing.indexing,
    log: createLogger('text', () => undefined),
    delayMs: 0,
  });
  preparation.start();
  // Under way: its thread started and describing.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const preparedBefore = await storedDescriptions(connection);
  const drainPreparingCost = await metered(pgDataDir, () => preparing.drain());
  const preparedDuring = (await storedDescriptions(connection)) - preparedBefore;
  await preparation.stop();
  const perSecond = (cost: Cost) => Math.round(documents / (cost.ms / 1000));
  console.log(`indexing ${documents} documents (batches of ${BATCH}) into ${search.name}:\n` +
    `  first outbox drain (cold) ${perSecond(firstDrain)} docs/s (${describeCost(firstDrain)})\n` +
    `  raw ${search.name === 'elasticsearch' ? '_bulk' : 'upsert'} of the documents ${perSecond(rawCost)} docs/s (${describeCost(rawCost)})\n` +
    `  outbox drain of the same ${perSecond(drainCost)} docs/s (${describeCost(drainCost)})\n` +
    `  drain/raw ${(rawCost.ms / drainCost.ms).toFixed(2)}x; building the documents alone (batch after batch) ${(buildMs / 1000).toFixed(1)} s\n` +
    `  outbox drain of the same while the next export is prepared ${perSecond(drainPreparingCost)} docs/s (${describeCost(drainPreparingCost)}), ` +
    `${(drainCost.ms / drainPreparingCost.ms).toFixed(2)}x the drain alone; ${preparedDuring} descriptions stored meanwhile\n`);
  if (search.name === 'postgres') await pool.query('DROP TABLE dataset_search_raw, dataset_search_drain');
  await raw.close();
  await drained.close();
  await pool.end().catch(() => undefined);
}

/** Descriptions stored for the next export, of every format. */
async function storedDescriptions(connection: ReturnType<Orm['em']['getConnection']>): Promise<number> {
  return Number((await connection.execute<{ n: string }[]>('select count(*) as n from stored_dataset_description'))[0]!.n);
}

async function deleteIndices(node: string, prefix: string): Promise<void> {
  const { Client } = await import('@elastic/elasticsearch');
  const client = new Client({ node });
  await client.indices.delete({ index: `${prefix}-*`, allow_no_indices: true });
  await client.close();
}

/** What a failed run still removes: the bench's own indices (its prefix only), its database and data directory. */
const onFailure: (() => Promise<void>)[] = [];

main().catch(async (error: Error) => {
  console.error(error);
  for (const clean of onFailure) await clean().catch(() => undefined);
  process.exit(1);
});
