import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

/**
 * What a write promises (README, "What a write promises"): when a mutation returns, its payload and reads by id
 * (`dataset`, `node`: PostgreSQL) show it at once, to any caller; searches show it once the indexer, woken by
 * the write, has indexed it, without anyone draining by hand.
 */
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const DATASET = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { id version keywords } userErrors { message } } }`;
const url = elasticsearchForTests();

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const engine of ['postgres', 'elasticsearch'] as const) {
  describe.skipIf(engine === 'elasticsearch' && !url)(`read your own writes (${engine})`, () => {
    let catalogue: TestCatalogue;
    const indexPrefix = uniqueIndexPrefix('ryw');
    beforeAll(async () => {
      catalogue = await startTestCatalogue(engine === 'elasticsearch' ? { elasticsearchUrl: url, indexPrefix } : {});
      // As `gdcat serve` runs it: in the background, woken by each write.
      catalogue.indexer.start();
    });
    afterAll(async () => {
      await catalogue?.stop();
      if (engine === 'elasticsearch') {
        const admin = new Client({ node: url! });
        await admin.indices.delete({ index: `${indexPrefix}-datasets-*`, allow_no_indices: true }).finally(() => admin.close());
      }
    });

    it('shows a write to reads by id at once and to searches once indexed', async () => {
      const token = await catalogue.token('data_manager', [STOCKHOLM]);
      const search = async () =>
        (await catalogue.gql('{ datasets(query: "quokkagenome") { edges { node { identifier keywords } } } }')).data!.datasets.edges;
      expect(await search()).toEqual([]);

      const { data } = await catalogue.gql(UPDATE, { id: DATASET, v: 1, input: { keywords: ['quokkagenome'] } }, token);
      expect(data!.updateDataset.userErrors).toEqual([]);
      const written = data!.updateDataset.dataset;
      expect(written).toMatchObject({ version: 2, keywords: ['quokkagenome'] });
      const read = await catalogue.gql(`{ dataset(id: "${DATASET}") { version keywords } }`);
      expect(read.data!.dataset).toEqual({ version: written.version, keywords: ['quokkagenome'] });
      const node = await catalogue.gql(`{ node(id: "${written.id}") { ... on Dataset { version keywords } } }`);
      expect(node.data!.node).toEqual({ version: written.version, keywords: ['quokkagenome'] });

      const hits = await eventually(search, (edges) => edges.length > 0);
      expect(hits).toEqual([{ node: { identifier: DATASET, keywords: ['quokkagenome'] } }]);
    });
  });
}
