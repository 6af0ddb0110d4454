import type * as RDF from '@rdfjs/types';
import { Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordStatus } from '../../../src/records/record.js';
import { toGlobalId } from '../../../src/core/global-id.js';
import { Dataset } from '../../../src/datasets/dataset.entity.js';
import { Distribution } from '../../../src/datasets/distribution.entity.js';
import { adms, dcat, dct, ext, fdp, foaf, hydra, ldp, prov, rdf } from '../../../src/dcat/namespaces.js';
import type { RdfFormat } from '../../../src/dcat/rdf/formats.js';
import { isomorphic, parse } from '../../../src/dcat/rdf/parse.js';
import { validate, type ShaclViolation } from '../../../src/dcat/shacl.js';
import { startTestCatalogue, type TestCatalogue } from '../../support/catalogue.js';

/** The base URL the test server publishes IRIs under (test/support/catalogue.ts). */
const BASE = 'http://gdcat.test';
const DRAFT = 'urn:example:gms-catalogue:dataset:complex-cad-uppsala';
const PUBLIC_DATASETS = ['urn:example:gms-catalogue:dataset:mrsa-wgs-orebro', 'urn:example:gms-catalogue:dataset:sarscov2-vgr'];
const NON_PUBLIC = 'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC';
const UPDATED = 'urn:example:gms-catalogue:dataset:rd-trio-skane';
const WITHDRAWN = 'urn:example:gms-catalogue:dataset:myeloid-panel-skane';
const SKANE = 'urn:example:gms-catalogue:org:region-skane';

const datasetIri = (identifier: string) => `${BASE}/dcat/datasets/${encodeURIComponent(identifier)}`;

let catalogue: TestCatalogue;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
});
afterAll(() => catalogue?.stop());

/** Where an IRI of ours is served by the test server. */
const located = (iri: string) => (iri.startsWith(BASE) ? catalogue.url + iri.slice(BASE.length) : iri);

async function get(iri: string, accept = 'text/turtle') {
  const response = await fetch(located(iri), { headers: { accept } });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function graphAt(iri: string, format: RdfFormat = 'text/turtle'): Promise<RDF.Quad[]> {
  const { status, text } = await get(iri, format);
  expect(status, text).toBe(200);
  return parse(text, format, iri);
}

function objects(quads: readonly RDF.Quad[], subject: string | null, predicate: RDF.NamedNode): string[] {
  return quads.filter((q) => (subject === null || q.subject.value === subject) && q.predicate.equals(predicate)).map((q) => q.object.value);
}

function only(values: string[]): string {
  expect(values).toHaveLength(1);
  return values[0]!;
}

/** Every page of a listing, following hydra:next from the first. */
async function allPages(first: string): Promise<RDF.Quad[][]> {
  const pages: RDF.Quad[][] = [];
  let next: string | undefined = first;
  while (next) {
    const page = await graphAt(next);
    pages.push(page);
    const view = page.find((q) => q.predicate.equals(hydra('view')));
    next = view ? objects(page, view.object.value, hydra('next'))[0] : undefined;
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

function union(pages: RDF.Quad[][]): RDF.Quad[] {
  return new Store(pages.flat()).getQuads(null, null, null, null);
}

const listedDatasets = (page: RDF.Quad[]) => objects(page, `${BASE}/dcat/catalog`, dcat('dataset'));

function readable(violations: ShaclViolation[]): string[] {
  return violations.map((v) => `${v.focusNode} ${v.path ?? ''}: ${v.message}`);
}

async function visibleIdentifiers(): Promise<string[]> {
  const datasets = await catalogue.orm.em.fork().find(Dataset, { status: { $ne: RecordStatus.DRAFT } }, { fields: ['identifier'] });
  return datasets.map((dataset) => dataset.identifier).sort();
}

describe('the seed catalogue against the official shapes', () => {
  let whole: RDF.Quad[];
  beforeAll(async () => {
    whole = union(await allPages(`${BASE}/dcat/catalog?pageSize=5`));
  });

  it('conforms to DCAT-AP 3 with no violations', async () => {
    const report = await validate(whole, 'dcat-ap-3');
    expect(readable(report.violations)).toEqual([]);
    expect(report.conforms).toBe(true);
  });

  it('conforms to HealthDCAT-AP (NON_PUBLIC shapes) with no violations for its non-public datasets', async () => {
    // These shapes demand access-right NON_PUBLIC of every dcat:Dataset: they are for non-public datasets only.
    const publicIris = PUBLIC_DATASETS.map(datasetIri);
    const nonPublic = whole.filter((q) => !publicIris.includes(q.subject.value) && !publicIris.includes(q.object.value));
    expect(objects(nonPublic, null, dct('accessRights')).every((value) => value === NON_PUBLIC)).toBe(true);
    expect(objects(nonPublic, `${BASE}/dcat/catalog`, dcat('dataset'))).toHaveLength(13);
    const report = await validate(nonPublic, 'healthdcat-ap');
    expect(readable(report.violations)).toEqual([]);
    expect(report.conforms).toBe(true);
  });

  it('meets the NON_PUBLIC shapes for public pathogen data too, except where they presuppose non-public personal data', async () => {
    const report = await validate(whole, 'healthdcat-ap');
    const findings = report.violations.map((v) => `${v.focusNode} ${v.path} ${v.constraint}`).sort();
    expect(findings).toEqual(
      PUBLIC_DATASETS.flatMap((identifier) => [
        // The access right is PUBLIC, and these records name no HDAB and hold no personal data (no dct:type).
        `${datasetIri(identifier)} ${dct('accessRights').value} HasValueConstraintComponent`,
        `${datasetIri(identifier)} ${dct('type').value} MinCountConstraintComponent`,
        `${datasetIri(identifier)} http://healthdataportal.eu/ns/health#hdab MinCountConstraintComponent`,
      ]).sort(),
    );
  });
});

describe('GET /dcat/catalog', () => {
  it('serves the same graph as Turtle, JSON-LD, RDF/XML and N-Triples', async () => {
    const iri = `${BASE}/dcat/catalog?pageSize=500`;
    const turtle = await graphAt(iri, 'text/turtle');
    expect(turtle.length).toBeGreaterThan(1000);
    for (const format of ['application/ld+json', 'application/rdf+xml', 'application/n-triples'] as const) {
      const response = await get(iri, format);
      expect(response.type).toBe(`${format}; charset=utf-8`);
      const other = await parse(response.text, format, iri);
      expect(other, format).toHaveLength(turtle.length);
      expect(isomorphic(other, turtle), format).toBe(true);
    }
  });

  it('defaults to Turtle and follows q-values', async () => {
    expect((await get(`${BASE}/dcat/catalog?pageSize=1`, '*/*')).type).toBe('text/turtle; charset=utf-8');
    expect((await get(`${BASE}/dcat/catalog?pageSize=1`, 'text/turtle;q=0.2, application/ld+json')).type).toBe('application/ld+json; charset=utf-8');
  });

  it('pages with a Hydra PartialCollectionView whose next links visit every dataset exactly once, oldest change first', async () => {
    const visible = await visibleIdentifiers();
    expect(visible).toHaveLength(15);
    const pages = await allPages(`${BASE}/dcat/catalog?pageSize=4`);
    expect(pages.map((page) => listedDatasets(page).length)).toEqual([4, 4, 4, 3]);
    const listed = pages.flatMap(listedDatasets);
    expect([...listed].sort()).toEqual(visible.map(datasetIri).sort());

    const pageUrl = (n: number) => `${BASE}/dcat/catalog?page=${n}&pageSize=4`;
    for (const [index, page] of pages.entries()) {
      const view = only(objects(page, `${BASE}/dcat/catalog`, hydra('view')));
      expect(view).toBe(pageUrl(index + 1));
      expect(objects(page, view, rdf('type'))).toEqual([hydra('PartialCollectionView').value]);
      expect(objects(page, `${BASE}/dcat/catalog`, hydra('totalItems'))).toEqual(['15']);
      expect(objects(page, view, hydra('first'))).toEqual([pageUrl(1)]);
      expect(objects(page, view, hydra('last'))).toEqual([pageUrl(4)]);
      expect(objects(page, view, hydra('previous'))).toEqual(index === 0 ? [] : [pageUrl(index)]);
      expect(objects(page, view, hydra('next'))).toEqual(index === 3 ? [] : [pageUrl(index + 2)]);
      // Each page describes exactly the datasets it lists.
      expect(page.filter((q) => q.object.equals(dcat('Dataset'))).map((q) => q.subject.value).sort()).toEqual([...listedDatasets(page)].sort());
    }
    const modified = listed.map((iri) => only(objects(pages.flat(), iri, dct('modified'))));
    expect(modified).toEqual([...modified].sort());

    // Without paging parameters: the first page of 50.
    const defaults = await graphAt(`${BASE}/dcat/catalog`);
    expect(objects(defaults, `${BASE}/dcat/catalog`, hydra('view'))).toEqual([`${BASE}/dcat/catalog?page=1&pageSize=50`]);
    expect(listedDatasets(defaults)).toHaveLength(15);
  });

  it('reads a page of datasets in the same number of queries whatever its size', async () => {
    const queriesFor = async (pageSize: number) => {
      catalogue.queries.length = 0;
      const page = await graphAt(`${BASE}/dcat/catalog?pageSize=${pageSize}`);
      expect(listedDatasets(page)).toHaveLength(pageSize);
      return [...catalogue.queries];
    };
    const small = await queriesFor(2);
    const large = await queriesFor(15);
    // The statements are seen at all (a counter that never matches would pass the comparisons below).
    expect(small.length).toBeGreaterThan(0);
    expect(large.length, large.join('\n')).toBe(small.length);
    expect(large.length, large.join('\n')).toBeLessThanOrEqual(12);
  });

  it('answers 406 for media types it does not serve and 400 for bad parameters, saying why', async () => {
    const notAcceptable = await get(`${BASE}/dcat/catalog`, 'text/html');
    expect(notAcceptable.status).toBe(406);
    expect(notAcceptable.text).toMatch(/text\/turtle, application\/ld\+json, application\/rdf\+xml/);
    const cases: [string, RegExp][] = [
      ['page=0', /page counts from 1/],
      ['pageSize=501', /pageSize must be between 1 and 500/],
      ['pageSize=ten', /pageSize must be a whole number/],
      ['page=1&page=2', /"page" once/],
      ['modifiedSince=yesterday', /modifiedSince must be an ISO 8601 date/],
      ['modifiedSince=2026-13-45', /modifiedSince must be an ISO 8601 date/],
      ['modifiedSince=2026-02-30', /modifiedSince must be an ISO 8601 date/],
      ['modifiedSince=2026-01-31T25:00:00Z', /modifiedSince must be an ISO 8601 date/],
      ['format=csv', /Unknown format "csv"/],
    ];
    for (const [query, message] of cases) {
      const response = await get(`${BASE}/dcat/catalog?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.type).toMatch(/^text\/plain/);
      expect(response.text, query).toMatch(message);
    }
  });
});

describe('incremental harvests and withdrawals', () => {
  it('lists only datasets modified since the given instant', async () => {
    const em = catalogue.orm.em.fork();
    const dataset = await em.findOneOrFail(Dataset, { identifier: UPDATED });
    const before = new Date();
    const token = await catalogue.token('data_manager', [SKANE]);
    const { data, errors } = await catalogue.gql(
      `mutation($id: ID!, $v: Int!) { updateDataset(id: $id, expectedVersion: $v, input: { title: "Skåne RD trio WGS (re-analysed)" }) { dataset { title } userErrors { message } } }`,
      { id: toGlobalId('Dataset', dataset.id), v: dataset.version },
      token,
    );
    expect(errors).toBeUndefined();
    expect(data?.updateDataset.userErrors).toEqual([]);

    const since = await graphAt(`${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(before.toISOString())}`);
    expect(listedDatasets(since)).toEqual([datasetIri(UPDATED)]);
    expect(objects(since, datasetIri(UPDATED), dct('title'))).toEqual(['Skåne RD trio WGS (re-analysed)']);
    // The filtered listing is its own collection, with its own size.
    expect(objects(since, `${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(before.toISOString())}`, hydra('totalItems'))).toEqual(['1']);

    const all = await graphAt(`${BASE}/dcat/catalog?modifiedSince=2000-01-01&pageSize=500`);
    expect(listedDatasets(all)).toHaveLength(15);
    const later = await graphAt(`${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(listedDatasets(later)).toEqual([]);
    expect(objects(later, null, hydra('totalItems'))).toEqual(['0']);
  });

  it('keeps a withdrawn dataset in the catalogue, marked withdrawn with its reason, so harvesters learn of it', async () => {
    const em = catalogue.orm.em.fork();
    const dataset = await em.findOneOrFail(Dataset, { identifier: WITHDRAWN });
    const before = new Date();
    const reason = 'Superseded by the national myeloid panel dataset.';
    const { data } = await catalogue.gql(
      `mutation($id: ID!, $reason: String!) { withdrawDataset(id: $id, reason: $reason) { dataset { status } userErrors { message } } }`,
      { id: WITHDRAWN, reason },
      await catalogue.token('data_manager', [SKANE]),
    );
    expect(data?.withdrawDataset).toEqual({ dataset: { status: 'WITHDRAWN' }, userErrors: [] });

    const iri = datasetIri(WITHDRAWN);
    const described = await graphAt(`${BASE}/dcat/datasets/${encodeURIComponent(dataset.identifier)}`);
    expect(objects(described, iri, adms('status'))).toEqual(['http://purl.org/adms/status/Withdrawn']);
    expect(objects(described, iri, ext('withdrawalReason'))).toEqual([reason]);
    expect(objects(described, iri, prov('invalidatedAtTime'))).toHaveLength(1);
    expect(readable((await validate(described, 'dcat-ap-3')).violations)).toEqual([]);

    const incremental = await graphAt(`${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(before.toISOString())}`);
    expect(listedDatasets(incremental)).toEqual([iri]);
    expect(objects(incremental, iri, adms('status'))).toEqual(['http://purl.org/adms/status/Withdrawn']);
    const everything = union(await allPages(`${BASE}/dcat/catalog?pageSize=7`));
    expect(listedDatasets(everything)).toContain(iri);
    expect(objects(everything, datasetIri(UPDATED), adms('status'))).toEqual(['http://purl.org/adms/status/Completed']);
  });
});

describe('GET /dcat/datasets/:id', () => {
  it('serves one dataset by public identifier or Relay id', async () => {
    const identifier = 'urn:example:gms-catalogue:dataset:al-wgs-wts';
    const byIdentifier = await graphAt(`${BASE}/dcat/datasets/${encodeURIComponent(identifier)}`);
    const dataset = await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier });
    const byRelayId = await graphAt(`${BASE}/dcat/datasets/${toGlobalId('Dataset', dataset.id)}`);
    expect(isomorphic(byIdentifier, byRelayId)).toBe(true);
    expect(byIdentifier.filter((q) => q.object.equals(dcat('Dataset'))).map((q) => q.subject.value)).toEqual([datasetIri(identifier)]);
    expect(objects(byIdentifier, datasetIri(identifier), dcat('distribution'))).toHaveLength(1);
  });

  it('answers 404 for unknown datasets', async () => {
    const response = await get(`${BASE}/dcat/datasets/urn%3Anowhere`);
    expect(response.status).toBe(404);
    expect(response.text).toMatch(/No dataset "urn:nowhere"/);
  });
});

describe('the draft dataset', () => {
  let draft: Dataset;
  let draftDistribution: string;
  beforeAll(async () => {
    const em = catalogue.orm.em.fork();
    draft = await em.findOneOrFail(Dataset, { identifier: DRAFT });
    expect(draft.status).toBe(RecordStatus.DRAFT);
    const distribution = Object.assign(new Distribution(), { dataset: draft, title: 'Draft CRAMs', accessUrl: 'https://example.org/draft' });
    await em.persist(distribution).flush();
    draftDistribution = distribution.id;
  });

  const mentionsDraft = (quads: RDF.Quad[]) =>
    quads.some((q) => [q.subject.value, q.object.value].some((value) => value.includes('complex-cad') || value.includes(draftDistribution)));

  it('never appears in the catalogue', async () => {
    expect(mentionsDraft(union(await allPages(`${BASE}/dcat/catalog?pageSize=3`)))).toBe(false);
    expect(mentionsDraft(await graphAt(`${BASE}/dcat/catalog?modifiedSince=2000-01-01&pageSize=500`))).toBe(false);
  });

  it('is not found by identifier or Relay id, in DCAT or in the FAIR Data Point', async () => {
    for (const path of [
      `/dcat/datasets/${encodeURIComponent(DRAFT)}`,
      `/dcat/datasets/${toGlobalId('Dataset', draft.id)}`,
      `/fdp/dataset/${encodeURIComponent(DRAFT)}`,
      `/fdp/distribution/${draftDistribution}`,
    ]) {
      expect((await get(`${BASE}${path}`)).status, path).toBe(404);
    }
  });

  it('is not listed by the FAIR Data Point', async () => {
    const repository = await graphAt(`${BASE}/fdp`);
    const catalogRecord = only(objects(repository, null, ldp('contains')));
    const pages = await allPages(`${catalogRecord}?pageSize=4`);
    expect(pages.some(mentionsDraft)).toBe(false);
    expect(pages.flatMap((page) => objects(page, `${catalogRecord}#datasets`, ldp('contains')))).toHaveLength(15);
  });
});

describe('FAIR Data Point', () => {
  /** The records an FDP page lists one level down: its LDP container's ldp:contains for that member relation. */
  function contained(page: RDF.Quad[], memberRelation: RDF.NamedNode): string[] {
    const container = only(page.filter((q) => q.predicate.equals(ldp('hasMemberRelation')) && q.object.equals(memberRelation)).map((q) => q.subject.value));
    return objects(page, container, ldp('contains'));
  }

  it('walks repository -> catalog -> dataset -> distribution by following the links in the RDF', async () => {
    const repositoryIri = `${BASE}/fdp`;
    const repository = await graphAt(repositoryIri);
    expect(objects(repository, repositoryIri, rdf('type'))).toEqual(
      expect.arrayContaining([fdp('FAIRDataPoint').value, 'http://www.re3data.org/schema/3-0#Repository']),
    );
    const catalog = only(objects(repository, repositoryIri, fdp('metadataCatalog')));
    expect(objects(repository, catalog, rdf('type'))).toContain(dcat('Catalog').value);

    const catalogRecordIri = only(contained(repository, fdp('metadataCatalog')));
    const catalogRecord = await graphAt(catalogRecordIri);
    expect(objects(catalogRecord, catalogRecordIri, foaf('primaryTopic'))).toEqual([catalog]);
    const datasetRecords = contained(catalogRecord, dcat('dataset'));
    expect(datasetRecords.length).toBeGreaterThan(0);
    expect(datasetRecords).toHaveLength(objects(catalogRecord, catalog, dcat('dataset')).length);

    const datasetRecordIri = datasetRecords[0]!;
    const datasetRecord = await graphAt(datasetRecordIri, 'application/rdf+xml');
    const dataset = only(objects(datasetRecord, datasetRecordIri, foaf('primaryTopic')));
    expect(objects(catalogRecord, catalog, dcat('dataset'))).toContain(dataset);
    expect(objects(datasetRecord, dataset, rdf('type'))).toEqual([dcat('Dataset').value]);
    expect(objects(datasetRecord, datasetRecordIri, dct('isPartOf'))).toEqual([catalogRecordIri]);

    const distributionRecordIri = contained(datasetRecord, dcat('distribution'))[0]!;
    const distributionRecord = await graphAt(distributionRecordIri, 'application/ld+json');
    const distribution = only(objects(distributionRecord, distributionRecordIri, foaf('primaryTopic')));
    expect(objects(datasetRecord, dataset, dcat('distribution'))).toContain(distribution);
    expect(objects(distributionRecord, distribution, rdf('type'))).toEqual([dcat('Distribution').value]);
    expect(objects(distributionRecord, distribution, dcat('accessURL'))).toHaveLength(1);
    expect(objects(distributionRecord, distributionRecordIri, dct('isPartOf'))).toEqual([datasetRecordIri]);
  });

  it('negotiates formats and answers 404 for unknown records', async () => {
    expect((await get(`${BASE}/fdp`, 'application/rdf+xml')).type).toBe('application/rdf+xml; charset=utf-8');
    expect((await get(`${BASE}/fdp`, 'image/png')).status).toBe(406);
    expect((await get(`${BASE}/fdp/catalog/urn%3Anowhere`)).status).toBe(404);
    expect((await get(`${BASE}/fdp/distribution/not-a-uuid`)).status).toBe(404);
    expect((await get(`${BASE}/fdp/distribution/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });
});
