import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { elasticsearchForTests } from '../support/elasticsearch.js';

const run = promisify(execFile);
/** A port free on loopback now, with its transport port (+100, as scripts/elasticsearch.sh sets it) free too. */
async function freePortPair(): Promise<string> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let tries = 0; tries < 50; tries++) {
    const port = 9400 + Math.floor(Math.random() * 100);
    if ((await free(port)) && (await free(port + 100))) return String(port);
  }
  throw new Error('no free port pair in 9400-9499 (+100) for the private Elasticsearch node');
}

/** A second, private Elasticsearch node, so stopping it does not disturb other test files, nor another run on
 * this machine (each picks a free port). */
const PORT = process.env.GDCAT_TEST_PRIVATE_ES_PORT ?? (await freePortPair());
const node = (command: 'start' | 'stop') =>
  run('bash', ['scripts/elasticsearch.sh', command], { env: { ...process.env, ES_PORT: PORT }, timeout: 240_000 });

/** Where scripts/elasticsearch.sh keeps the node's pid (as root it runs the node from /var/lib). */
const PID_FILE = path.join(process.getuid?.() === 0 ? '/var/lib/gdcat-es' : path.resolve('.cache/es'), `es-${PORT}.pid`);

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const SEARCH = '{ datasets(query: "leukaemia") { totalCount } }';
const BY_ID = 'query($id: ID!) { dataset(id: $id) { identifier } }';
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { code message } }
}`;

describe.skipIf(!elasticsearchForTests())('outbox: an Elasticsearch outage loses nothing', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    const { stdout } = await node('start');
    catalogue = await startTestCatalogue({ elasticsearchUrl: stdout.trim(), indexPrefix: `gdcat-outage-${Date.now()}` });
  }, 300_000);
  afterAll(async () => {
    await catalogue?.stop();
    await node('stop');
  }, 120_000);

  /** Search answers SEARCH_UNAVAILABLE (HTTP 503) within 2 s, while reads by id and the database are fine. */
  async function expectSearchUnavailable(known: string): Promise<void> {
    const started = Date.now();
    const search = await catalogue.gql(SEARCH);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(search.status).toBe(503);
    expect(search.errors?.map((e) => e.extensions?.code)).toEqual(['SEARCH_UNAVAILABLE']);
    const byId = await catalogue.gql(BY_ID, { id: known });
    expect(byId).toMatchObject({ status: 200, data: { dataset: { identifier: known } } });
    expect((await fetch(`${catalogue.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${catalogue.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', database: { up: true }, search: { engine: 'elasticsearch', up: false } });
  }

  async function postgresState(): Promise<Map<string, string>> {
    const rows = await catalogue.orm.em.getConnection().execute<{ id: string; modified: Date }[]>('select id, modified from dataset');
    return new Map(rows.map((r) => [r.id, new Date(r.modified).toISOString()]));
  }

  async function indexState(): Promise<Map<string, string>> {
    return new Map((await catalogue.search.listIds()).map((d) => [d.id, new Date(d.modified).toISOString()]));
  }

  it('accepts writes while Elasticsearch is down and catches up after it returns', async () => {
    expect(await indexState()).toEqual(await postgresState());
    const token = await catalogue.token('data_manager', [STOCKHOLM]);
    const titles = ['Rare-disease clinical WGS cohort, GMC Karolinska (2015–2020)', 'GMS560 non-small cell lung cancer panel cohort, Region Stockholm'];

    await node('stop');
    expect(await catalogue.search.ping()).toBe(false);
    const ids = ['urn:example:gms-catalogue:dataset:rd-wgs-gmck', 'urn:example:gms-catalogue:dataset:gms560-nsclc-stockholm'];
    await expectSearchUnavailable(ids[0]!);
    for (const [i, id] of ids.entries()) {
      const { data } = await catalogue.gql(UPDATE, { id, v: 1, input: { keywords: [`outage-${i}`], description: `${titles[i]} — written during the outage` } }, token);
      expect(data?.updateDataset.userErrors).toEqual([]);
    }
    // The indexer tries, fails and keeps the events for a later attempt.
    await catalogue.indexer.runOnce();
    expect(await catalogue.indexer.pendingCount()).toBeGreaterThanOrEqual(2);
    const failures = await catalogue.orm.em
      .getConnection()
      .execute<{ attempts: number; last_error: string | null }[]>('select attempts, last_error from outbox_event');
    expect(failures.every((f) => f.attempts >= 1 && !!f.last_error)).toBe(true);

    await node('start');
    const deadline = Date.now() + 60_000;
    while ((await catalogue.indexer.pendingCount()) > 0 && Date.now() < deadline) {
      await catalogue.indexer.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await catalogue.indexer.pendingCount()).toBe(0);
    // Indexed batches become searchable with the next refresh; do not wait for the periodic one.
    await catalogue.search.refresh();
    expect(await indexState()).toEqual(await postgresState());
    const { data } = await catalogue.gql('{ datasets(query: "outage") { edges { node { identifier } } } }');
    expect(data?.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier).sort()).toEqual([...ids].sort());
  }, 300_000);

  it('answers searches SEARCH_UNAVAILABLE within 2 s while Elasticsearch hangs, without retrying, and indexes what was written once it answers again', async () => {
    const pid = Number((await readFile(PID_FILE, 'utf8')).trim());
    const token = await catalogue.token('data_manager', [STOCKHOLM]);
    const id = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
    const [{ version }] = await catalogue.orm.em.getConnection().execute<{ version: number }[]>('select version from dataset where identifier = ?', [id]);
    // A node that accepts connections but answers nothing: a long GC pause, a saturated or partitioned node.
    process.kill(pid, 'SIGSTOP');
    try {
      await expectSearchUnavailable(id);
      const { data } = await catalogue.gql(UPDATE, { id, v: version, input: { keywords: ['hung7x'] } }, token);
      expect(data?.updateDataset.userErrors).toEqual([]);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const deadline = Date.now() + 60_000;
    while ((await catalogue.indexer.pendingCount()) > 0 && Date.now() < deadline) {
      await catalogue.indexer.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await catalogue.search.refresh();
    const { data } = await catalogue.gql('{ datasets(query: "hung7x") { edges { node { identifier } } } }');
    expect(data?.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier)).toEqual([id]);
  }, 300_000);
});
