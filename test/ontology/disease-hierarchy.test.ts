import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import {
  ancestorsOf,
  descendantsOf,
  diseaseWithin,
  diseaseCodeStatus,
  isSameOrDescendant,
  labelOf,
  normaliseDiseaseId,
  searchDiseaseTerms,
} from '../../src/ontology/disease-hierarchy.js';

const CANCER = 'MONDO:0004992';
const LEUKEMIA = 'MONDO:0005059';
const AML = 'MONDO:0018874';
const AML_NPM1 = 'MONDO:0044923';
const ALL = 'MONDO:0004967';
const EPILEPSY = 'MONDO:0005027';
const CHILDHOOD_EPILEPSY = 'MONDO:0020072';
const BREAST_CANCER = 'MONDO:0007254';
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

/** The subclass edges shipped in data/ontology/mondo.json.gz, as MONDO ids. */
function shippedEdges(): { classes: number; edges: [string, string][] } {
  const file = JSON.parse(gunzipSync(readFileSync(new URL('../../data/ontology/mondo.json.gz', import.meta.url))).toString('utf8')) as {
    ids: number[];
    parents: number[][];
  };
  const id = (i: number) => `MONDO:${String(file.ids[i]).padStart(7, '0')}`;
  return { classes: file.ids.length, edges: file.parents.flatMap((ps, child) => ps.map((p): [string, string] => [id(child), id(p)])) };
}

describe('the shipped MONDO vocabulary', () => {
  const { classes, edges } = shippedEdges();

  it('holds every labelled class and subclass edge of the extract', () => {
    expect(classes).toBe(36006);
    expect(edges).toHaveLength(28842);
  });

  it('places a sample of real child/parent pairs from the shipped edges, never the other way round', () => {
    // Every 97th edge: about 300 pairs spread over the whole file.
    const sample = edges.filter((_, i) => i % 97 === 0);
    expect(sample.length).toBeGreaterThan(250);
    for (const [child, parent] of sample) {
      expect(isSameOrDescendant(child, parent), `${child} under ${parent}`).toBe(true);
      expect(descendantsOf(parent)).toContain(child);
      expect(isSameOrDescendant(parent, child), `${parent} under ${child}`).toBe(false);
      expect(isSameOrDescendant(child, ROOT), `${child} under the root`).toBe(true);
    }
  });

  it('follows MONDO ancestry, not the four links the hand-built slim had wrong', () => {
    expect(isSameOrDescendant(LEUKEMIA, CANCER)).toBe(false);
    expect(isSameOrDescendant('MONDO:0005072', CANCER)).toBe(false);
    expect(isSameOrDescendant('MONDO:0800496', CHILDHOOD_EPILEPSY)).toBe(false);
    expect(isSameOrDescendant('MONDO:0003778', 'MONDO:0021094')).toBe(false);
    expect(labelOf('MONDO:0800496')).toBe('epilepsy with auditory features');
    // What MONDO says instead.
    expect(ancestorsOf(LEUKEMIA)).toContain('MONDO:0044881');
    expect(labelOf('MONDO:0044881')).toBe('hematopoietic and lymphoid cell neoplasm');
    expect(isSameOrDescendant(AML, CANCER)).toBe(true);
  });

  it('puts breast cancer under cancer and its ancestors, the disease itself first', () => {
    expect(isSameOrDescendant(BREAST_CANCER, CANCER)).toBe(true);
    const ancestors = ancestorsOf(BREAST_CANCER);
    expect(ancestors[0]).toBe(BREAST_CANCER);
    expect(ancestors).toEqual(expect.arrayContaining([CANCER, 'MONDO:0021100', ROOT]));
    expect(descendantsOf(CANCER)).toContain(BREAST_CANCER);
  });

  it('treats a class without parents in the extract as a leaf under the root, and obsolete classes as nowhere', () => {
    expect(ancestorsOf('MONDO:0100096')).toEqual(['MONDO:0100096', ROOT]);
    expect(diseaseCodeStatus('MONDO:0000002')).toBe('OBSOLETE');
    expect(ancestorsOf('MONDO:0000002')).toEqual(['MONDO:0000002']);
    expect(descendantsOf(ROOT)).not.toContain('MONDO:0000002');
  });

  it('tells known, local, obsolete and unknown codes apart', () => {
    expect(diseaseCodeStatus('http://purl.obolibrary.org/obo/MONDO_0007254')).toBe('MONDO');
    expect(diseaseCodeStatus('ORPHA:519')).toBe('MONDO');
    expect(diseaseCodeStatus('ICD10:C92.0')).toBe('LOCAL');
    expect(diseaseCodeStatus('MONDO:9999999')).toBe('UNKNOWN_MONDO');
    expect(diseaseCodeStatus('HP:0001250')).toBe('OTHER_VOCABULARY');
  });

  it('treats ids it does not know, and local terms, as having no relatives', () => {
    expect(ancestorsOf('MONDO:0099999')).toEqual(['MONDO:0099999']);
    expect(descendantsOf('ICD10:C92.0')).toEqual(['ICD10:C92.0']);
    expect(ancestorsOf('HP:0001250')).toEqual(['HP:0001250']);
  });

  it('places an ICD-10 code under the categories its notation names', () => {
    expect(ancestorsOf('http://id.who.int/icd/release/10/C92.0')).toEqual(['ICD10:C92.0', 'ICD10:C92']);
    expect(ancestorsOf('ICD-10:C92.01')).toEqual(['ICD10:C92.01', 'ICD10:C92.0', 'ICD10:C92']);
    expect(ancestorsOf('ICD10:D46')).toEqual(['ICD10:D46']);
    // Not ICD-10 notation: kept as given, alone.
    expect(ancestorsOf('ICD10:C92.0A')).toEqual(['ICD10:C92.0A']);
  });
});

describe('searchDiseaseTerms (autocomplete)', () => {
  it('finds labels by word prefixes, best match first, with ids', () => {
    const found = searchDiseaseTerms('breast canc', 5);
    expect(found[0]).toMatchObject({ id: BREAST_CANCER, label: 'breast cancer' });
    expect(found).toHaveLength(5);
    for (const term of found) expect(term.label.toLowerCase()).toMatch(/breast/);
    expect(searchDiseaseTerms('canc breast', 3)[0]!.id).toBe(BREAST_CANCER);
  });

  it('is case- and accent-insensitive and answers an id directly', () => {
    expect(searchDiseaseTerms('LEUKÉMIA', 1)[0]!.id).toBe(LEUKEMIA);
    expect(searchDiseaseTerms('MONDO:0007254', 3)[0]!.id).toBe(BREAST_CANCER);
    expect(searchDiseaseTerms('http://purl.obolibrary.org/obo/MONDO_0018874', 1)[0]!.id).toBe(AML);
  });

  it('finds the American MONDO labels from British spellings', () => {
    expect(searchDiseaseTerms('leukaemia', 1)[0]!.id).toBe(LEUKEMIA);
    expect(searchDiseaseTerms('acute myeloid leukaem', 1)[0]!.id).toBe(AML);
    expect(searchDiseaseTerms('haemophilia', 1)[0]!.label).toBe('hemophilia');
    expect(searchDiseaseTerms('oesophageal', 3).map((t) => t.label)).toContain('esophageal cancer');
    expect(searchDiseaseTerms('brain tumour', 3).map((t) => t.label)).toContain('childhood germ cell brain tumor');
    expect(searchDiseaseTerms('anaemia', 1)[0]!.label).toBe('anemia');
    // Both sides take the same spelling, so American queries still match.
    expect(searchDiseaseTerms('leukemia', 1)[0]!.id).toBe(LEUKEMIA);
  });

  it('answers an ICD-10 code as typed with its compact id, labelled where a label is shipped', () => {
    expect(searchDiseaseTerms('C92', 3)[0]).toEqual({ id: 'ICD10:C92', label: 'ICD-10 C92', obsolete: false, local: true });
    expect(searchDiseaseTerms('icd-10 c92.0', 3)[0]).toMatchObject({ id: 'ICD10:C92.0', label: 'Acute myeloblastic leukaemia' });
    expect(searchDiseaseTerms('ICD10:C91.1', 3)[0]!.id).toBe('ICD10:C91.1');
    expect(searchDiseaseTerms('C9', 3).map((t) => t.id)).not.toContain('ICD10:C9');
  });

  it('never offers obsolete classes and respects the page size', () => {
    // "obsolete 46,XX sex reversal" is MONDO:0000002, deprecated.
    expect(searchDiseaseTerms('obsolete 46', 50)).toEqual([]);
    expect(searchDiseaseTerms('MONDO:0000002', 5)).toEqual([]);
    expect(searchDiseaseTerms('a', 7)).toHaveLength(7);
    expect(searchDiseaseTerms('zzzzqx', 5)).toEqual([]);
    expect(searchDiseaseTerms('cancer', 0)).toEqual([]);
  });
});

describe('isSameOrDescendant', () => {
  it.each([
    [AML, AML, true],
    [AML_NPM1, AML, true],
    [AML_NPM1, CANCER, true],
    ['http://www.orpha.net/ORDO/Orphanet_519', 'MONDO:0044881', true],
    [CANCER, AML, false],
    [ALL, AML, false],
    [EPILEPSY, CANCER, false],
    ['ICD10:C92.0', AML, false],
    [AML, 'ICD10:C92.0', false],
    ['ICD10:C92.0', 'ICD10:C92', true],
    ['ICD10:C92', 'ICD10:C92.0', false],
    ['ICD10:C91.0', 'ICD10:C92', false],
  ])('%s under %s: %s', (child, ancestor, expected) => {
    expect(isSameOrDescendant(child, ancestor)).toBe(expected);
  });
});

describe("diseaseWithin (whether a consent's disease covers a purpose's)", () => {
  it.each([
    [AML_NPM1, CANCER, true],
    [EPILEPSY, CANCER, false],
    ['ICD10:C92.01', 'http://id.who.int/icd/release/10/C92', true],
    ['ICD10:C91.0', 'ICD10:C92', false],
    ['ICD10:C92', 'ICD10:C92.0', false],
    // Across vocabularies, or with a code the catalogue cannot place, nothing can be concluded.
    ['ICD10:C92.0', AML, undefined],
    [AML, 'ICD10:C92', undefined],
    ['HP:0001250', EPILEPSY, undefined],
    ['HP:0001250', 'HP:0001250', true],
  ])('%s within %s: %s', (disease, restriction, expected) => {
    expect(diseaseWithin(disease, restriction)).toBe(expected);
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
