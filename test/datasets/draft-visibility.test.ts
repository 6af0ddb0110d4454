import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/**
 * A published dataset that names drafts (a draft organisation as publisher and data holder, a draft access
 * body on its route): no anonymous or other-organisation GraphQL read shows the drafts' names, e-mails,
 * identifiers or ids, including the facet buckets.
 */
const B = 'urn:example:gms-catalogue:org:region-stockholm';
const A = 'urn:example:gms-catalogue:org:region-uppsala';

describe('drafts named by a published dataset stay hidden in GraphQL', () => {
  let catalogue: TestCatalogue;
  let datasetId: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    const admin = await catalogue.token('admin');
    const run = async (query: string, variables: Record<string, unknown>) => {
      const response = await catalogue.gql(query, variables, admin);
      const payload = Object.values(response.data ?? {})[0] as { userErrors: unknown[] } & Record<string, { id: string; identifier: string }>;
      expect(payload?.userErrors, JSON.stringify(response)).toEqual([]);
      return payload;
    };
    const org = (await run('mutation($i: OrganisationInput!) { createOrganisation(input: $i) { organisation { id identifier } userErrors { code } } }', {
      i: { name: 'Hidden Region Draft', type: 'REGION', contactEmail: 'secret-org@draft.example.org' },
    })).organisation!;
    const body = (await run('mutation($i: DataAccessBodyInput!) { createDataAccessBody(input: $i) { dataAccessBody { id identifier } userErrors { code } } }', {
      i: { name: 'Hidden DAC Draft', kind: 'DAC', operatedBy: B, contactEmail: 'secret-dac@draft.example.org' },
    })).dataAccessBody!;
    secrets.push(org.id, org.identifier, 'Hidden Region Draft', 'secret-org@draft.example.org', body.id, body.identifier, 'Hidden DAC Draft', 'secret-dac@draft.example.org');
    const dataset = (await run('mutation($i: DatasetInput!) { createDataset(input: $i) { dataset { id identifier } userErrors { code } } }', {
      i: {
        title: 'Published dataset naming drafts',
        description: 'Non-public data whose publisher, holder and access bodies are drafts.',
        keywords: ['genome'],
        publisher: org.identifier,
        hdab: body.identifier,
        distributions: [{ title: 'Files', accessUrl: 'https://example.org/apply' }],
        dataHolders: [org.identifier],
        consent: { duoPermission: 'GRU' },
        accessRoute: { accessMode: 'CONTROLLED_DOWNLOAD', accessBody: body.identifier, steps: [{ order: 1, requirement: 'DAC_REVIEW', body: body.identifier }] },
      },
    })).dataset!;
    datasetId = dataset.id;
    await run('mutation($id: ID!) { publishDataset(id: $id) { dataset { id identifier } userErrors { code } } }', { id: dataset.id });
    await catalogue.indexer.drain();
  }, 120_000);
  afterAll(() => catalogue?.stop());

  const reads = [
    [
      'dataset',
      `query($id: ID!) { dataset(id: $id) { title publisher { name } ownerOrganisation { name } dataHolders { name contactEmail }
        accessRoute { accessBody { name contactEmail } steps { body { name } } } whoToAsk { name contactEmail }
        accessContacts { organisation { name } body { name } } } }`,
    ],
    ['node', 'query($id: ID!) { node(id: $id) { id } }'],
    ['search and facets', '{ datasets(query: "naming drafts") { totalCount edges { node { title publisher { name } } } facets { field buckets { value label count } } } }'],
    ['lists', '{ organisations(first: 100) { edges { node { id identifier name contactEmail } } } accessBodies(first: 100) { edges { node { id identifier name contactEmail } } } }'],
  ] as const;

  for (const viewer of ['anonymous', 'data manager of another region'] as const) {
    it.each(reads)(`%s as ${viewer} shows no draft`, async (_name, query) => {
      const token = viewer === 'anonymous' ? undefined : await catalogue.token('data_manager', [A]);
      const ids = query.includes('node(') ? [secrets[0]!, secrets[4]!] : [datasetId];
      for (const id of ids) {
        const response = await catalogue.gql(query, { id }, token);
        expect(response.errors).toBeUndefined();
        const text = JSON.stringify(response.data);
        for (const secret of secrets) expect(text, `${_name} leaks ${secret}`).not.toContain(secret);
        if (query.includes('dataset(id')) expect(response.data!.dataset.title).toBe('Published dataset naming drafts');
      }
    });
  }
});
