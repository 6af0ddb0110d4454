import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendantsOf } from '../../src/ontology/disease-hierarchy.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

type Bucket = { value: string; label: string; count: number | null; displayCount: string };
type Facet = { field: string; buckets: Bucket[] };

const SEARCH = `query($query: String, $filter: DatasetFilter, $first: Int, $after: String, $sort: DatasetSort) {
  datasets(query: $query, filter: $filter, first: $first, after: $after, sort: $sort) {
    totalCount
    edges { cursor node { identifier status cohort { diseases { iri } } } }
    pageInfo { hasNextPage endCursor }
    facets { field buckets { value label count displayCount } }
  }
}`;
const UPPSALA = 'urn:example:gms-catalogue:org:region-uppsala';
const ORG_OUTSIDE = 'urn:example:gms-catalogue:org:region-orebro';

describe('dataset discovery through GraphQL (PostgreSQL engine)', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  it('gives anonymous callers the same exact dataset counts as signed-in ones (datasets are public metadata)', async () => {
    const anonymous = await catalogue.gql(SEARCH, {});
    const signedIn = await catalogue.gql(SEARCH, {}, await catalogue.token('data_manager', [ORG_OUTSIDE]));
    // The individuals facet buckets cohort sizes, which anonymous callers see rounded: it may differ.
    const counts = (facets: Facet[]) =>
      facets.filter((f) => f.field !== 'individuals').map((f) => [f.field, f.buckets.map((b) => [b.value, b.count, b.displayCount])]);
    const assay = (anonymous.data!.datasets.facets as Facet[]).find((f) => f.field === 'assay')!;
    expect(assay.buckets.some((b) => b.count !== null && b.count < 5)).toBe(true);
    for (const bucket of assay.buckets) expect(bucket.displayCount).toBe(String(bucket.count));
    expect(counts(anonymous.data!.datasets.facets)).toEqual(counts(signedIn.data!.datasets.facets));
    expect(anonymous.data!.datasets.totalCount).toBe(signedIn.data!.datasets.totalCount);
  });

  it('never counts a draft for callers who may not see it, and counts it for its owner', async () => {
    const areaTotal = (facets: Facet[]) => facets.find((f) => f.field === 'diagnosticArea')!.buckets.reduce((s, b) => s + (b.count ?? 0), 0);
    const outsider = await catalogue.gql(SEARCH, { first: 50 }, await catalogue.token('data_manager', [ORG_OUTSIDE]));
    const owner = await catalogue.gql(SEARCH, { first: 50 }, await catalogue.token('data_manager', [UPPSALA]));
    const outsiderIds = outsider.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier);
    expect(outsiderIds).not.toContain('urn:example:gms-catalogue:dataset:complex-cad-uppsala');
    expect(owner.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier)).toContain('urn:example:gms-catalogue:dataset:complex-cad-uppsala');
    // Every dataset has one diagnostic area, so the facet adds up to the total.
    expect(areaTotal(outsider.data!.datasets.facets)).toBe(outsider.data!.datasets.totalCount);
    expect(areaTotal(owner.data!.datasets.facets)).toBe(outsider.data!.datasets.totalCount + 1);
    const drafts = await catalogue.gql(SEARCH, { filter: { status: ['DRAFT'] } });
    expect(drafts.data!.datasets.totalCount).toBe(0);
  });

  it('finds datasets annotated with descendants of a parent disease term', async () => {
    const cancer = 'http://purl.obolibrary.org/obo/MONDO_0004992';
    const { data } = await catalogue.gql(SEARCH, { filter: { diseases: [cancer] }, first: 50 });
    const covered = new Set(descendantsOf('MONDO:0004992'));
    const found = data!.datasets.edges.map((e: { node: { identifier: string; cohort: { diseases: { iri: string }[] } } }) => e.node);
    expect(found.length).toBeGreaterThan(2);
    for (const node of found) {
      expect(node.cohort.diseases.some((d: { iri: string }) => covered.has(d.iri.replace('http://purl.obolibrary.org/obo/', '').replace('_', ':')))).toBe(true);
    }
    // At least one hit is annotated only with a child term, never with "cancer" itself.
    expect(found.some((n: { cohort: { diseases: { iri: string }[] } }) => !n.cohort.diseases.some((d) => d.iri === cancer))).toBe(true);
  });

  it('finds datasets coded in ICD-10 by the category above their codes (C92 finds C92.0)', async () => {
    const codes = async (diseases: string[]) => {
      const { data, errors } = await catalogue.gql(SEARCH, { filter: { diseases }, first: 50 });
      expect(errors).toBeUndefined();
      return (data!.datasets.edges as { node: { cohort: { diseases: { iri: string }[] } } }[]).map((e) => e.node.cohort.diseases.map((d) => d.iri));
    };
    const myeloid = await codes(['ICD10:C92']);
    expect(myeloid.length).toBeGreaterThan(0);
    for (const iris of myeloid) expect(iris.some((iri) => iri.endsWith('/10/C92.0'))).toBe(true);
    // C91.0 and C91.1 (lymphoid leukaemias) are both under C91, neither under C92.
    const lymphoid = (await codes(['http://id.who.int/icd/release/10/C91'])).flat();
    expect(lymphoid.some((iri) => iri.endsWith('/10/C91.0'))).toBe(true);
    expect(lymphoid.some((iri) => iri.endsWith('/10/C91.1'))).toBe(true);
    expect(await codes(['ICD10:C92.1'])).toEqual([]);
    // The disease facet counts the category, labelled by its notation (no ICD-10 titles are shipped).
    const { data } = await catalogue.gql(SEARCH, { first: 0 });
    const disease = (data!.datasets.facets as Facet[]).find((f) => f.field === 'disease')!;
    expect(disease.buckets.find((b) => b.value === 'ICD10:C92')).toMatchObject({ label: 'ICD-10 C92', count: myeloid.length });
  });

  it('refuses a disease filter that could only match nothing (a label, an obsolete or unknown MONDO code), naming each', async () => {
    const { data, errors } = await catalogue.gql(SEARCH, { filter: { diseases: ['MONDO:0007254', 'breast cancer', 'MONDO:0000002', 'MONDO:9999999'] } });
    expect(data?.datasets ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = errors![0]!.extensions!.userErrors as { field: string; message: string }[];
    expect(problems.map((p) => p.field)).toEqual(['filter.diseases[1]', 'filter.diseases[2]', 'filter.diseases[3]']);
    expect(problems[0]!.message).toMatch(/"breast cancer" is not an ontology IRI or compact id.*diseaseTerms/);
    expect(problems[1]!.message).toMatch(/MONDO:0000002 is obsolete in MONDO/);
    expect(problems[2]!.message).toMatch(/MONDO:9999999 is not a class of the shipped MONDO release/);
  });

  it('pages through every result exactly once with cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { data }: { data?: Record<string, any> } = await catalogue.gql(SEARCH, { first: 4, after, sort: 'TITLE' }); // eslint-disable-line @typescript-eslint/no-explicit-any
      seen.push(...data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier));
      if (!data!.datasets.pageInfo.hasNextPage) break;
      after = data!.datasets.pageInfo.endCursor;
    }
    const all = await catalogue.gql(SEARCH, { first: 100, sort: 'TITLE' });
    expect(seen).toEqual(all.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('counts the matches only when totalCount is selected', async () => {
    const search = async (selection: string) => {
      const before = catalogue.queries.length;
      const { data, errors } = await catalogue.gql(`{ datasets(first: 100, filter: { assay: [WGS] }) { ${selection} edges { node { identifier } } } }`, {});
      expect(errors).toBeUndefined();
      return { datasets: data!.datasets, counted: catalogue.queries.slice(before).some((sql) => /\bcount\(\*\)/i.test(sql)) };
    };
    const page = await search('');
    expect(page.counted).toBe(false);
    const withTotal = await search('totalCount');
    expect(withTotal.counted).toBe(true);
    expect(withTotal.datasets.totalCount).toBe(page.datasets.edges.length);
    expect(page.datasets.edges.length).toBeGreaterThan(0);
  });

  it('is typo tolerant and accent-insensitive', async () => {
    const typo = await catalogue.gql(SEARCH, { query: 'leukamia' });
    expect(typo.data!.datasets.totalCount).toBeGreaterThan(0);
    const accent = await catalogue.gql(SEARCH, { query: 'Orebro' });
    expect(accent.data!.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier)).toContain('urn:example:gms-catalogue:dataset:lymphoid-panel-orebro');
  });

  it('rejects bad filters and page sizes with a clear error, not a 500', async () => {
    const tooBig = await catalogue.gql(SEARCH, { first: 101 });
    expect(tooBig.status).toBe(200);
    expect(tooBig.errors?.[0].message).toMatch(/first/);
    expect(tooBig.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknownPublisher = await catalogue.gql(SEARCH, { filter: { publisher: ['urn:nowhere'] } });
    expect(unknownPublisher.errors?.[0].message).toMatch(/filter\.publisher\[0\]/);
    const badCursor = await catalogue.gql(SEARCH, { after: 'garbage' });
    expect(badCursor.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT/);
    const badEnum = await catalogue.gql(SEARCH, { filter: { assay: ['NOT_AN_ASSAY'] } });
    expect(badEnum.status).toBe(400);
    expect(badEnum.errors?.[0].message).toMatch(/NOT_AN_ASSAY/);
  });

  it('names for each facet the filter field its bucket values narrow by, and each bucket counts what that filter finds', async () => {
    const { data } = await catalogue.gql('{ datasets(first: 0) { facets { field filterField buckets { value count } } } }');
    const facets = data!.datasets.facets as { field: string; filterField: string; buckets: { value: string; count: number }[] }[];
    expect(Object.fromEntries(facets.map((facet) => [facet.field, facet.filterField]))).toMatchObject({ disease: 'diseases', individuals: 'individualsRange', publisher: 'publisher' });
    for (const facet of facets) {
      for (const bucket of facet.buckets.slice(0, 2)) {
        const narrowed = await catalogue.gql(SEARCH, { filter: { [facet.filterField]: [bucket.value] }, first: 0 });
        expect(narrowed.errors, `${facet.field} ${bucket.value}`).toBeUndefined();
        expect(narrowed.data!.datasets.totalCount, `${facet.field} ${bucket.value}`).toBe(bucket.count);
      }
    }
  });

  it('lists every holding region in whoToAsk, after the route’s own steps', async () => {
    const { data } = await catalogue.gql(`{ dataset(id: "urn:example:gms-catalogue:dataset:al-wgs-wts") {
      accessRoute { accessBody { identifier } steps { order requirement body { identifier } } }
      whoToAsk { identifier kind operationalStatus contactEmail }
    } }`);
    const steps = data!.dataset.accessRoute.steps;
    const who = data!.dataset.whoToAsk.map((b: { identifier: string }) => b.identifier);
    const routeBodies = [
      ...new Set([data!.dataset.accessRoute.accessBody?.identifier, ...steps.map((s: { body: { identifier: string } | null }) => s.body?.identifier)].filter(Boolean)),
    ];
    expect(who.slice(0, routeBodies.length)).toEqual(routeBodies);
    for (const region of ['skane', 'stockholm', 'uppsala', 'vgr']) expect(who).toContain(`urn:example:gms-catalogue:dab:${region}`);
    expect(new Set(who).size).toBe(who.length);
  });
});
