import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const IMPORT = (alias: string) => `${alias}: importCatalogue(input: $input) { report { created } userErrors { message } }`;

describe('an operation imports once and runs at most 10 mutations', () => {
  let catalogue: TestCatalogue;
  let manager: string;
  const input = { records: [] as unknown[] };
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    manager = await catalogue.token('data_manager', [STOCKHOLM]);
    const dataset = (await catalogue.gql(`{ dataset(id: "urn:example:gms-catalogue:dataset:gms560-nsclc-stockholm") { title description } }`)).data!.dataset;
    input.records = [{ recordType: 'Dataset', id: 'urn:test:import-once:1', title: dataset.title, description: dataset.description, publisher: STOCKHOLM }];
  });
  afterAll(() => catalogue?.stop());

  it('refuses importCatalogue aliased, or spread from fragments, more than once, and imports nothing', async () => {
    // One variable of up to MAX_BODY_BYTES named by 50 aliases would have one request import it 50 times.
    for (const operation of [
      `mutation($input: JSON!) { ${IMPORT('a')} ${IMPORT('b')} }`,
      `mutation($input: JSON!) { ...A ...B } fragment A on Mutation { ${IMPORT('a')} } fragment B on Mutation { ${IMPORT('b')} }`,
    ]) {
      const answer = await catalogue.gql(operation, { input }, manager);
      expect(answer.status, operation).toBe(400);
      expect(answer.errors).toEqual([
        { message: 'the operation runs importCatalogue 2 times (aliases included); an operation runs it once: send each in a request of its own', extensions: { code: 'QUERY_TOO_LARGE' } },
      ]);
    }
    expect(await catalogue.orm.em.fork().count(Dataset, { identifier: 'urn:test:import-once:1' })).toBe(0);
    const once = await catalogue.gql(`mutation($input: JSON!) { ${IMPORT('a')} }`, { input }, manager);
    expect(once.data?.a).toEqual({ report: { created: 1 }, userErrors: [] });
  });

  it('refuses an operation of more than 10 mutations, aliases included, and runs none of them', async () => {
    const publish = (i: number) => `p${i}: publishDataset(id: $id) { userErrors { code } }`;
    const many = `mutation($id: ID!) { ${Array.from({ length: 11 }, (_, i) => publish(i)).join(' ')} }`;
    const answer = await catalogue.gql(many, { id: 'urn:test:import-once:1' }, manager);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      { message: 'the operation runs 11 mutations (aliases included); the limit is 10: split it into several requests', extensions: { code: 'QUERY_TOO_LARGE' } },
    ]);
    expect((await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'urn:test:import-once:1' })).status).toBe('DRAFT');
    const ten = `mutation($id: ID!) { ${Array.from({ length: 10 }, (_, i) => publish(i)).join(' ')} }`;
    expect((await catalogue.gql(ten, { id: 'urn:test:import-once:1' }, manager)).status).toBe(200);
  });
});
