import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import {
  ancestorsOf,
  descendantsOf,
  isSameOrDescendant,
  labelOf,
  normaliseDiseaseId,
} from '../../src/ontology/disease-hierarchy.js';

const CANCER = 'MONDO:0004992';
const LEUKEMIA = 'MONDO:0005059';
const AML = 'MONDO:0018874';
const AML_NPM1 = 'MONDO:0044923';
const ALL = 'MONDO:0004967';
const EPILEPSY = 'MONDO:0005027';
const CHILDHOOD_EPILEPSY = 'MONDO:0020072';
const ROOT = 'MONDO:0000001';

interface SeedTerm {
  iri: string;
}
interface SeedRecord {
  cohort?: { diseases?: SeedTerm[] };
  consentScope?: { diseaseRestrictions?: SeedTerm[] };
  healthCondition?: SeedTerm[];
}

function seedDiseaseIris(): string[] {
  // The seed file is the repository's copy of ../shared/reference/example-catalogue.json.
  const seed = JSON.parse(
    readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'),
  ) as { records: SeedRecord[] };
  return [
    ...new Set(
      seed.records.flatMap((r) => [
        ...(r.cohort?.diseases ?? []),
        ...(r.consentScope?.diseaseRestrictions ?? []),
        ...(r.healthCondition ?? []),
      ]).map((t) => t.iri),
    ),
  ];
}

describe('normaliseDiseaseId', () => {
  it.each([
    ['http://purl.obolibrary.org/obo/MONDO_0005027', EPILEPSY],
    ['https://purl.obolibrary.org/obo/MONDO_0005027', EPILEPSY],
    ['MONDO:0005027', EPILEPSY],
    ['MONDO_0005027', EPILEPSY],
    ['mondo:0005027', EPILEPSY],
    ['  MONDO:0005027 ', EPILEPSY],
    // Orphanet codes MONDO maps exactly become the MONDO id (mondo_exactmatch_orphanet.sssom.tsv).
    ['http://www.orpha.net/ORDO/Orphanet_519', AML],
    ['ORPHA:519', AML],
    ['Orphanet:513', ALL],
    ['Orphanet_145', 'MONDO:0003582'],
    // Codes without an exact MONDO match keep their own canonical id.
    ['http://www.orpha.net/ORDO/Orphanet_999999', 'Orphanet:999999'],
    ['http://id.who.int/icd/release/10/C92.0', 'ICD10:C92.0'],
    ['http://id.who.int/icd/release/10/2019/C92.0', 'ICD10:C92.0'],
    ['ICD-10:C92.0', 'ICD10:C92.0'],
    ['http://purl.obolibrary.org/obo/NCBITaxon_1280', 'NCBITaxon:1280'],
    ['http://purl.obolibrary.org/obo/HP_0001250', 'HP:0001250'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseDiseaseId(input)).toBe(expected);
  });
});

describe('ancestorsOf / descendantsOf', () => {
  it('walks from a disease up to the MONDO root, the disease itself first', () => {
    expect(ancestorsOf(AML_NPM1)).toEqual([AML_NPM1, AML, LEUKEMIA, CANCER, ROOT]);
    expect(ancestorsOf('http://purl.obolibrary.org/obo/MONDO_0010826')).toEqual([
      'MONDO:0010826',
      CHILDHOOD_EPILEPSY,
      EPILEPSY,
      ROOT,
    ]);
  });

  it('lists the disease and everything below it', () => {
    const belowCancer = descendantsOf(CANCER);
    expect(belowCancer[0]).toBe(CANCER);
    expect(belowCancer).toEqual(expect.arrayContaining([LEUKEMIA, AML, AML_NPM1, ALL, 'MONDO:0004947', 'MONDO:0005072']));
    expect(belowCancer).not.toContain(EPILEPSY);
    expect(descendantsOf(EPILEPSY).sort()).toEqual(
      [EPILEPSY, CHILDHOOD_EPILEPSY, 'MONDO:0800496', 'MONDO:0010826'].sort(),
    );
    expect(descendantsOf(AML_NPM1)).toEqual([AML_NPM1]);
  });

  it('treats ids it does not know, and standalone roots, as having no relatives', () => {
    expect(ancestorsOf('MONDO:0099999')).toEqual(['MONDO:0099999']);
    expect(descendantsOf('ICD10:C92.0')).toEqual(['ICD10:C92.0']);
    expect(ancestorsOf('http://id.who.int/icd/release/10/C92.0')).toEqual(['ICD10:C92.0']);
  });
});

describe('isSameOrDescendant', () => {
  it.each([
    [AML, AML, true],
    [AML_NPM1, CANCER, true],
    ['http://www.orpha.net/ORDO/Orphanet_519', LEUKEMIA, true],
    ['MONDO_0800496', EPILEPSY, true],
    [CANCER, AML, false],
    [ALL, AML, false],
    [EPILEPSY, CANCER, false],
    ['ICD10:C92.0', AML, false],
    [AML, 'ICD10:C92.0', false],
  ])('%s under %s: %s', (child, ancestor, expected) => {
    expect(isSameOrDescendant(child, ancestor)).toBe(expected);
  });
});

describe('labelOf', () => {
  it('returns the shipped label, whatever the spelling of the id', () => {
    expect(labelOf('http://purl.obolibrary.org/obo/MONDO_0018874')).toBe('acute myeloid leukemia');
    expect(labelOf('ORPHA:145')).toBe('hereditary breast ovarian cancer syndrome');
    expect(labelOf('NCBITaxon:2697049')).toBe('Severe acute respiratory syndrome coronavirus 2');
    expect(labelOf('MONDO:0099999')).toBeUndefined();
  });
});

describe('seed catalogue coverage', () => {
  const iris = seedDiseaseIris();

  it('knows every disease identifier used in the seed records', () => {
    expect(iris.length).toBeGreaterThan(20);
    expect(iris.filter((iri) => labelOf(iri) === undefined)).toEqual([]);
  });

  it('connects every MONDO (and Orphanet-mapped) seed disease to the MONDO root', () => {
    const mondo = iris.map(normaliseDiseaseId).filter((id) => id.startsWith('MONDO:'));
    expect(mondo.length).toBeGreaterThan(10);
    expect(mondo.filter((id) => !isSameOrDescendant(id, ROOT))).toEqual([]);
  });
});
