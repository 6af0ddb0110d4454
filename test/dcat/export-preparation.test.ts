import { execFile } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { text as readAll } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { exportCatalogue, type PreparedBatch, prepareDescriptions } from '../../src/dcat/export.js';
import { ExportPreparation } from '../../src/dcat/export-preparation.js';
import { isomorphic, parse } from '../../src/dcat/rdf/parse.js';
import { OutboxIndexer } from '../../src/search/indexer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { running, startedThreads } from '../support/worker-threads.js';
import { distinct } from '../support/rdf.js';

const BASE = 'http://gdcat.test';
const NT = 'application/n-triples';
const SARS = 'urn:example:gms-catalogue:dataset:sarscov2-vgr';
/** The lock key of src/dcat/export.ts ("EXPP"). */
const PREPARING_LOCK = 0x45585050;
/** The built CLI: the preparing thread runs the build's code, whose descriptions only the build's export copies. */
const CLI = path.resolve('dist/src/cli/main.js');
const run = promisify(execFile);

describe('preparing the next export (src/dcat/export-preparation.ts)', () => {
  let catalogue: TestCatalogue;
  let admin: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    admin = await catalogue.token('admin');
  });
  afterAll(() => catalogue?.stop());
  beforeEach(() => sql('truncate stored_dataset_description, stored_node_description'));

  const sql = <T extends object>(text: string, values: unknown[] = []) => catalogue.orm.em.getConnection().execute<T[]>(text, values);
  const published = async () => Number((await sql<{ n: string }>(`select count(*) as n from dataset where status = 'PUBLISHED'`))[0]!.n);
  const storedCounts = async () =>
    Object.fromEntries((await sql<{ format: string; n: string }>('select format, count(*) as n from stored_dataset_description group by format')).map((row) => [row.format, Number(row.n)]));
  const settings = { baseUrl: BASE, smallCountThreshold: 5, format: NT } as const;

  async function exported(): Promise<{ text: string; described: number }> {
    const out = new PassThrough();
    const text = readAll(out);
    const { described } = await exportCatalogue(catalogue.orm, out, { ...settings, batchSize: 4 });
    out.end();
    return { text: await text, described };
  }

  async function renameSars(title: string): Promise<void> {
    const [{ version }] = await sql<{ version: number }>('select version from dataset where identifier = ?', [SARS]);
    const { data, errors } = await catalogue.gql(
      'mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { userErrors { field message } } }',
      { id: SARS, v: version, input: { title } },
      admin,
    );
    expect(errors).toBeUndefined();
    expect(data!.updateDataset.userErrors).toEqual([]);
  }

  /** One round's walk over the ids, a batch of `limit` after another: each batch's count and where it ended. */
  async function walk(limit: number, changedSince: Date | null = null): Promise<PreparedBatch[]> {
    const batches: PreparedBatch[] = [];
    for (let after: string | null = null; batches.length < 20; ) {
      const batch: PreparedBatch = (await prepareDescriptions(catalogue.orm, settings, limit, after, changedSince))!;
      batches.push(batch);
      if (batch.last === null) break;
      after = batch.last;
    }
    return batches;
  }
  const ids = async () => (await sql<{ id: string }>(`select id from dataset where status = 'PUBLISHED' order by id`)).map((row) => row.id);

  it('walks the ids once, describing the stale descriptions a batch at a time; the export then copies them all, to the same graph', async () => {
    const batches = await walk(4);
    const total = await published();
    const every = await ids();
    // Each batch ends at the last of the 4 datasets it found, the walk after the last dataset.
    expect(batches.map((batch) => batch.last)).toEqual([...every.filter((_, index) => index % 4 === 3 || index === every.length - 1), null]);
    expect(batches.map((batch) => batch.described)).toEqual([...Array.from({ length: Math.ceil(total / 4) }, (_, index) => Math.min(4, total - 4 * index)), 0]);
    expect(await storedCounts()).toEqual({ [NT]: total });

    const prepared = await exported();
    expect(prepared.described).toBe(0);
    await sql('truncate stored_dataset_description, stored_node_description');
    const described = await exported();
    expect(described.described).toBe(total);
    expect(isomorphic(distinct(await parse(prepared.text, NT)), distinct(await parse(described.text, NT)))).toBe(true);
  });

  it('describes again only a dataset changed since it was prepared, and looks only after where the walk is', async () => {
    await walk(100);
    await renameSars('SARS-CoV-2 genomes, Västra Götaland (prepared again)');
    const [{ id: sars }] = await sql<{ id: string }>('select id from dataset where identifier = ?', [SARS]);
    expect(await prepareDescriptions(catalogue.orm, settings, 100, sars, null)).toEqual({ described: 0, last: null });
    expect(await walk(100)).toEqual([{ described: 1, last: sars }, { described: 0, last: null }]);
    const { text, described } = await exported();
    expect(described).toBe(0);
    expect(text).toContain('SARS-CoV-2 genomes, Västra Götaland (prepared again)');
  });

  it('looks only at the datasets changed here since an instant when told one, as incremental harvests find them', async () => {
    await walk(100);
    const [{ now }] = await sql<{ now: Date }>('select now() as now');
    // Stale without a change here (its stored description gone): not among the datasets changed since.
    await sql(`delete from stored_dataset_description where dataset_id = (select id from dataset where status = 'PUBLISHED' and identifier <> ? order by id limit 1)`, [SARS]);
    await renameSars('SARS-CoV-2 genomes, Västra Götaland (changed since)');
    const [{ id: sars }] = await sql<{ id: string }>('select id from dataset where identifier = ?', [SARS]);
    expect(await walk(100, now)).toEqual([{ described: 1, last: sars }, { described: 0, last: null }]);
    expect((await walk(100))[0]!.described).toBe(1);
  });

  it('leaves the work to another process preparing at the same time (its lock held): nothing described twice', async () => {
    const other = new pg.Client({ connectionString: catalogue.db.url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock($1)', [PREPARING_LOCK]);
      expect(await prepareDescriptions(catalogue.orm, settings, 100, null, null)).toBeNull();
      expect(await storedCounts()).toEqual({});
      await other.query('select pg_advisory_unlock($1)', [PREPARING_LOCK]);
      expect((await prepareDescriptions(catalogue.orm, settings, 100, null, null))!.described).toBe(await published());
    } finally {
      await other.end();
    }
  });

  it('prepares each format in a thread of its own once indexing is over, and again after the indexer indexes a change', async () => {
    const lines: string[] = [];
    let indexerBusy = true;
    const started = () =>
      new ExportPreparation({
        databaseUrl: catalogue.db.url,
        baseUrl: BASE,
        smallCountThreshold: 5,
        formats: ['text/turtle', NT],
        indexing: () => indexerBusy || indexer.indexing,
        log: createLogger('json', (line) => lines.push((JSON.parse(line) as { msg: string }).msg)),
        delayMs: 10,
      });
    let preparation = started();
    const indexer = new OutboxIndexer(catalogue.orm, catalogue.search, { pollIntervalMs: 100, afterIndexing: () => preparation.notify() });
    const threadsBefore = startedThreads().length;
    const until = async (done: () => Promise<boolean> | boolean, what: string) => {
      for (const end = Date.now() + 90_000; !(await done()); await sleep(100)) if (Date.now() > end) throw new Error(`timed out waiting until ${what}; log: ${lines.join(' | ')}`);
    };
    const total = await published();
    // The catalogue as one last changed yesterday: a round after the first looks at the last minutes' changes only.
    await sql(`update dataset set modified = modified - interval '1 day', metadata_modified = metadata_modified - interval '1 day', harvested_at = harvested_at - interval '1 day'`);
    expect(await sql(`select id from dataset where metadata_modified > now() - interval '1 hour' or harvested_at > now() - interval '1 hour'`)).toEqual([]);
    preparation.start();
    try {
      // While the indexer is at work, nothing is described.
      await sleep(1_500);
      expect(await storedCounts()).toEqual({});
      indexerBusy = false;
      await until(() => lines.some((line) => line.includes('prepared the next export')), 'the first round ended');
      expect(lines).toEqual([expect.stringMatching(new RegExp(`prepared the next export: described ${total} Turtle, ${total} N-Triples in [\\d.]+ s$`))]);
      expect(await storedCounts()).toEqual({ 'text/turtle': total, [NT]: total });
      // The thread ends with its round: its memory is not kept between rounds.
      await until(() => preparation.running === null && running(startedThreads().slice(threadsBefore)).length === 0, 'the thread ended');

      // A change, indexed: the burst's end asks for a round, which describes only the changed dataset.
      indexer.start();
      // A round after the first looks only at what changed since the one before: a description gone stale without
      // a change here (its text deleted) waits for the next start's round.
      await sql(`delete from stored_dataset_description where dataset_id = (select id from dataset where status = 'PUBLISHED' and identifier <> ? order by id limit 1)`, [SARS]);
      await renameSars('SARS-CoV-2 genomes, Västra Götaland (indexed)');
      indexer.notify();
      await until(() => lines.length === 2, 'the second round ended');
      expect(lines[1]).toMatch(/prepared the next export: described 1 Turtle, 1 N-Triples in [\d.]+ s$/);

      // Started again, it walks all of them: the description gone stale without a change is prepared.
      await preparation.stop();
      preparation = started();
      preparation.start();
      await until(() => lines.length === 3, 'the round after the restart ended');
      expect(lines[2]).toMatch(/prepared the next export: described 1 Turtle, 1 N-Triples in [\d.]+ s$/);
    } finally {
      await preparation.stop();
      await indexer.stop();
    }

    // What the thread (the build's code) stored is what the build's export copies.
    const exportWith = (format: string) =>
      run(process.execPath, [CLI, 'export', '--format', format, '--out', '/dev/null'], {
        env: { ...process.env, DATABASE_URL: catalogue.db.url, ELASTICSEARCH_URL: '', PUBLIC_BASE_URL: BASE, SMALL_COUNT_THRESHOLD: '5', LOG_FORMAT: 'text' },
      });
    for (const format of ['ttl', 'nt']) {
      const { stderr } = await exportWith(format);
      expect(stderr).toContain(`export: ${total} datasets, 0 described anew, ${total} as an earlier export stored them`);
    }
  }, 180_000);

  it('logs a round that cannot reach the database as a warning, leaves no thread behind, and tries again after the next change', async () => {
    const lines: { level: string; msg: string }[] = [];
    const preparation = new ExportPreparation({
      // A port nothing listens on.
      databaseUrl: 'postgres://postgres@127.0.0.1:1/gdcat',
      baseUrl: BASE,
      smallCountThreshold: 5,
      formats: [NT],
      indexing: () => false,
      log: createLogger('json', (line) => lines.push(JSON.parse(line) as { level: string; msg: string })),
      delayMs: 10,
    });
    const threadsBefore = startedThreads().length;
    preparation.start();
    try {
      for (const end = Date.now() + 60_000; lines.length === 0 && Date.now() < end; ) await sleep(100);
      expect(lines).toEqual([{ time: expect.any(String), level: 'warn', msg: expect.stringMatching(/^preparing the next export failed: .+; tried again after the next change$/) }]);
      for (const end = Date.now() + 30_000; preparation.running !== null && Date.now() < end; ) await sleep(100);
      expect(running(startedThreads().slice(threadsBefore))).toEqual([]);
      preparation.notify();
      for (const end = Date.now() + 60_000; lines.length === 1 && Date.now() < end; ) await sleep(100);
      expect(lines[1]).toMatchObject({ level: 'warn', msg: expect.stringContaining('preparing the next export failed') });
    } finally {
      await preparation.stop();
    }
  }, 150_000);
});
