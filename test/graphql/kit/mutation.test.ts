import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startTestCatalogue } from '../../support/catalogue.js';

const RD_WGS = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { field message code } } }`;

/** How a mutation waits for records another writer holds (src/graphql/kit/mutation.ts). */
describe('a mutation waiting for a record another writer holds', () => {
  it('gives up its wait three times after tens of milliseconds, then waits as long as the other writer takes, and goes through', async () => {
    const catalogue = await startTestCatalogue();
    // Another writer (a long import, say) holds the dataset for far longer than the short attempts last.
    const other = new pg.Client({ connectionString: catalogue.db.url });
    try {
      const admin = await catalogue.token('admin');
      const [{ version }] = await catalogue.orm.em.getConnection().execute<{ version: number }[]>('select version from dataset where identifier = ?', [RD_WGS]);
      await other.connect();
      await other.query('begin');
      await other.query('select id from dataset where identifier = $1 for update', [RD_WGS]);
      const released = new Promise((resolve) => setTimeout(resolve, 1_500)).then(() => other.query('commit'));
      catalogue.queries.length = 0;
      const started = performance.now();
      const { data } = await catalogue.gql(UPDATE, { id: RD_WGS, v: version, input: { keywords: ['waited'] } }, admin);
      const took = performance.now() - started;
      await released;
      expect(data?.updateDataset).toEqual({ dataset: { version: version + 1 }, userErrors: [] });
      expect(took).toBeGreaterThanOrEqual(1_000);
      expect(catalogue.queries.filter((sql) => /^set local lock_timeout = '50ms'$/.test(sql))).toHaveLength(3);
    } finally {
      await other.end();
      await catalogue.stop();
    }
  });
});
