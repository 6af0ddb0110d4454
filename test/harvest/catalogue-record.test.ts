import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import type * as RDF from '@rdfjs/types';
import { dcat, dct, foaf, rdf, vcard } from '../../src/dcat/namespaces.js';
import { parse } from '../../src/dcat/rdf/parse.js';
import { catalogueContactGap, ensureCatalogueRecord } from '../../src/harvest/catalogue-record.js';
import { harvest } from '../../src/harvest/harvest.js';
import { HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const NATIONAL = 'urn:example:national-platform';
const config = configFromEnv({
  CATALOGUE_IDENTIFIER: 'urn:example:national-catalogue',
  CATALOGUE_TITLE: 'National genomics catalogue',
  CATALOGUE_HOMEPAGE: 'https://national.example.org',
  CATALOGUE_PUBLISHER_ID: NATIONAL,
  CATALOGUE_PUBLISHER_NAME: 'National genomics platform',
  CATALOGUE_SPATIAL: 'http://publications.europa.eu/resource/authority/country/SWE',
}).catalogue!;

// A DCAT-AP 3 dataset as another (not gdcat) catalogue publishes it: no consent scope, no access route.
const FOREIGN = `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
  @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
  <https://biobank.example/dataset/cardio> a dcat:Dataset ; dct:identifier "biobank-cardio-2024" ;
    dct:title "Cardiomyopathy exome cohort"@en ; dct:description "Exomes of patients with inherited cardiomyopathy."@en ;
    dct:issued "2024-01-15T00:00:00Z"^^xsd:dateTime ; dct:modified "2025-06-01T10:00:00Z"^^xsd:dateTime ;
    dcat:keyword "cardiomyopathy"@en ; dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    dct:publisher <https://biobank.example/org> ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Biobank office" ; vcard:hasEmail <mailto:office@biobank.example> ] ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TECH> ;
    dct:spatial <http://publications.europa.eu/resource/authority/country/DNK> ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2015-01-01"^^xsd:date ; dcat:endDate "2023-12-31"^^xsd:date ] ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/ANNUAL> .
  <https://biobank.example/org> a foaf:Organization ; foaf:name "Example Biobank" ; foaf:homepage <https://biobank.example> .`;

let catalogue: TestCatalogue;
let server: Server;
let url: string;
/** What the foreign catalogue serves now. */
let served = FOREIGN;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/turtle' }).end(served));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/catalog`;
  catalogue = await startTestCatalogue({ seed: false });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await catalogue?.stop();
});

/** What a DCAT document says about a dataset's themes, coverage and contact point, comparable across catalogues. */
function statedAbout(quads: RDF.Quad[], dataset: string) {
  const objects = (subject: string, predicate: RDF.NamedNode) => quads.filter((q) => q.subject.value === subject && q.predicate.equals(predicate)).map((q) => q.object);
  const typed = (term: RDF.Term | undefined) => term && (term.termType === 'Literal' ? `${term.value}^^${term.datatype.value}` : term.value);
  const period = objects(dataset, dct('temporal'))[0]?.value;
  const contact = objects(dataset, dcat('contactPoint'))[0]?.value;
  return {
    themes: objects(dataset, dcat('theme')).map((t) => t.value).sort(),
    spatial: objects(dataset, dct('spatial')).map((t) => t.value).sort(),
    temporal: period && {
      types: objects(period, rdf('type')).map((t) => t.value),
      start: typed(objects(period, dcat('startDate'))[0]),
      end: typed(objects(period, dcat('endDate'))[0]),
    },
    contact: contact && { name: objects(contact, vcard('fn'))[0]?.value, email: objects(contact, vcard('hasEmail'))[0]?.value },
  };
}

const XSD_DATE = 'http://www.w3.org/2001/XMLSchema#date';
const FOREIGN_STATED = {
  themes: ['http://publications.europa.eu/resource/authority/data-theme/HEAL', 'http://publications.europa.eu/resource/authority/data-theme/TECH'],
  // The source's coverage, not this (Swedish) catalogue's country.
  spatial: ['http://publications.europa.eu/resource/authority/country/DNK'],
  temporal: { types: [dct('PeriodOfTime').value], start: `2015-01-01^^${XSD_DATE}`, end: `2023-12-31^^${XSD_DATE}` },
  contact: { name: 'Biobank office', email: 'mailto:office@biobank.example' },
};

async function listing() {
  const response = await fetch(`${catalogue.url}/dcat/catalog`, { headers: { accept: 'text/turtle' } });
  return { status: response.status, quads: response.ok ? await parse(await response.text(), 'text/turtle') : [] };
}

describe('a national node that starts empty', () => {
  it('serves its configured catalogue record before it holds any dataset', async () => {
    expect((await listing()).status).toBe(404);
    expect(await ensureCatalogueRecord(catalogue.orm.em.fork(), config)).toMatchObject({ committed: true, created: 1, catalogueRecord: 'created' });
    expect(await ensureCatalogueRecord(catalogue.orm.em.fork(), config)).toBeNull();
    const { status, quads } = await listing();
    expect(status).toBe(200);
    const catalog = 'http://gdcat.test/dcat/catalog';
    const value = (subject: string, predicate: string) => quads.find((q) => q.subject.value === subject && q.predicate.value === predicate)?.object.value;
    expect(value(catalog, dct('title').value)).toBe('National genomics catalogue');
    expect(value(catalog, foaf('homepage').value)).toBe('https://national.example.org');
    expect(value(value(catalog, dct('publisher').value)!, foaf('name').value)).toBe('National genomics platform');
  });

  it('says when its publisher, the contact of last resort in the DCAT output, has no e-mail address or homepage', async () => {
    expect(await catalogueContactGap(catalogue.orm.em.fork())).toMatch(/^the catalogue's publisher urn:example:national-platform has no e-mail address or homepage: .*HealthDCAT-AP.*CATALOGUE_PUBLISHER_EMAIL/);
    await catalogue.orm.em.getConnection().execute(`update organisation set contact_email = 'catalogue@national.example.org' where identifier = ?`, [NATIONAL]);
    expect(await catalogueContactGap(catalogue.orm.em.fork())).toBeNull();
    await catalogue.orm.em.getConnection().execute(`update organisation set contact_email = null where identifier = ?`, [NATIONAL]);
  });

  it('publishes a foreign dataset with its consent not stated, its own identifier and dates, and its publisher', async () => {
    const run = await harvest(catalogue.orm.em.fork(), { source: null, url, kind: HarvestSourceKind.DCAT_AP, organisation: NATIONAL }, { timeoutMs: 2_000, maxDocuments: 10, allowPrivateNetworks: true });
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 2, failed: 0 });
    // What no profile reads is counted, not dropped silently.
    expect(run.unknownProperties).toEqual([{ property: dct('accrualPeriodicity').value, count: 1 }]);

    const { quads } = await listing();
    const dataset = 'http://gdcat.test/dcat/datasets/biobank-cardio-2024';
    const value = (predicate: string) => quads.find((q) => q.subject.value === dataset && q.predicate.value === predicate)?.object.value;
    expect(value(dct('identifier').value)).toBe('biobank-cardio-2024');
    expect(value(dct('issued').value)).toBe('2024-01-15T00:00:00.000Z');
    expect(value(dct('modified').value)).toBe('2025-06-01T10:00:00.000Z');
    expect(value('http://www.w3.org/ns/prov#wasDerivedFrom')).toBe('https://biobank.example/dataset/cardio');

    // What the source states beyond the record's fields is in this catalogue's own DCAT output too.
    expect(statedAbout(quads, dataset)).toEqual(FOREIGN_STATED);
    const document = await fetch(`${catalogue.url}/dcat/datasets/biobank-cardio-2024`, { headers: { accept: 'text/turtle' } });
    expect(statedAbout(await parse(await document.text(), 'text/turtle'), dataset)).toEqual(FOREIGN_STATED);

    const purpose = { primaryPurpose: 'DISEASE_SPECIFIC', diseases: ['MONDO:0005045'], country: 'SE', commercial: false };
    const { data } = await catalogue.gql(
      `query($purpose: ResearchPurposeInput!) {
        dataset(id: "biobank-cardio-2024") { status consent { duoPermission } publisher { name homepage } theme
          sourceDescription { themes spatial temporalStart temporalEnd contactPoint { name email url } }
          useAssessment(purpose: $purpose) { outcome reasons { description outcome } } }
      }`,
      { purpose },
    );
    expect(data?.dataset).toMatchObject({
      status: 'PUBLISHED',
      consent: null,
      publisher: { name: 'Example Biobank', homepage: 'https://biobank.example' },
      theme: 'http://publications.europa.eu/resource/authority/data-theme/HEAL',
      sourceDescription: {
        themes: ['http://publications.europa.eu/resource/authority/data-theme/HEAL', 'http://publications.europa.eu/resource/authority/data-theme/TECH'],
        spatial: ['http://publications.europa.eu/resource/authority/country/DNK'],
        temporalStart: '2015-01-01',
        temporalEnd: '2023-12-31',
        contactPoint: { name: 'Biobank office', email: 'office@biobank.example', url: null },
      },
      useAssessment: { outcome: 'NEEDS_REVIEW', reasons: [expect.objectContaining({ outcome: 'NEEDS_REVIEW', description: expect.stringContaining('No consent scope') })] },
    });

    await catalogue.indexer.drain();
    const search = await catalogue.gql(
      `query($purpose: ResearchPurposeInput!) {
        found: datasets(query: "cardiomyopathy") { edges { node { identifier } } }
        permitted: datasets(filter: { permittedFor: $purpose }) { totalCount }
      }`,
      { purpose },
    );
    expect(search.data?.found.edges).toEqual([{ node: { identifier: 'biobank-cardio-2024' } }]);
    expect(search.data?.permitted.totalCount).toBe(0);
  });

  it('keeps them when another catalogue harvests the harvested dataset from this one', async () => {
    const european = await startTestCatalogue({ seed: false });
    try {
      await ensureCatalogueRecord(european.orm.em.fork(), config);
      const run = await harvest(european.orm.em.fork(), { source: null, url: `${catalogue.url}/dcat/catalog`, kind: HarvestSourceKind.DCAT_AP, organisation: NATIONAL }, { timeoutMs: 5_000, maxDocuments: 10, allowPrivateNetworks: true });
      expect(run).toMatchObject({ outcome: 'SUCCEEDED', failed: 0 });
      const response = await fetch(`${european.url}/dcat/datasets/biobank-cardio-2024`, { headers: { accept: 'text/turtle' } });
      expect(statedAbout(await parse(await response.text(), 'text/turtle'), 'http://gdcat.test/dcat/datasets/biobank-cardio-2024')).toEqual(FOREIGN_STATED);
    } finally {
      await european.stop();
    }
  });

  it('takes a change only to what the source states beyond the record\'s fields as an update, with its history', async () => {
    const target = { source: null, url, kind: HarvestSourceKind.DCAT_AP, organisation: NATIONAL };
    const again = () => harvest(catalogue.orm.em.fork(), target, { timeoutMs: 2_000, maxDocuments: 10, allowPrivateNetworks: true });
    expect(await again()).toMatchObject({ outcome: 'SUCCEEDED', created: 0, updated: 0, failed: 0 });

    const queued = async () => {
      const [row] = await catalogue.orm.em.getConnection().execute(
        `select count(*)::int as n from outbox_event o join dataset d on d.id = o.aggregate_id where d.identifier = 'biobank-cardio-2024'`,
      );
      return row.n as number;
    };
    const queuedBefore = await queued();

    // The same dct:modified: the source changed its coverage without saying so.
    served = FOREIGN.replace('"2023-12-31"', '"2024-12-31"');
    try {
      expect(await again()).toMatchObject({ outcome: 'SUCCEEDED', created: 0, updated: 1, failed: 0 });
      // Search documents are written again from the record as it is now.
      expect(await queued()).toBe(queuedBefore + 1);
      expect(await again()).toMatchObject({ outcome: 'SUCCEEDED', updated: 0 });
    } finally {
      served = FOREIGN;
    }
    const dataset = 'http://gdcat.test/dcat/datasets/biobank-cardio-2024';
    const document = await fetch(`${catalogue.url}/dcat/datasets/biobank-cardio-2024`, { headers: { accept: 'text/turtle' } });
    expect(statedAbout(await parse(await document.text(), 'text/turtle'), dataset)).toEqual({
      ...FOREIGN_STATED,
      temporal: { ...FOREIGN_STATED.temporal, end: `2024-12-31^^${XSD_DATE}` },
    });
    const { data } = await catalogue.gql(
      'query { dataset(id: "biobank-cardio-2024") { history { action changes { field before after } } } }',
      {},
      await catalogue.token('admin'),
    );
    const last = data?.dataset.history.at(-1);
    expect(last.action).toBe('updateDataset');
    const stated = last.changes.find((change: { field: string }) => change.field === 'sourceDescription');
    expect(JSON.parse(stated.before)).toMatchObject({ temporalStart: '2015-01-01', temporalEnd: '2023-12-31' });
    expect(JSON.parse(stated.after)).toMatchObject({ temporalStart: '2015-01-01', temporalEnd: '2024-12-31' });
  });
});
