import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../src/auth/tokens.js';
import { configFromEnv, type AppConfig } from '../../src/config.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { openDatabase } from '../../src/db/open-database.js';
import { startCatalogue, startIndexer, type RunningCatalogue } from '../../src/http/catalogue-server.js';
import { seedExampleCatalogue } from '../../seed/example-catalogue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteTestIndices, elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

/**
 * Elasticsearch cannot be reached when the catalogue starts (an outage, or the node starts later): the catalogue
 * starts all the same, serves everything but searches, and sets the index up once the node answers. The node
 * "comes up" as a TCP relay opened on the address the catalogue was given, to the run's real Elasticsearch.
 */
const elasticsearchUrl = elasticsearchForTests();
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const DATASET = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { code message } }
}`;

/** Relays connections on a loopback port to the real node, as if Elasticsearch had started there. */
async function relayTo(target: string, port: number): Promise<{ close(): Promise<void> }> {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(targetPort), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!elasticsearchUrl)('a start while Elasticsearch cannot be reached', () => {
  let db: TestDatabase;
  let stateDir: string;
  const prefixes: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-es-unreachable-'));
    // Migrated and seeded beforehand, so each test starts on the catalogue alone.
    const { orm } = await openDatabase({ ...configFromEnv({ DATABASE_URL: db.url }), stateDir }, () => undefined);
    await seedExampleCatalogue(orm.em.fork());
    await orm.close();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    for (const prefix of prefixes) await deleteTestIndices(elasticsearchUrl!, prefix);
    await db?.drop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  /** The configuration `gdcat serve` / `gdcat indexer` would read, with Elasticsearch at `esUrl`. */
  async function configFor(esUrl: string, label: string, extra: Record<string, string> = {}): Promise<AppConfig> {
    const indexPrefix = uniqueIndexPrefix(label);
    prefixes.push(indexPrefix);
    const env = { DATABASE_URL: db.url, PORT: String(await freePort()), ELASTICSEARCH_URL: esUrl, ELASTICSEARCH_INDEX_PREFIX: indexPrefix, HARVEST_SCHEDULER: 'off', ...extra };
    return { ...configFromEnv(env), stateDir, auth: { mode: 'dev', devKeyFile: path.join(stateDir, 'dev-key.json') } };
  }

  it('serves reads by id, writes and DCAT, answers searches SEARCH_UNAVAILABLE, and searches find the writes once the node answers', async () => {
    const port = await freePort();
    const config = await configFor(`http://127.0.0.1:${port}`, 'unreachable');
    const log: string[] = [];
    const catalogue: RunningCatalogue = await startCatalogue(config, (line) => log.push(line));
    closers.push(() => catalogue.stop());
    const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const response = await fetch(`${catalogue.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as { data?: Record<string, any>; errors?: { extensions?: { code?: string } }[] }) }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    expect(log.filter((line) => line.includes('cannot be reached'))).toEqual([
      expect.stringMatching(new RegExp(`^search engine elasticsearch at http://127\\.0\\.0\\.1:${port} cannot be reached \\(.*ECONNREFUSED.*\\): .*retrying`)),
    ]);
    expect((await fetch(`${catalogue.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${catalogue.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      status: 'unavailable',
      database: { up: true },
      search: { engine: 'elasticsearch', up: false, error: expect.stringMatching(/index not set up yet \(.*ECONNREFUSED.*\); retrying/) },
    });
    const search = await gql('{ datasets(query: "unreachable7q") { totalCount } }');
    expect(search.status).toBe(503);
    expect(search.errors?.map((e) => e.extensions?.code)).toEqual(['SEARCH_UNAVAILABLE']);

    // A write and the reads that do not need the search engine.
    const token = await mintDevToken(config.auth, { role: 'data_manager', orgs: [STOCKHOLM] });
    const [{ version }] = await catalogue.orm.em.getConnection().execute<{ version: number }[]>('select version from dataset where identifier = ?', [DATASET]);
    const write = await gql(UPDATE, { id: DATASET, v: version, input: { keywords: ['unreachable7q'] } }, token);
    expect(write).toMatchObject({ status: 200, data: { updateDataset: { userErrors: [] } } });
    expect(await gql('query($id: ID!) { dataset(id: $id) { keywords } }', { id: DATASET })).toMatchObject({ status: 200, data: { dataset: { keywords: ['unreachable7q'] } } });
    const rdf = await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(DATASET)}?format=ttl`);
    expect(rdf.status).toBe(200);
    expect(await rdf.text()).toContain('unreachable7q');

    // The node answers: the index is set up in the background and the outbox drained into it.
    const relay = await relayTo(elasticsearchUrl!, port);
    closers.push(() => relay.close());
    await until('/readyz to be ready', async () => ((await fetch(`${catalogue.url}/readyz`)).status === 200 ? true : undefined));
    const found = await until('the write to be searchable', async () => {
      const answer = await gql('{ datasets(query: "unreachable7q") { edges { node { identifier } } } }');
      const identifiers = answer.data?.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
      return identifiers?.length ? identifiers : undefined;
    });
    expect(found).toEqual([DATASET]);
    expect(log).toContainEqual(expect.stringMatching(/^search engine elasticsearch at .*: index set up after \d+ attempts$/));
    const [{ total }] = await catalogue.orm.em.getConnection().execute<{ total: string }[]>('select count(*) as total from dataset');
    expect(await until('every dataset to be indexed', async () => {
      const indexed = (await catalogue.search.listIds()).length;
      return indexed === Number(total) ? indexed : undefined;
    })).toBe(Number(total));
  }, 180_000);

  it('gdcat indexer starts too, and indexes the catalogue into the index it sets up once the node answers', async () => {
    const port = await freePort();
    const config = await configFor(`http://127.0.0.1:${port}`, 'unreachable-indexer');
    const log: string[] = [];
    const indexer = await startIndexer(config, (line) => log.push(line));
    closers.push(() => indexer.stop());
    expect(log).toContainEqual(expect.stringMatching(/cannot be reached .*ECONNREFUSED/));
    const relay = await relayTo(elasticsearchUrl!, port);
    closers.push(() => relay.close());
    const alias = `${config.elasticsearchIndexPrefix}-datasets`;
    const count = await until('the catalogue to be indexed', async () => {
      const response = await fetch(`${elasticsearchUrl}/${alias}/_count`);
      if (!response.ok) return undefined;
      const { count } = (await response.json()) as { count: number };
      return count > 0 ? count : undefined;
    });
    expect(count).toBeGreaterThan(10);
    expect(log).toContainEqual(expect.stringMatching(/: queued all \d+ for indexing$/));
  }, 180_000);

  it('a start that Elasticsearch answers with a refusal (the alias name taken by an index) stops with the reason', async () => {
    const config = await configFor(elasticsearchUrl!, 'taken-alias');
    const created = await fetch(`${elasticsearchUrl}/${config.elasticsearchIndexPrefix}-datasets`, { method: 'PUT' });
    expect(created.status).toBe(200);
    await expect(startCatalogue(config, () => undefined)).rejects.toThrow(
      new RegExp(`^could not set up the search index on elasticsearch at ${elasticsearchUrl!.replace(/[.]/g, '\\.')}: Elasticsearch create index failed \\(HTTP 400\\): invalid_alias_name_exception`),
    );
  }, 60_000);
});
