import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../src/auth/tokens.js';
import { configFromEnv, type AppConfig } from '../../src/config.js';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';
import { startCatalogue, type RunningCatalogue } from '../../src/http/catalogue-server.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';
import { startGdcat, stopGdcat, type Gdcat } from '../support/gdcat-process.js';

/**
 * PostgreSQL stopped and started again under a running API (issue 9: /healthz stayed 200 while everything
 * failed, and nothing recovered without a restart). The server is a private embedded PostgreSQL started and
 * stopped here, never the machine's.
 */
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id identifier } userErrors { message } } }`;

interface Answer {
  status: number;
  retryAfter: string | null;
  requestId: string | null;
  body: { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string; requestId?: string } }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

const es = elasticsearchForTests();
// Issue 9 measured it under the Elasticsearch engine: searches there need PostgreSQL for the hits too.
const ENGINES = [
  { engine: 'postgres', url: '' },
  { engine: 'elasticsearch', url: es },
] as const;

describe.each(ENGINES)('PostgreSQL stopped and restarted while the API runs (search on $engine)', ({ engine, url }) => {
  const stateDir = path.resolve('.cache', `test-database-outage-${engine}-${process.pid}`);
  const indexPrefix = uniqueIndexPrefix('db-outage');
  const dataDir = path.join(stateDir, 'pg');
  let postgres: EmbeddedDatabase | undefined;
  let port: number;
  let catalogue: RunningCatalogue;
  let config: AppConfig;
  const log: string[] = [];

  beforeAll(async () => {
    if (url === undefined) return;
    // As root the server runs as the postgres user, which must be able to enter the directory.
    await mkdir(stateDir, { recursive: true });
    await chmod(stateDir, 0o755);
    port = await freePort();
    postgres = await startEmbeddedPostgres({ dataDir, port });
    const env = { ...process.env, PORT: String(await freePort()), DATABASE_URL: postgres.url, ELASTICSEARCH_URL: url, ELASTICSEARCH_INDEX_PREFIX: indexPrefix, INDEXER: 'in-process' };
    config = { ...configFromEnv(env), stateDir, auth: { mode: 'dev', devKeyFile: path.join(stateDir, 'dev-key.json') } };
    catalogue = await startCatalogue(config, (line) => log.push(line));
  }, 180_000);

  afterAll(async () => {
    if (url) await fetch(`${url}/${indexPrefix}-datasets-*`, { method: 'DELETE' }).catch(() => undefined);
    await catalogue?.stop();
    await postgres?.stop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  async function post(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Answer> {
    const response = await fetch(`${catalogue.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), requestId: response.headers.get('x-request-id'), body: JSON.parse(text), text };
  }

  async function probe(pathName: '/healthz' | '/readyz'): Promise<{ status: number; body: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${catalogue.url}${pathName}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  function expectUnavailable(answer: Answer): void {
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('5');
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toContain('DATABASE_UNAVAILABLE');
    // The client can quote the request id, and the operator finds the failure by it.
    expect(answer.body.errors?.map((e) => e.extensions?.requestId)).toContain(answer.requestId);
    expect(log.some((line) => line.startsWith('DATABASE_UNAVAILABLE: ') && line.includes(`requestId=${answer.requestId}`))).toBe(true);
    expect(answer.text).not.toMatch(/\bat .*\.(js|ts):\d+|ECONNREFUSED|\/work\//);
  }

  it.skipIf(url === undefined)('answers 503 DATABASE_UNAVAILABLE, says so on /healthz and /readyz, recovers by itself and loses no acknowledged write', async () => {
    const token = await mintDevToken(config.auth, { role: 'data_manager', orgs: [STOCKHOLM] });
    const [{ identifier: known }] = (await post('{ datasets(first: 1) { edges { node { identifier } } } }')).body.data!.datasets.edges.map((e: { node: unknown }) => e.node);
    expect((await probe('/healthz')).status).toBe(200);

    // Editors keep saving throughout: every write is either acknowledged or refused as unavailable.
    const acknowledged: string[] = [];
    const refused: Answer[] = [];
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n += 1) {
        const identifier = `urn:test:outage:${n}`;
        const answer = await post(CREATE, { input: { identifier, title: `Outage cohort ${n}`, publisher: STOCKHOLM, keywords: ['outage7x'] } }, token).catch(
          (error: Error): Answer => ({ status: 0, retryAfter: null, requestId: null, body: {}, text: error.message }),
        );
        if (answer.status === 200 && answer.body.data?.createDataset.dataset?.identifier === identifier) acknowledged.push(identifier);
        else refused.push(answer);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    await postgres!.stop();
    postgres = undefined;
    const down = Date.now();
    expectUnavailable(await post('query($id: ID!) { dataset(id: $id) { title } }', { id: known }));
    expectUnavailable(await post('{ datasets(query: "leukaemia") { totalCount edges { node { title } } facets { field buckets { label count } } } }'));
    expectUnavailable(await post(CREATE, { input: { title: 'During the outage', publisher: STOCKHOLM } }, token));
    const harvest = await fetch(`${catalogue.url}/dcat/catalog`, { headers: { accept: 'text/turtle' } });
    expect(harvest.status).toBe(503);
    expect(harvest.headers.get('retry-after')).toBe('5');
    expect(await harvest.json()).toMatchObject({ errors: [{ extensions: { code: 'DATABASE_UNAVAILABLE', requestId: harvest.headers.get('x-request-id') } }] });
    // A landing page still gives a browser the application (which says the catalogue cannot be reached); crawlers are told to come back.
    const landing = await fetch(`${catalogue.url}/datasets/${encodeURIComponent(known)}`);
    expect(landing.status).toBe(503);
    expect(landing.headers.get('retry-after')).toBe('5');
    expect(await landing.text()).toContain('<div id="app">');
    const health = await probe('/healthz');
    expect(health).toMatchObject({ status: 503, body: { status: 'unavailable', database: { up: false } } });
    const ready = await probe('/readyz');
    // The PostgreSQL engine is down with the database; Elasticsearch is up, but every answer needs the database.
    expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', database: { up: false }, search: { engine, up: engine === 'elasticsearch' } } });
    expect(Date.now() - down).toBeLessThan(15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    postgres = await startEmbeddedPostgres({ dataDir, port });
    const deadline = Date.now() + 30_000;
    while ((await probe('/healthz')).status !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await probe('/healthz')).body).toEqual({ status: 'ok', database: { up: true } });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    writing = false;
    await writer;

    expect((await probe('/readyz')).status).toBe(200);
    expect((await post('query($id: ID!) { dataset(id: $id) { identifier } }', { id: known })).body.data!.dataset.identifier).toBe(known);
    // Writes went through before, were refused honestly during, and went through again after the outage.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((answer) => answer.status === 503 && answer.body.errors?.[0]?.extensions?.code === 'DATABASE_UNAVAILABLE')).toBe(true);
    expect(acknowledged.length).toBeGreaterThan(1);
    // Every acknowledged write is there: stored, and indexed by the indexer that lived through the outage.
    const indexed = async () => {
      const search = await post(`{ datasets(query: "outage7x", first: 100) { edges { node { identifier } } } }`, {}, token);
      return new Set<string>(search.body.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier));
    };
    const deadlineIndexed = Date.now() + 20_000;
    let found = await indexed();
    while (acknowledged.some((id) => !found.has(id)) && Date.now() < deadlineIndexed) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      found = await indexed();
    }
    expect(acknowledged.filter((id) => !found.has(id))).toEqual([]);
    for (const id of acknowledged) {
      expect((await post('query($id: ID!) { dataset(id: $id) { identifier } }', { id }, token)).body.data!.dataset?.identifier).toBe(id);
    }
    // No connection broken by the outage stays checked out of the ORM's pool (each would hold a slot forever).
    const pool = await (catalogue.orm.em.getConnection() as unknown as { getNativeClient(): Promise<{ totalCount: number; idleCount: number }> }).getNativeClient();
    const settled = Date.now() + 10_000;
    while (pool.totalCount !== pool.idleCount && Date.now() < settled) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pool.totalCount - pool.idleCount).toBe(0);
    console.info(`database outage (${engine}): ${acknowledged.length} writes acknowledged (all stored and indexed), ${refused.length} refused with 503 DATABASE_UNAVAILABLE`);
  }, 180_000);
});

describe('a separate gdcat indexer through a PostgreSQL restart', () => {
  const stateDir = path.resolve('.cache', `test-database-outage-indexer-${process.pid}`);
  const dataDir = path.join(stateDir, 'pg');
  let postgres: EmbeddedDatabase | undefined;
  let catalogue: RunningCatalogue;
  let indexer: Gdcat | undefined;

  beforeAll(async () => {
    await mkdir(stateDir, { recursive: true });
    await chmod(stateDir, 0o755);
    const port = await freePort();
    postgres = await startEmbeddedPostgres({ dataDir, port });
    const env = { ...process.env, PORT: String(await freePort()), DATABASE_URL: postgres.url, ELASTICSEARCH_URL: '', INDEXER: 'separate' };
    catalogue = await startCatalogue({ ...configFromEnv(env), stateDir, auth: { mode: 'dev', devKeyFile: path.join(stateDir, 'dev-key.json') } }, () => undefined);
    indexer = await startGdcat('indexer', { DATABASE_URL: postgres.url, ELASTICSEARCH_URL: '', GDCAT_STATE_DIR: stateDir }, /indexer running/);
  }, 180_000);

  afterAll(async () => {
    await stopGdcat(indexer);
    await catalogue?.stop();
    await postgres?.stop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('keeps running and indexes writes made after the restart without being restarted itself', async () => {
    const url = postgres!.url;
    const port = Number(new URL(url).port);
    await postgres!.stop();
    postgres = undefined;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(indexer!.process.exitCode).toBeNull();
    postgres = await startEmbeddedPostgres({ dataDir, port });

    const token = await mintDevToken({ mode: 'dev', devKeyFile: path.join(stateDir, 'dev-key.json') }, { role: 'data_manager', orgs: [STOCKHOLM] });
    const deadline = Date.now() + 30_000;
    let written = false;
    while (!written && Date.now() < deadline) {
      const response = await fetch(`${catalogue.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: CREATE, variables: { input: { identifier: 'urn:test:after-restart', title: 'Written after the restart', publisher: STOCKHOLM, keywords: ['restart5x'] } } }),
      });
      written = response.status === 200 && !!((await response.json()) as { data?: { createDataset?: { dataset?: unknown } } }).data?.createDataset?.dataset;
      if (!written) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(written).toBe(true);
    let found: string[] = [];
    while (found.length === 0 && Date.now() < deadline + 30_000) {
      const response = await fetch(`${catalogue.url}/graphql`, {
        method: 'POST',
        // The new dataset is a draft: only its organisation sees it.
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ datasets(query: "restart5x") { edges { node { identifier } } } }' }),
      });
      const body = (await response.json()) as { data?: { datasets: { edges: { node: { identifier: string } }[] } } };
      found = body.data?.datasets.edges.map((e) => e.node.identifier) ?? [];
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The API indexes nothing itself (INDEXER=separate): the indexer process did.
    expect(found).toEqual(['urn:test:after-restart']);
    expect(indexer!.process.exitCode).toBeNull();
  }, 180_000);
});
