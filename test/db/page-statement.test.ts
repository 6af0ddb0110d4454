import { afterAll, describe, expect, it } from 'vitest';
import { addDatasetRelations, generateDatasets } from '../../bench/generate.js';
import { createLoaders } from '../../src/db/loaders.js';
import { openOrm } from '../../src/db/orm.js';
import { AccessPolicy } from '../../src/records/access-policy.js';
import { seedExampleCatalogue } from '../../seed/example-catalogue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const EVERY_PART = {
  publisher: true, study: true, hdab: true, distributions: true, ownerOrganisation: true, dataHolders: true,
  contributors: true, publications: true, evaluations: true, consent: true, accessRoute: true, contacts: true,
};

interface PlanNode {
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
}

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

/**
 * The buffers PostgreSQL touches to run the page statement (src/db/loaders.ts) for 50 datasets, each with every
 * part the bench gives them, in a catalogue of `size` datasets just written (no statistics gathered yet, as
 * after a bulk load).
 */
async function pageStatementBuffers(size: number): Promise<number> {
  const db = await createTestDatabase();
  databases.push(db);
  const statements: string[] = [];
  const orm = await openOrm({ databaseUrl: db.url, onQuery: (sql) => statements.push(sql) });
  try {
    await seedExampleCatalogue(orm.em.fork());
    await generateDatasets(orm, size);
    await addDatasetRelations(orm);
    const connection = orm.em.getConnection();
    const ids = (await connection.execute<{ id: string }[]>(`select id from dataset where identifier like 'urn:bench:%' order by identifier limit 50`)).map((row) => row.id);
    statements.length = 0;
    const page = await createLoaders(orm.em.fork(), AccessPolicy.PUBLIC).datasetPage(ids, EVERY_PART);
    expect(page.every((dataset) => dataset !== null)).toBe(true);
    const statement = statements.find((sql) => /from dataset d where d\.id in \(\?\)/.test(sql));
    expect(statement, statements.join('\n')).toBeDefined();
    const [{ 'QUERY PLAN': [plan] }] = await connection.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
      `explain (analyze, buffers, format json) ${statement}`,
      [ids],
    );
    return plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'];
  } finally {
    await orm.close();
  }
}

describe('the page statement', () => {
  it('reads what the datasets shown have, whatever the size of the catalogue', async () => {
    const small = await pageStatementBuffers(200);
    const large = await pageStatementBuffers(3000);
    // Each dataset's parts are found through indexes on the dataset: a part table scanned per dataset shown
    // costs buffers in proportion to the catalogue (15 times more datasets here).
    expect(large, `buffers for 50 datasets: ${small} among 200, ${large} among 3,000`).toBeLessThan(small * 1.3);
  }, 120_000);
});
