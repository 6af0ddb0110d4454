import { Client } from '@elastic/elasticsearch';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../src/auth/tokens.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';
import { startGdcat, stopGdcat, type Gdcat } from '../support/gdcat-process.js';

/**
 * The scale-out story, run for real: two API processes (`gdcat serve` with INDEXER=separate) and one
 * `gdcat indexer` process, built CLI (scripts/test.sh builds first), against one PostgreSQL and one
 * Elasticsearch.
 */
const url = elasticsearchForTests();
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { message } } }`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { dataset { status } userErrors { message } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { message } } }`;
const SEARCHES = [
  '{ datasets(first: 100, sort: TITLE) { totalCount edges { cursor node { identifier title } } facets { field buckets { value count } } } }',
  '{ datasets(query: "scale-out epilepsy", first: 50) { totalCount edges { cursor node { identifier } } } }',
  '{ datasets(first: 30, filter: { assay: [WGS] }, sort: MODIFIED_DESC) { totalCount edges { node { identifier } } facets { field buckets { value count } } } }',
];

function input(n: number) {
  return {
    identifier: `urn:test:scale-out:${n}`,
    title: `Scale-out epilepsy WGS cohort ${n}`,
    description: 'Written through one of two API processes.',
    publisher: STOCKHOLM,
    dataHolders: [STOCKHOLM],
    diagnosticArea: 'RARE_DISEASES',
    cohort: {
      numberOfUniqueIndividuals: 100 + n,
      diseases: [{ iri: 'http://purl.obolibrary.org/obo/MONDO_0005027', label: 'epilepsy', system: 'MONDO' }],
      phenotypes: [],
      sampleTypes: ['blood'],
      variantTypes: ['SNV'],
      sequencing: { assays: ['WGS'] },
      genomeBuild: { name: 'GRCh38' },
    },
    consent: { duoPermission: 'HMB', duoModifiers: [] },
    accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', accessBody: 'urn:example:gms-catalogue:dab:stockholm', steps: [] },
    hdab: 'urn:example:gms-catalogue:dab:se-hdab',
    distributions: [{ title: 'VCF in the regional SPE', formats: [{ label: 'VCF' }] }],
  };
}

describe.skipIf(!url)('scale-out: two API processes and a separate indexer', () => {
  let db: TestDatabase;
  let stateDir: string;
  let indexPrefix: string;
  const apis: { gdcat: Gdcat; url: string }[] = [];
  let indexer: Gdcat | undefined;
  let sql: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    stateDir = await mkdtemp(path.join(tmpdir(), 'gdcat-scale-out-'));
    indexPrefix = uniqueIndexPrefix('scale-out');
    const env = { DATABASE_URL: db.url, ELASTICSEARCH_URL: url, ELASTICSEARCH_INDEX_PREFIX: indexPrefix, INDEXER: 'separate', GDCAT_STATE_DIR: stateDir, AUTH_MODE: 'dev' };
    // The first API seeds the empty catalogue (and creates the dev signing key both verify with).
    for (const seed of ['true', 'false']) {
      const port = await freePort();
      const gdcat = await startGdcat('serve', { ...env, PORT: String(port), SEED_WHEN_EMPTY: seed }, /listening on/);
      apis.push({ gdcat, url: `http://127.0.0.1:${port}` });
    }
    indexer = await startGdcat('indexer', env, /indexer running/);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...apis.map((api) => stopGdcat(api.gdcat)), stopGdcat(indexer)]);
    await sql?.end();
    const admin = new Client({ node: url! });
    await admin.indices.delete({ index: `${indexPrefix}-datasets-*`, allow_no_indices: true }).finally(() => admin.close());
    await db?.drop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  async function gql(api: number, query: string, variables?: Record<string, unknown>, token?: string) {
    const response = await fetch(`${apis[api]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(body.errors).toBeUndefined();
    return body.data!;
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('indexes writes through either API exactly once, and both APIs answer searches identically', async () => {
    const token = await mintDevToken({ mode: 'dev', devKeyFile: path.join(stateDir, 'dev-signing-key.json') }, { role: 'data_manager', orgs: [STOCKHOLM] });

    // Each dataset is created through one API and published (then edited) through the other.
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) {
      const created = (await gql(n % 2, CREATE, { input: input(n) }, token)).createDataset;
      expect(created.userErrors).toEqual([]);
      ids.push(created.dataset.id);
      expect((await gql((n + 1) % 2, PUBLISH, { id: created.dataset.id }, token)).publishDataset.userErrors).toEqual([]);
    }
    expect((await gql(1, UPDATE, { id: ids[0], v: 2, input: { keywords: ['zanzibarium'] } }, token)).updateDataset.userErrors).toEqual([]);

    // Only the indexer process indexes: the APIs report what is pending and the indexer clears it.
    await until(async () => (await (await fetch(`${apis[0]!.url}/readyz`)).json()) as { indexing: { pendingOutboxEvents: number } }, (r) => r.indexing.pendingOutboxEvents === 0, 'the indexer to drain');
    // No event failed: none is pending, and no settled batch had failed attempts before it indexed.
    const { rows: events } = await sql.query<{ pending: string; failed: string }>(
      `select (select count(*) from outbox_event) as pending, (select coalesce(sum(failed_attempts), 0) from outbox_settled) as failed`,
    );
    expect(events[0]).toEqual({ pending: '0', failed: '0' });

    // Searches through either API see the writes (within the index's refresh interval) and agree exactly.
    await until(async () => (await gql(0, '{ datasets(query: "zanzibarium") { totalCount } }')).datasets.totalCount, (n) => n === 1, 'the edit to be searchable');
    const { rows: published } = await sql.query<{ n: string }>(`select count(*) as n from dataset where status = 'PUBLISHED'`);
    await until(async () => (await gql(1, '{ datasets(first: 0) { totalCount } }')).datasets.totalCount, (n) => n === Number(published[0]!.n), 'every published dataset');
    for (const query of SEARCHES) expect(await gql(1, query)).toEqual(await gql(0, query));

    // Exactly once: every batch that claimed a dataset's events wrote its document once, so each document's
    // Elasticsearch version equals the number of settled batches (one outbox_settled row each) that indexed
    // it; a second indexer claiming the same events would push it higher.
    const { rows: batches } = await sql.query<{ id: string; batches: string }>(
      `select aggregate_id as id, count(*) as batches from outbox_settled, unnest(aggregate_ids) as aggregate_id group by aggregate_id`,
    );
    const admin = new Client({ node: url! });
    try {
      const { docs } = await admin.mget({ index: `${indexPrefix}-datasets`, ids: batches.map((b) => b.id), _source: false });
      const versions = new Map(docs.map((doc) => [doc._id, 'found' in doc && doc.found ? doc._version : 0]));
      for (const { id, batches: count } of batches) expect({ id, version: versions.get(id) }).toEqual({ id, version: Number(count) });
    } finally {
      await admin.close();
    }
  }, 120_000);
});
