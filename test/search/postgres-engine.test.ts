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
      await pool.end();
      await database.drop();
    },
  };
});
