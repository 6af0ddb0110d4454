import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { harvest, type HarvestTarget } from '../../src/harvest/harvest.js';
import { HarvestedDataset } from '../../src/harvest/harvest-run.entity.js';
import { HarvestSource, HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { RecordStatus } from '../../src/records/record.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const GMS = 'urn:example:gms-catalogue:org:gms';
const EHM = 'urn:example:gms-catalogue:org:ehalsomyndigheten';
// The test sources listen on 127.0.0.1: harvesting them takes the allowance an operator gives with HARVEST_ALLOW_PRIVATE_NETWORKS.
const OPTIONS = { timeoutMs: 2_000, maxDocuments: 100, allowPrivateNetworks: true };
const example = (name: string) => readFileSync(new URL(`../../data/standards/dcat-ap/examples/${name}`, import.meta.url), 'utf8');
const BEE_POPULATION = example('example-bee-population.ttl');
const BEE_SERIES = example('example-bee-population-dataset-series-ordered.ttl');

/** A DCAT-AP catalogue page listing datasets with these identifiers, with a Hydra next link when given. */
function page(identifiers: string[], next?: string): string {
  const datasets = identifiers.map(
    (id) => `<https://foreign.example/dataset/${id}> a dcat:Dataset ; dct:identifier "${id}" ; dct:title "Dataset ${id}"@en ;
      dct:description "About ${id}."@en ; dct:publisher <https://foreign.example/agency> .`,
  );
  return `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix hydra: <http://www.w3.org/ns/hydra/core#> .
    <https://foreign.example/catalog> a dcat:Catalog ; dct:title "Foreign catalogue"@en .
    <https://foreign.example/agency> a foaf:Agent ; foaf:name "Foreign agency"@en .
    ${datasets.join('\n')}
    ${next ? `<https://foreign.example/catalog?page=1> a hydra:PartialCollectionView ; hydra:next <${next}> .` : ''}`;
}

/** What each path of the source answers; 'hang' never answers, 'endless' sends Turtle comments until the client hangs up. */
const routes = new Map<string, { status: number; type: string; body: string } | 'hang' | 'endless'>();
let endlessHungUp = false;
let server: Server;
let base: string;
let catalogue: TestCatalogue;

const target = (path: string, source: HarvestSource | null = null): HarvestTarget => ({ source, url: `${base}${path}`, kind: HarvestSourceKind.DCAT_AP, organisation: GMS });
const turtle = (body: string, status = 200) => ({ status, type: 'text/turtle', body });

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route === 'hang') return;
    if (route === 'endless') {
      res.writeHead(200, { 'content-type': 'text/turtle' });
      const chunk = '# and more\n'.repeat(1000);
      const send = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', send);
      res.on('close', () => (endlessHungUp = true));
      return send();
    }
    res.writeHead(route?.status ?? 404, { 'content-type': route?.type ?? 'text/plain' }).end(route?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  catalogue = await startTestCatalogue();
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await catalogue?.stop();
});

async function datasetCount(): Promise<number> {
  return catalogue.orm.em.fork().count(Dataset);
}

describe('a harvest that cannot read its source fails as a run, writes nothing, and says why', () => {
  it('source down', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const before = await datasetCount();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/dcat/catalog`;
    const run = await harvest(catalogue.orm.em.fork(), { ...target('/'), url }, OPTIONS);
    expect(run).toMatchObject({ outcome: 'FAILED', created: 0, failed: 1 });
    expect(run.errors).toEqual([expect.objectContaining({ code: 'SOURCE_DOWN', iri: url })]);
    expect(await datasetCount()).toBe(before);
  });

  it('timeout', async () => {
    routes.set('/slow', 'hang');
    const run = await harvest(catalogue.orm.em.fork(), target('/slow'), { ...OPTIONS, timeoutMs: 300 });
    expect(run.outcome).toBe('FAILED');
    expect(run.errors).toEqual([expect.objectContaining({ code: 'TIMEOUT', message: expect.stringContaining('300 ms') })]);
  });

  it('a 404 page in the middle of the listing', async () => {
    routes.set('/paged', turtle(page(['p-1', 'p-2'], `${base}/paged-2`)));
    const before = await datasetCount();
    const run = await harvest(catalogue.orm.em.fork(), target('/paged'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'FAILED', created: 0 });
    expect(run.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', iri: `${base}/paged-2` })]);
    expect(await datasetCount()).toBe(before);
  });

  it('a response over the size limit, sent without end: cut off, not buffered', async () => {
    routes.set('/endless', 'endless');
    const run = await harvest(catalogue.orm.em.fork(), target('/endless'), { ...OPTIONS, timeoutMs: 30_000, maxResponseBytes: 256 * 1024 });
    expect(run).toMatchObject({ outcome: 'FAILED', created: 0 });
    expect(run.errors).toEqual([
      expect.objectContaining({ code: 'TOO_LARGE', iri: `${base}/endless`, message: `${base}/endless answered more than 262144 bytes (HARVEST_MAX_RESPONSE_BYTES); stopped reading it` }),
    ]);
    await vi.waitFor(() => expect(endlessHungUp).toBe(true));
  });

  it('a response that declares a length over the limit', async () => {
    routes.set('/large.ttl', turtle(`${'# padding\n'.repeat(30_000)}${page(['l-1'])}`));
    const run = await harvest(catalogue.orm.em.fork(), target('/large.ttl'), { ...OPTIONS, maxResponseBytes: 256 * 1024 });
    expect(run.outcome).toBe('FAILED');
    expect(run.errors).toEqual([expect.objectContaining({ code: 'TOO_LARGE', iri: `${base}/large.ttl` })]);
    // Under the limit, the same document is read.
    expect(await harvest(catalogue.orm.em.fork(), target('/large.ttl'), { ...OPTIONS, maxResponseBytes: 512 * 1024 })).toMatchObject({ outcome: 'SUCCEEDED', failed: 0 });
  });

  it('invalid RDF', async () => {
    routes.set('/broken', turtle('@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> a dcat:Dataset ; dct:title "unterminated'));
    const run = await harvest(catalogue.orm.em.fork(), target('/broken'), OPTIONS);
    expect(run.outcome).toBe('FAILED');
    expect(run.errors).toEqual([expect.objectContaining({ code: 'INVALID_RDF', message: expect.stringContaining('not valid text/turtle') })]);
  });
});

describe('records the source describes', () => {
  let first: HarvestSource;
  let second: HarvestSource;
  beforeAll(async () => {
    const em = catalogue.orm.em.fork();
    const organisation = await em.findOneOrFail(Organisation, { identifier: GMS });
    const source = (identifier: string, path: string) => em.create(HarvestSource, { identifier, title: identifier, url: `${base}${path}`, kind: HarvestSourceKind.DCAT_AP, organisation, schedule: 'PT1H' });
    first = source('first', '/first');
    second = source('second', '/second');
    await em.flush();
  });

  it('follows hydra:next across pages and publishes what a foreign catalogue lists, with its consent not stated', async () => {
    routes.set('/first', turtle(page(['f-1', 'f-2'], `${base}/first-2`)));
    routes.set('/first-2', turtle(page(['f-3'])));
    const run = await harvest(catalogue.orm.em.fork(), target('/first', first), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', mode: 'FULL', documents: 2, failed: 0 });
    const em = catalogue.orm.em.fork();
    const harvested = await em.find(Dataset, { identifier: { $in: ['f-1', 'f-2', 'f-3'] } }, { populate: ['publisher'], orderBy: { identifier: 'asc' } });
    expect(harvested.map((d) => [d.identifier, d.status, d.provenanceSource, d.publisher.name])).toEqual([
      ['f-1', RecordStatus.PUBLISHED, 'HARVESTED', 'Foreign agency'],
      ['f-2', RecordStatus.PUBLISHED, 'HARVESTED', 'Foreign agency'],
      ['f-3', RecordStatus.PUBLISHED, 'HARVESTED', 'Foreign agency'],
    ]);
  });

  it('follows the older hydra:nextPage of a CKAN catalogue, in RDF/XML', async () => {
    const ckanPage = (id: string, next: string | null) => `<?xml version="1.0" encoding="utf-8"?>
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
        xmlns:dct="http://purl.org/dc/terms/" xmlns:hydra="http://www.w3.org/ns/hydra/core#">
        <hydra:PagedCollection rdf:about="${base}/ckan/catalog.xml?page=${id}">
          <hydra:totalItems rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">2</hydra:totalItems>
          ${next ? `<hydra:nextPage>${next}</hydra:nextPage>` : ''}
        </hydra:PagedCollection>
        <dcat:Catalog rdf:about="${base}/ckan/catalog"><dcat:dataset>
          <dcat:Dataset rdf:about="https://ckan.example/dataset/${id}">
            <dct:identifier>${id}</dct:identifier><dct:title>CKAN dataset ${id}</dct:title><dct:description>From a CKAN portal.</dct:description>
          </dcat:Dataset>
        </dcat:dataset></dcat:Catalog>
      </rdf:RDF>`;
    routes.set('/ckan/catalog.xml', { status: 200, type: 'application/rdf+xml', body: ckanPage('ckan-1', `${base}/ckan/catalog.xml?page=2`) });
    routes.set('/ckan/catalog.xml?page=2', { status: 200, type: 'application/rdf+xml', body: ckanPage('ckan-2', null) });
    const run = await harvest(catalogue.orm.em.fork(), target('/ckan/catalog.xml'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', documents: 2, created: 2, failed: 0 });
    const found = await catalogue.orm.em.fork().find(Dataset, { identifier: { $in: ['ckan-1', 'ckan-2'] } }, { orderBy: { identifier: 'asc' } });
    expect(found.map((d) => [d.identifier, d.title])).toEqual([['ckan-1', 'CKAN dataset ckan-1'], ['ckan-2', 'CKAN dataset ckan-2']]);
  });

  it('withdraws what a later full pass no longer finds, with the reason "removed at source"', async () => {
    routes.set('/first', turtle(page(['f-1', 'f-3'])));
    const run = await harvest(catalogue.orm.em.fork(), target('/first', first), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', mode: 'FULL', withdrawn: 1, created: 0, updated: 0 });
    const gone = await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'f-2' });
    expect(gone).toMatchObject({ status: RecordStatus.WITHDRAWN, withdrawalReason: 'removed at source' });
  });

  it('refuses a dataset another source already brings (duplicate identifiers across sources), and writes the rest', async () => {
    routes.set('/second', turtle(page(['f-1', 's-1'])));
    const run = await harvest(catalogue.orm.em.fork(), target('/second', second), OPTIONS);
    expect(run).toMatchObject({ outcome: 'PARTIAL', created: 1, failed: 1 });
    expect(run.errors).toEqual([expect.objectContaining({ identifier: 'f-1', code: 'DUPLICATE', message: expect.stringContaining('already harvested from first') })]);
    const claims = await catalogue.orm.em.fork().find(HarvestedDataset, { identifier: { $in: ['f-1', 's-1'] } }, { populate: ['source'], orderBy: { identifier: 'asc' } });
    expect(claims.map((claim) => [claim.identifier, claim.source?.identifier])).toEqual([['f-1', 'first'], ['s-1', 'second']]);
  });

  it('refuses a dataset registered here by hand', async () => {
    routes.set('/local', turtle(page(['urn:example:gms-catalogue:dataset:rd-wgs-gmck'])));
    const run = await harvest(catalogue.orm.em.fork(), target('/local'), OPTIONS);
    expect(run.errors).toEqual([expect.objectContaining({ code: 'DUPLICATE', message: expect.stringContaining('already registered in this catalogue') })]);
    expect((await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'urn:example:gms-catalogue:dataset:rd-wgs-gmck' })).provenanceSource).not.toBe('HARVESTED');
  });

  it("refuses a dataset whose identifier lies under this catalogue's own address, and writes the others", async () => {
    const impostor = `http://gdcat.test/dcat/datasets/${encodeURIComponent('urn:example:gms-catalogue:dataset:rd-trio-skane')}`;
    routes.set('/impostor', turtle(page([impostor, 'beside-impostor'])));
    const run = await harvest(catalogue.orm.em.fork(), target('/impostor'), { ...OPTIONS, baseUrl: 'http://gdcat.test' });
    expect(run).toMatchObject({ failed: 1 });
    expect(run.errors).toEqual([expect.objectContaining({ identifier: impostor, field: 'identifier', code: 'INVALID' })]);
    const em = catalogue.orm.em.fork();
    expect(await em.count(Dataset, { identifier: impostor })).toBe(0);
    expect(await em.count(Dataset, { identifier: 'beside-impostor' })).toBe(1);
  });

  it('never keeps a foreign dataset out for what publishing asks: fills what DCAT-AP mandates from the source, and warns of each gap', async () => {
    const rights = 'http://publications.europa.eu/resource/authority/access-right';
    routes.set('/gaps.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
      <https://foreign.example/dataset/gap-public> a dcat:Dataset ; dct:identifier "gap-public" ; dct:title "Public, undescribed"@en ;
        dct:accessRights <${rights}/PUBLIC> ; dct:publisher <https://foreign.example/agency> ;
        dcat:distribution [ a dcat:Distribution ; dct:title "File" ; dcat:downloadURL <https://foreign.example/file.tsv> ],
          [ a dcat:Distribution ; dct:title "Nowhere" ] .
      <https://foreign.example/dataset/gap-sensitive> a dcat:Dataset ; dct:identifier "gap-sensitive" ; dct:title "Sensitive"@en ;
        dct:description "About people."@en ; dct:accessRights <${rights}/NON_PUBLIC> ; dct:publisher <https://foreign.example/agency> .
      <https://foreign.example/agency> a foaf:Agent ; foaf:name "Foreign agency"@en .`));
    const run = await harvest(catalogue.orm.em.fork(), target('/gaps.ttl'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 2, failed: 0 });
    expect(run.warnings.map((w) => [w.identifier, w.iri, w.field, w.code]).sort()).toEqual([
      ['gap-public', 'https://foreign.example/dataset/gap-public', 'description', 'FILLED_FROM_SOURCE'],
      ['gap-public', 'https://foreign.example/dataset/gap-public', 'distributions', 'LEFT_OUT'],
      // HealthDCAT-AP NON_PUBLIC asks for what only the source can state.
      ['gap-sensitive', 'https://foreign.example/dataset/gap-sensitive', 'distributions', 'REQUIRED'],
      ['gap-sensitive', 'https://foreign.example/dataset/gap-sensitive', 'hdab', 'REQUIRED'],
      ['gap-sensitive', 'https://foreign.example/dataset/gap-sensitive', 'keywords', 'REQUIRED'],
    ]);
    const em = catalogue.orm.em.fork();
    const filled = await em.findOneOrFail(Dataset, { identifier: 'gap-public' }, { populate: ['distributions'] });
    expect(filled).toMatchObject({ status: RecordStatus.PUBLISHED, description: 'Public, undescribed' });
    // A public file needs no access URL of its own: this node's DCAT states its download URL as both.
    expect(filled.distributions.getItems().map((d) => [d.title, d.accessUrl, d.downloadUrl])).toEqual([['File', null, 'https://foreign.example/file.tsv']]);
    expect((await em.findOneOrFail(Dataset, { identifier: 'gap-sensitive' })).status).toBe(RecordStatus.PUBLISHED);
  });

  it('takes a foreign dataset that states no access rights as non-public, keeps its download URL as stated and offers it nowhere, and warns', async () => {
    routes.set('/no-rights.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
      <https://foreign.example/dataset/no-rights> a dcat:Dataset ; dct:identifier "no-rights" ; dct:title "Variant calls, rights unstated"@en ;
        dct:description "Joint calls."@en ; dct:publisher <https://foreign.example/agency> ;
        dcat:theme <http://publications.europa.eu/resource/authority/data-theme/SOCI>, <http://example.org/theme/unknown> ;
        dcat:distribution [ a dcat:Distribution ; dct:title "Calls" ; dcat:downloadURL <https://foreign.example/calls.vcf.gz> ] .
      <https://foreign.example/agency> a foaf:Agent ; foaf:name "Foreign agency"@en .`));
    const run = await harvest(catalogue.orm.em.fork(), target('/no-rights.ttl'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 1, failed: 0, errors: [] });
    const iri = 'https://foreign.example/dataset/no-rights';
    expect(run.warnings.map((w) => [w.identifier, w.iri, w.field, w.code]).sort()).toEqual([
      ['no-rights', iri, 'accessRights', 'NOT_STATED'],
      ['no-rights', iri, 'distributions.accessUrl', 'FILLED_FROM_SOURCE'],
      // The source's download URL is kept as stated, and not offered here.
      ['no-rights', iri, 'distributions[0].downloadUrl', 'NOT_OFFERED'],
      // GMS operates no health data access body: nothing stands in.
      ['no-rights', iri, 'hdab', 'REQUIRED'],
      // An unknown theme has no label to stand in; the EU theme's label does.
      ['no-rights', iri, 'keywords', 'FILLED_FROM_SOURCE'],
    ]);
    expect(run.warnings.find((w) => w.field === 'keywords')?.message).toMatch(/: Population and society$/);
    const em = catalogue.orm.em.fork();
    const dataset = await em.findOneOrFail(Dataset, { identifier: 'no-rights' }, { populate: ['distributions'] });
    expect(dataset).toMatchObject({ status: RecordStatus.PUBLISHED, isNonPublic: true, keywords: ['Population and society'] });
    expect(dataset.distributions.getItems().map((d) => [d.accessUrl, d.downloadUrl])).toEqual([['https://foreign.example/calls.vcf.gz', 'https://foreign.example/calls.vcf.gz']]);
    const published = await (await fetch(`${catalogue.url}/dcat/datasets/no-rights`, { headers: { accept: 'application/n-triples' } })).text();
    expect(published).toContain('<http://purl.org/dc/terms/accessRights> <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC>');
    expect(published).not.toContain('http://www.w3.org/ns/dcat#downloadURL');
    // The same statements again change nothing.
    expect(await harvest(catalogue.orm.em.fork(), target('/no-rights.ttl'), OPTIONS)).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });

  it('lets the health data access body of the organisation a source speaks for answer for its non-public datasets that name none', async () => {
    const admin = await catalogue.token('admin');
    const body = await catalogue.gql(
      `mutation($input: DataAccessBodyInput!) { createDataAccessBody(input: $input) { dataAccessBody { id } userErrors { field message } } }`,
      { input: { identifier: 'urn:test:hdab:ehm', name: 'EHDS access body (test)', kind: 'HDAB', operatedBy: EHM, contactEmail: 'hdab@example.org' } },
      admin,
    );
    expect(body.data?.createDataAccessBody.userErrors).toEqual([]);
    const published = await catalogue.gql(
      `mutation($id: ID!) { publishDataAccessBody(id: $id) { userErrors { field message } } }`,
      { id: body.data?.createDataAccessBody.dataAccessBody.id },
      admin,
    );
    expect(published.data?.publishDataAccessBody.userErrors).toEqual([]);
    routes.set('/sensitive.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
      <https://foreign.example/dataset/sensitive-themed> a dcat:Dataset ; dct:identifier "sensitive-themed" ; dct:title "Exomes"@en ;
        dct:description "Exomes of patients."@en ; dct:publisher <https://foreign.example/agency> ;
        dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;
        dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
        dcat:distribution [ a dcat:Distribution ; dct:title "Request" ; dcat:accessURL <https://foreign.example/request> ] .
      <https://foreign.example/agency> a foaf:Agent ; foaf:name "Foreign agency"@en .`));
    const run = await harvest(catalogue.orm.em.fork(), { ...target('/sensitive.ttl'), organisation: EHM }, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 1, failed: 0 });
    expect(run.warnings.map((w) => [w.identifier, w.field, w.code]).sort()).toEqual([
      ['sensitive-themed', 'hdab', 'FILLED_HERE'],
      ['sensitive-themed', 'keywords', 'FILLED_FROM_SOURCE'],
    ]);
    const dataset = await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'sensitive-themed' }, { populate: ['hdab'] });
    expect([dataset.hdab?.identifier, dataset.keywords]).toEqual(['urn:test:hdab:ehm', ['Health']]);
  });

  it('reads what catalogues in the wild state as HealthDCAT-AP describes it: an inline HDAB, addresses as literals, a bare activity', async () => {
    // Shaped as the HealthDCAT-AP specification's own example: the HDAB a blank foaf:Organization with foaf:mbox,
    // a prov:Activity with only a label, and (as CKAN and many portals write them) URLs as xsd:anyURI literals
    // and a byte size typed xsd:decimal, as DCAT-AP 2 had it.
    routes.set('/health-example.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
      @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix prov: <http://www.w3.org/ns/prov#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
      @prefix vcard: <http://www.w3.org/2006/vcard/ns#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
      @prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
      <https://foreign.example/dataset/registry-linkage> a dcat:Dataset ; dct:identifier "registry-linkage" ;
        dct:title "Linked vaccination registers"@en ; dct:description "Records linked across registers."@en ; dcat:keyword "registers"@en ;
        dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;
        dct:publisher [ a foaf:Agent ; foaf:name "Institute of public health"@en ; vcard:hasEmail <mailto:info@institute.example> ] ;
        healthdcatap:hdab [ a foaf:Organization ; foaf:name "EU Health Data Access Body"@en ; foaf:mbox <mailto:hdab@hdab.example> ;
          foaf:homepage <https://hdab.example/> ] ;
        prov:wasGeneratedBy <https://foreign.example/activity/linkage> ;
        dcat:distribution [ a dcat:Distribution ; dct:title "Request access" ;
          dcat:accessURL "https://foreign.example/request"^^xsd:anyURI ] ,
          [ a dcat:Distribution ; dct:title "Report" ; dcat:downloadURL "https://foreign.example/report.csv" ; dcat:byteSize "147253.0"^^xsd:decimal ;
            dct:license "https://creativecommons.org/licenses/by/4.0/" ] .
      <https://foreign.example/activity/linkage> a prov:Activity ; rdfs:label "Record linkage" .`));
    const run = await harvest(catalogue.orm.em.fork(), target('/health-example.ttl'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 3, failed: 0, errors: [] });
    const iri = 'https://foreign.example/dataset/registry-linkage';
    expect(run.warnings.map((w) => [w.identifier, w.iri, w.field, w.code]).sort()).toEqual([
      ['registry-linkage', iri, 'distributions.accessUrl', 'FILLED_FROM_SOURCE'],
      ['registry-linkage', iri, 'distributions[0].downloadUrl', 'NOT_OFFERED'],
      ['registry-linkage', iri, 'wasGeneratedBy', 'LEFT_OUT'],
    ]);
    expect(run.warnings.find((w) => w.field === 'wasGeneratedBy')?.message).toContain('states no title and no study type');
    const dataset = await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'registry-linkage' }, { populate: ['hdab', 'publisher', 'distributions', 'wasGeneratedBy'] });
    expect(dataset.hdab).toMatchObject({ name: 'EU Health Data Access Body', kind: 'HDAB', contactEmail: 'hdab@hdab.example', status: RecordStatus.PUBLISHED });
    expect(dataset.publisher).toMatchObject({ name: 'Institute of public health', contactEmail: 'info@institute.example' });
    expect(dataset.wasGeneratedBy).toBeFalsy();
    expect(dataset.distributions.getItems().map((d) => [d.title, d.accessUrl, d.downloadUrl, d.byteSize == null ? null : String(d.byteSize), d.license]).sort()).toEqual([
      ['Report', 'https://foreign.example/report.csv', 'https://foreign.example/report.csv', '147253', 'https://creativecommons.org/licenses/by/4.0/'],
      ['Request access', 'https://foreign.example/request', null, null, null],
    ]);
    // Read the same way again, nothing changes.
    expect(await harvest(catalogue.orm.em.fork(), target('/health-example.ttl'), OPTIONS)).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });

  it('keeps the datasets of a publisher whose e-mail address the source misstates, leaving the address out with a warning', async () => {
    // As CKAN writes an organisation whose e-mail field holds words: every dataset names that publisher.
    routes.set('/misstated.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
      @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
      <https://foreign.example/dataset/m-1> a dcat:Dataset ; dct:identifier "misstated-1" ; dct:title "First"@en ; dct:description "One."@en ;
        dct:publisher [ a foaf:Organization ; foaf:name "County of Examples"@en ; foaf:mbox "n/a" ] ;
        healthdcatap:hdab [ a foaf:Organization ; foaf:name "Examples access body"@en ; foaf:mbox "write to us" ] .
      <https://foreign.example/dataset/m-2> a dcat:Dataset ; dct:identifier "misstated-2" ; dct:title "Second"@en ; dct:description "Two."@en ;
        dct:publisher [ a foaf:Organization ; foaf:name "County of Examples"@en ; foaf:mbox "n/a" ] .`));
    const run = await harvest(catalogue.orm.em.fork(), target('/misstated.ttl'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 4, failed: 0, errors: [] });
    expect(run.warnings.filter((w) => w.code === 'LEFT_OUT').map((w) => [w.field, w.message])).toEqual([
      ['contactEmail', '"n/a" is not an e-mail address; left out, the organisation is kept without it'],
      ['contactEmail', '"write to us" is not an e-mail address; left out, the access body is kept without it'],
    ]);
    const em = catalogue.orm.em.fork();
    const datasets = await em.find(Dataset, { identifier: { $in: ['misstated-1', 'misstated-2'] } }, { populate: ['publisher', 'hdab'], orderBy: { identifier: 'asc' } });
    expect(datasets.map((d) => [d.identifier, d.publisher.name, d.publisher.contactEmail, d.hdab?.name ?? null])).toEqual([
      ['misstated-1', 'County of Examples', null, 'Examples access body'],
      ['misstated-2', 'County of Examples', null, null],
    ]);
    // Read the same way again, nothing changes.
    expect(await harvest(catalogue.orm.em.fork(), target('/misstated.ttl'), OPTIONS)).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });

  it('reports a dataset whose dates are no ISO 8601 dates, naming the field, instead of dating it now, and writes the rest', async () => {
    routes.set('/dates.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
      <https://foreign.example/dataset/undated> a dcat:Dataset ; dct:identifier "badly-dated" ; dct:title "Badly dated"@en ; dct:description "x"@en ;
        dct:issued "2021-13-45"^^xsd:date ; dct:publisher <https://foreign.example/agency> .
      <https://foreign.example/dataset/dated> a dcat:Dataset ; dct:identifier "well-dated" ; dct:title "Well dated"@en ; dct:description "x"@en ;
        dct:modified "2023-02-01T08:00:00.123456"^^xsd:dateTime ; dct:publisher <https://foreign.example/agency> .
      <https://foreign.example/agency> a dcat:Agent ; <http://xmlns.com/foaf/0.1/name> "Foreign agency"@en .`));
    const run = await harvest(catalogue.orm.em.fork(), target('/dates.ttl'), OPTIONS);
    expect(run.errors.map((e) => [e.identifier, e.iri, e.field, e.code])).toEqual([['badly-dated', 'https://foreign.example/dataset/undated', 'issued', 'INVALID']]);
    const dated = await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'well-dated' });
    expect(dated.modified.toISOString()).toBe('2023-02-01T08:00:00.123Z');
  });

  it('leaves out, with a warning, a bound of a temporal coverage that is no date, and republishes only valid ones', async () => {
    routes.set('/period.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
      <https://foreign.example/dataset/period> a dcat:Dataset ; dct:identifier "odd-period" ; dct:title "Odd period"@en ; dct:description "x"@en ;
        dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
        dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-02-30"^^xsd:date ; dcat:endDate "2021-06"^^xsd:gYearMonth ] ;
        dct:publisher <https://foreign.example/agency> .
      <https://foreign.example/agency> a dcat:Agent ; <http://xmlns.com/foaf/0.1/name> "Foreign agency"@en .`));
    const run = await harvest(catalogue.orm.em.fork(), target('/period.ttl'), OPTIONS);
    expect(run).toMatchObject({ failed: 0, errors: [] });
    expect(run.warnings.filter((w) => w.code === 'LEFT_OUT').map((w) => [w.identifier, w.field, w.message])).toEqual([
      ['odd-period', 'sourceDescription.temporalStart', 'the start of its temporal coverage, "2020-02-30", is no ISO 8601 date; left out'],
    ]);
    const published = await (await fetch(`${catalogue.url}/dcat/datasets/odd-period`, { headers: { accept: 'application/n-triples' } })).text();
    expect(published).not.toContain('2020-02-30');
    expect(published).toContain('<http://www.w3.org/ns/dcat#endDate> "2021-06"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>');
  });

  it('takes files a genomics archive serves over FTP, and access asked for by e-mail, and states them again', async () => {
    routes.set('/archive.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
      <https://foreign.example/dataset/phase3> a dcat:Dataset ; dct:identifier "phase3-vcfs" ; dct:title "Phase 3 genotypes"@en ;
        dct:description "Genotype calls of 2,504 people."@en ; dct:publisher <https://foreign.example/consortium> ;
        dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
        dcat:distribution [ a dcat:Distribution ; dct:title "Chromosome 22"@en ; dcat:accessURL <ftp://ftp.archive.example/release/> ;
          dcat:downloadURL <ftp://ftp.archive.example/release/chr22.vcf.gz> ] .
      <https://foreign.example/dataset/phase3-raw> a dcat:Dataset ; dct:identifier "phase3-raw" ; dct:title "Phase 3 raw reads"@en ;
        dct:description "Reads, on request."@en ; dct:publisher <https://foreign.example/consortium> ; dcat:keyword "reads"@en ;
        dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;
        dcat:distribution [ a dcat:Distribution ; dct:title "Ask the committee"@en ; dcat:accessURL <mailto:dac@archive.example> ] .
      <https://foreign.example/consortium> a foaf:Agent ; foaf:name "Genomes consortium"@en .`));
    const run = await harvest(catalogue.orm.em.fork(), target('/archive.ttl'), OPTIONS);
    expect(run).toMatchObject({ created: 3, failed: 0, errors: [] });
    const stated = async (identifier: string) => {
      const text = await (await fetch(`${catalogue.url}/dcat/datasets/${identifier}`, { headers: { accept: 'application/n-triples' } })).text();
      return [...text.matchAll(/<http:\/\/www\.w3\.org\/ns\/dcat#(accessURL|downloadURL)> <([^>]+)>/g)].map(([, property, url]) => `${property} ${url}`).sort();
    };
    expect(await stated('phase3-vcfs')).toEqual(['accessURL ftp://ftp.archive.example/release/', 'downloadURL ftp://ftp.archive.example/release/chr22.vcf.gz']);
    expect(await stated('phase3-raw')).toEqual(['accessURL mailto:dac@archive.example']);
  });

  it('republishes a foreign dataset written in another language with that language, not as English', async () => {
    routes.set('/german.ttl', turtle(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
      <https://foreign.example/dataset/krebsregister> a dcat:Dataset ; dct:identifier "krebsregister" ;
        dct:title "Krebsregister Auszug"@de ; dct:description "Ein Auszug aus dem Krebsregister."@de ; dcat:keyword "Krebs"@de ;
        dct:publisher <https://foreign.example/krebsregister-stelle> ;
        dcat:distribution [ a dcat:Distribution ; dct:title "Antrag"@de ; dcat:accessURL <https://foreign.example/antrag> ] .
      <https://foreign.example/krebsregister-stelle> a foaf:Agent ; foaf:name "Registerstelle"@de .`));
    expect(await harvest(catalogue.orm.em.fork(), target('/german.ttl'), OPTIONS)).toMatchObject({ created: 2, failed: 0 });
    const { data } = await catalogue.gql(`{ dataset(id: "krebsregister") { title sourceDescription { language } } }`);
    expect(data?.dataset).toEqual({ title: 'Krebsregister Auszug', sourceDescription: { language: 'de' } });
    const published = await (await fetch(`${catalogue.url}/dcat/datasets/krebsregister`, { headers: { accept: 'application/n-triples' } })).text();
    for (const text of ['"Krebsregister Auszug"@de', '"Ein Auszug aus dem Krebsregister."@de', '"Krebs"@de', '"Antrag"@de']) expect(published).toContain(text);
    expect(published).not.toMatch(/"(Krebsregister Auszug|Krebs|Antrag)"@en/);
    // Read the same way again, nothing changes.
    expect(await harvest(catalogue.orm.em.fork(), target('/german.ttl'), OPTIONS)).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });

  it('refuses a dataset whose JSON-LD carries a lone surrogate, naming the field, and writes the rest', async () => {
    const dataset = (id: string, description: string) => ({
      '@id': `https://foreign.example/dataset/${id}`, '@type': 'http://www.w3.org/ns/dcat#Dataset',
      'http://purl.org/dc/terms/identifier': id, 'http://purl.org/dc/terms/title': { '@value': `Dataset ${id}`, '@language': 'en' },
      'http://purl.org/dc/terms/description': { '@value': description, '@language': 'en' },
      'http://purl.org/dc/terms/publisher': { '@id': 'https://foreign.example/agency' },
    });
    const agency = { '@id': 'https://foreign.example/agency', '@type': 'http://xmlns.com/foaf/0.1/Agent', 'http://xmlns.com/foaf/0.1/name': 'Foreign agency' };
    const body = JSON.stringify({ '@graph': [agency, dataset('surrogate-bad', 'half \ud800 of a character'), dataset('surrogate-fine', 'Whole characters.')] });
    routes.set('/surrogate.jsonld', { status: 200, type: 'application/ld+json', body });
    const run = await harvest(catalogue.orm.em.fork(), target('/surrogate.jsonld'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'PARTIAL', failed: 1 });
    expect(run.errors).toEqual([
      expect.objectContaining({ identifier: 'surrogate-bad', field: 'description', message: 'contains a lone UTF-16 surrogate (half of a character)' }),
    ]);
    expect(await catalogue.orm.em.fork().count(Dataset, { identifier: { $in: ['surrogate-bad', 'surrogate-fine'] } })).toBe(1);
  });

  it('walks a FAIR Data Point of before specification 1.1, whose repository links its catalogs with r3d:dataCatalog', async () => {
    const prefixes = `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
      @prefix r3d: <http://www.re3data.org/schema/3-0#> .`;
    routes.set('/old-fdp', turtle(`${prefixes} <${base}/old-fdp> a r3d:Repository ; dct:title "Old FDP" ; r3d:dataCatalog <${base}/old-fdp/catalog/c1> .`));
    routes.set('/old-fdp/catalog/c1', turtle(`${prefixes} <${base}/old-fdp/catalog/c1> a dcat:Catalog ; dct:title "Registries" ; dcat:dataset <${base}/old-fdp/dataset/d1> .`));
    routes.set('/old-fdp/dataset/d1', turtle(`${prefixes} <${base}/old-fdp/dataset/d1> a dcat:Dataset ; dct:identifier "old-fdp-d1" ; dct:title "Registry extract"@en ;
      dct:description "An extract."@en ; dct:publisher <https://foreign.example/registry-holder> .
      <https://foreign.example/registry-holder> a foaf:Agent ; foaf:name "Registry holder"@en .`));
    const run = await harvest(catalogue.orm.em.fork(), { ...target('/old-fdp'), kind: HarvestSourceKind.FDP }, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', documents: 3, created: 2, failed: 0 });
    expect((await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'old-fdp-d1' })).title).toBe('Registry extract');
  });

  it('reads the official DCAT-AP 3 example, counting what it does not read', async () => {
    routes.set('/bees.ttl', { status: 200, type: 'application/octet-stream', body: BEE_POPULATION });
    const run = await harvest(catalogue.orm.em.fork(), target('/bees.ttl'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 2 });
    const bees = await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: 'https://data.gov.gr/id/dataset/BeePopulation' }, { populate: ['publisher'] });
    expect(bees).toMatchObject({ title: 'Bee population', description: 'A dataset about bee population in Greece', status: RecordStatus.PUBLISHED });
    expect(bees.publisher.identifier).toBe('https://agencies.gov.gr/id/GreekEnvironmentAgency');
  });

  it('reports each dataset of the official series example that lacks a title as a failed record, not a crash', async () => {
    routes.set('/series.ttl', { status: 200, type: 'text/turtle', body: BEE_SERIES });
    const run = await harvest(catalogue.orm.em.fork(), target('/series.ttl'), OPTIONS);
    expect(run).toMatchObject({ outcome: 'PARTIAL', created: 0, failed: 2 });
    expect(run.errors.map((e) => [e.identifier, e.field, e.code]).sort()).toEqual([
      ['https://data.gov.gr/id/dataset/BeePopulation2022', 'title', 'REQUIRED'],
      ['https://data.gov.gr/id/dataset/BeePopulation2023', 'title', 'REQUIRED'],
    ]);
    expect(run.unknownProperties.map((p) => p.property).sort()).toEqual(['http://www.w3.org/ns/dcat#inSeries', 'http://www.w3.org/ns/dcat#prev']);
  });
});

describe('a FAIR Data Point source', () => {
  const PREFIXES = `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
    @prefix fdp: <https://w3id.org/fdp/fdp-o#> . @prefix adms: <http://www.w3.org/ns/adms#> .`;
  /** The repository, its catalogue linking these datasets, and each dataset's own document. */
  function fairDataPoint(listed: string[]) {
    routes.set('/fdp', turtle(`${PREFIXES} <${base}/fdp> a fdp:FAIRDataPoint ; fdp:metadataCatalog <${base}/fdp/catalog> .`));
    const links = listed.map((id) => `dcat:dataset <${base}/fdp/dataset/${id}>`).join(' ; ');
    routes.set('/fdp/catalog', turtle(`${PREFIXES} <${base}/fdp/catalog> a dcat:Catalog ; dct:title "FAIR Data Point catalogue"@en ${links ? `; ${links}` : ''} .`));
  }
  function datasetDocument(id: string, status = 200, statement = '') {
    routes.set(
      `/fdp/dataset/${id}`,
      turtle(
        `${PREFIXES} <${base}/fdp/dataset/${id}> a dcat:Dataset ; dct:identifier "${id}" ; dct:title "FDP dataset ${id}"@en ;
          dct:description "About ${id}."@en ; dct:publisher <https://fdp.example/agency> ${statement} .
          <https://fdp.example/agency> a foaf:Agent ; foaf:name "FDP agency"@en .`,
        status,
      ),
    );
  }
  const fdpTarget = (): HarvestTarget => ({ ...target('/fdp'), kind: HarvestSourceKind.FDP });
  let source: HarvestSource;
  beforeAll(async () => {
    const em = catalogue.orm.em.fork();
    source = em.create(HarvestSource, { identifier: 'fdp', title: 'FDP', url: `${base}/fdp`, kind: HarvestSourceKind.FDP, organisation: await em.findOneOrFail(Organisation, { identifier: GMS }), schedule: 'PT1H' });
    await em.flush();
  });
  const statusOf = async (id: string) => {
    const dataset = await catalogue.orm.em.fork().findOneOrFail(Dataset, { identifier: id });
    return [dataset.status, dataset.withdrawalReason ?? null];
  };

  it('withdraws a dataset its catalogue no longer lists ("removed at source") and a tombstoned one with its reason', async () => {
    fairDataPoint(['fdp-1', 'fdp-2', 'fdp-3']);
    for (const id of ['fdp-1', 'fdp-2', 'fdp-3']) datasetDocument(id);
    expect(await harvest(catalogue.orm.em.fork(), { ...fdpTarget(), source }, OPTIONS)).toMatchObject({ outcome: 'SUCCEEDED', mode: 'FULL', documents: 5, failed: 0 });
    expect(await statusOf('fdp-2')).toEqual([RecordStatus.PUBLISHED, null]);

    // fdp-2 leaves the catalogue; fdp-3 stays listed but answers 410 Gone with its tombstone.
    fairDataPoint(['fdp-1', 'fdp-3']);
    datasetDocument('fdp-3', 410, '; adms:status <http://purl.org/adms/status/Withdrawn> ; adms:versionNotes "Consent withdrawn by the participants."');
    const run = await harvest(catalogue.orm.em.fork(), { ...fdpTarget(), source }, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', withdrawn: 2, failed: 0 });
    expect(await statusOf('fdp-1')).toEqual([RecordStatus.PUBLISHED, null]);
    expect(await statusOf('fdp-2')).toEqual([RecordStatus.WITHDRAWN, 'removed at source']);
    expect(await statusOf('fdp-3')).toEqual([RecordStatus.WITHDRAWN, 'Consent withdrawn by the participants.']);
  });

  it('withdraws nothing for absence when a dataset document could not be read', async () => {
    fairDataPoint(['fdp-1', 'fdp-4']);
    routes.delete('/fdp/dataset/fdp-1');
    datasetDocument('fdp-4');
    const run = await harvest(catalogue.orm.em.fork(), { ...fdpTarget(), source }, OPTIONS);
    expect(run).toMatchObject({ outcome: 'PARTIAL', withdrawn: 0, failed: 1 });
    expect(run.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', iri: `${base}/fdp/dataset/fdp-1` })]);
    expect(await statusOf('fdp-1')).toEqual([RecordStatus.PUBLISHED, null]);
  });
});

describe('a harvested dataset with more distributions than a record holds', () => {
  it('is refused whole, naming the list, and the rest of the source is harvested', async () => {
    const distributions = Array.from({ length: 501 }, (_, i) => `<https://foreign.example/dataset/huge/chr${i}>`);
    const described = distributions.map((iri, i) => `${iri} a dcat:Distribution ; dct:title "chr${i}.vcf.gz"@en ; dcat:accessURL <https://foreign.example/request> .`);
    const huge = `<https://foreign.example/dataset/huge> dcat:distribution ${distributions.join(', ')} .\n${described.join('\n')}`;
    routes.set('/huge', turtle(`${page(['huge', 'small'])}\n${huge}`));
    const run = await harvest(catalogue.orm.em.fork(), target('/huge'), OPTIONS);
    expect(run.failed).toBe(1);
    expect(run.errors).toEqual([expect.objectContaining({ identifier: 'huge', field: 'distributions', message: 'at most 500 items; got 501' })]);
    const em = catalogue.orm.em.fork();
    expect(await em.count(Dataset, { identifier: 'huge' })).toBe(0);
    expect(await em.count(Dataset, { identifier: 'small' })).toBe(1);
  });
});
