import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const UUID = '0182dd9a-ce7f-4123-90a4-cdaecb65e9f7';
const cursor = (json: string) => Buffer.from(json).toString('base64url');

/** The listings paged by a keyset cursor, with the record kind each cursor is issued for. */
const LISTINGS = [
  ['organisations', 'Organisation'],
  ['accessBodies', 'DataAccessBody'],
  ['studies', 'Study'],
  ['healthEconomicEvaluations', 'HealthEconomicEvaluation'],
  ['harvestSources', 'HarvestSource'],
  ['harvestRuns', 'HarvestRun'],
] as const;

describe('keyset cursors of the listings other than datasets', () => {
  let catalogue: TestCatalogue;
  let admin: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    admin = await catalogue.token('admin');
  }, 120_000);
  afterAll(() => catalogue?.stop());

  const page = (listing: string, after: string) =>
    catalogue.gql(`query($after: String) { ${listing}(first: 2, after: $after) { totalCount edges { cursor } } }`, { after }, admin);

  it('refuse a sort key of the wrong kind as a client error naming after, never an internal error', async () => {
    for (const [listing, kind] of LISTINGS) {
      for (const key of ['1', '1e400', '12345678901234567890', 'null', 'true', '"not a time"']) {
        if (listing !== 'harvestRuns' && key === '"not a time"') continue;
        const answer = await page(listing, cursor(`["${kind}",${key},"${UUID}"]`));
        expect(answer.errors?.[0]?.extensions, `${listing} ${key}`).toMatchObject({
          code: 'BAD_USER_INPUT',
          userErrors: [{ field: 'after', message: 'is not a cursor returned by this API', code: 'INVALID' }],
        });
      }
    }
  });

  it('refuse a cursor of another listing instead of reading it as a position in this one', async () => {
    const organisations = await page('organisations', '');
    const organisationCursor = organisations.data!.organisations.edges[1].cursor as string;
    const next = await page('organisations', organisationCursor);
    expect(next.errors).toBeUndefined();
    expect(next.data!.organisations.edges).toHaveLength(2);
    const studies = await page('studies', organisationCursor);
    expect(studies.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      userErrors: [{ field: 'after', message: 'is a cursor of another listing, not of Study records', code: 'INVALID' }],
    });
    const runs = await page('harvestRuns', cursor(`["HarvestRun","${new Date(0).toISOString()}","${UUID}"]`));
    expect(runs.errors).toBeUndefined();
    expect(runs.data!.harvestRuns.totalCount).toBe(0);
  });
});
