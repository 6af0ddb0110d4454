import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backUp, BackupRefused, catalogueTables, restoreBackup } from '../../src/db/backup.js';
import { connectOrm } from '../../src/db/orm.js';
import { PostgresSearchEngine } from '../../src/search/postgres/postgres-engine.js';
import { OutboxIndexer } from '../../src/search/indexer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const GMS = 'urn:example:gms-catalogue:org:gms';

let catalogue: TestCatalogue;
let backup: Buffer;
const databases: TestDatabase[] = [];

/** Each table's rows as text in a fixed order: equal when the tables hold the same rows, to the last value. */
async function contents(url: string, tables: string[]): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: Record<string, string> = {};
    for (const table of tables) {
      const { rows } = await client.query(`select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest from "${table}" t`);
      result[table] = `${rows[0].n} rows ${rows[0].digest}`;
    }
    return result;
  } finally {
    await client.end();
  }
}

async function takeBackup(url: string): Promise<Buffer> {
  const tables = catalogueTables(catalogue.orm);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await backUp(client, tables, out);
    await finished(out);
    return Buffer.concat(chunks);
  } finally {
    await client.end();
  }
}

/** Restores `file` into a new database; returns the database, and the refusal or failure if any. */
async function restoreInto(file: Buffer, database?: TestDatabase): Promise<{ database: TestDatabase; failure: Error | null }> {
  database ??= await createTestDatabase();
  databases.push(database);
  const orm = await connectOrm({ databaseUrl: database.url });
  try {
    await restoreBackup(orm, Readable.from([file]));
    return { database, failure: null };
  } catch (error) {
    return { database, failure: error as Error };
  } finally {
    await orm.close();
  }
}

async function rowsIn(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`select
      (select count(*) from information_schema.tables where table_schema = 'public' and table_name = 'dataset')::int as has_table`);
    if (rows[0].has_table === 0) return 0;
    const counted = await client.query(`select (select count(*) from organisation) + (select count(*) from dataset) + (select count(*) from audit_entry) as n`);
    return Number(counted.rows[0].n);
  } finally {
    await client.end();
  }
}

/** The backup's text, edited, and compressed again. */
function edited(file: Buffer, edit: (text: string) => string): Buffer {
  return gzipSync(Buffer.from(edit(gunzipSync(file).toString('utf8')), 'utf8'));
}

function headerOf(file: Buffer): { migrations: string[]; tables: { name: string }[] } {
  return JSON.parse(gunzipSync(file).toString('utf8').split('\n')[1]!);
}

beforeAll(async () => {
  catalogue = await startTestCatalogue();
  const admin = await catalogue.token('admin');
  // Beyond the seed: a draft, a withdrawn dataset with its reason, and the audit entries they leave.
  const drafted = await catalogue.gql(
    `mutation($input: DatasetInput!) { createDataset(input: $input) { userErrors { message } } }`,
    { input: { language: 'sv', title: 'Utkast: helgenom från Skåne', description: 'Ett utkast', publisher: GMS } },
    admin,
  );
  expect(drafted.data!.createDataset.userErrors).toEqual([]);
  const listed = await catalogue.gql(`{ datasets(first: 1, sort: TITLE) { edges { node { id } } } }`);
  const withdrawn = await catalogue.gql(
    `mutation($id: ID!) { withdrawDataset(id: $id, reason: "Consent withdrawn by the cohort") { userErrors { message } } }`,
    { id: listed.data!.datasets.edges[0].node.id },
    admin,
  );
  expect(withdrawn.data!.withdrawDataset.userErrors).toEqual([]);
  await catalogue.indexer.drain();
  backup = await takeBackup(catalogue.db.url);
}, 180_000);

afterAll(async () => {
  await catalogue?.stop();
  for (const database of databases) await database.drop();
});

describe('gdcat backup and restore', () => {
  it('restores every row of every table it holds exactly, times and ids included, and queues every dataset for indexing', async () => {
    const tables = headerOf(backup).tables.map((table) => table.name);
    expect(tables).toEqual(expect.arrayContaining(['organisation', 'dataset', 'consent_scope', 'access_route', 'audit_entry', 'harvest_source']));
    // Parents before the tables that name them.
    expect(tables.indexOf('organisation')).toBeLessThan(tables.indexOf('dataset'));
    expect(tables.indexOf('dataset')).toBeLessThan(tables.indexOf('distribution'));

    const { database, failure } = await restoreInto(backup);
    expect(failure).toBeNull();
    expect(await contents(database.url, tables)).toEqual(await contents(catalogue.db.url, tables));

    // Queued and indexed on the restored database, searches answer as on the original.
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const orm = await connectOrm({ databaseUrl: database.url });
    const engine = new PostgresSearchEngine({ pool });
    try {
      await engine.init();
      await new OutboxIndexer(orm, engine, { batchSize: 100 }).drain();
      const search = (query: string | null) =>
        engine.search({ query, filter: {}, visibility: { allStatusesForOwners: 'ALL' }, sort: 'RELEVANCE', first: 5, facets: [], individuals: { kind: 'EXACT' } });
      const original = (query: string | null) =>
        catalogue.search.search({ query, filter: {}, visibility: { allStatusesForOwners: 'ALL' }, sort: 'RELEVANCE', first: 5, facets: [], individuals: { kind: 'EXACT' } });
      for (const query of [null, 'genome', 'helgenom']) expect((await search(query)).totalCount).toBe((await original(query)).totalCount);
      expect((await search(null)).totalCount).toBeGreaterThanOrEqual(17);
    } finally {
      await engine.close();
      await orm.close();
    }

    // New writes continue after the restored ids (the audit log's sequence).
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(`select (select max(id) from audit_entry) as restored, nextval(pg_get_serial_sequence('audit_entry', 'id')) as next`);
    await client.end();
    expect(Number(rows[0].next)).toBe(Number(rows[0].restored) + 1);
  }, 120_000);

  it('refuses a catalogue that holds rows, and leaves it as it was', async () => {
    const before = await rowsIn(catalogue.db.url);
    const orm = await connectOrm({ databaseUrl: catalogue.db.url });
    try {
      await expect(restoreBackup(orm, Readable.from([backup]))).rejects.toThrow(/restored into an empty catalogue; this one holds rows in .*organisation/);
    } finally {
      await orm.close();
    }
    expect(await rowsIn(catalogue.db.url)).toBe(before);
  });

  it('leaves no row behind when the file is cut off, a table is short of rows, or its rows do not fit', async () => {
    const cutOff = await restoreInto(backup.subarray(0, Math.floor(backup.length * 0.6)));
    expect(cutOff.failure).toBeInstanceOf(Error);
    expect(await rowsIn(cutOff.database.url)).toBe(0);

    const shortOfRows = await restoreInto(edited(backup, (text) => {
      const lines = text.split('\n');
      const section = lines.findIndex((line) => line.startsWith('{"table":"dataset",'));
      lines.splice(section + 1, 1);
      return lines.join('\n');
    }));
    expect(shortOfRows.failure).toBeInstanceOf(BackupRefused);
    expect(shortOfRows.failure!.message).toMatch(/damaged: \d+ rows of dataset read where it says \d+/);
    expect(await rowsIn(shortOfRows.database.url)).toBe(0);

    // The first organisation's id changes: the rows naming it name nothing, and the foreign keys refuse them.
    const broken = await restoreInto(edited(backup, (text) => text.replace(/\n([0-9a-f-]{36})\t/g, (match, id: string, offset: number) =>
      offset === text.indexOf('\n', text.indexOf('{"table":"organisation",')) ? `\n${id.replace(/^./, id[0] === 'f' ? 'e' : 'f')}\t` : match)));
    expect(broken.failure!.message).toMatch(/foreign key/);
    expect(await rowsIn(broken.database.url)).toBe(0);
  }, 120_000);

  it('refuses a backup of a newer schema, and files that are not backups, before changing the database', async () => {
    const newer = edited(backup, (text) => text.replace('"migrations":[', '"migrations":["Migration20991231000000_from_the_future",'));
    const fromTheFuture = await restoreInto(newer);
    expect(fromTheFuture.failure).toBeInstanceOf(BackupRefused);
    expect(fromTheFuture.failure!.message).toMatch(/made by a newer gdcat .*Migration20991231000000_from_the_future/);

    const notGzip = await restoreInto(Buffer.from('id,title\n1,a catalogue as CSV\n'));
    expect(notGzip.failure).toBeInstanceOf(BackupRefused);
    expect(notGzip.failure!.message).toMatch(/^not a gdcat backup/);

    const otherGzip = await restoreInto(gzipSync('{"datasets": []}\n'));
    expect(otherGzip.failure!.message).toBe('not a gdcat backup');

    for (const refused of [fromTheFuture, notGzip, otherGzip]) {
      const client = new pg.Client({ connectionString: refused.database.url });
      await client.connect();
      const { rows } = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
      await client.end();
      expect(rows[0].n).toBe(0);
    }
  }, 120_000);
});
