import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSharedBuffersMb, freePort, isAlive, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';
import { configFromEnv } from '../../src/config.js';
import { startGdcat, stopGdcat, type Gdcat } from '../support/gdcat-process.js';

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('select 1 as one')).rows[0].one;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL', () => {
  const started: EmbeddedDatabase[] = [];
  // Under .cache like the suite's own cluster: as root, the postgres user must be able to enter it.
  const stateDir = path.resolve('.cache', `test-embedded-shared-${process.pid}`);
  afterAll(async () => {
    for (const database of started.reverse()) await database.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('is shared by a second process on the same state directory (gdcat export while gdcat serve runs), which leaves it running', async () => {
    const dataDir = path.join(stateDir, 'pg');
    const server = await startEmbeddedPostgres({ dataDir });
    started.push(server);
    const second = await startEmbeddedPostgres({ dataDir });
    expect(second.url).toBe(server.url);
    expect(await selectOne(second.url)).toBe(1);
    await second.stop();
    expect(await selectOne(server.url)).toBe(1);
  }, 120_000);

  it("sizes its buffer cache to the machine unless told (PostgreSQL's 128 MB default is too small for the search tables at scale)", async () => {
    const gib = 1024 ** 3;
    expect([1, 2, 8, 24].map((memory) => defaultSharedBuffersMb(memory * gib))).toEqual([256, 512, 1024, 1024]);
    expect(defaultSharedBuffersMb(0.25 * gib)).toBe(128);
    expect(configFromEnv({ EMBEDDED_POSTGRES_SHARED_BUFFERS_MB: '160' }).embeddedSharedBuffersMb).toBe(160);
    expect(configFromEnv({}).embeddedSharedBuffersMb).toBeUndefined();
    expect(() => configFromEnv({ EMBEDDED_POSTGRES_SHARED_BUFFERS_MB: '2GB' })).toThrow('EMBEDDED_POSTGRES_SHARED_BUFFERS_MB must be a whole number >= 16, not 2GB');

    const dataDir = path.join(stateDir, 'sized');
    const sized = await startEmbeddedPostgres({ dataDir, sharedBuffersMb: 160 });
    started.push(sized);
    const client = new pg.Client({ connectionString: sized.url });
    await client.connect();
    try {
      expect((await client.query('SHOW shared_buffers')).rows[0].shared_buffers).toBe('160MB');
    } finally {
      await client.end();
    }
  }, 120_000);

  it('stops at once when its server has already died (killed from outside, out of memory)', async () => {
    const dataDir = path.join(stateDir, 'died');
    const database = await startEmbeddedPostgres({ dataDir });
    const pid = await postmasterPid(dataDir);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    // Hung for good before (the test's timeout), waiting for an exit that had already happened.
    await database.stop();
    // And the next start on the directory finds no server to share.
    const again = await startEmbeddedPostgres({ dataDir });
    started.push(again);
    expect(await selectOne(again.url)).toBe(1);
  }, 60_000);

  it.runIf(process.getuid?.() === 0)('run as root, names the folder the postgres system user cannot enter instead of failing with a bare EACCES', async () => {
    const closed = path.resolve('.cache', `test-embedded-closed-${process.pid}`);
    await mkdir(closed, { recursive: true, mode: 0o700 });
    await chmod(closed, 0o700);
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(closed, 'state', 'pg') })).rejects.toThrow(
        `who cannot reach its data folder (${path.join(closed, 'state', 'pg')}) because ${closed} is closed to other users`,
      );
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });
});

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

describe('gdcat serve after a crash (kill -9) on the embedded PostgreSQL', () => {
  // Under .cache and open to others: as root the server runs as the postgres user, which must enter it.
  const stateDir = path.resolve('.cache', `test-embedded-crash-${process.pid}`);
  const dataDir = path.join(stateDir, 'postgres');
  let serve: Gdcat | undefined;
  afterAll(async () => {
    await stopGdcat(serve);
    // A failed run may leave the server it orphaned on purpose.
    const leftOver = await postmasterPid(dataDir).catch(() => 0);
    if (leftOver > 0 && isAlive(leftOver)) process.kill(leftOver, 'SIGINT');
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  async function start(): Promise<{ gdcat: Gdcat; url: string }> {
    const port = await freePort();
    const gdcat = await startGdcat('serve', { GDCAT_STATE_DIR: stateDir, DATABASE_URL: '', ELASTICSEARCH_URL: '', PORT: String(port), AUTH_MODE: 'dev' }, /listening on/);
    return { gdcat, url: `http://127.0.0.1:${port}` };
  }

  async function datasetCount(url: string): Promise<number> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ datasets(first: 1) { totalCount } }' }),
    });
    const body = (await response.json()) as { data?: { datasets: { totalCount: number } } };
    return body.data!.datasets.totalCount;
  }

  it('stops cleanly on a SIGTERM that arrives while it starts (first start: initdb, migrations, seeding)', async () => {
    const port = await freePort();
    const gdcat = await startGdcat('serve', { GDCAT_STATE_DIR: stateDir, DATABASE_URL: '', ELASTICSEARCH_URL: '', PORT: String(port), AUTH_MODE: 'dev', NODE_ENV: 'production' }, /starting embedded PostgreSQL/);
    // It finishes starting, then stops as it would once up. Before, the signal ended the process outright (no
    // listener for a moment), orphaning its PostgreSQL, or reached the package's handlers, which hung.
    await stopGdcat(gdcat);
    expect({ code: gdcat.process.exitCode, signal: gdcat.process.signalCode }).toEqual({ code: 0, signal: null });
    expect(gdcat.output.join('')).toMatch(/shutting down/);
    const postmaster = await postmasterPid(dataDir).catch(() => 0);
    expect(postmaster === 0 || !isAlive(postmaster)).toBe(true);
  }, 120_000);

  it('stops its PostgreSQL and exits 0 on SIGTERM, run as in production (NODE_ENV=production)', async () => {
    const port = await freePort();
    const gdcat = await startGdcat('serve', { GDCAT_STATE_DIR: stateDir, DATABASE_URL: '', ELASTICSEARCH_URL: '', PORT: String(port), AUTH_MODE: 'dev', NODE_ENV: 'production' }, /listening on/);
    const postmaster = await postmasterPid(dataDir);
    expect(isAlive(postmaster)).toBe(true);
    await stopGdcat(gdcat);
    expect({ code: gdcat.process.exitCode, signal: gdcat.process.signalCode }).toEqual({ code: 0, signal: null });
    expect(isAlive(postmaster)).toBe(false);
  }, 120_000);

  it('stops the PostgreSQL the killed process left running and starts again with the data intact', async () => {
    await mkdir(stateDir, { recursive: true });
    await chmod(stateDir, 0o755);
    let running = await start();
    serve = running.gdcat;
    const seeded = await datasetCount(running.url);
    expect(seeded).toBeGreaterThan(0);
    const orphan = await postmasterPid(dataDir);

    await stopGdcat(serve, 'SIGKILL');
    // The server outlives the process that started it: nobody would ever stop it.
    expect(isAlive(orphan)).toBe(true);

    running = await start();
    serve = running.gdcat;
    expect(serve.output.join('')).toMatch(/Stopping the embedded PostgreSQL \(pid \d+\) left running/);
    expect(isAlive(orphan)).toBe(false);
    const successor = await postmasterPid(dataDir);
    expect(successor).not.toBe(orphan);
    expect(await datasetCount(running.url)).toBe(seeded);

    // Stopped normally, the new owner stops its server: nothing is left behind, and no connection is ended under
    // it (the server stopped only once its connections are closed, so no broken connection is logged).
    await stopGdcat(serve);
    expect(isAlive(successor)).toBe(false);
    expect(serve.output.join('')).toMatch(/shutting down/);
    expect(serve.output.join('')).not.toMatch(/connection error/);
  }, 240_000);

  it('starts when postmaster.pid names a live process that is not PostgreSQL (a pid reused after a restart)', async () => {
    // This test process stands in for the unrelated process that got the crashed postmaster's pid.
    await writeFile(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n0\n5432\n`);
    const running = await start();
    serve = running.gdcat;
    expect(await datasetCount(running.url)).toBeGreaterThan(0);
    await stopGdcat(serve);
  }, 240_000);
});
