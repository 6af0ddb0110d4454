import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migration20261213100000_datasets_with_icd10_codes_reindexed as QueueIcd10Datasets } from '../../migrations/Migration20261213100000_datasets_with_icd10_codes_reindexed.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const BY_CATEGORY = `query($diseases: [String!]) { datasets(filter: { diseases: $diseases }, first: 50) { edges { node { identifier } } } }`;

describe('upgrading to ICD-10 categories (Migration20261213100000)', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  it('queues exactly the datasets with an ICD-10 code, whose documents then answer a filter on a category', async () => {
    await catalogue.indexer.drain();
    const connection = catalogue.orm.em.getConnection();
    const coded = await connection.execute<{ id: string; identifier: string }[]>(
      `select d.id, d.identifier from dataset d
        where exists (select 1 from jsonb_array_elements(d.cohort -> 'diseases') disease where disease ->> 'iri' like 'http://id.who.int/icd/%')`,
    );
    expect(coded.length).toBeGreaterThan(1);
    // As documents indexed before the upgrade: their codes without the categories above them.
    await catalogue.search.remove(coded.map((d) => d.id));
    const before = await catalogue.gql(BY_CATEGORY, { diseases: ['ICD10:C92'] });
    expect(before.data!.datasets.edges).toEqual([]);

    const migration = new QueueIcd10Datasets(catalogue.orm.em.getDriver(), catalogue.orm.config);
    await migration.up();
    for (const query of migration.getQueries()) await connection.execute(query as string);
    const queued = await connection.execute<{ aggregate_id: string }[]>(`select aggregate_id from outbox_event`);
    expect(queued.map((q) => q.aggregate_id).sort()).toEqual(coded.map((d) => d.id).sort());

    await catalogue.indexer.drain();
    const after = await catalogue.gql(BY_CATEGORY, { diseases: ['ICD10:C92'] });
    expect(after.data!.datasets.edges.length).toBeGreaterThan(0);
  });
});
