import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { HarvestScheduler, harvestSources, withHarvestLock } from '../../src/harvest/harvest-runner.js';
import { HarvestSource } from '../../src/harvest/harvest-source.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const GMS = 'urn:example:gms-catalogue:org:gms';
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
// The test sources listen on 127.0.0.1: harvesting them takes the allowance an operator gives with HARVEST_ALLOW_PRIVATE_NETWORKS.
const SETTINGS = { timeoutMs: 2_000, maxDocuments: 100, tickMs: 60_000, allowPrivateNetworks: true };

const CREATE = `mutation($input: HarvestSourceInput!) {
  createHarvestSource(input: $input) { harvestSource { id identifier url kind schedule enabled version organisation { identifier } } userErrors { field message code } }
}`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: HarvestSourcePatch!) {
  updateHarvestSource(id: $id, expectedVersion: $v, input: $input) { harvestSource { identifier enabled version } userErrors { field message code } }
}`;

const DATASET = `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
  <https://stockholm.example/dataset/1> a dcat:Dataset ; dct:identifier "sthlm-1" ; dct:title "Stockholm dataset"@en ;
    dct:publisher <https://stockholm.example/region> .
  <https://stockholm.example/region> a foaf:Agent ; foaf:name "Region Stockholm (regional node)" .`;

let catalogue: TestCatalogue;
let server: Server;
let base: string;
let admin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/catalog') res.writeHead(200, { 'content-type': 'text/turtle' }).end(DATASET);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  catalogue = await startTestCatalogue({ harvestPrivateNetworks: true });
  admin = await catalogue.token('admin');
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await catalogue?.stop();
});

const input = (overrides: Record<string, unknown> = {}) => ({
  identifier: 'stockholm-node',
  title: 'Region Stockholm regional node',
  url: `${base}/catalog`,
  kind: 'DCAT_AP',
  organisation: STOCKHOLM,
  schedule: 'PT1H',
  ...overrides,
});

describe('harvest sources are registered by admins', () => {
  it('refuses anonymous callers and data managers', async () => {
    const anonymous = await catalogue.gql(CREATE, { input: input() });
    expect(anonymous.data?.createHarvestSource.userErrors).toEqual([expect.objectContaining({ code: 'UNAUTHENTICATED' })]);
    const manager = await catalogue.gql(CREATE, { input: input() }, await catalogue.token('data_manager', [STOCKHOLM]));
    expect(manager.data?.createHarvestSource.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  });

  it('names every field at fault', async () => {
    const { data } = await catalogue.gql(CREATE, { input: input({ url: 'ftp://x', schedule: 'hourly', organisation: 'urn:nowhere' }) }, admin);
    expect(data?.createHarvestSource.harvestSource).toBeNull();
    expect(data?.createHarvestSource.userErrors.map((e: { field: string; code: string }) => [e.field, e.code]).sort()).toEqual([
      ['input.organisation', 'NOT_FOUND'],
      ['input.schedule', 'INVALID'],
      ['input.url', 'INVALID'],
    ]);
  });

  it('creates, lists and updates a source (with its version), refusing a second one with the same identifier', async () => {
    const created = await catalogue.gql(CREATE, { input: input() }, admin);
    expect(created.data?.createHarvestSource).toMatchObject({
      harvestSource: { identifier: 'stockholm-node', kind: 'DCAT_AP', enabled: true, version: 1, organisation: { identifier: STOCKHOLM } },
      userErrors: [],
    });
    const again = await catalogue.gql(CREATE, { input: input() }, admin);
    expect(again.data?.createHarvestSource.userErrors).toEqual([expect.objectContaining({ field: 'input.identifier', code: 'DUPLICATE' })]);

    const stale = await catalogue.gql(UPDATE, { id: 'stockholm-node', v: 7, input: { enabled: false } }, admin);
    expect(stale.data?.updateHarvestSource.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    const updated = await catalogue.gql(UPDATE, { id: 'stockholm-node', v: 1, input: { schedule: 'PT6H' } }, admin);
    expect(updated.data?.updateHarvestSource).toMatchObject({ harvestSource: { identifier: 'stockholm-node', version: 2 }, userErrors: [] });

    const list = `{ harvestSources { totalCount edges { node { identifier schedule } } } }`;
    expect((await catalogue.gql(list, {}, admin)).data?.harvestSources.edges).toEqual([{ node: { identifier: 'stockholm-node', schedule: 'PT6H' } }]);
    expect((await catalogue.gql(list, {}, await catalogue.token('data_manager', [STOCKHOLM]))).data?.harvestSources.totalCount).toBe(1);
    expect((await catalogue.gql(list, {}, await catalogue.token('data_manager', [GMS]))).data?.harvestSources.totalCount).toBe(0);
    expect((await catalogue.gql(list)).data?.harvestSources.totalCount).toBe(0);
  });
});

describe('gdcat serve harvests enabled sources on their schedule', () => {
  it('runs every due source once, a failing one as a failed run, and keeps each run with its counts', async () => {
    const down = await catalogue.gql(CREATE, { input: input({ identifier: 'down-node', url: `${base}/gone`, organisation: GMS }) }, admin);
    expect(down.data?.createHarvestSource.userErrors).toEqual([]);
    const logged: string[] = [];
    const scheduler = new HarvestScheduler(catalogue.orm, catalogue.db.url, SETTINGS, createLogger('json', (line) => logged.push(line)));
    const runs = await scheduler.tick();
    expect(runs.map((run) => [run.source?.identifier, run.outcome, run.created]).sort()).toEqual([
      ['down-node', 'FAILED', 0],
      ['stockholm-node', 'SUCCEEDED', 2],
    ]);
    // A run that harvested nothing is an error in the log, with what an operator needs to find it.
    const runId = (identifier: string) => runs.find((run) => run.source?.identifier === identifier)!.id;
    expect(logged.map((line) => JSON.parse(line)).sort((a, b) => a.source.localeCompare(b.source))).toEqual([
      { time: expect.any(String), level: 'error', msg: 'harvest run finished', source: 'down-node', run: runId('down-node'), outcome: 'FAILED', documents: 0, created: 0, updated: 0, unchanged: 0, withdrawn: 0, failed: 1, error: 'NOT_FOUND' },
      { time: expect.any(String), level: 'info', msg: 'harvest run finished', source: 'stockholm-node', run: runId('stockholm-node'), outcome: 'SUCCEEDED', documents: 1, created: 2, updated: 0, unchanged: 0, withdrawn: 0, failed: 0 },
    ]);
    // Nothing is due again within the schedule.
    expect(await scheduler.tick()).toEqual([]);

    const { data } = await catalogue.gql(
      `{ harvestRuns(first: 10) { totalCount edges { node { source { identifier } outcome mode created updated unchanged withdrawn failed durationMs errors { code iri } } } } }`,
      {},
      admin,
    );
    expect(data?.harvestRuns.totalCount).toBe(2);
    const failed = data?.harvestRuns.edges.find((edge: { node: { outcome: string } }) => edge.node.outcome === 'FAILED').node;
    expect(failed.errors).toEqual([{ code: 'NOT_FOUND', iri: `${base}/gone` }]);

    const dataset = await catalogue.gql(`{ dataset(id: "sthlm-1") { provenanceSource harvestedFrom harvestedAt harvestSource { identifier } } }`, {}, admin);
    expect(dataset.data?.dataset).toMatchObject({
      provenanceSource: 'HARVESTED',
      harvestedFrom: 'https://stockholm.example/dataset/1',
      harvestSource: { identifier: 'stockholm-node' },
    });
    expect(dataset.data?.dataset.harvestedAt).toBeTruthy();
  });

  it("shows a dataset's harvest source only to those who see the source: admins and its organisation's data managers", async () => {
    // A source's URL may carry the credentials it is read with, and its organisation may be a draft.
    const query = `{ dataset(id: "sthlm-1") { harvestedFrom harvestSource { identifier url organisation { identifier } } } }`;
    const sourceOf = async (token?: string) => (await catalogue.gql(query, {}, token)).data?.dataset;
    expect(await sourceOf()).toEqual({ harvestedFrom: 'https://stockholm.example/dataset/1', harvestSource: null });
    expect(await sourceOf(await catalogue.token('data_manager', [GMS]))).toEqual({ harvestedFrom: 'https://stockholm.example/dataset/1', harvestSource: null });
    expect((await sourceOf(await catalogue.token('data_manager', [STOCKHOLM])))?.harvestSource).toEqual({
      identifier: 'stockholm-node', url: `${base}/catalog`, organisation: { identifier: STOCKHOLM },
    });
  });

  it("lists one source's runs, and refuses a source the caller cannot see as an unknown one, naming the argument", async () => {
    const runsOf = (source: string, token?: string) => catalogue.gql('query($source: ID) { harvestRuns(source: $source) { totalCount } }', { source }, token);
    expect((await runsOf('stockholm-node', admin)).data?.harvestRuns.totalCount).toBe(1);
    expect((await runsOf('stockholm-node', await catalogue.token('data_manager', [STOCKHOLM]))).data?.harvestRuns.totalCount).toBe(1);
    for (const [source, token] of [['no-such-node', admin], ['stockholm-node', await catalogue.token('data_manager', [GMS])], ['stockholm-node', undefined]] as const) {
      const answer = await runsOf(source, token);
      expect(answer.errors?.[0]?.extensions, `${source} ${token ? 'signed in' : 'anonymous'}`).toEqual({
        code: 'BAD_USER_INPUT',
        userErrors: [{ field: 'source', message: `no harvest source "${source}"`, code: 'NOT_FOUND' }],
      });
    }
  });

  it('keeps harvested records read-only for data managers, even of the organisation that owns them', async () => {
    const manager = await catalogue.token('data_manager', ['https://stockholm.example/region']);
    const { data } = await catalogue.gql<{ dataset: { version: number } }>(`{ dataset(id: "sthlm-1") { version } }`);
    const edit = await catalogue.gql(
      `mutation($v: Int!) { updateDataset(id: "sthlm-1", expectedVersion: $v, input: { title: "Edited here" }) { userErrors { field message code } } }`,
      { v: data!.dataset.version },
      manager,
    );
    expect(edit.data?.updateDataset.userErrors).toEqual([
      { field: 'id', code: 'FORBIDDEN', message: expect.stringContaining('harvested from https://stockholm.example/dataset/1: change it there') },
    ]);
    const withdraw = await catalogue.gql(`mutation { withdrawDataset(id: "sthlm-1", reason: "no") { userErrors { code } } }`, {}, manager);
    expect(withdraw.data?.withdrawDataset.userErrors).toEqual([{ code: 'FORBIDDEN' }]);
  });

  it('leaves the work to the instance holding the harvest lock', async () => {
    const scheduler = new HarvestScheduler(catalogue.orm, catalogue.db.url, SETTINGS, () => undefined);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const other = withHarvestLock(catalogue.orm, true, async () => {
      locked();
      await held;
    });
    await holding;
    expect(await scheduler.tick(new Date(Date.now() + 7 * 3600_000))).toEqual([]);
    release();
    await other;
    expect((await scheduler.tick(new Date(Date.now() + 7 * 3600_000))).length).toBe(2);
  });

  it('logs a failed run and an unexpected failure as errors, naming the source and the run, never the address\'s password', async () => {
    const guarded = { identifier: 'guarded-node', url: base.replace('http://', 'http://harvester:s3cret-pw@') + '/gone', organisation: GMS };
    expect((await catalogue.gql(CREATE, { input: input(guarded) }, admin)).data?.createHarvestSource.userErrors).toEqual([]);
    const logged: string[] = [];
    const log = createLogger('json', (line) => logged.push(line));
    // The other sources ran moments ago: only the new one is due.
    const [run] = await new HarvestScheduler(catalogue.orm, catalogue.db.url, SETTINGS, log).tick();
    expect(run).toMatchObject({ source: { identifier: 'guarded-node' }, outcome: 'FAILED' });
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'error', msg: 'harvest run finished', source: 'guarded-node', run: run!.id, outcome: 'FAILED' });

    const source = await catalogue.orm.em.fork().findOneOrFail(HarvestSource, { identifier: 'stockholm-node' }, { populate: ['organisation'] });
    const broken = { ...SETTINGS, onProgress: () => { throw new Error('the progress display broke'); } };
    const [failed] = await harvestSources(catalogue.orm, [source], broken, log);
    expect(failed).toMatchObject({ outcome: 'FAILED', errors: [{ code: 'INTERNAL', message: 'internal error: the progress display broke' }] });
    expect(JSON.parse(logged[1]!)).toEqual({
      time: expect.any(String),
      level: 'error',
      msg: expect.stringMatching(/^harvest failed: Error: the progress display broke\n\s+at /),
      source: 'stockholm-node',
      run: failed!.id,
    });
    expect(logged).toHaveLength(2);
    expect(logged.join('\n')).not.toContain('s3cret-pw');
  });
});
