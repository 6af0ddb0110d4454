import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSearchEngine } from '../../../src/search/postgres/postgres-engine.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { documentNumbered } from '../../support/search-documents.js';

/**
 * After a bulk load the projection's pages are not all-visible and it has no statistics, so counts cannot be
 * answered from the covering indexes until autovacuum comes by; refresh() after enough writes vacuums and
 * analyses at once (postgres-engine.ts).
 */
describe('PostgreSQL engine: a refresh after a bulk load vacuums and analyses the projection', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let engine: PostgresSearchEngine;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    engine = new PostgresSearchEngine({ pool, table: 'vacuum_test_search', vacuumAfterDocuments: 3 });
    await engine.init();
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  const projection = async () => {
    const { rows } = await pool.query<{ relallvisible: number; reltuples: number }>(
      `select relallvisible, reltuples from pg_class where relname = 'vacuum_test_search'`,
    );
    return rows[0];
  };

  it('leaves a few writes to autovacuum and vacuums once the writes reach the threshold', async () => {
    await engine.upsert([documentNumbered(1), documentNumbered(2)]);
    await engine.refresh();
    expect(await projection()).toEqual({ relallvisible: 0, reltuples: -1 });

    await engine.upsert([documentNumbered(3)]);
    await engine.refresh();
    const after = await projection();
    expect(after.relallvisible).toBeGreaterThan(0);
    expect(after.reltuples).toBe(3);
  });
});
