import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

describe('keyset-paged listings', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  it.each([
    ['organisations', 'name'],
    ['accessBodies', 'name'],
    ['studies', 'title'],
    ['healthEconomicEvaluations', 'title'],
  ])('%s: every record exactly once, in %s order, across pages of 3', async (listing, field) => {
    const everything = await catalogue.gql(`{ ${listing}(first: 100) { totalCount edges { node { ${field} } } } }`);
    const expected = everything.data![listing].edges.map((e: { node: Record<string, string> }) => e.node[field]);
    expect(expected.length).toBe(everything.data![listing].totalCount);
    expect(expected.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const response: { data?: Record<string, any> } = await catalogue.gql( // eslint-disable-line @typescript-eslint/no-explicit-any
        `query($after: String) { ${listing}(first: 3, after: $after) { totalCount edges { node { ${field} } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      const connection = response.data![listing];
      expect(connection.totalCount).toBe(expected.length);
      seen.push(...connection.edges.map((e: { node: Record<string, string> }) => e.node[field]));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });
});
