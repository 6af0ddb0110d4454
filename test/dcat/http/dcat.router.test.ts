import type { EntityClass } from '@mikro-orm/core';
import type * as RDF from '@rdfjs/types';
import { Store } from 'n3';
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogueRecord, RecordStatus } from '../../../src/records/record.js';
import { toGlobalId } from '../../../src/core/global-id.js';
import { DataAccessBody } from '../../../src/access/data-access-body.entity.js';
import { Dataset } from '../../../src/datasets/dataset.entity.js';
import { HealthEconomicEvaluation } from '../../../src/economics/health-economic-evaluation.entity.js';
import { Organisation } from '../../../src/organisations/organisation.entity.js';
import { Study } from '../../../src/studies/study.entity.js';
import { Distribution } from '../../../src/datasets/distribution.entity.js';
import { adms, dcat, dct, ext, fdp, healthdcatap, hydra, ldp, prov, rdf } from '../../../src/dcat/namespaces.js';
import type { RdfFormat } from '../../../src/dcat/rdf/formats.js';
import { isomorphic, parse } from '../../../src/dcat/rdf/parse.js';
import { validate, type ShaclViolation } from '../../../src/dcat/shacl.js';
import { startTestCatalogue, type TestCatalogue } from '../../support/catalogue.js';

/** The base URL the test server publishes IRIs under (test/support/catalogue.ts). */
const BASE = 'http://gdcat.test';
const DRAFT = 'urn:example:gms-catalogue:dataset:complex-cad-uppsala';
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

describe('GET /dcat/catalog', () => {
  it('serves the same graph as Turtle, JSON-LD, RDF/XML and N-Triples', async () => {
    const iri = `${BASE}/dcat/catalog?pageSize=100`;
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

  it('pages with a Hydra PartialCollectionView whose next links (keyset cursors) visit every dataset exactly once', async () => {
    const visible = await visibleIdentifiers();
    expect(visible).toHaveLength(15);
    const first = `${BASE}/dcat/catalog?pageSize=4`;
    const pages = await allPages(first);
    expect(pages.map((page) => listedDatasets(page).length)).toEqual([4, 4, 4, 3]);
    const listed = pages.flatMap(listedDatasets);
    expect([...listed].sort()).toEqual(visible.map(datasetIri).sort());

    for (const [index, page] of pages.entries()) {
      const view = only(objects(page, `${BASE}/dcat/catalog`, hydra('view')));
      if (index === 0) expect(view).toBe(first);
      else expect(view).toMatch(/^http:\/\/gdcat\.test\/dcat\/catalog\?pageSize=4&cursor=[\w-]+$/);
      expect(objects(page, view, rdf('type'))).toEqual([hydra('PartialCollectionView').value]);
      expect(objects(page, `${BASE}/dcat/catalog`, hydra('totalItems'))).toEqual(['15']);
      expect(objects(page, view, hydra('first'))).toEqual([first]);
      expect(objects(page, view, hydra('next'))).toHaveLength(index === 3 ? 0 : 1);
      // Each page describes exactly the datasets it lists.
      expect(page.filter((q) => q.object.equals(dcat('Dataset'))).map((q) => q.subject.value).sort()).toEqual([...listedDatasets(page)].sort());
    }

    // Without paging parameters: the first page of 50.
    const defaults = await graphAt(`${BASE}/dcat/catalog`);
    expect(objects(defaults, `${BASE}/dcat/catalog`, hydra('view'))).toEqual([`${BASE}/dcat/catalog?pageSize=50`]);
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
    // 14: the catalogue, how far the listing is complete, the count, the page and its four to-many relations, consents,
    // routes with their steps and bodies, evaluations, operated bodies, the catalogue's latest change and the
    // identifiers for ldp:contains.
    expect(large.length, large.join('\n')).toBeLessThanOrEqual(14);
  });

  it('answers 406 for media types it does not serve and 400 for bad parameters, as JSON naming the parameter and why', async () => {
    const notAcceptable = await get(`${BASE}/dcat/catalog`, 'text/html');
    expect([notAcceptable.status, notAcceptable.type]).toEqual([406, 'application/json; charset=utf-8']);
    expect(JSON.parse(notAcceptable.text).errors).toEqual([
      { message: expect.stringMatching(/text\/turtle, application\/ld\+json, application\/rdf\+xml/), extensions: { code: 'NOT_ACCEPTABLE' } },
    ]);
    const cases: [string, string, RegExp][] = [
      ['page=2', 'page', /follow the hydra:next links/],
      ['cursor=abc', 'cursor', /"abc" is not one this server issued/],
      ['cursor=YWZ0ZXI6bm90LWEtdXVpZA', 'cursor', /is not one this server issued/],
      ['includeWithdrawn=yes', 'includeWithdrawn', /must be true or false/],
      ['pageSize=0', 'pageSize', /must be between 1 and 100/],
      ['pageSize=101', 'pageSize', /must be between 1 and 100/],
      ['pageSize=ten', 'pageSize', /must be a whole number/],
      ['page=1&page=2', 'page', /give this query parameter once/],
      ['modifiedSince=yesterday', 'modifiedSince', /must be an ISO 8601 date/],
      ['modifiedSince=2026-13-45', 'modifiedSince', /must be an ISO 8601 date/],
      ['modifiedSince=2026-02-30', 'modifiedSince', /must be an ISO 8601 date/],
      ['modifiedSince=2026-01-31T25:00:00Z', 'modifiedSince', /must be an ISO 8601 date/],
      ['format=csv', 'format', /unknown format "csv"/],
    ];
    for (const [query, parameter, reason] of cases) {
      const response = await get(`${BASE}/dcat/catalog?${query}`);
      expect([response.status, response.type], query).toEqual([400, 'application/json; charset=utf-8']);
      const [error, ...more] = JSON.parse(response.text).errors;
      expect(more, query).toEqual([]);
      expect(error.extensions, query).toEqual({ code: 'BAD_USER_INPUT', userErrors: [{ field: parameter, message: expect.stringMatching(reason), code: 'INVALID' }] });
      expect(error.message, query).toBe(`${parameter}: ${error.extensions.userErrors[0].message}`);
    }
  });

  it('serves RDF/XML to clients that ask for XML in general', async () => {
    for (const accept of ['application/xml', 'text/xml', 'text/xml;q=0.9, text/html']) {
      const response = await get(`${BASE}/dcat/catalog?pageSize=1`, accept);
      expect(response.status, accept).toBe(200);
      expect(response.type, accept).toBe('application/rdf+xml; charset=utf-8');
    }
  });

  it('answers 400, never 5xx, for malformed ids and percent-encoding', async () => {
    for (const path of ['/dcat/datasets/%E0%A4%A', '/dcat/datasets/%', '/dcat/distributions/%ZZ', '/dcat/organisations/%C0', '/dcat/catalog?cursor=%E0%A4%A']) {
      const response = await fetch(catalogue.url + path, { headers: { accept: 'text/turtle' } });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
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
    // The English title changed; the Swedish one is kept.
    expect(objects(since, datasetIri(UPDATED), dct('title')).sort()).toEqual([
      'Skåne RD trio WGS (re-analysed)',
      'Triosekvensering av hela genomet vid sällsynta sjukdomar hos barn, Region Skåne',
    ]);
    // The filtered listing is its own collection, with its own size.
    expect(objects(since, `${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(before.toISOString())}`, hydra('totalItems'))).toEqual(['1']);

    const all = await graphAt(`${BASE}/dcat/catalog?modifiedSince=2000-01-01&pageSize=100`);
    expect(listedDatasets(all)).toHaveLength(15);
    const later = await graphAt(`${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(listedDatasets(later)).toEqual([]);
    expect(objects(later, null, hydra('totalItems'))).toEqual(['0']);
  });

  it('follows changes to related records: modifiedSince lists, and dct:modified dates, every dataset whose description changed', async () => {
    const admin = await catalogue.token('admin');
    const whole = union(await allPages(`${BASE}/dcat/catalog?pageSize=50`));
    const minted = (kind: string) => [...new Set(whole.map((q) => q.object.value).filter((value) => value.startsWith(`${BASE}/dcat/${kind}/`) && !value.includes('#')))];
    const related: [string, string, EntityClass<CatalogueRecord>, string, string][] = [
      [`${BASE}/dcat/organisations/${encodeURIComponent(SKANE)}`, 'Organisation', Organisation as EntityClass<CatalogueRecord>, 'name', 'Region Skåne (renamed)'],
      [minted('access-bodies')[0]!, 'DataAccessBody', DataAccessBody as EntityClass<CatalogueRecord>, 'name', 'Access body (renamed)'],
      [minted('studies')[0]!, 'Study', Study as EntityClass<CatalogueRecord>, 'title', 'Study (renamed)'],
      [minted('evaluations')[0]!, 'HealthEconomicEvaluation', HealthEconomicEvaluation as EntityClass<CatalogueRecord>, 'title', 'Evaluation (renamed)'],
    ];
    // What each dataset's own document points at, read once before any change.
    const mentions = new Map<string, Set<string>>();
    for (const dataset of listedDatasets(whole)) mentions.set(dataset, new Set((await graphAt(dataset)).map((q) => q.object.value)));
    for (const [iri, type, entity, field, value] of related) {
      const identifier = decodeURIComponent(iri.split('/').pop()!);
      const record = await catalogue.orm.em.fork().findOneOrFail(entity, { identifier });
      const datasets = [...mentions].filter(([, objects]) => objects.has(iri)).map(([dataset]) => dataset);
      expect(datasets.length, iri).toBeGreaterThan(0);
      const before = new Date();
      const { data, errors } = await catalogue.gql(
        `mutation($id: ID!, $v: Int!, $input: ${type}Patch!) { update${type}(id: $id, expectedVersion: $v, input: $input) { userErrors { message } } }`,
        { id: identifier, v: record.version, input: { [field]: value } },
        admin,
      );
      expect(errors, type).toBeUndefined();
      expect(data?.[`update${type}`].userErrors, type).toEqual([]);

      const since = await graphAt(`${BASE}/dcat/catalog?pageSize=100&modifiedSince=${encodeURIComponent(before.toISOString())}`);
      expect([...listedDatasets(since)].sort(), type).toEqual(datasets.sort());
      for (const dataset of datasets) {
        expect(new Date(only(objects(since, dataset, dct('modified')))).getTime(), dataset).toBeGreaterThanOrEqual(before.getTime() - 1000);
      }
      const catalogModified = only(objects(since, `${BASE}/dcat/catalog`, dct('modified')));
      expect(new Date(catalogModified).getTime(), type).toBeGreaterThanOrEqual(before.getTime() - 1000);
    }
  }, 180_000);

  it('takes a withdrawn dataset out of the listing; its IRI answers 410 with a tombstone; auditors can list it', async () => {
    const em = catalogue.orm.em.fork();
    const dataset = await em.findOneOrFail(Dataset, { identifier: WITHDRAWN }, { populate: ['distributions'] });
    const before = new Date();
    const reason = 'Superseded by the national myeloid panel dataset.';
    const { data } = await catalogue.gql(
      `mutation($id: ID!, $reason: String!) { withdrawDataset(id: $id, reason: $reason) { dataset { status } userErrors { message } } }`,
      { id: WITHDRAWN, reason },
      await catalogue.token('data_manager', [SKANE]),
    );
    expect(data?.withdrawDataset).toEqual({ dataset: { status: 'WITHDRAWN' }, userErrors: [] });

    const iri = datasetIri(WITHDRAWN);
    for (const format of ['text/turtle', 'application/ld+json', 'application/rdf+xml'] as const) {
      const gone = await get(iri, format);
      expect(gone.status, format).toBe(410);
      expect(gone.type).toBe(`${format}; charset=utf-8`);
      const tombstone = await parse(gone.text, format, iri);
      expect(objects(tombstone, iri, rdf('type'))).toEqual([dcat('Dataset').value]);
      expect(objects(tombstone, iri, adms('status'))).toEqual(['http://purl.org/adms/status/Withdrawn']);
      expect(objects(tombstone, iri, adms('versionNotes'))).toEqual([reason]);
      expect(objects(tombstone, iri, prov('invalidatedAtTime'))).toHaveLength(1);
      expect(objects(tombstone, iri, dcat('distribution'))).toEqual([]);
      expect(readable((await validate(tombstone, 'dcat-ap-3')).violations)).toEqual([]);
    }
    for (const distribution of dataset.distributions) {
      const document = `${BASE}/dcat/distributions/${distribution.id}`;
      const gone = await get(document);
      expect(gone.status).toBe(410);
      const tombstone = await parse(gone.text, 'text/turtle', document);
      expect(objects(tombstone, iri, dcat('distribution'))).toEqual([document]);
      expect(readable((await validate(tombstone, 'dcat-ap-3')).violations)).toEqual([]);
    }

    const everything = union(await allPages(`${BASE}/dcat/catalog?pageSize=7`));
    expect(listedDatasets(everything)).not.toContain(iri);
    expect(everything.some((q) => q.subject.value === iri || q.object.value === iri)).toBe(false);
    expect(listedDatasets(await graphAt(`${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(before.toISOString())}`))).toEqual([]);

    const audit = await graphAt(`${BASE}/dcat/catalog?modifiedSince=${encodeURIComponent(before.toISOString())}&includeWithdrawn=true`);
    expect(listedDatasets(audit)).toEqual([iri]);
    expect(objects(audit, iri, adms('status'))).toEqual(['http://purl.org/adms/status/Withdrawn']);
    expect(objects(audit, iri, adms('versionNotes'))).toEqual([reason]);
    const auditAll = union(await allPages(`${BASE}/dcat/catalog?pageSize=7&includeWithdrawn=true`));
    expect(listedDatasets(auditAll)).toHaveLength(listedDatasets(everything).length + 1);
    expect(objects(auditAll, datasetIri(UPDATED), adms('status'))).toEqual(['http://purl.org/adms/status/Completed']);
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

  it('answers 404 for unknown datasets, as JSON', async () => {
    const response = await get(`${BASE}/dcat/datasets/urn%3Anowhere`);
    expect([response.status, response.type]).toEqual([404, 'application/json; charset=utf-8']);
    expect(JSON.parse(response.text)).toEqual({ errors: [{ message: 'no dataset "urn:nowhere" in the catalogue', extensions: { code: 'NOT_FOUND' } }] });
  });
});

describe('conditional requests', () => {
  /**
   * A GET with just these headers, as a harvester revalidating sends it (fetch adds Cache-Control: no-cache to a
   * conditional request, which asks for the whole document again).
   */
  const fetchAt = (iri: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Headers; text: () => Promise<string> }>((resolve, reject) => {
      httpGet(located(iri), { headers: { accept: 'text/turtle', ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', reject).on('end', () => {
          const received = new Headers(Object.entries(response.headers).map(([name, value]) => [name, String(value)] as [string, string]));
          resolve({ status: response.statusCode!, headers: received, text: async () => Buffer.concat(chunks).toString('utf8') });
        });
      }).on('error', reject);
    });
  /** An instant as HTTP dates state it: to the second. */
  const toSecond = (instant: string | number) => Math.floor(new Date(instant).getTime() / 1000) * 1000;
  const httpDate = (time: number) => new Date(time).toUTCString();
  /** Waits for the next second, so that a change now is later than anything dated before, to the second. */
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
  const AL_WGS = 'urn:example:gms-catalogue:dataset:al-wgs-wts';

  it('dates each document by when it last changed (its dct:modified), and answers 304 to If-Modified-Since when unchanged', async () => {
    const documents: [string, string, RDF.NamedNode][] = [
      [`${BASE}/dcat/catalog?pageSize=5`, `${BASE}/dcat/catalog`, dct('modified')],
      [datasetIri(AL_WGS), datasetIri(AL_WGS), dct('modified')],
      [`${BASE}/fdp`, `${BASE}/fdp`, fdp('metadataModified')],
    ];
    // A listing dates itself only once its date lies before the instant up to which it is complete (a few seconds
    // back): the catalogue was written moments ago.
    for (let waits = 0; waits < 20 && !(await fetchAt(documents[0]![0])).headers.has('last-modified'); waits++) await nextSecond();
    for (const [document, node, predicate] of documents) {
      const response = await fetchAt(document);
      expect(response.status, document).toBe(200);
      const lastModified = response.headers.get('last-modified')!;
      expect(lastModified, document).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      const modified = only(objects(await parse(await response.text(), 'text/turtle', document), node, predicate));
      expect(Date.parse(lastModified), document).toBe(toSecond(modified));

      const unchanged = await fetchAt(document, { 'if-modified-since': lastModified });
      expect([unchanged.status, await unchanged.text()], document).toEqual([304, '']);
      const older = await fetchAt(document, { 'if-modified-since': httpDate(Date.parse(lastModified) - 1000) });
      expect(older.status, document).toBe(200);
      // A date the server cannot read is no condition (RFC 9110 13.1.3).
      expect((await fetchAt(document, { 'if-modified-since': 'last week' })).status, document).toBe(200);
    }
  });

  it('lets If-None-Match decide when both are given', async () => {
    const document = datasetIri(AL_WGS);
    const first = await fetchAt(document);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toBeTruthy();
    // Unchanged by date, but not the representation the client holds.
    expect((await fetchAt(document, { 'if-none-match': '"another"', 'if-modified-since': lastModified })).status).toBe(200);
    // The representation the client holds, whatever the date says.
    const earlier = httpDate(Date.parse(lastModified) - 60_000);
    expect((await fetchAt(document, { 'if-none-match': etag, 'if-modified-since': earlier })).status).toBe(304);
  });

  it('moves an organisation\'s date when it changes, so a client that has the old one gets the new', async () => {
    const document = `${BASE}/dcat/organisations/${encodeURIComponent(SKANE)}`;
    const before = await fetchAt(document);
    const lastModified = before.headers.get('last-modified')!;
    const record = await catalogue.orm.em.fork().findOneOrFail(Organisation, { identifier: SKANE });
    expect(Date.parse(lastModified)).toBeGreaterThanOrEqual(toSecond(record.modified.getTime()));
    expect((await fetchAt(document, { 'if-modified-since': lastModified })).status).toBe(304);

    await nextSecond();
    const { data } = await catalogue.gql(
      `mutation($id: ID!, $v: Int!) { updateOrganisation(id: $id, expectedVersion: $v, input: { homepage: "https://www.skane.se/" }) { userErrors { message } } }`,
      { id: SKANE, v: record.version },
      await catalogue.token('admin'),
    );
    expect(data?.updateOrganisation.userErrors).toEqual([]);
    const after = await fetchAt(document, { 'if-modified-since': lastModified });
    expect(after.status).toBe(200);
    // Within the second of the change the document has no date yet: another change in it would get the same one.
    expect(after.headers.get('last-modified')).toBeNull();
    await nextSecond();
    expect(Date.parse((await fetchAt(document)).headers.get('last-modified')!)).toBeGreaterThan(Date.parse(lastModified));
  });

  it('dates a tombstone too, and answers 410 (never 304) whatever the client holds', async () => {
    const document = datasetIri(WITHDRAWN);
    await nextSecond();
    const gone = await fetchAt(document);
    expect(gone.status).toBe(410);
    const lastModified = gone.headers.get('last-modified')!;
    expect(Date.parse(lastModified)).toBe(toSecond(only(objects(await parse(await gone.text(), 'text/turtle', document), document, dct('modified')))));
    expect((await fetchAt(document, { 'if-modified-since': lastModified })).status).toBe(410);
    expect((await fetchAt(document, { 'if-none-match': gone.headers.get('etag')! })).status).toBe(410);
  });
});

describe('every IRI the output mints', () => {
  it('dereferences, content-negotiated, to a document that describes it', async () => {
    const whole = union([...(await allPages(`${BASE}/dcat/catalog?pageSize=50`)), await graphAt(`${BASE}/fdp`)]);
    const minted = new Set<string>();
    for (const q of whole) {
      for (const term of [q.subject, q.object]) {
        if (term.termType === 'NamedNode' && term.value.startsWith(`${BASE}/`) && !term.value.includes('?')) minted.add(term.value);
      }
    }
    const documents = new Map<string, string[]>();
    for (const iri of minted) {
      const document = iri.split('#')[0]!;
      documents.set(document, [...(documents.get(document) ?? []), iri]);
    }
    const kinds = new Set([...documents.keys()].map((document) => document.slice(BASE.length).split('/').slice(0, 3).join('/')));
    expect([...kinds].sort()).toEqual(
      ['/dcat/access-bodies', '/dcat/catalog', '/dcat/datasets', '/dcat/distributions', '/dcat/evaluations', '/dcat/organisations', '/dcat/studies', '/fdp'].sort(),
    );
    for (const [document, iris] of documents) {
      const described = await graphAt(document, 'application/rdf+xml');
      for (const iri of iris) expect(described.some((q) => q.subject.value === iri), iri).toBe(true);
    }
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
    expect(mentionsDraft(await graphAt(`${BASE}/dcat/catalog?modifiedSince=2000-01-01&pageSize=100`))).toBe(false);
  });

  it('is not found by identifier or Relay id, in DCAT or in the FAIR Data Point', async () => {
    for (const path of [
      `/dcat/datasets/${encodeURIComponent(DRAFT)}`,
      `/dcat/datasets/${toGlobalId('Dataset', draft.id)}`,
      `/dcat/distributions/${draftDistribution}`,
    ]) {
      expect((await get(`${BASE}${path}`)).status, path).toBe(404);
    }
  });

  it('is not listed by the FAIR Data Point', async () => {
    const { fetched } = await walkFairDataPoint();
    expect(fetched.some(mentionsDraft)).toBe(false);
  });
});

/**
 * What the GDI / Health-RI FAIR Data Point harvester does: start at the repository, fetch each IRI with
 * Accept: text/turtle, queue every object of ldp:contains, and take a fetched IRI as a catalog / dataset when
 * the graph at that IRI types that very IRI dcat:Catalog / dcat:Dataset. Distributions are the dcat:distribution
 * objects of a dataset record, fetched at their own IRIs.
 */
async function walkFairDataPoint() {
  const queue = [`${BASE}/fdp`];
  const visited = new Set<string>();
  const fetched: RDF.Quad[][] = [];
  const catalogs: string[] = [];
  const datasets: string[] = [];
  const distributions: string[] = [];
  while (queue.length) {
    const url = queue.shift()!;
    if (visited.has(url)) continue;
    visited.add(url);
    const graph = await graphAt(url);
    fetched.push(graph);
    const types = objects(graph, url, rdf('type'));
    if (types.includes(dcat('Catalog').value)) catalogs.push(url);
    if (types.includes(dcat('Dataset').value)) {
      datasets.push(url);
      for (const distribution of objects(graph, url, dcat('distribution'))) {
        const record = await graphAt(distribution);
        if (objects(record, distribution, rdf('type')).includes(dcat('Distribution').value)) distributions.push(distribution);
      }
    }
    queue.push(...objects(graph, null, ldp('contains')));
    expect(visited.size).toBeLessThan(200);
  }
  return { fetched, catalogs, datasets, distributions };
}

describe('FAIR Data Point', () => {
  it('leads a harvester that follows only ldp:contains from the root to every published dataset and distribution', async () => {
    const published = await catalogue.orm.em.fork().find(Dataset, { status: RecordStatus.PUBLISHED }, { populate: ['distributions'] });
    const { catalogs, datasets, distributions } = await walkFairDataPoint();
    expect(catalogs).toEqual([`${BASE}/dcat/catalog`]);
    expect([...datasets].sort()).toEqual(published.map((dataset) => datasetIri(dataset.identifier)).sort());
    const expected = published.flatMap((dataset) => dataset.distributions.getItems().map((d) => `${BASE}/dcat/distributions/${d.id}`));
    expect(expected.length).toBeGreaterThan(0);
    expect([...distributions].sort()).toEqual(expected.sort());
  });

  it('serves each record at its own IRI with the FAIR Data Point metadata', async () => {
    const repositoryIri = `${BASE}/fdp`;
    const repository = await graphAt(repositoryIri);
    expect(objects(repository, repositoryIri, rdf('type'))).toEqual(
      expect.arrayContaining([fdp('FAIRDataPoint').value, 'http://www.re3data.org/schema/3-0#Repository']),
    );
    const catalogIri = only(objects(repository, repositoryIri, fdp('metadataCatalog')));
    const catalog = await graphAt(catalogIri);
    const datasetIri_ = objects(catalog, catalogIri, dcat('dataset'))[0]!;
    const dataset = await graphAt(datasetIri_, 'application/rdf+xml');
    const distributionIri = objects(dataset, datasetIri_, dcat('distribution'))[0]!;
    const distribution = await graphAt(distributionIri, 'application/ld+json');
    for (const [iri, graph, parent] of [[catalogIri, catalog, null], [datasetIri_, dataset, catalogIri], [distributionIri, distribution, datasetIri_]] as const) {
      expect(objects(graph, iri, fdp('metadataIssued')), iri).toHaveLength(1);
      expect(objects(graph, iri, fdp('metadataModified')), iri).toHaveLength(1);
      expect(objects(graph, iri, fdp('metadataIdentifier')), iri).toHaveLength(1);
      // DCAT-AP ranges a catalogue's dct:isPartOf over catalogues: the repository names its catalogue instead.
      expect(objects(graph, iri, dct('isPartOf')), iri).toEqual(parent ? [parent] : []);
    }
    expect(objects(distribution, distributionIri, dcat('accessURL'))).toHaveLength(1);
  });

  it('is where a client asking the server\'s address for RDF is sent (303), as FAIR Data Point indexes do; browsers stay', async () => {
    const root = (accept: string, query = '') => fetch(`${catalogue.url}/${query}`, { headers: { accept }, redirect: 'manual' });
    const asked = await root('text/turtle');
    expect([asked.status, asked.headers.get('location'), asked.headers.get('vary')]).toEqual([303, `${BASE}/fdp`, 'Accept']);
    const repository = await graphAt(asked.headers.get('location')!);
    expect(objects(repository, `${BASE}/fdp`, rdf('type'))).toContain(fdp('MetadataService').value);
    expect((await root('text/html', '?format=jsonld')).headers.get('location')).toBe(`${BASE}/fdp?format=jsonld`);
    for (const accept of ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', '*/*']) expect((await root(accept)).status, accept).not.toBe(303);
  });

  it('negotiates formats and answers 404 for unknown records, refusals as JSON', async () => {
    expect((await get(`${BASE}/fdp`, 'application/rdf+xml')).type).toBe('application/rdf+xml; charset=utf-8');
    const refusals: [string, string, number, string][] = [
      [`${BASE}/fdp`, 'image/png', 406, 'NOT_ACCEPTABLE'],
      [`${BASE}/fdp?format=xyz`, 'text/turtle', 400, 'BAD_USER_INPUT'],
      [`${BASE}/dcat/organisations/urn%3Anowhere`, 'text/turtle', 404, 'NOT_FOUND'],
      [`${BASE}/dcat/distributions/not-a-uuid`, 'text/turtle', 404, 'NOT_FOUND'],
      [`${BASE}/dcat/distributions/00000000-0000-4000-8000-000000000000`, 'text/turtle', 404, 'NOT_FOUND'],
    ];
    for (const [iri, accept, status, code] of refusals) {
      const response = await get(iri, accept);
      expect([response.status, response.type, JSON.parse(response.text).errors[0].extensions.code], iri).toEqual([status, 'application/json; charset=utf-8', code]);
    }
  });
});

describe('counts of people', () => {
  const SMALL = 'urn:example:gms-catalogue:dataset:rd-cardio-vgr';
  const LARGE = 'urn:example:gms-catalogue:dataset:pgx-linkoping';
  const counts = {
    numberOfUniqueIndividuals: healthdcatap('numberOfUniqueIndividuals'),
    numberOfRecords: healthdcatap('numberOfRecords'),
    numberOfSamples: ext('numberOfSamples'),
    numberOfFamilies: ext('numberOfFamilies'),
    female: ext('numberOfFemales'),
    male: ext('numberOfMales'),
    otherOrUnknown: ext('numberOfOtherOrUnknownSex'),
    minTypicalAge: healthdcatap('minTypicalAge'),
  };
  /** The counts a graph states about a dataset, each as the list of its values. */
  const stated = (quads: RDF.Quad[], identifier: string) =>
    Object.fromEntries(Object.entries(counts).map(([name, predicate]) => [name, objects(quads, datasetIri(identifier), predicate)]));

  beforeAll(async () => {
    const em = catalogue.orm.em.fork();
    const cohorts = {
      [SMALL]: { numberOfUniqueIndividuals: 3, numberOfRecords: 3, numberOfSamples: 3, numberOfFamilies: 1, sexDistribution: { female: 2, male: 1, otherOrUnknown: 0 } },
      [LARGE]: { numberOfUniqueIndividuals: 1234, numberOfRecords: 2466, numberOfSamples: 1236, numberOfFamilies: 417, sexDistribution: { female: 604, male: 626, otherOrUnknown: 4 } },
    };
    for (const [identifier, sizes] of Object.entries(cohorts)) {
      const dataset = await em.findOneOrFail(Dataset, { identifier });
      dataset.cohort = { ...dataset.cohort!, ...sizes, minTypicalAge: 7 };
    }
    await em.flush();
  });

  it('are published as anonymous callers see them: rounded to 10, small ones left out, ages exact', async () => {
    const large = { numberOfUniqueIndividuals: ['1230'], numberOfRecords: ['2470'], numberOfSamples: ['1240'], numberOfFamilies: ['420'], female: ['600'], male: ['630'], otherOrUnknown: [], minTypicalAge: ['7'] };
    const small = { numberOfUniqueIndividuals: [], numberOfRecords: [], numberOfSamples: [], numberOfFamilies: [], female: [], male: [], otherOrUnknown: [], minTypicalAge: ['7'] };
    const listing = await graphAt(`${BASE}/dcat/catalog?pageSize=100`);
    for (const graph of [await graphAt(datasetIri(LARGE)), listing]) expect(stated(graph, LARGE)).toEqual(large);
    for (const graph of [await graphAt(datasetIri(SMALL)), listing]) expect(stated(graph, SMALL)).toEqual(small);

    // The same counts as the public API's.
    const { data } = await catalogue.gql(`query($id: ID!) { dataset(id: $id) { cohort { numberOfUniqueIndividuals numberOfRecords sexDistribution { female male } } } }`, { id: LARGE });
    expect(data?.dataset.cohort).toEqual({ numberOfUniqueIndividuals: 1230, numberOfRecords: 2470, sexDistribution: { female: 600, male: 630 } });
  });
});
