import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

type Bucket = { value: string; label: string; count: number; individuals: number | null; displayIndividuals: string };
type Facet = { field: string; filterField: string; buckets: Bucket[] };

const SEARCH = `query($query: String, $filter: DatasetFilter, $first: Int, $sort: DatasetSort) {
  datasets(query: $query, filter: $filter, first: $first, sort: $sort) {
    totalCount individuals displayIndividuals
    edges { node { identifier cohort { numberOfUniqueIndividuals } } }
    facets { field filterField buckets { value label count individuals displayIndividuals } }
  }
}`;

const LONGREAD = 'urn:example:gms-catalogue:dataset:rd-longread-uppsala';
const UMEA = 'urn:example:gms-catalogue:dataset:cc-wgs-umea';
const UPPSALA = 'urn:example:gms-catalogue:org:region-uppsala';
const UMEA_ORG = 'urn:example:gms-catalogue:org:region-vasterbotten';

const esUrl = elasticsearchForTests();
const engines: [string, string | undefined][] = [['PostgreSQL', undefined], ...(esUrl ? [['Elasticsearch', esUrl] as [string, string]] : [])];

describe.each(engines)('facets and disclosure control through GraphQL (%s engine)', (_engine, elasticsearchUrl) => {
  let catalogue: TestCatalogue;
  let adminToken: string;

  beforeAll(async () => {
    catalogue = await startTestCatalogue({ elasticsearchUrl, indexPrefix: uniqueIndexPrefix('facets') });
    adminToken = await catalogue.token('admin');
  });
  afterAll(() => catalogue?.stop());

  async function search(variables: Record<string, unknown>, token?: string) {
    const response = await catalogue.gql(SEARCH, { first: 100, ...variables }, token);
    expect(response.errors).toBeUndefined();
    return response.data!.datasets as {
      totalCount: number;
      individuals: number | null;
      displayIndividuals: string;
      edges: { node: { identifier: string; cohort: { numberOfUniqueIndividuals: number | null } | null } }[];
      facets: Facet[];
    };
  }

  it('gives every facet bucket a label and a value its filter accepts, with exactly the bucket count', async () => {
    for (const [token, filter] of [
      [undefined, {}],
      [undefined, { assay: ['WGS', 'PANEL'] }],
      [adminToken, {}],
    ] as const) {
      {
        const result = await search({ filter }, token);
        const buckets = result.facets.flatMap((facet) => facet.buckets.map((bucket) => ({ field: facet.field, filterField: facet.filterField, ...bucket })));
        expect(buckets.length).toBeGreaterThan(30);
        const mismatches: string[] = [];
        for (const bucket of buckets) {
          if (bucket.label.length === 0) mismatches.push(`${bucket.field}: no label`);
          // The filter the API names for the facet (Facet.filterField), as a portal uses it.
          const again = await search({ filter: { ...filter, [bucket.filterField]: [bucket.value] }, first: 0 }, token);
          if (again.totalCount !== bucket.count || again.individuals !== bucket.individuals) {
            mismatches.push(`${bucket.field}=${bucket.value}: ${again.totalCount}/${again.individuals} vs ${bucket.count}/${bucket.individuals}`);
          }
        }
        expect(mismatches).toEqual([]);
      }
    }
    // About 150 searches: on a busy machine this takes longer than the default timeout (no latency is asserted).
  }, 300_000);

  it('labels organisations by name and offers every holding region as a facet and filter', async () => {
    const result = await search({});
    const regions = result.facets.find((f) => f.field === 'holdingRegion')!;
    expect(regions.buckets.map((b) => b.label)).toEqual(expect.arrayContaining(['Region Skåne', 'Region Örebro län']));
    const orebro = regions.buckets.find((b) => b.label === 'Region Örebro län')!;
    // The national leukaemia dataset is held by seven regions, Örebro among them.
    const held = await search({ filter: { holdingRegion: ['urn:example:gms-catalogue:org:region-orebro'] } });
    expect(held.totalCount).toBe(orebro.count);
    expect(held.edges.map((e) => e.node.identifier)).toContain('urn:example:gms-catalogue:dataset:al-wgs-wts');
    const publisher = result.facets.find((f) => f.field === 'publisher')!.buckets[0]!;
    expect(publisher.label).not.toBe(publisher.value);
  });

  it('counts datasets exactly for everyone', async () => {
    const anonymous = await search({ filter: { publisher: [UMEA_ORG] } });
    const outsider = await catalogue.token('data_manager', ['urn:example:gms-catalogue:org:region-orebro']);
    const signedIn = await search({ filter: { publisher: [UMEA_ORG] } }, outsider);
    expect(anonymous.totalCount).toBeGreaterThan(0);
    expect(anonymous.totalCount).toBeLessThan(5);
    for (const facet of anonymous.facets) {
      for (const bucket of facet.buckets) expect(bucket.count).toBeGreaterThan(0);
    }
    expect(anonymous.facets.map((f) => f.buckets.map((b) => b.count))).toEqual(signedIn.facets.map((f) => f.buckets.map((b) => b.count)));
  });

  /** Sets a dataset's cohort size through the API, as its data manager would. */
  async function setCohortSize(identifier: string, size: number): Promise<void> {
    await setCohortCounts(identifier, { numberOfUniqueIndividuals: size });
  }

  /** Sets counts of a dataset's cohort through the API, as its data manager would. */
  async function setCohortCounts(identifier: string, counts: Record<string, number>): Promise<void> {
    const read = await catalogue.gql(`{ dataset(id: "${identifier}") { id version cohort {
      numberOfUniqueIndividuals numberOfRecords numberOfSamples numberOfFamilies minTypicalAge maxTypicalAge populationCoverage
      diseases { iri label system } phenotypes { iri label system } sampleTypes variantTypes pedigreeStructure countsSource
      sexDistribution { female male otherOrUnknown } sequencing { assays panelName platform readLength meanCoverage }
      genomeBuild { name accession } } } }`, {}, adminToken);
    expect(read.errors).toBeUndefined();
    const { id, version, cohort } = read.data!.dataset;
    const written = await catalogue.gql(
      `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { userErrors { field message } } }`,
      // The sex distribution must add up to the size, so it goes (the test needs only the size).
      { id, v: version, input: { cohort: stripNulls({ ...cohort, sexDistribution: null, ...counts }) } },
      adminToken,
    );
    expect(written.errors).toBeUndefined();
    expect(written.data!.updateDataset.userErrors).toEqual([]);
    await catalogue.indexer.drain();
  }

  it('discloses the counts of records and samples to anonymous callers like the cohort size', async () => {
    const COHORT = `query($id: ID!) { dataset(id: $id) { cohort { numberOfUniqueIndividuals numberOfRecords numberOfSamples } } }`;
    const counts = async (identifier: string, token?: string) => {
      const response = await catalogue.gql(COHORT, { id: identifier }, token);
      expect(response.errors).toBeUndefined();
      return response.data!.dataset.cohort as Record<string, number | null>;
    };
    const GMCK = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
    expect(await counts(GMCK, adminToken)).toEqual({ numberOfUniqueIndividuals: 4437, numberOfRecords: 4437, numberOfSamples: 4437 });
    expect(await counts(GMCK)).toEqual({ numberOfUniqueIndividuals: 4440, numberOfRecords: 4440, numberOfSamples: 4440 });

    const small = { numberOfUniqueIndividuals: 3, numberOfRecords: 3, numberOfSamples: 3 };
    const original = await counts(UMEA, adminToken);
    await setCohortCounts(UMEA, small);
    expect(await counts(UMEA, adminToken)).toEqual(small);
    expect(await counts(UMEA)).toEqual({ numberOfUniqueIndividuals: null, numberOfRecords: null, numberOfSamples: null });
    await setCohortCounts(UMEA, original as Record<string, number>);
  });

  /** Everything an anonymous caller can ask about cohort sizes, around the sizes being probed. */
  async function anonymousView(): Promise<unknown[]> {
    const answers: unknown[] = [];
    const filters: Record<string, unknown>[] = [{}, { publisher: [UPPSALA] }, { publisher: [UMEA_ORG] }, { holdingRegion: [UMEA_ORG] }];
    for (const min of [0, 3, 4, 5, 95, 96, 97, 99, 100, 101]) filters.push({ minIndividuals: min }, { publisher: [UPPSALA], minIndividuals: min });
    for (const range of ['1-99', '100-999']) filters.push({ individualsRange: [range] }, { publisher: [UMEA_ORG], individualsRange: [range] });
    for (const filter of filters) answers.push(await search({ filter, sort: 'INDIVIDUALS_DESC' }));
    return answers;
  }

  it('discloses counts of individuals to anonymous callers only rounded and suppressed, whatever they combine', async () => {
    const anonymous = await search({});
    const exact = await search({}, adminToken);
    expect(exact.individuals).not.toBeNull();
    expect(anonymous.individuals! % 10).toBe(0);
    expect(anonymous.displayIndividuals).toBe(String(anonymous.individuals));
    const longread = (r: typeof exact) => r.edges.find((e) => e.node.identifier === LONGREAD)!.node.cohort!.numberOfUniqueIndividuals;
    expect(longread(exact)).toBe(96);
    expect(longread(anonymous)).toBe(100);

    // Change two cohorts by amounts that keep their disclosed sizes: 96 -> 99 (both 100), 3 -> 4 (both suppressed).
    // If any combination of totals, buckets, filters and sorts depended on exact sizes, the answers would change.
    await setCohortSize(UMEA, 3);
    const before = await anonymousView();
    const exactBefore = await search({ filter: { publisher: [UMEA_ORG] } }, adminToken);
    await setCohortSize(LONGREAD, 99);
    await setCohortSize(UMEA, 4);
    const after = await anonymousView();
    const exactAfter = await search({ filter: { publisher: [UMEA_ORG] } }, adminToken);
    expect(after).toEqual(before);
    // Signed-in callers see exact sizes, so the change itself is real.
    expect(exactAfter.individuals).not.toBe(exactBefore.individuals);

    const small = await search({ filter: { publisher: [UMEA_ORG] } });
    expect(small.totalCount).toBeGreaterThan(0);
    expect(small.individuals).toBeNull();
    expect(small.displayIndividuals).toBe('<5');
    expect(small.edges[0]!.node.cohort!.numberOfUniqueIndividuals).toBeNull();
    await setCohortSize(LONGREAD, 96);
    await setCohortSize(UMEA, 74);
  }, 300_000);
});

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, stripNulls(v)]));
  }
  return value;
}
