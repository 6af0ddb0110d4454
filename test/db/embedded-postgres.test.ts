import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';

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
  let stateDir = '';
  afterAll(async () => {
    for (const database of started.reverse()) await database.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('is shared by a second process on the same state directory (gdcat export while gdcat serve runs), which leaves it running', async () => {
    // Under .cache like the suite's own cluster: as root, the postgres user must be able to enter it.
    stateDir = path.resolve('.cache', `test-embedded-shared-${process.pid}`);
    const dataDir = path.join(stateDir, 'pg');
    const server = await startEmbeddedPostgres({ dataDir });
    started.push(server);
    const second = await startEmbeddedPostgres({ dataDir });
    expect(second.url).toBe(server.url);
    expect(await selectOne(second.url)).toBe(1);
    await second.stop();
    expect(await selectOne(server.url)).toBe(1);
  }, 120_000);
});
