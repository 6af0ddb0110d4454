import { readFileSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discloseCohort } from '../../../src/datasets/cohort-disclosure.js';
import { CatalogueReadings, detached, readCatalogue } from '../../../src/dcat/profiles/catalogue-reader.js';
import { rdfFormats, type RdfFormat } from '../../../src/dcat/rdf/formats.js';
import { euFileType } from '../../../src/dcat/vocabularies.js';
import { parse } from '../../../src/dcat/rdf/parse.js';
import { catalogueJsonSource } from '../../../src/harvest/catalogue-json.js';
import { dataAccessBodyInput, datasetInput, type Json, organisationInput } from '../../../src/harvest/record-inputs.js';
import { startTestCatalogue, type TestCatalogue } from '../../support/catalogue.js';

const example = JSON.parse(readFileSync(new URL('../../../seed/example-catalogue.json', import.meta.url), 'utf8'));
// The context the seed import converts with (access routes default to their body's application page).
const { context } = catalogueJsonSource(example, 'example-catalogue.json');
// A publication is published as its DOI, else as its web page, when it has one.
const iriOf = new Map<string, string>(example.publications.map((p: Json) => [p.id, p.doi ? `https://doi.org/${p.doi}` : (p.url ?? null)]));

let catalogue: TestCatalogue;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
});
afterAll(() => catalogue?.stop());

async function readListing(format: RdfFormat) {
  const response = await fetch(`${catalogue.url}/dcat/catalog?pageSize=100`, { headers: { accept: format } });
  expect(response.status).toBe(200);
  return readCatalogue(await parse(await response.text(), format, 'http://gdcat.test/dcat/catalog'));
}

/**
 * What the seed says about a dataset, as far as the writers publish it: the publication's own identifier
 * (a publication is published as its DOI or web page), an access URL that is the route's application page, the ethics approval's authority and date, and a sex distribution
 * of unknowns (the same as none), counts of people as anonymous callers see them, a format's own media type (stated as its distribution's when the distribution
 * states none and its formats agree on one), and formats with neither an EDAM IRI nor an
 * entry in the EU file-type table are not written; read back, what it states beyond the record's fields.
 */
function published(d: Json): Json {
  const input: Json = unordered(datasetInput(d, context));
  for (const distribution of input.distributions) {
    const mediaTypes = new Set(distribution.formats.map((f: Json) => f.mediaType).filter(Boolean));
    if (!distribution.mediaType && mediaTypes.size === 1) distribution.mediaType = [...mediaTypes][0];
    distribution.formats = distribution.formats.map((f: Json) => ({ label: f.label, edam: f.edam ?? null })).filter((f: Json) => f.edam || euFileType(f.label));
  }
  input.publications = input.publications.map((id: string) => iriOf.get(id)).filter(Boolean);
  // A file's access URL that is its route's application page (FEGA's, the national dataset's) reads as none of its
  // own: the writer states that page for a file without one, so both say the same.
  const page = input.accessRoute?.applicationUrl;
  for (const distribution of input.distributions) if (page && distribution.accessUrl === page && !distribution.downloadUrl) distribution.accessUrl = null;
  if (input.consent?.ethicsApproval) input.consent.ethicsApproval = { authority: undefined, reference: input.consent.ethicsApproval.reference, date: null };
  if (input.cohort) input.cohort = discloseCohort(input.cohort, { kind: 'DISCLOSED', threshold: 5 });
  const sex = input.cohort?.sexDistribution;
  if (sex && Object.values(sex).every((value) => value == null)) input.cohort.sexDistribution = null;
  // A dataset registered here states its theme, the catalogue's country and no coverage in time of its own.
  input.sourceDescription = { themes: input.theme ? [input.theme] : [], spatial: [example.catalogue.spatial], temporalStart: null, temporalEnd: null, contactPoint: null };
  return input;
}

/** RDF states holders, contributors, distributions and formats as sets: compare them as sets. */
function unordered(input: Json): Json {
  return {
    ...input,
    dataHolders: [...input.dataHolders].sort(),
    contributors: [...input.contributors].sort(),
    distributions: [...input.distributions]
      .map((d: Json) => ({ ...d, formats: [...d.formats].sort((a: Json, b: Json) => a.label.localeCompare(b.label)) }))
      .sort((a: Json, b: Json) => a.title.localeCompare(b.title)),
  };
}

describe('the RDF readers are the inverse of the writers', () => {
  for (const format of rdfFormats) {
    it(`reads every published dataset back from ${format} into the import's record inputs`, async () => {
      const reading = await readListing(format);
      const seeded = example.records.filter((r: Json) => r.recordType === 'Dataset' && r.status === 'published');
      expect(reading.records.filter((r) => r.recordType === 'Dataset').map((r) => r.id).sort()).toEqual(seeded.map((r: Json) => r.id).sort());
      for (const seed of seeded) {
        const read = reading.records.find((r) => r.id === seed.id)!;
        expect(unordered(datasetInput(read, context)), seed.id).toEqual(published(seed));
      }
    });
  }

  it('reads the organisations and access bodies the datasets point at, as far as the writers describe them', async () => {
    const reading = await readListing('text/turtle');
    const pick = (input: Json, keys: string[]) => Object.fromEntries(keys.map((key) => [key, input[key] ?? null]));
    const organisationFields = ['identifier', 'name', 'publisherType', 'homepage', 'orgNumber', 'contactEmail'];
    expect(reading.organisations.length).toBeGreaterThan(5);
    for (const read of reading.organisations) {
      const seed = example.organisations.find((o: Json) => o.id === read.id);
      expect(pick(organisationInput(read), organisationFields), read.id).toEqual(pick(organisationInput(seed), organisationFields));
    }
    const bodyFields = ['identifier', 'name', 'kind', 'contactEmail', 'applicationUrl', 'operationalStatus'];
    expect(reading.accessBodies.length).toBeGreaterThan(3);
    for (const read of reading.accessBodies) {
      const seed = example.accessBodies.find((b: Json) => b.id === read.id);
      expect(pick(dataAccessBodyInput(read, context), bodyFields), read.id).toEqual(pick(dataAccessBodyInput(seed, context), bodyFields));
    }
  });

  it('reads the health-economic evaluations that use each dataset, and counts no property of ours as unknown', async () => {
    const reading = await readListing('application/ld+json');
    const evaluations = reading.records.filter((r) => r.recordType === 'HealthEconomicEvaluation');
    const seeded = example.records.filter((r: Json) => r.recordType === 'HealthEconomicEvaluation' && r.evaluates?.length);
    expect(evaluations.length).toBeGreaterThan(0);
    for (const evaluation of evaluations) {
      const seed = seeded.find((e: Json) => e.id === evaluation.id);
      expect(evaluation.title).toBe(seed.title);
      for (const dataset of evaluation.evaluates) expect(seed.evaluates).toContain(dataset);
    }
    expect([...reading.unknownProperties.keys()]).toEqual([]);
  });
});

describe('a distribution\'s access URL', () => {
  it('is none of its own when a public file states its download URL as both (DCAT-AP\'s advice), and kept as stated for non-public data', async () => {
    const rights = 'http://publications.europa.eu/resource/authority/access-right';
    const quads = await parse(
      `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
      <https://source.example/open> a dcat:Dataset ; dct:identifier "open" ; dct:title "Open"@en ; dct:accessRights <${rights}/PUBLIC> ;
        dcat:distribution [ dct:title "File" ; dcat:accessURL <https://source.example/file.tsv> ; dcat:downloadURL <https://source.example/file.tsv> ],
          [ dct:title "Page" ; dcat:accessURL <https://source.example/page> ; dcat:downloadURL <https://source.example/file.tsv> ] .
      <https://source.example/closed> a dcat:Dataset ; dct:identifier "closed" ; dct:title "Closed"@en ; dct:accessRights <${rights}/NON_PUBLIC> ;
        dcat:distribution [ dct:title "File" ; dcat:accessURL <https://source.example/calls.vcf> ; dcat:downloadURL <https://source.example/calls.vcf> ] .`,
      'text/turtle',
    );
    const { records } = await readCatalogue(quads);
    const urls = (id: string) => records.find((record) => record.id === id)!.distributions.map((x: Json) => [x.title, x.accessURL, x.downloadURL]);
    expect(urls('open')).toEqual([['File', null, 'https://source.example/file.tsv'], ['Page', 'https://source.example/page', 'https://source.example/file.tsv']]);
    // Its download URL is not offered here, so the access URL it states is the one this catalogue publishes.
    expect(urls('closed')).toEqual([['File', 'https://source.example/calls.vcf', 'https://source.example/calls.vcf']]);
  });
});

describe('a distribution\'s access URL that is where access is requested', () => {
  it('is none of its own when it is the application page the access route states, else its body\'s, unless the file is offered for download', async () => {
    const rights = 'http://publications.europa.eu/resource/authority/access-right';
    const quads = await parse(
      `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix ext: <https://w3id.org/gdcat/ext#> .
      @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
      <https://a.example/dcat/access-bodies/dac> a dct:Agent ; dcat:contactPoint <https://a.example/dcat/access-bodies/dac#contact> .
      <https://a.example/dcat/access-bodies/dac#contact> a vcard:Kind ; vcard:hasURL <https://a.example/dac/apply> .
      <https://a.example/dcat/datasets/routed> a dcat:Dataset ; dct:identifier "routed" ; dct:title "Routed"@en ; dct:accessRights <${rights}/NON_PUBLIC> ;
        ext:dataAccessCommittee <https://a.example/dcat/access-bodies/dac> ;
        ext:accessRoute [ ext:accessMode "SECURE_PROCESSING_ENVIRONMENT" ; ext:applicationPage <https://a.example/apply/routed> ] ;
        dcat:distribution [ dct:title "Calls" ; dcat:accessURL <https://a.example/apply/routed> ],
          [ dct:title "Form" ; dcat:accessURL <https://a.example/request/form> ],
          [ dct:title "Body page" ; dcat:accessURL <https://a.example/dac/apply> ] .
      <https://a.example/dcat/datasets/bodied> a dcat:Dataset ; dct:identifier "bodied" ; dct:title "Bodied"@en ; dct:accessRights <${rights}/NON_PUBLIC> ;
        ext:dataAccessCommittee <https://a.example/dcat/access-bodies/dac> ;
        ext:accessRoute [ ext:accessMode "SECURE_PROCESSING_ENVIRONMENT" ] ;
        dcat:distribution [ dct:title "Calls" ; dcat:accessURL <https://a.example/dac/apply> ] .
      <https://a.example/dcat/datasets/open> a dcat:Dataset ; dct:identifier "open" ; dct:title "Open"@en ; dct:accessRights <${rights}/PUBLIC> ;
        ext:accessRoute [ ext:accessMode "OPEN" ; ext:applicationPage <https://a.example/apply/open> ] ;
        dcat:distribution [ dct:title "Browse" ; dcat:accessURL <https://a.example/apply/open> ; dcat:downloadURL <https://a.example/open/all.tar> ],
          [ dct:title "Listing" ; dcat:accessURL <https://a.example/apply/open> ] .`,
      'text/turtle',
    );
    const { records } = await readCatalogue(quads);
    const urls = (id: string) => records.find((record) => record.id === id)!.distributions.map((x: Json) => [x.title, x.accessURL]);
    // The route's own page is the one the writer states; the body's only stands in when the route gives none.
    expect(urls('routed')).toEqual([['Body page', 'https://a.example/dac/apply'], ['Calls', null], ['Form', 'https://a.example/request/form']]);
    expect(urls('bodied')).toEqual([['Calls', null]]);
    // A file offered for download would have stated its download URL: the page is its own access URL.
    expect(urls('open')).toEqual([['Browse', 'https://a.example/apply/open'], ['Listing', null]]);
  });
});

describe('a DCAT-AP 2 dataset as ckanext-dcat writes it', () => {
  it('keeps its temporal coverage in the terms DCAT-AP has had for it, and counts what its parts state that is not read', async () => {
    const quads = await parse(
      `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix schema: <http://schema.org/> .
      @prefix time: <http://www.w3.org/2006/time#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix locn: <http://www.w3.org/ns/locn#> .
      @prefix spdx: <http://spdx.org/rdf/terms#> .
      <https://ckan.example/dataset/a> a dcat:Dataset ; dct:identifier "a" ; dct:title "A"@en ;
        dct:temporal [ a dct:PeriodOfTime ; schema:startDate "2019-01-01"^^xsd:date ; schema:endDate "2020-12-31"^^xsd:date ] ;
        dct:spatial [ a dct:Location ; locn:geometry "{\\"type\\": \\"Point\\", \\"coordinates\\": [18.0, 59.3]}" ] ;
        dcat:distribution [ a dcat:Distribution ; dct:title "File" ; dcat:accessURL <https://ckan.example/a/file> ;
          dct:description "The whole table." ; spdx:checksum [ spdx:checksumValue "3a6eb079"^^xsd:hexBinary ] ] .
      <https://ckan.example/dataset/b> a dcat:Dataset ; dct:identifier "b" ; dct:title "B"@en ;
        dct:temporal [ a dct:PeriodOfTime ; time:hasBeginning [ time:inXSDDate "2015-06-01"^^xsd:date ] ; time:hasEnd [ time:inXSDDateTimeStamp "2016-01-01T00:00:00Z"^^xsd:dateTimeStamp ] ] .`,
      'text/turtle',
    );
    const { records, unknownProperties } = await readCatalogue(quads);
    const coverage = (id: string) => {
      const { temporalStart, temporalEnd } = records.find((record) => record.id === id)!.sourceDescription;
      return [temporalStart, temporalEnd];
    };
    expect(coverage('a')).toEqual(['2019-01-01', '2020-12-31']);
    expect(coverage('b')).toEqual(['2015-06-01', '2016-01-01T00:00:00Z']);
    expect(Object.fromEntries(unknownProperties)).toEqual({
      'http://www.w3.org/ns/locn#geometry': 1,
      'http://purl.org/dc/terms/description': 1,
      'http://spdx.org/rdf/terms#checksum': 1,
    });
  });
});

describe('a source read document by document', () => {
  const sortedBy = (records: Json[]) => [...records].sort((a, b) => `${a.recordType} ${a.id}`.localeCompare(`${b.recordType} ${b.id}`));

  it('gives the same records page by page as from one page, each record once', async () => {
    const whole = await readListing('text/turtle');
    const readings = new CatalogueReadings();
    let pages = 0;
    for (let next: string | null = `${catalogue.url}/dcat/catalog?pageSize=3`; next; pages++) {
      const text = await (await fetch(next, { headers: { accept: 'text/turtle' } })).text();
      const quads = await parse(text, 'text/turtle', next);
      readings.add(detached(await readCatalogue(quads)));
      // The test catalogue names itself gdcat.test in its links.
      next = quads.find((quad) => quad.predicate.value === 'http://www.w3.org/ns/hydra/core#next')?.object.value.replace('http://gdcat.test', catalogue.url) ?? null;
    }
    expect(pages).toBeGreaterThan(3);
    const paged = readings.merged();
    for (const section of ['organisations', 'accessBodies', 'publications', 'records'] as const) {
      expect(sortedBy(paged[section]), section).toEqual(sortedBy(whole[section]));
    }
    expect(new Map([...paged.sourceIris].sort())).toEqual(new Map([...whole.sourceIris].sort()));
  });

  it('keeps a dataset two pages list once (the later page), one identifier at two IRIs twice, and a record where a page describes it', async () => {
    const page = (body: string) =>
      parse(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> . ${body}`, 'text/turtle');
    const readings = new CatalogueReadings();
    // The agency is only named on the first page, described on the second.
    readings.add(await readCatalogue(await page(`<https://x.example/d/1> a dcat:Dataset ; dct:identifier "d1" ; dct:title "Old title" ; dct:publisher <https://x.example/agency> .`)));
    readings.add(await readCatalogue(await page(`<https://x.example/d/1> a dcat:Dataset ; dct:identifier "d1" ; dct:title "New title" ; dct:publisher <https://x.example/agency> .
      <https://x.example/d/3> a dcat:Dataset ; dct:identifier "d3" ; dct:title "Third" ; dct:publisher <https://x.example/agency> .
      <https://x.example/agency> a foaf:Agent ; foaf:name "The agency" .`)));
    readings.add(await readCatalogue(await page(`<https://x.example/d/4> a dcat:Dataset ; dct:identifier "d3" ; dct:title "Elsewhere" ; dct:publisher <https://x.example/agency> .`)));
    const merged = readings.merged();
    expect(merged.records.map((d) => [d.id, d.title])).toEqual([['d1', 'New title'], ['d3', 'Third'], ['d3', 'Elsewhere']]);
    expect(merged.organisations.map((o) => [o.id, o.name])).toEqual([['https://x.example/agency', 'The agency']]);
    expect([...merged.undescribed]).toEqual([]);
  });
});

describe('a document whose datasets name their publishers as blank nodes (as CKAN writes them)', () => {
  /** `count` datasets, each with a publisher, contact point and distribution of its own as blank nodes. */
  function ckanLike(count: number): string {
    const lines = ['@prefix dct: <http://purl.org/dc/terms/> . @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .'];
    for (let i = 0; i < count; i++) {
      lines.push(`<https://ckan.example.org/dataset/d${i}> a dcat:Dataset ; dct:identifier "d${i}" ; dct:title "Dataset ${i}"@en ;
        dct:publisher [ a foaf:Organization ; foaf:name "Region ${i % 7}" ] ;
        dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://ckan.example.org/apply/${i}> ] .`);
    }
    return lines.join('\n');
  }

  /** The quads, counting every read of one of them by position, however the reader walks the list. */
  function counted(quads: unknown[]): { quads: never; reads: () => number } {
    let reads = 0;
    const proxy = new Proxy(quads, {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
        return Reflect.get(target, property, receiver);
      },
    });
    return { quads: proxy as never, reads: () => reads };
  }

  it('is read in time proportional to its size: each blank node is named from its own statements, not by scanning the document', async () => {
    const quads = await parse(ckanLike(300), 'text/turtle');
    const { quads: watched, reads } = counted(quads);
    const reading = await readCatalogue(watched);
    expect(reading.records).toHaveLength(300);
    // Same statements, same name: the seven regions, however many datasets name them.
    expect(reading.organisations).toHaveLength(7);
    expect(reads()).toBeLessThan(10 * quads.length);
  });

  it('lets other work run while it reads thousands of datasets (a harvest runs in the API process)', async () => {
    const quads = await parse(ckanLike(1000), 'text/turtle');
    let settled = false;
    const reading = readCatalogue(quads).then((read) => ((settled = true), read));
    await setImmediate();
    expect(settled).toBe(false);
    expect((await reading).records).toHaveLength(1000);
  });
});
