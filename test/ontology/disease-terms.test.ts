import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const TERMS = `query($query: String!, $first: Int) { diseaseTerms(query: $query, first: $first) { id label ancestors { id label } } }`;
const SEARCH = `query($query: String) { datasets(query: $query, first: 50) { edges { node { identifier cohort { diseases { iri } } } } } }`;

describe('disease autocomplete and disease labels as searchable text (GraphQL)', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  it('answers label prefixes with ids, labels and ancestors', async () => {
    const { data, errors } = await catalogue.gql(TERMS, { query: 'breast canc', first: 3 });
    expect(errors).toBeUndefined();
    const [best] = data!.diseaseTerms;
    expect(best).toMatchObject({ id: 'MONDO:0007254', label: 'breast cancer' });
    expect(best.ancestors.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['MONDO:0004992', 'MONDO:0000001']));
    expect(best.ancestors.map((a: { id: string }) => a.id)).not.toContain('MONDO:0007254');
    expect(data!.diseaseTerms).toHaveLength(3);
  });

  it('refuses an oversized page or query as a client error', async () => {
    const page = await catalogue.gql(TERMS, { query: 'leuk', first: 500 });
    expect(page.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT/);
    const long = await catalogue.gql(TERMS, { query: 'x'.repeat(500) });
    expect(long.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT/);
  });

  it('finds datasets coded to a disease or its descendants by the disease label', async () => {
    // Words only in ancestor labels: AML and ALL lie below "hematopoietic and lymphoid cell neoplasm", NSCLC below "thoracic cancer".
    const { data } = await catalogue.gql(SEARCH, { query: 'hematopoietic' });
    const ids = data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
    expect(ids).toContain('urn:example:gms-catalogue:dataset:al-wgs-wts');
    const cancer = await catalogue.gql(SEARCH, { query: 'thoracic' });
    expect(cancer.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier)).toContain(
      'urn:example:gms-catalogue:dataset:gms560-nsclc-stockholm',
    );
  });
});
