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
  // A code the shipped MONDO does not have: DS datasets answer NEEDS_REVIEW and are never listed.
  { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:9999999'], country: 'SE' },
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

    it('never lists a dataset whose answer is NEEDS_REVIEW, and says which code was not understood', async () => {
      const purpose = PURPOSES.at(-1)!;
      const assessed = await catalogue.gql(
        `query($purpose: ResearchPurposeInput!) { datasets(first: 100) { edges { node { identifier useAssessment(purpose: $purpose) { outcome permitted reasons { shorthand description outcome } } } } } }`,
        { purpose },
      );
      const edges: { node: { identifier: string; useAssessment: { outcome: string; permitted: boolean; reasons: { shorthand: string; description: string; outcome: string }[] } } }[] =
        assessed.data!.datasets.edges;
      const review = edges.filter((e) => e.node.useAssessment.outcome === 'NEEDS_REVIEW');
      expect(review.length).toBeGreaterThan(0);
      for (const { node } of review) {
        expect(node.useAssessment.permitted).toBe(false);
        expect(node.useAssessment.reasons.find((r) => r.outcome === 'NEEDS_REVIEW')!.description).toMatch(/MONDO:9999999 is not a class of the shipped MONDO release/);
      }
      const listed = (await catalogue.gql(PERMITTED, { purpose })).data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
      for (const { node } of review) expect(listed).not.toContain(node.identifier);
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

    it('lists a dataset whose consent rules no dataset had at the last permittedFor search', async () => {
      const purpose = PURPOSES[0];
      const identifier = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
      const before = await catalogue.gql(PERMITTED, { purpose });
      expect(before.errors).toBeUndefined();
      const stockholm = await catalogue.token('data_manager', ['urn:example:gms-catalogue:org:region-stockholm']);
      const { data } = await catalogue.gql(`{ dataset(id: "${identifier}") { id version } }`);
      const updated = await catalogue.gql(
        `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { userErrors { message } } }`,
        { id: data!.dataset.id, v: data!.dataset.version, input: { consent: { duoPermission: 'GRU', duoModifiers: [{ code: 'DUO:0000019' }, { code: 'DUO:0000021' }, { code: 'DUO:0000029' }] } } },
        stockholm,
      );
      expect(updated.data!.updateDataset.userErrors).toEqual([]);
      await catalogue.indexer.drain();
      const assessed = await catalogue.gql(`query($purpose: ResearchPurposeInput!) { dataset(id: "${identifier}") { useAssessment(purpose: $purpose) { permitted } } }`, { purpose });
      expect(assessed.data!.dataset.useAssessment.permitted).toBe(true);
      const after = await catalogue.gql(PERMITTED, { purpose });
      expect(after.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier)).toContain(identifier);
      expect(after.data!.datasets.totalCount).toBe(before.data!.datasets.totalCount + (before.data!.datasets.edges.some((e: { node: { identifier: string } }) => e.node.identifier === identifier) ? 0 : 1));
    });

    it('refuses a purpose naming a disease by label, as a client error naming the field, in the filter and the assessment', async () => {
      const purpose = { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0005015', 'diabetes'] };
      const filtered = await catalogue.gql(PERMITTED, { purpose });
      const assessed = await catalogue.gql(`query($purpose: ResearchPurposeInput!) { dataset(id: "urn:example:gms-catalogue:dataset:rd-cardio-vgr") { useAssessment(purpose: $purpose) { outcome } } }`, { purpose });
      for (const [{ errors }, field] of [[filtered, 'filter.permittedFor.diseases[1]'], [assessed, 'purpose.diseases[1]']] as const) {
        expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(errors![0]!.extensions!.userErrors).toEqual([{ field, code: 'INVALID', message: expect.stringMatching(/"diabetes" is not an ontology IRI or compact id/) }]);
      }
    });

    it('explains a refusal with every reason', async () => {
      const { data } = await catalogue.gql(
        `{ dataset(id: "urn:example:gms-catalogue:dataset:rd-cardio-vgr") { useAssessment(purpose: { primaryPurpose: POPULATION_ORIGINS_ANCESTRY, ancestryResearch: true, commercial: true, country: "US" }) { outcome permitted conditions { code } conditionsIfPermitted { code } reasons { code shorthand description outcome } } } }`,
      );
      const assessment = data!.dataset.useAssessment;
      expect(assessment.permitted).toBe(false);
      expect(assessment.outcome).toBe('NOT_PERMITTED');
      expect(assessment.conditions).toEqual([]);
      // One DS reason with both causes: ancestry research is outside HMB/DS, and no disease within the restriction is named.
      expect(assessment.reasons.map((r: { shorthand: string }) => r.shorthand).sort()).toEqual(['DS', 'GS', 'NCU']);
      const ds = assessment.reasons.find((r: { shorthand: string }) => r.shorthand === 'DS');
      expect(ds.description).toMatch(/ancestry/);
      expect(ds.description).toMatch(/names no disease/);
      for (const reason of assessment.reasons) expect(reason.description.length).toBeGreaterThan(20);
    });
  });
}

permittedForEngine('PostgreSQL engine', () => ({}));
const elasticsearchUrl = elasticsearchForTests();
if (elasticsearchUrl) permittedForEngine('Elasticsearch engine', () => ({ elasticsearchUrl }));
