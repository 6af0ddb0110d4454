import pg from 'pg';
import { PostgresSearchEngine } from '../../src/search/postgres/postgres-engine.js';
import { createTestDatabase } from '../support/database.js';
import { searchEngineContract } from './engine-contract.js';

searchEngineContract('postgres', async () => {
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 6 });
  return {
    engine: new PostgresSearchEngine({ pool }),
    cleanup: async () => {
      // The engine ends its pool on close(); this covers a suite that failed before closing it.
      if (!pool.ended) await pool.end();
      await database.drop();
    },
  };
});
