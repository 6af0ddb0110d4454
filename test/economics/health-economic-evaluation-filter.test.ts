import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const LISTING = 'query($filter: HealthEconomicFilter) { healthEconomicEvaluations(filter: $filter) { totalCount edges { node { country currency } } } }';

describe('the healthEconomicEvaluations filter', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  }, 120_000);
  afterAll(() => catalogue?.stop());

  it('narrows by country, currency and evaluated dataset', async () => {
    const answer = await catalogue.gql(LISTING, {
      filter: { country: ['US', 'SE'], currency: ['USD'], dataset: 'urn:example:gms-catalogue:dataset:rd-wgs-gmck' },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.healthEconomicEvaluations.totalCount).toBe(2);
  });

  it('refuses a code that is no ISO code and a dataset it cannot find, naming each field, instead of an empty page', async () => {
    const answer = await catalogue.gql(LISTING, { filter: { country: ['SE', 'sweden'], currency: ['kronor'], dataset: 'urn:example:no-such-dataset' } });
    expect(answer.data?.healthEconomicEvaluations ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      userErrors: [
        { field: 'filter.country[1]', message: '"sweden" is not an ISO 3166-1 alpha-2 country code such as SE', code: 'INVALID' },
        { field: 'filter.currency[0]', message: '"kronor" is not an ISO 4217 currency code such as SEK, EUR or USD', code: 'INVALID' },
        { field: 'filter.dataset', message: 'no Dataset "urn:example:no-such-dataset"', code: 'NOT_FOUND' },
      ],
    });
  });
});
