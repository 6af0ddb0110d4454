import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { HarvestScheduler, harvestSources } from '../../src/harvest/harvest-runner.js';
import { HarvestSource } from '../../src/harvest/harvest-source.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { startGdcat, stopGdcat } from '../support/gdcat-process.js';
import { running, startedProcesses } from '../support/child-processes.js';

// Parsing is watched in this process, the API's: every call goes through to the parser.
const parsed = vi.hoisted(() => ({ documents: 0 }));
vi.mock('../../src/dcat/rdf/parse.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/dcat/rdf/parse.js')>();
  return { ...actual, parse: (...args: Parameters<typeof actual.parse>) => (parsed.documents++, actual.parse(...args)) };
});

const GMS = 'urn:example:gms-catalogue:org:gms';
const SETTINGS = { timeoutMs: 30_000, maxDocuments: 100, tickMs: 60_000, allowPrivateNetworks: true };
const DATASETS = 1_000;
/** A catalogue of this many datasets (about 40 MB of JSON-LD) outgrows a harvest process of TIGHT_HEAP_MB. */
const NATIONAL_SIZE = 20_000;
const TIGHT_HEAP_MB = 96;

const CREATE = `mutation($input: HarvestSourceInput!) { createHarvestSource(input: $input) { userErrors { field message code } } }`;

/** A regional node's whole catalogue as one JSON-LD document (about 2 MB): JSON-LD is parsed in one go. */
function regionalCatalogue(count: number): string {
  const term = (name: string) => `http://purl.org/dc/terms/${name}`;
  const agency = { '@id': 'https://region.example/agency', '@type': 'http://xmlns.com/foaf/0.1/Agent', 'http://xmlns.com/foaf/0.1/name': 'Regional node' };
  const datasets = Array.from({ length: count }, (_, i) => ({
    '@id': `https://region.example/dataset/${i}`,
    '@type': 'http://www.w3.org/ns/dcat#Dataset',
    [term('identifier')]: `region-${i}`,
    [term('title')]: { '@value': `Regional cohort ${i}`, '@language': 'en' },
    [term('description')]: { '@value': `Whole genomes of the regional cohort ${i}. `.repeat(20), '@language': 'en' },
    'http://www.w3.org/ns/dcat#keyword': ['genome', 'cohort', `region ${i % 7}`].map((keyword) => ({ '@value': keyword, '@language': 'en' })),
    [term('publisher')]: { '@id': 'https://region.example/agency' },
    'http://www.w3.org/ns/dcat#distribution': { '@type': 'http://www.w3.org/ns/dcat#Distribution', 'http://www.w3.org/ns/dcat#accessURL': { '@id': `https://region.example/apply/${i}` } },
  }));
  return JSON.stringify({ '@graph': [agency, ...datasets] });
}

let catalogue: TestCatalogue;
let server: Server;
let base: string;
let admin: string;
/** A document the server starts to send and finishes only once released: a harvest of it waits in its fetch meanwhile. */
function held() {
  let requested!: () => void;
  let release!: () => void;
  return { requested: new Promise<void>((resolve) => (requested = resolve)), onRequest: () => requested(), released: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
}
const HELD = new Map([
  ['/slow.jsonld', held()],
  ['/held.jsonld', held()],
]);

beforeAll(async () => {
  const document = regionalCatalogue(DATASETS);
  server = createServer((req, res) => {
    if (req.url === '/regional.jsonld') res.writeHead(200, { 'content-type': 'application/ld+json' }).end(document);
    else if (req.url === '/national-size.jsonld') res.writeHead(200, { 'content-type': 'application/ld+json' }).end(regionalCatalogue(NATIONAL_SIZE));
    else if (HELD.has(req.url!)) {
      const document = HELD.get(req.url!)!;
      res.writeHead(200, { 'content-type': 'application/ld+json' }).write('{"@graph": [');
      document.onRequest();
      void document.released.then(() => res.end(']}'));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  catalogue = await startTestCatalogue({ harvestPrivateNetworks: true });
  admin = await catalogue.token('admin');
});
afterAll(async () => {
  for (const document of HELD.values()) document.release();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await catalogue?.stop();
});

async function register(identifier: string, path: string): Promise<void> {
  const input = { identifier, title: identifier, url: `${base}${path}`, kind: 'DCAT_AP', organisation: GMS, schedule: 'PT1H' };
  expect((await catalogue.gql(CREATE, { input }, admin)).data?.createHarvestSource.userErrors).toEqual([]);
}

/** Runs `work` while the API is asked a query after another; how many it answered meanwhile. */
async function whileAsked<T>(work: () => Promise<T>): Promise<{ result: T; answered: number }> {
  let done = false;
  let answered = 0;
  const asking = (async () => {
    // Paced below the API's limit of requests a client may make in a minute.
    for (; !done; await setTimeout(100)) if ((await catalogue.gql('{ __typename }')).status === 200) answered++;
  })();
  try {
    return { result: await work(), answered };
  } finally {
    done = true;
    await asking;
  }
}

describe('scheduled harvests run in a process of their own', () => {
  it("keeps the API answering while a large regional catalogue is parsed, read and written", async () => {
    await register('regional-node', '/regional.jsonld');
    const scheduler = new HarvestScheduler(catalogue.orm, catalogue.db.url, SETTINGS, () => undefined);
    const processes = startedProcesses().length;
    parsed.documents = 0;
    const scheduled = await whileAsked(() => scheduler.tick());
    expect(scheduled.result).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED', created: DATASETS + 1, failed: 0 })]);
    expect(scheduled.answered).toBeGreaterThan(0);
    expect(parsed.documents).toBe(0);
    // The harvest ran in one process, which has ended.
    expect(startedProcesses().length).toBe(processes + 1);
    expect(running(startedProcesses())).toEqual([]);

    // The same harvest in this process, as `gdcat harvest` runs it, parses here (BENCHMARKS.md: what that costs the API).
    const source = await catalogue.orm.em.fork().findOneOrFail(HarvestSource, { identifier: 'regional-node' }, { populate: ['organisation'] });
    const inline = await whileAsked(() => harvestSources(catalogue.orm, [source], SETTINGS, () => undefined));
    expect(inline.result).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED', unchanged: DATASETS + 1 })]);
    expect(inline.answered).toBeGreaterThan(0);
    expect(parsed.documents).toBe(1);
  });

  it('ends a harvest under way when the server stops, keeping it as a failed run and writing nothing of it', async () => {
    await register('slow-node', '/slow.jsonld');
    const scheduler = new HarvestScheduler(catalogue.orm, catalogue.db.url, SETTINGS, () => undefined);
    const datasets = await catalogue.orm.em.fork().count(Dataset);
    const processes = startedProcesses().length;
    // The regional node ran moments ago: only the slow one is due.
    const ticking = scheduler.tick();
    await HELD.get('/slow.jsonld')!.requested;
    await scheduler.stop();
    const runs = await ticking;
    expect(runs).toEqual([
      expect.objectContaining({
        source: expect.objectContaining({ identifier: 'slow-node' }),
        outcome: 'FAILED',
        errors: [expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('the server stopped during the harvest') })],
      }),
    ]);
    expect(running(startedProcesses().slice(processes))).toEqual([]);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(datasets);
    const slow = await catalogue.orm.em.fork().findOneOrFail(HarvestSource, { identifier: 'slow-node' });
    expect(slow.lastRunAt).toEqual(runs[0]!.startedAt);
    // A stopped scheduler starts no more harvests.
    expect(await scheduler.tick(new Date(Date.now() + 7 * 3600_000))).toEqual([]);
  });

  it('keeps a harvest that outgrows its heap as a failed run of its source, saying so, while the API goes on', async () => {
    await register('national-size-node', '/national-size.jsonld');
    const scheduler = new HarvestScheduler(catalogue.orm, catalogue.db.url, { ...SETTINGS, heapMb: TIGHT_HEAP_MB }, () => undefined);
    const datasets = await catalogue.orm.em.fork().count(Dataset);
    // The nodes registered before ran moments ago: only this one is due.
    const { result: runs, answered } = await whileAsked(() => scheduler.tick());
    expect(runs).toEqual([
      expect.objectContaining({
        source: expect.objectContaining({ identifier: 'national-size-node' }),
        outcome: 'FAILED',
        errors: [expect.objectContaining({ message: expect.stringContaining(`needed more memory than its ${TIGHT_HEAP_MB} MiB (HARVEST_HEAP_MB)`) })],
      }),
    ]);
    expect(answered).toBeGreaterThan(0);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(datasets);
    expect((await catalogue.gql('{ __typename }')).status).toBe(200);
  });

  it("logs a harvest process that fails before any source in the server's log, and leaves the sources due", async () => {
    const logged: string[] = [];
    // The server's own database, which holds no catalogue.
    const elsewhere = Object.assign(new URL(catalogue.db.url), { pathname: '/postgres' }).toString();
    const scheduler = new HarvestScheduler(catalogue.orm, elsewhere, SETTINGS, createLogger('json', (line) => logged.push(line)));
    const before = await catalogue.orm.em.fork().find(HarvestSource, {}, { orderBy: { identifier: 'asc' } });
    expect(await scheduler.tick(new Date(Date.now() + 7 * 3600_000))).toEqual([]);
    expect(logged.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'error', msg: expect.stringMatching(/^harvest failed: .*relation "harvest_source" does not exist\n\s+at /) }),
    ]);
    const after = await catalogue.orm.em.fork().find(HarvestSource, {}, { orderBy: { identifier: 'asc' } });
    expect(after.map((source) => source.lastRunAt)).toEqual(before.map((source) => source.lastRunAt));
  });

  it('ends a harvest under way when `gdcat serve` is sent SIGTERM, logging it as a failed run, and exits', async () => {
    await register('held-node', '/held.jsonld');
    const stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-harvest-'));
    try {
      const env = { DATABASE_URL: catalogue.db.url, ELASTICSEARCH_URL: '', INDEXER: 'separate', PORT: String(await freePort()), GDCAT_STATE_DIR: stateDir, HARVEST_TICK_SECONDS: '1', HARVEST_ALLOW_PRIVATE_NETWORKS: 'true', LOG_FORMAT: 'json' };
      const serve = await startGdcat('serve', env, /listening on/);
      // The other nodes ran moments ago: the first tick harvests the held one.
      await HELD.get('/held.jsonld')!.requested;
      await stopGdcat(serve);
      expect(serve.process.exitCode).toBe(0);
      const logged = serve.output.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      const finished = logged.find((line) => line.msg === 'harvest run finished');
      expect(finished).toMatchObject({ level: 'error', source: 'held-node', outcome: 'FAILED', error: 'INTERNAL' });
      const { data } = await catalogue.gql(`{ harvestRuns(first: 10) { edges { node { id source { identifier } outcome errors { message } } } } }`, {}, admin);
      const run = data?.harvestRuns.edges.map((edge: { node: object }) => edge.node).find((node: { source: { identifier: string } }) => node.source.identifier === 'held-node');
      expect(run).toMatchObject({ outcome: 'FAILED', errors: [{ message: expect.stringContaining('the server stopped during the harvest') }] });
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
