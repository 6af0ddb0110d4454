import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { elasticsearchForTests } from '../support/elasticsearch.js';

const PURPOSES = [
  { primaryPurpose: 'HEALTH_MEDICAL_BIOMEDICAL', country: 'SE' },
  { primaryPurpose: 'HEALTH_MEDICAL_BIOMEDICAL', country: 'US' },
  { primaryPurpose: 'HEALTH_MEDICAL_BIOMEDICAL', country: 'DE', commercial: true },
  { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['http://purl.obolibrary.org/obo/MONDO_0018874'], country: 'SE' },
  { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0005027'], country: 'SE' },
  { primaryPurpose: 'POPULATION_ORIGINS_ANCESTRY', country: 'SE', ancestryResearch: true },
  { primaryPurpose: 'GENERAL_RESEARCH', country: 'SE', methodsDevelopment: true },
  { primaryPurpose: 'HEALTH_MEDICAL_BIOMEDICAL', country: 'SE', forProfitOrganisation: true },
];

const ASSESS = `query($purpose: ResearchPurposeInput!) {
  datasets(first: 100) { edges { node { identifier useAssessment(purpose: $purpose) { permitted reasons { shorthand } conditions { shorthand } } } } }
}`;
const PERMITTED = `query($purpose: ResearchPurposeInput!, $query: String) {
  datasets(first: 100, query: $query, filter: { permittedFor: $purpose }) { totalCount edges { node { identifier } } facets { field buckets { value count } } }
}`;

function permittedForEngine(label: string, options: () => { elasticsearchUrl?: string }) {
  describe(`permittedFor agrees with useAssessment (${label})`, () => {
    let catalogue: TestCatalogue;
    beforeAll(async () => {
      catalogue = await startTestCatalogue({ ...options(), indexPrefix: `gdcat-permitted-${Date.now()}` });
    });
    afterAll(() => catalogue?.stop());

    it.each(PURPOSES.map((p) => [JSON.stringify(p), p]))('for %s', async (_name, purpose) => {
      const assessed = await catalogue.gql(ASSESS, { purpose });
      expect(assessed.errors).toBeUndefined();
      const expected = assessed.data!.datasets.edges
        .filter((e: { node: { useAssessment: { permitted: boolean } } }) => e.node.useAssessment.permitted)
        .map((e: { node: { identifier: string } }) => e.node.identifier)
        .sort();
      const filtered = await catalogue.gql(PERMITTED, { purpose });
      expect(filtered.errors).toBeUndefined();
      expect(filtered.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier).sort()).toEqual(expected);
      expect(filtered.data!.datasets.totalCount).toBe(expected.length);
    });

    it('differs between purposes, so the filter is not vacuous', async () => {
      const counts = await Promise.all(PURPOSES.map(async (purpose) => (await catalogue.gql(PERMITTED, { purpose })).data!.datasets.totalCount));
      expect(new Set(counts).size).toBeGreaterThan(2);
      expect(Math.max(...counts)).toBeGreaterThan(0);
    });

    it('combines with full-text search and facets', async () => {
      const purpose = PURPOSES[0];
      const all = await catalogue.gql(PERMITTED, { purpose });
      const leukaemia = await catalogue.gql(PERMITTED, { purpose, query: 'leukaemia' });
      const ids = leukaemia.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
      expect(ids.length).toBeGreaterThan(0);
      const allIds = all.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
      for (const id of ids) expect(allIds).toContain(id);
      const publisherFacet = leukaemia.data!.datasets.facets.find((f: { field: string }) => f.field === 'publisher');
      expect(publisherFacet.buckets.reduce((sum: number, b: { count: number | null }) => sum + (b.count ?? 0), 0)).toBeLessThanOrEqual(ids.length);
    });

    it('explains a refusal with every reason', async () => {
      const { data } = await catalogue.gql(
        `{ dataset(id: "urn:example:gms-catalogue:dataset:rd-cardio-vgr") { useAssessment(purpose: { primaryPurpose: POPULATION_ORIGINS_ANCESTRY, ancestryResearch: true, commercial: true, country: "US" }) { permitted reasons { code shorthand description } } } }`,
      );
      const assessment = data!.dataset.useAssessment;
      expect(assessment.permitted).toBe(false);
      // DS twice: ancestry research is outside HMB/DS, and no disease within the restriction is named.
    expect(assessment.reasons.map((r: { shorthand: string }) => r.shorthand).sort()).toEqual(['DS', 'DS', 'GS', 'NCU']);
    for (const reason of assessment.reasons) expect(reason.description.length).toBeGreaterThan(20);
    });
  });
}

permittedForEngine('PostgreSQL engine', () => ({}));
const elasticsearchUrl = elasticsearchForTests();
if (elasticsearchUrl) permittedForEngine('Elasticsearch engine', () => ({ elasticsearchUrl }));
