import { afterAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../src/db/orm.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

describe('audit snapshots as stored (Migration20261206130000)', () => {
  it('are compressed with lz4 where the server has it, and stored uncompressed where it would take pglz', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const orm = await openOrm({ databaseUrl: db.url });
    try {
      const columns = await orm.em.getConnection().execute<{ attname: string; attstorage: string; attcompression: string }[]>(
        `select attname, attstorage, attcompression from pg_attribute where attrelid = 'audit_entry'::regclass and attname in ('before', 'after') order by attname`,
      );
      expect(columns).toHaveLength(2);
      for (const column of columns) {
        // 'l': lz4, kept compressed (extended storage); otherwise external: out of line, never compressed.
        expect({ column: column.attname, storage: column.attstorage }).toEqual({ column: column.attname, storage: column.attcompression === 'l' ? 'x' : 'e' });
      }
    } finally {
      await orm.close();
    }
  });
});
