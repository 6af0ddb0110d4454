import type { EntityClass } from '@mikro-orm/core';
import type * as RDF from '@rdfjs/types';
import { Writer } from 'n3';
import { DataAccessBody } from '../../src/access/data-access-body.entity.js';
import { Catalogue } from '../../src/catalogue/catalogue.entity.js';
import { HealthEconomicEvaluation } from '../../src/economics/health-economic-evaluation.entity.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import type { CatalogueRecord } from '../../src/records/record.js';
import { Study } from '../../src/studies/study.entity.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcat, dct, fdp, hydra } from '../../src/dcat/namespaces.js';
import { parse } from '../../src/dcat/rdf/parse.js';
import { harvest } from '../../src/harvest/harvest.js';
import { HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/*
 * Incremental harvests trust ?modifiedSince= and dct:modified. Whatever changes the RDF of a dataset's own
 * document — including a change to another record it shows (publisher, holders, contact points, access
 * bodies, study, evaluations) — must list the dataset and move its dct:modified; the catalogue's
 * dct:modified is the latest of them. Each change below is made through the API, and the datasets whose
 * documents changed are found by comparing every document before and after.
 */

const BASE = 'http://gdcat.test';
const CATALOG = `${BASE}/dcat/catalog`;

let catalogue: TestCatalogue;
let admin: string;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
  admin = await catalogue.token('admin');
});
afterAll(() => catalogue?.stop());

async function graphAt(path: string): Promise<RDF.Quad[]> {
  const response = await fetch(`${catalogue.url}${path}`, { headers: { accept: 'text/turtle' } });
  expect(response.status, path).toBe(200);
  return parse(await response.text(), 'text/turtle', `${BASE}${path}`);
}

const objects = (quads: RDF.Quad[], subject: string, predicate: RDF.NamedNode) =>
  quads.filter((q) => q.subject.value === subject && q.predicate.equals(predicate)).map((q) => q.object.value);

async function listed(query = ''): Promise<{ datasets: string[]; catalogModified: string }> {
  const page = await graphAt(`/dcat/catalog?pageSize=100${query}`);
  expect(objects(page, CATALOG, dcat('dataset')).length).toBe(Number(page.find((q) => q.predicate.equals(hydra('totalItems')))?.object.value));
  return { datasets: objects(page, CATALOG, dcat('dataset')).sort(), catalogModified: objects(page, CATALOG, dct('modified'))[0]! };
}

/** Each listed dataset's own document, without the modification dates themselves, in a comparable form. */
async function documents(): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const dataset of (await listed()).datasets) {
    const quads = (await graphAt(dataset.slice(BASE.length))).filter(
      (q) => !q.predicate.equals(dct('modified')) && !q.predicate.equals(fdp('metadataModified')),
    );
    result.set(dataset, new Writer({ format: 'N-Triples' }).quadsToString(quads).split('\n').sort().join('\n'));
  }
  return result;
}

const entities: Record<string, EntityClass<CatalogueRecord>> = {
  Organisation: Organisation as EntityClass<CatalogueRecord>,
  DataAccessBody: DataAccessBody as EntityClass<CatalogueRecord>,
  Study: Study as EntityClass<CatalogueRecord>,
  HealthEconomicEvaluation: HealthEconomicEvaluation as EntityClass<CatalogueRecord>,
};

async function change(type: string, identifier: string, input: Record<string, unknown>): Promise<void> {
  const record = await catalogue.orm.em.fork().findOneOrFail(entities[type]!, { identifier });
  const { data, errors } = await catalogue.gql(
    `mutation($id: ID!, $v: Int!, $input: ${type}Patch!) { update${type}(id: $id, expectedVersion: $v, input: $input) { userErrors { field message } } }`,
    { id: identifier, v: record.version, input },
    admin,
  );
  expect(errors, type).toBeUndefined();
  expect(data?.[`update${type}`].userErrors, type).toEqual([]);
}

const changes: [string, string, string, Record<string, unknown>][] = [
  ['a publisher is renamed', 'Organisation', 'urn:example:gms-catalogue:org:region-skane', { name: 'Region Skåne (renamed)' }],
  ['an organisation that only holds or contributes data is renamed', 'Organisation', 'urn:example:gms-catalogue:org:gmc-stockholm', { name: 'GMC Stockholm (renamed)' }],
  // The catalogue's publisher answers for agents without contact details of their own (such as a planned HDAB).
  ['the catalogue publisher\'s contact point changes', 'Organisation', 'urn:example:gms-catalogue:org:gms', { contactEmail: 'catalogue-desk@gms.example.org' }],
  ['an access body\'s contact point changes', 'DataAccessBody', 'urn:example:gms-catalogue:dab:stockholm', { contactEmail: 'new-desk@stockholm.example.org' }],
  ['the health data access body is renamed', 'DataAccessBody', 'urn:example:gms-catalogue:dab:se-hdab', { name: 'Swedish health data access body (renamed)' }],
  ['a study is renamed', 'Study', 'urn:example:gms-catalogue:study:rd-national-wgs', { title: 'National rare disease WGS (renamed)' }],
  // A body answers for the organisation running it when that has no contact details of its own: its new
  // operator (here one that only contributes data) gains that contact point, its old one (a holder) loses it.
  ['an access body is handed to an organisation that only contributes data', 'DataAccessBody', 'urn:example:gms-catalogue:dab:vgr', {
    operatedBy: 'urn:example:gms-catalogue:org:gmc-uppsala',
  }],
];

/** A regional catalogue this one harvests: it last changed its dataset well before it is harvested. */
const HARVESTED = `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
  @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
  <https://regional.example/dataset/1> a dcat:Dataset ; dct:identifier "regional-allele-counts" ; dct:title "Allele counts, regional"@en ;
    dct:description "Aggregate allele counts."@en ; dcat:keyword "alleles"@en ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dct:issued "2025-01-01T00:00:00Z"^^xsd:dateTime ; dct:modified "2025-06-01T00:00:00Z"^^xsd:dateTime ;
    dct:publisher <https://regional.example/org> ;
    dcat:distribution [ a dcat:Distribution ; dct:title "Counts"@en ; dcat:downloadURL <https://regional.example/counts.tsv> ] .
  <https://regional.example/org> a foaf:Organization ; foaf:name "Regional genomics" .`;

describe('modifiedSince and dct:modified follow every change to a dataset\'s RDF', () => {
  it.each(changes)('when %s', async (_what, type, identifier, input) => {
    const before = await documents();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date();
    await change(type, identifier, input);
    const after = await documents();
    const changed = [...after].filter(([dataset, document]) => before.get(dataset) !== document).map(([dataset]) => dataset).sort();
    expect(changed.length, 'the change shows in some dataset documents').toBeGreaterThan(0);

    const incremental = await listed(`&modifiedSince=${encodeURIComponent(since.toISOString())}`);
    expect(incremental.datasets).toEqual(expect.arrayContaining(changed));
    for (const dataset of changed) {
      const modified = objects(await graphAt(dataset.slice(BASE.length)), dataset, dct('modified'));
      expect(new Date(modified[0]!).getTime(), dataset).toBeGreaterThanOrEqual(since.getTime());
    }
    expect(new Date(incremental.catalogModified).getTime()).toBeGreaterThanOrEqual(since.getTime());
  });

  it('when an evaluation is renamed', async () => {
    const [evaluation] = await catalogue.orm.em.fork().find(HealthEconomicEvaluation, {}, { populate: ['evaluatedDatasets'], limit: 20 });
    expect(evaluation).toBeDefined();
    const before = await documents();
    const since = new Date();
    await change('HealthEconomicEvaluation', evaluation!.identifier, { title: 'Evaluation (renamed)' });
    const changed = [...(await documents())].filter(([dataset, document]) => before.get(dataset) !== document).map(([dataset]) => dataset);
    expect(changed.length).toBeGreaterThan(0);
    expect((await listed(`&modifiedSince=${encodeURIComponent(since.toISOString())}`)).datasets).toEqual(expect.arrayContaining(changed));
  });

  it('when the catalogue record changes (every dataset states the catalogue\'s dct:spatial)', async () => {
    const before = await documents();
    const since = new Date();
    const em = catalogue.orm.em.fork();
    const record = await em.findOneOrFail(Catalogue, { identifier: 'urn:example:gms-catalogue:catalogue:gms-national' });
    Object.assign(record, { spatial: 'http://publications.europa.eu/resource/authority/country/NOR', modified: new Date() });
    await em.flush();
    const changed = [...(await documents())].filter(([dataset, document]) => before.get(dataset) !== document).map(([dataset]) => dataset).sort();
    expect(changed).toEqual([...before.keys()].sort());
    expect((await listed(`&modifiedSince=${encodeURIComponent(since.toISOString())}`)).datasets).toEqual(changed);
  });

  it('when a harvest brings a dataset whose source dates it before the harvest (its dct:modified stays the source\'s)', async () => {
    const source = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/turtle' }).end(HARVESTED));
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    try {
      const since = new Date();
      const url = `http://127.0.0.1:${(source.address() as AddressInfo).port}/catalog`;
      const target = { source: null, url, kind: HarvestSourceKind.DCAT_AP, organisation: 'urn:example:gms-catalogue:org:ehalsomyndigheten' };
      const run = await harvest(catalogue.orm.em.fork(), target, { timeoutMs: 5_000, maxDocuments: 10, allowPrivateNetworks: true });
      expect(run.outcome).toBe('SUCCEEDED');
      const dataset = `${BASE}/dcat/datasets/regional-allele-counts`;
      expect(objects(await graphAt('/dcat/datasets/regional-allele-counts'), dataset, dct('modified'))).toEqual(['2025-06-01T00:00:00.000Z']);
      const incremental = await listed(`&modifiedSince=${encodeURIComponent(since.toISOString())}`);
      expect(incremental.datasets).toContain(dataset);
      expect(new Date(incremental.catalogModified).getTime()).toBeGreaterThanOrEqual(since.getTime());
    } finally {
      await new Promise<void>((resolve) => source.close(() => resolve()));
    }
  });

  it('but not when a record the public does not see changes: editing a draft a dataset names tells no one', async () => {
    const create = async (kind: string, field: string, input: Record<string, unknown>) => {
      const { data } = await catalogue.gql(`mutation($input: ${kind}Input!) { create${kind}(input: $input) { ${field} { identifier } userErrors { message } } }`, { input }, admin);
      expect(data?.[`create${kind}`].userErrors, kind).toEqual([]);
      return data![`create${kind}`][field].identifier as string;
    };
    const organisation = await create('Organisation', 'organisation', { name: 'Draft biobank', type: 'BIOBANK' });
    const study = await create('Study', 'study', { title: 'Draft study', studyType: 'PILOT', ownerOrganisation: 'urn:example:gms-catalogue:org:region-skane' });
    // An admin may name drafts in a published dataset; its RDF leaves them out.
    const dataset = 'urn:example:gms-catalogue:dataset:rd-trio-skane';
    const { data } = await catalogue.gql(`{ dataset(id: "${dataset}") { version dataHolders { identifier } } }`, {}, admin);
    const holders = data!.dataset.dataHolders.map((holder: { identifier: string }) => holder.identifier);
    const linked = await catalogue.gql(
      'mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { userErrors { message } } }',
      { id: dataset, v: data!.dataset.version, input: { dataHolders: [...holders, organisation], wasGeneratedBy: study } },
      admin,
    );
    expect(linked.data?.updateDataset.userErrors).toEqual([]);
    const before = await documents();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date();
    await change('Organisation', organisation, { name: 'Draft biobank (renamed)' });
    await change('Study', study, { title: 'Draft study (renamed)' });
    // A draft evaluation of the dataset, made by the dataset's own organisation, is not news either.
    const evaluation = await create('HealthEconomicEvaluation', 'healthEconomicEvaluation', {
      title: 'Draft evaluation', evaluationType: 'BUDGET_IMPACT', currency: 'SEK', priceYear: 2025,
      ownerOrganisation: 'urn:example:gms-catalogue:org:region-skane', evaluatedDatasets: [dataset],
    });
    await change('HealthEconomicEvaluation', evaluation, { title: 'Draft evaluation (renamed)' });
    expect(await documents()).toEqual(before);
    expect((await listed(`&modifiedSince=${encodeURIComponent(since.toISOString())}`)).datasets).toEqual([]);
    // Published, the organisation shows as a holder: the dataset is news again.
    expect((await catalogue.gql(`mutation { publishOrganisation(id: "${organisation}") { userErrors { message } } }`, {}, admin)).data?.publishOrganisation.userErrors).toEqual([]);
    expect((await listed(`&modifiedSince=${encodeURIComponent(since.toISOString())}`)).datasets).toEqual([`${BASE}/dcat/datasets/${encodeURIComponent(dataset)}`]);
  });

  it('the catalogue\'s dct:modified is the latest dct:modified of what it lists', async () => {
    const { datasets, catalogModified } = await listed();
    let latest = 0;
    for (const dataset of datasets) {
      const [modified] = objects(await graphAt(dataset.slice(BASE.length)), dataset, dct('modified'));
      latest = Math.max(latest, new Date(modified!).getTime());
    }
    expect(new Date(catalogModified).getTime()).toBeGreaterThanOrEqual(latest);
  });
});
