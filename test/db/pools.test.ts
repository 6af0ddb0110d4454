import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { openOrm } from '../../src/db/orm.js';
import { createPool } from '../../src/db/pools.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { createTestDatabase } from '../support/database.js';

/**
 * Issue 9: one idle connection of the search pool terminated by the server crashed the API. Here every
 * backend of the API's database is terminated (the ORM pool and the PostgreSQL search engine's pool), as
 * pg_terminate_backend, an idle timeout or a failover would; the API must stay up and answer correctly.
 */
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const READ = `query($id: ID!) {
  dataset(id: $id) { title version }
  datasets(query: "leukaemia", first: 50) { totalCount edges { node { identifier } } }
}`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { message } } }`;

describe('pool connections terminated by the server', () => {
  let catalogue: TestCatalogue;
  let admin: pg.Client;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    catalogue.indexer.start();
    admin = new pg.Client({ connectionString: catalogue.db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await catalogue?.stop();
  });

  it('leave the API up, answering reads, searches and writes correctly within seconds', async () => {
    const token = await catalogue.token('data_manager', [STOCKHOLM]);
    const [dataset] = await catalogue.orm.em.getConnection().execute<{ identifier: string; title: string }[]>(
      `select d.identifier, d.title from dataset d join organisation o on o.id = d.owner_organisation_id where o.identifier = ? and d.status = 'PUBLISHED' limit 1`,
      [STOCKHOLM],
    );
    // Warm both pools, so they hold idle connections to terminate.
    const before = await Promise.all([1, 2, 3].map(() => catalogue.gql(READ, { id: dataset!.identifier })));
    const expected = before[0]!.data!;

    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) as terminated from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    expect(rows.filter((row) => row.terminated).length).toBeGreaterThanOrEqual(2);

    const answers: { status: number; code?: unknown }[] = [];
    const deadline = Date.now() + 10_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      const read = await catalogue.gql(READ, { id: dataset!.identifier });
      answers.push({ status: read.status, code: read.errors?.[0]?.extensions?.code });
      recovered = read.status === 200 && JSON.stringify(read.data) === JSON.stringify(expected);
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toBe(true);
    // Whatever failed on the way was an honest "unavailable", never a crash or an internal error.
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 503 && a.code === 'DATABASE_UNAVAILABLE')).toBe(true);

    const write = await catalogue.gql(UPDATE, { id: dataset!.identifier, v: expected.dataset.version, input: { keywords: ['reconnected9x7'] } }, token);
    expect(write.data?.updateDataset.userErrors).toEqual([]);
    // The indexer, on the same pools, indexes the write.
    const indexed = Date.now() + 10_000;
    let found: string[] = [];
    while (found.length === 0 && Date.now() < indexed) {
      const search = await catalogue.gql('{ datasets(query: "reconnected9x7") { edges { node { identifier } } } }');
      found = (search.data?.datasets.edges ?? []).map((e: { node: { identifier: string } }) => e.node.identifier);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(found).toEqual([dataset!.identifier]);
  }, 60_000);
});

describe('a broken pool connection in the log', () => {
  it('is one line at level error naming the pool and giving the server\'s reason, never the connection string', async () => {
    const db = await createTestDatabase();
    const url = new URL(db.url);
    // The server trusts the test's connections: a password it ignores stands for an operator's.
    if (!url.password) url.password = 's3cret-pw';
    const logged: string[] = [];
    const log = createLogger('json', (line) => logged.push(line));
    const search = createPool({ connectionString: url.href, max: 2, name: 'search', log });
    const orm = await openOrm({ databaseUrl: url.href, log });
    const admin = new pg.Client({ connectionString: db.url });
    try {
      // One connection of the search pool checked out, one idle, and the ORM's idle one.
      const held = await search.connect();
      await search.query('select 1');
      await orm.em.getConnection().execute('select 1');
      await admin.connect();
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      const deadline = Date.now() + 5_000;
      while (logged.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      held.release();
      const failure = (pool: string) => ({ time: expect.any(String), level: 'error', msg: 'PostgreSQL connection error: terminating connection due to administrator command', pool });
      const lines = logged.map((line) => JSON.parse(line) as { pool: string }).sort((a, b) => a.pool.localeCompare(b.pool));
      expect(lines).toEqual([failure('orm'), failure('search'), failure('search')]);
      expect(logged.join('\n')).not.toContain(url.password);
    } finally {
      await admin.end();
      await search.end();
      await orm.close();
      await db.drop();
    }
  });
});
