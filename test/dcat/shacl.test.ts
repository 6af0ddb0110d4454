import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { dcat, dct, foaf, healthdcatap, rdf } from '../../src/dcat/namespaces.js';
import { parse } from '../../src/dcat/rdf/parse.js';
import { loadShapes, validate, type ShaclViolation } from '../../src/dcat/shacl.js';

const standards = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/standards');
const sh = (localName: string) => DataFactory.namedNode(`http://www.w3.org/ns/shacl#${localName}`);

async function turtle(text: string) {
  return parse(text, 'text/turtle');
}

async function officialExample(file: string) {
  return turtle(await readFile(path.join(standards, 'dcat-ap/examples', file), 'utf8'));
}

/**
 * focus node + path + constraint of each violation, for readable assertions; once each, since the DCAT-AP
 * designs (per-constraint file, Base, Ranges) overlap and may each report the same gap.
 */
function summary(violations: ShaclViolation[]): string[] {
  return [...new Set(violations.map((v) => `${v.focusNode} ${v.path ?? '-'} ${v.constraint}`))].sort();
}

const prefixLines = `
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix gdcat: <https://gdcat.example.se/> .
@prefix cv: <http://data.europa.eu/m8g/> .
`;

/**
 * A non-public genomic dataset described the way the HealthDCAT-AP (NON_PUBLIC) and DCAT-AP 3 shapes want
 * it, including the rdf:type triples for every referenced resource. The concept IRIs under gdcat: stand in
 * for controlled-vocabulary IRIs; the shapes only need them typed and labelled.
 */
const conformingHealthCatalogue = `${prefixLines}
gdcat:catalog a dcat:Catalog ;
  dct:title "Genomic Medicine Sweden catalogue"@en ;
  dct:description "Genomic datasets of the Swedish genomic-medicine programme."@en ;
  dct:publisher gdcat:organisations\\/gms ;
  dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> ;
  dcat:dataset gdcat:datasets\\/rd-wgs ;
  dcat:service gdcat:services\\/fega-se .

gdcat:datasets\\/rd-wgs a dcat:Dataset ;
  dct:title "Rare disease trio whole-genome sequencing"@en ;
  dct:description "Germline WGS of rare-disease probands and parents."@en ;
  dct:identifier "rd-wgs" ;
  dcat:keyword "whole genome sequencing"@en ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
  dct:type gdcat:concepts\\/dataset-type\\/genomic ;
  dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;
  dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj>, <http://data.europa.eu/eli/reg/2016/679/oj> ;
  healthdcatap:healthCategory gdcat:concepts\\/health-category\\/genetic ;
  healthdcatap:hdab gdcat:organisations\\/hdab ;
  healthdcatap:numberOfUniqueIndividuals "1200"^^xsd:nonNegativeInteger ;
  healthdcatap:minTypicalAge "0"^^xsd:nonNegativeInteger ;
  dct:publisher gdcat:organisations\\/gms ;
  dcat:contactPoint [ a vcard:Kind ; vcard:hasEmail <mailto:dac@gdcat.example.se> ] ;
  dct:provenance [ a dct:ProvenanceStatement ; rdfs:label "Sequenced in clinical routine, 2019-2024."@en ] ;
  dct:language <http://publications.europa.eu/resource/authority/language/SWE> ;
  dct:spatial <http://publications.europa.eu/resource/authority/country/SWE> ;
  dcat:distribution gdcat:distributions\\/rd-wgs-vcf .

gdcat:distributions\\/rd-wgs-vcf a dcat:Distribution ;
  dcat:accessURL gdcat:access\\/rd-wgs ;
  dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> ;
  dct:format <http://edamontology.org/format_3016> ;
  dcat:byteSize "123456789"^^xsd:nonNegativeInteger ;
  dcat:accessService gdcat:services\\/fega-se .

gdcat:services\\/fega-se a dcat:DataService ;
  dct:title "Federated EGA Sweden"@en ;
  dcat:endpointURL <https://fega.example.se/> .

gdcat:organisations\\/gms a foaf:Agent, foaf:Organization ;
  foaf:name "Genomic Medicine Sweden" ;
  dcat:contactPoint [ a vcard:Kind ; vcard:hasURL <https://gdcat.example.se/contact> ] ;
  cv:contactPoint [ a cv:ContactPoint ; cv:contactPage <https://gdcat.example.se/contact> ] .

gdcat:organisations\\/hdab a foaf:Agent ;
  foaf:name "Swedish health data access body" ;
  dcat:contactPoint [ a vcard:Kind ; vcard:hasEmail <mailto:hdab@example.se> ] ;
  cv:contactPoint [ a cv:ContactPoint ; cv:email "hdab@example.se" ] .

<http://data.europa.eu/eli/reg/2025/327/oj> a eli:LegalResource .
<http://data.europa.eu/eli/reg/2016/679/oj> a eli:LegalResource .
<http://publications.europa.eu/resource/authority/data-theme/HEAL> a skos:Concept ; skos:prefLabel "Health"@en .
<http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> a dct:RightsStatement .
<http://publications.europa.eu/resource/authority/language/SWE> a dct:LinguisticSystem .
<http://publications.europa.eu/resource/authority/country/SWE> a dct:Location .
<http://edamontology.org/format_3016> a dct:MediaTypeOrExtent .
gdcat:concepts\\/dataset-type\\/genomic a skos:Concept ; skos:prefLabel "Genomic data"@en .
`;

const ds = 'https://gdcat.example.se/datasets/rd-wgs';

describe('loadShapes', () => {
  it('loads the three DCAT-AP 3.0.1 designs, and each HealthDCAT-AP release on the DCAT-AP shapes it imports', async () => {
    const dcatAp = await loadShapes('dcat-ap-3');
    const datasetShapes = (shapes: typeof dcatAp) => shapes.getSubjects(sh('targetClass'), dcat('Dataset'), null).map((s) => s.value).sort();
    expect(datasetShapes(dcatAp)).toEqual([
      'https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/range.ttl#Dataset_Shape',
      'https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/shapes.ttl#Dataset_Shape',
      'https://semiceu.github.io/DCAT-AP/releases/3.0.1#dcat:DatasetShape',
    ]);
    for (const release of ['healthdcat-ap-r5', 'healthdcat-ap-r6'] as const) {
      const health = await loadShapes(release);
      // HealthDCAT-AP adds its constraints to the DCAT-AP shape of the same IRI.
      const [datasetShape] = datasetShapes(health);
      const paths = health.getObjects(datasetShape!, sh('property'), null).flatMap((property) => health.getObjects(property, sh('path'), null).map((p) => p.value));
      expect(paths, release).toEqual(expect.arrayContaining([dct('title').value, healthdcatap('hdab').value]));
      expect(health.getQuads(null, 'http://www.w3.org/2002/07/owl#imports', null, null), release).toEqual([]);
    }
  });

  it('drops the two property shapes dcat-ap-SHACL.ttl names but never defines (Apache Jena refuses them)', async () => {
    const shapes = await loadShapes('dcat-ap-3');
    for (const reference of shapes.getObjects(null, sh('property'), null)) {
      expect(shapes.countQuads(reference, null, null, null), reference.value).toBeGreaterThan(0);
    }
  });
});

describe('validate against the official DCAT-AP 3 shapes', () => {
  it('reports the one gap in the official minimal example: its publisher is not typed foaf:Agent', async () => {
    const example = await officialExample('example-bee-population.ttl');
    const report = await validate(example, 'dcat-ap-3');
    expect(report.conforms).toBe(false);
    // Reported by the per-constraint file and by the Ranges design, each in its own shape.
    expect(summary(report.violations)).toEqual([`https://data.gov.gr/id/dataset/BeePopulation ${dct('publisher').value} ClassConstraintComponent`]);
    expect(report.violations).toContainEqual(
      {
        focusNode: 'https://data.gov.gr/id/dataset/BeePopulation',
        path: dct('publisher').value,
        message: `<${dct('publisher').value}> value https://agencies.gov.gr/id/GreekEnvironmentAgency must be typed <${foaf('Agent').value}> by an rdf:type triple`,
        severity: 'Violation',
        sourceShape: expect.stringContaining('#dcat:DatasetShape/'),
        constraint: 'ClassConstraintComponent',
        value: 'https://agencies.gov.gr/id/GreekEnvironmentAgency',
      },
    );

    const agency = DataFactory.namedNode('https://agencies.gov.gr/id/GreekEnvironmentAgency');
    const typed = [
      ...example,
      DataFactory.quad(agency, rdf('type'), foaf('Agent')),
      DataFactory.quad(agency, foaf('name'), DataFactory.literal('Greek Environment Agency', 'en')),
    ];
    expect(await validate(typed, 'dcat-ap-3')).toEqual({ conforms: true, violations: [] });
  });

  it('reports the official dataset-series fragment as incomplete: titles and descriptions are mandatory', async () => {
    const report = await validate(await officialExample('example-bee-population-dataset-series-ordered.ttl'), 'dcat-ap-3');
    expect(report.conforms).toBe(false);
    const title = dct('title').value;
    const description = dct('description').value;
    expect(summary(report.violations)).toEqual([
      `https://data.gov.gr/id/dataset/BeePopulation2022 ${description} MinCountConstraintComponent`,
      `https://data.gov.gr/id/dataset/BeePopulation2022 ${title} MinCountConstraintComponent`,
      `https://data.gov.gr/id/dataset/BeePopulation2023 ${description} MinCountConstraintComponent`,
      `https://data.gov.gr/id/dataset/BeePopulation2023 ${title} MinCountConstraintComponent`,
      `https://data.gov.gr/id/datasetseries/BeePopulation ${description} MinCountConstraintComponent`,
    ]);
  });

  it('fails a dataset without title and description, naming the dataset and the properties', async () => {
    const report = await validate(await turtle(`${prefixLines} gdcat:datasets\\/untitled a dcat:Dataset ; dct:identifier "x" .`), 'dcat-ap-3');
    expect(report.conforms).toBe(false);
    expect(report.violations.map(({ focusNode, path, constraint, severity, message }) => ({ focusNode, path, constraint, severity, message }))).toEqual(
      expect.arrayContaining([
        {
          focusNode: 'https://gdcat.example.se/datasets/untitled',
          path: dct('title').value,
          constraint: 'MinCountConstraintComponent',
          severity: 'Violation',
          message: `<${dct('title').value}> needs at least 1 value(s)`,
        },
        {
          focusNode: 'https://gdcat.example.se/datasets/untitled',
          path: dct('description').value,
          constraint: 'MinCountConstraintComponent',
          severity: 'Violation',
          message: `<${dct('description').value}> needs at least 1 value(s)`,
        },
      ]),
    );
    expect(summary(report.violations)).toHaveLength(2);
  });

  it('accepts the fully typed health catalogue', async () => {
    expect(await validate(await turtle(conformingHealthCatalogue), 'dcat-ap-3')).toEqual({ conforms: true, violations: [] });
  });
});

const releases = ['healthdcat-ap-r5', 'healthdcat-ap-r6'] as const;

describe('validate against the HealthDCAT-AP shapes (Release 5 and 6, NON_PUBLIC)', () => {
  it.each(releases)('%s accepts a non-public dataset that carries everything HealthDCAT-AP asks for', async (release) => {
    expect(await validate(await turtle(conformingHealthCatalogue), release)).toEqual({ conforms: true, violations: [] });
  });

  it.each(releases)('%s requires exactly one health data access body', async (release) => {
    const withoutHdab = (await turtle(conformingHealthCatalogue)).filter((q) => !q.predicate.equals(healthdcatap('hdab')));
    const report = await validate(withoutHdab, release);
    expect(report.conforms).toBe(false);
    expect(report.violations).toEqual([
      expect.objectContaining({
        focusNode: ds,
        path: healthdcatap('hdab').value,
        constraint: 'MinCountConstraintComponent',
        message: 'Each dcat:Dataset must have exactly one healthdcatap:hdab',
      }),
    ]);
  });

  it.each(releases)('%s requires the non-public access right', async (release) => {
    const quads = (await turtle(conformingHealthCatalogue)).filter((q) => !q.predicate.equals(dct('accessRights')));
    const report = await validate(quads, release);
    expect(summary(report.violations)).toEqual(
      [`${ds} ${dct('accessRights').value} HasValueConstraintComponent`, `${ds} ${dct('accessRights').value} MinCountConstraintComponent`].sort(),
    );
  });

  it('Release 5 checks the publisher\'s vCard contact point, Release 6 its Core Vocabularies one', async () => {
    const gms = 'https://gdcat.example.se/organisations/gms';
    const without = async (predicate: string) =>
      (await turtle(conformingHealthCatalogue)).filter((q) => !(q.subject.value === gms && q.predicate.value === predicate));
    const r5 = await validate(await without(dcat('contactPoint').value), 'healthdcat-ap-r5');
    expect(summary(r5.violations)).toEqual([`${ds} ${dct('publisher').value} NodeConstraintComponent`]);
    expect(r5.violations[0]?.value).toBe(gms);
    expect(await validate(await without(dcat('contactPoint').value), 'healthdcat-ap-r6')).toEqual({ conforms: true, violations: [] });
    const r6 = await validate(await without('http://data.europa.eu/m8g/contactPoint'), 'healthdcat-ap-r6');
    expect(summary(r6.violations)).toEqual([`${ds} ${dct('publisher').value} NodeConstraintComponent`]);
  });

  it('disagree on healthdcatap:hasCodeValues: Release 5 wants IRIs, Release 6 literals, so no value meets both', async () => {
    const code = (value: string) => turtle(`${conformingHealthCatalogue}\ngdcat:datasets\\/rd-wgs healthdcatap:hasCodeValues ${value} .`);
    const asIri = await code('<http://purl.obolibrary.org/obo/MONDO_0005027>');
    const asLiteral = await code('"http://purl.obolibrary.org/obo/MONDO_0005027"^^xsd:anyURI');
    const constraints = async (quads: typeof asIri, release: (typeof releases)[number]) =>
      (await validate(quads, release)).violations.map((v) => `${v.path} ${v.constraint}`);
    expect(await constraints(asIri, 'healthdcat-ap-r5')).toEqual([]);
    expect(await constraints(asIri, 'healthdcat-ap-r6')).toEqual([`${healthdcatap('hasCodeValues').value} NodeKindConstraintComponent`]);
    expect(await constraints(asLiteral, 'healthdcat-ap-r5')).toEqual([`${healthdcatap('hasCodeValues').value} NodeKindConstraintComponent`]);
    expect(await constraints(asLiteral, 'healthdcat-ap-r6')).toEqual([]);
  });
});
