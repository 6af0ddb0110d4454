import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueJsonSource } from '../../src/harvest/catalogue-json.js';
import type { SourceRecord } from '../../src/harvest/import-source.js';
import type { Json } from '../../src/harvest/record-inputs.js';
import { readRecordKeys, UNKNOWN_KEY, UNKNOWN_KEYS_LISTED } from '../../src/harvest/record-keys.js';

const example = JSON.parse(readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));

/** The records of a document as the JSON import reads them (no database needed to read them). */
async function recordsOf(document: Json, keys: 'checked' | 'unchecked' = 'checked'): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of catalogueJsonSource(document, 'keys.json', null, keys).records(undefined as never)) records.push(record);
  return records;
}

/** Each warning as "section row field: message". */
const warningsOf = (records: SourceRecord[]) =>
  records.flatMap((r) => (r.warnings ?? []).map((w) => `${r.location.sheet} ${r.location.row ?? '-'} ${w.field}: ${w.message} (${w.code})`));

const dataset = (extra: Json = {}): Json => ({
  recordType: 'Dataset',
  id: 'urn:test:keys:1',
  title: 'Trio WGS',
  distributions: [{ title: 'VCF', accessURL: 'https://example.org/apply' }],
  ...extra,
});

describe('keys the JSON import does not read', () => {
  it('are named by their path in the record, with the known key they are near (or stand for)', () => {
    const record = dataset({
      Title: 'Trio WGS, again',
      dataHolders: ['urn:example:gms-catalogue:org:region-stockholm'],
      // The record rules' name for the file's version.
      releaseVersion: '2.0',
      distributions: [{ title: 'VCF' }, { title: 'CRAM', accessUrl: 'https://example.org/apply', fromats: ['CRAM'] }],
      cohort: { numberOfSamples: 12, sequencing: { asay: 'WGS' } },
      consentScope: { duoPermission: { cod: 'DUO:0000042' } },
      accessRoute: { accessMode: 'OPEN', steps: [{ order: 1, requirment: 'DPA' }] },
      diagnosticYield: { value: 0.4 },
    });
    expect(readRecordKeys('Dataset', record).warnings).toEqual([
      { field: 'distributions[1].accessUrl', message: 'unknown key, not imported; did you mean accessURL?', code: UNKNOWN_KEY },
      { field: 'distributions[1].fromats', message: 'unknown key, not imported; did you mean formats?', code: UNKNOWN_KEY },
      { field: 'Title', message: 'unknown key, not imported; did you mean title?', code: UNKNOWN_KEY },
      { field: 'dataHolders', message: 'unknown key, not imported; did you mean dataHolder?', code: UNKNOWN_KEY },
      { field: 'releaseVersion', message: 'unknown key, not imported; did you mean version?', code: UNKNOWN_KEY },
      { field: 'cohort.sequencing.asay', message: 'unknown key, not imported; did you mean assay?', code: UNKNOWN_KEY },
      { field: 'consentScope.duoPermission.cod', message: 'unknown key, not imported; did you mean code?', code: UNKNOWN_KEY },
      { field: 'accessRoute.steps[0].requirment', message: 'unknown key, not imported; did you mean requirement?', code: UNKNOWN_KEY },
      { field: 'diagnosticYield', message: 'unknown key, not imported (the import template lists the keys; one starting with _ is a note)', code: UNKNOWN_KEY },
    ]);
  });

  it('are listed one by one up to UNKNOWN_KEYS_LISTED a record, the rest counted in one warning; notes count for none', () => {
    const made = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`madeUp${i}`, i]));
    const warnings = readRecordKeys('Dataset', dataset({ _note: 'n', ...made })).warnings;
    expect(warnings).toHaveLength(UNKNOWN_KEYS_LISTED + 1);
    expect(warnings.slice(0, UNKNOWN_KEYS_LISTED).map((w) => w.field)).toEqual(Array.from({ length: UNKNOWN_KEYS_LISTED }, (_, i) => `madeUp${i}`));
    expect(warnings.at(-1)).toEqual({ field: '', message: `${1000 - UNKNOWN_KEYS_LISTED} more unknown keys, not imported (not listed one by one)`, code: UNKNOWN_KEY });
  });

  it('are looked for in every kind of record and in the catalogue record, each at its place in the file', async () => {
    const records = await recordsOf({
      catalogue: { id: 'urn:test:keys:catalogue', titel: 'Catalogue' },
      organisations: [{ id: 'urn:test:keys:org', name: 'Org', parent: 'urn:example:gms-catalogue:org:gms' }],
      accessBodies: [{ id: 'urn:test:keys:dab', name: 'DAC', kind: 'DAC', applicationURL: 'https://example.org' }],
      publications: [{ id: 'urn:test:keys:pub', title: 'Paper', Doi: '10.1000/1' }],
      records: [
        { recordType: 'HealthEconomicEvaluation', id: 'urn:test:keys:he', results: [{ measure: 'ICER', vaule: 1, currencies: 'EUR' }] },
        { recordType: 'Study', id: 'urn:test:keys:study', title: 'Study', startdate: '2024-01-01' },
        dataset(),
      ],
    });
    expect(warningsOf(records)).toEqual([
      'catalogue - titel: unknown key, not imported; did you mean title? (UNKNOWN_KEY)',
      'organisations 1 parent: unknown key, not imported; did you mean parentOrg? (UNKNOWN_KEY)',
      'accessBodies 1 applicationURL: unknown key, not imported; did you mean applicationUrl? (UNKNOWN_KEY)',
      'publications 1 Doi: unknown key, not imported; did you mean doi? (UNKNOWN_KEY)',
      'records 2 startdate: unknown key, not imported; did you mean startDate? (UNKNOWN_KEY)',
      'records 1 results[0].vaule: unknown key, not imported; did you mean value? (UNKNOWN_KEY)',
      'records 1 results[0].currencies: unknown key, not imported (the import template lists the keys; one starting with _ is a note) (UNKNOWN_KEY)',
    ]);
  });

  it('pass over notes: keys starting with _ or $, illustrative, source, note and keys ending in Note, where no key of that name is read', () => {
    const record = dataset({
      $comment: 'checked by hand',
      _reviewedBy: 'a data manager',
      illustrative: true,
      source: 'S13',
      note: 'a remark',
      ontologyNote: 'codes to verify',
      distributions: [{ title: 'VCF', illustrative: true, _hosting: 'NGP' }],
      cohort: { countsSource: 'ILLUSTRATIVE', sequencing: { assay: 'WGS', assayNote: 'trio' } },
      consentScope: { duoPermission: { code: 'DUO:0000042', label: 'general research use' }, ethicsApproval: { authority: 'EPM', illustrative: true } },
    });
    expect(readRecordKeys('Dataset', record).warnings).toEqual([]);
    // Where the import reads a key of that name, it is data: an access body's note, an evaluation's priceYearNote.
    expect(readRecordKeys('DataAccessBody', { id: 'urn:test:keys:dab', name: 'DAC', note: 'Meets monthly.' }).warnings).toEqual([]);
    expect(readRecordKeys('HealthEconomicEvaluation', { id: 'urn:test:keys:he', priceYearNote: 'Not reported.', modelTypeNote: 'Markov.' }).warnings).toEqual([]);
  });

  it('in the seed are only the fields the catalogue has no place for: a study\'s and an evaluation\'s version, a dataset\'s diagnostic yield', async () => {
    const records = await recordsOf(example);
    const reported = records.flatMap((r) => (r.warnings ?? []).map((w) => `${r.kind} ${r.data.id} ${w.field} ${w.code}`));
    const of = (kind: string) => example.records.filter((r: Json) => r.recordType === kind).map((r: Json) => `${kind} ${r.id} version UNKNOWN_KEY`);
    expect(reported.sort()).toEqual(
      [...of('Study'), ...of('HealthEconomicEvaluation'), 'Dataset urn:example:gms-catalogue:dataset:rd-wgs-gmck diagnosticYield UNKNOWN_KEY'].sort(),
    );
    expect(records.flatMap((r) => r.readProblems ?? [])).toEqual([]);
  });

  it("are not looked for in a harvest's document, which is the harvester's own reading", async () => {
    expect(warningsOf(await recordsOf({ records: [dataset({ contactPoint: { email: 'dac@example.org' } })] }, 'unchecked'))).toEqual([]);
    expect(warningsOf(await recordsOf({ records: [dataset({ contactPoint: { email: 'dac@example.org' } })] }))).toHaveLength(1);
  });
});

describe('values the JSON import reads as its spreadsheet columns do', () => {
  it('refuses a part given as a plain value, an object given as a list and a list of parts holding a plain value, naming the path and what it expects, and leaves them out', () => {
    const record = dataset({
      distributions: [{ title: 'VCF' }, 'CRAM'],
      consentScope: 'HMB',
      cohort: 12,
      accessRoute: 'x',
      translations: [{ sv: { title: 'Trio-WGS' } }],
    });
    const study = { recordType: 'Study', id: 'urn:test:keys:study', title: 'Study', plannedSize: [{ value: 10, unit: 'patients' }], ethicsApprovals: 7 };
    const evaluation = { recordType: 'HealthEconomicEvaluation', id: 'urn:test:keys:he', results: 'ICER 1200 EUR/QALY' };
    expect(readRecordKeys('Dataset', record)).toEqual({
      warnings: [],
      problems: [
        { field: 'distributions[1]', message: 'must be an object (got "CRAM")' },
        { field: 'consentScope', message: 'must be an object (got "HMB")' },
        { field: 'cohort', message: 'must be an object (got 12)' },
        { field: 'accessRoute', message: 'must be an object (got "x")' },
        { field: 'translations', message: 'must be an object (got a list)' },
      ],
    });
    expect(Object.keys(record)).toEqual(['recordType', 'id', 'title']);
    expect(readRecordKeys('Study', study).problems).toEqual([
      { field: 'plannedSize', message: 'must be an object (got a list)' },
      { field: 'ethicsApprovals', message: 'must be a list of objects or texts (got 7)' },
    ]);
    expect(readRecordKeys('HealthEconomicEvaluation', evaluation).problems).toEqual([{ field: 'results', message: 'must be a list of objects (got "ICER 1200 EUR/QALY")' }]);
  });

  it('reads a single value or entry where a list is expected as a list of one, an entry given as a text as its first part, and a choice in any case', () => {
    const record = dataset({
      dataHolder: 'urn:example:gms-catalogue:org:region-stockholm',
      distributions: { title: 'VCF', formats: 'VCF', accessMode: 'open' },
      cohort: { diseases: 'http://purl.obolibrary.org/obo/MONDO_0005027', sampleTypes: 'blood' },
      consentScope: { duoPermission: 'DUO:0000042', duoModifiers: 'DUO:0000021' },
      diagnosticArea: 'rare_diseases',
      status: 'Published',
    });
    expect(readRecordKeys('Dataset', record)).toEqual({ warnings: [], problems: [] });
    expect(record).toEqual({
      recordType: 'Dataset',
      id: 'urn:test:keys:1',
      title: 'Trio WGS',
      dataHolder: ['urn:example:gms-catalogue:org:region-stockholm'],
      distributions: [{ title: 'VCF', formats: [{ label: 'VCF' }], accessMode: 'OPEN' }],
      cohort: { diseases: [{ iri: 'http://purl.obolibrary.org/obo/MONDO_0005027' }], sampleTypes: ['blood'] },
      consentScope: { duoPermission: { code: 'DUO:0000042' }, duoModifiers: [{ code: 'DUO:0000021' }] },
      diagnosticArea: 'RARE_DISEASES',
      status: 'published',
    });
  });

  it('refuses a part without a value GraphQL requires of it, naming the path, and leaves the part out', () => {
    const record = dataset({
      distributions: [{ accessURL: 'https://example.org/apply' }],
      cohort: { genomeBuild: { accession: 'GCA_000001405.15' }, diseases: [{ label: 'epilepsy' }] },
      consentScope: { duoPermission: 'DUO:0000042', ethicsApproval: { authority: 'EPM' }, duoModifiers: [{ value: 'SE' }] },
      accessRoute: { steps: [{ order: 1 }] },
    });
    expect(readRecordKeys('Dataset', record).problems).toEqual([
      { field: 'distributions[0].title', message: 'is required', code: 'REQUIRED' },
      { field: 'cohort.genomeBuild.name', message: 'is required', code: 'REQUIRED' },
      { field: 'cohort.diseases[0].iri', message: 'is required (each entry gives its iri)', code: 'REQUIRED' },
      { field: 'consentScope.ethicsApproval.reference', message: 'is required', code: 'REQUIRED' },
      { field: 'consentScope.duoModifiers[0].code', message: 'is required (each entry gives its code)', code: 'REQUIRED' },
      { field: 'accessRoute.steps[0].requirement', message: 'is required', code: 'REQUIRED' },
      { field: 'accessRoute.accessMode', message: 'is required', code: 'REQUIRED' },
    ]);
    expect(record).toEqual({ recordType: 'Dataset', id: 'urn:test:keys:1', title: 'Trio WGS', cohort: {}, consentScope: { duoPermission: { code: 'DUO:0000042' } } });
    // An entry given as a text is its first part, which may not be the one required.
    const study = { recordType: 'Study', id: 'urn:test:keys:study', title: 'Study', ethicsApprovals: ['Swedish Ethical Review Authority'] };
    expect(readRecordKeys('Study', study).problems).toEqual([{ field: 'ethicsApprovals[0].reference', message: 'is required (each entry gives its reference)', code: 'REQUIRED' }]);
  });

  it("refuses a value not of its column's type, or not one of its choices, as a cell would be", () => {
    const study = {
      recordType: 'Study',
      id: 'urn:test:keys:study',
      title: ['Trio WGS', 'Exomes'],
      studyType: 'RESERACH',
      status: 'closed',
      plannedSize: { value: '100', unit: 'patients' },
      participatingOrgs: ['urn:example:gms-catalogue:org:region-stockholm', 5],
      ethicsApprovals: [{ authority: 'EPM', reference: 2021 }],
    };
    expect(readRecordKeys('Study', study).problems).toEqual([
      { field: 'title', message: 'must be text (got a list)' },
      { field: 'studyType', message: 'must be one of NATIONAL_IMPLEMENTATION, VALIDATION, CLINICAL_ROUTINE, RESEARCH, PILOT (got "RESERACH")' },
      { field: 'status', message: 'must be one of planned, recruiting, ongoing, completed (got "closed")' },
      { field: 'plannedSize.value', message: 'must be a number (got "100")' },
      { field: 'participatingOrgs[1]', message: 'must be text (got 5)' },
      { field: 'ethicsApprovals[0].reference', message: 'must be text (got 2021)' },
    ]);
    expect(study).toEqual({ recordType: 'Study', id: 'urn:test:keys:study', plannedSize: { unit: 'patients' } });
    const evaluation = { recordType: 'HealthEconomicEvaluation', id: 'urn:test:keys:he', modelType: 'markov+DECISION_TREE+FOO', cheersCompliant: 'yes', results: [{ measure: 'ICER', value: { point: 1 } }] };
    expect(readRecordKeys('HealthEconomicEvaluation', evaluation).problems).toEqual([
      { field: 'modelType', message: 'must be one of NONE_TRIAL_OR_COHORT, DECISION_TREE, MARKOV, MICROSIMULATION, DES, PARTITIONED_SURVIVAL, BUDGET_IMPACT, or several joined by "+" (got "markov+DECISION_TREE+FOO")' },
      { field: 'cheersCompliant', message: 'must be true or false (got "yes")' },
      { field: 'results[0].value', message: 'must be a number or text (got an object)' },
    ]);
    // Read before as an authority and as an active body, whatever they said.
    expect(readRecordKeys('Organisation', { id: 'urn:test:keys:org', name: 'Org', type: 'HOSPITAL' }).problems).toEqual([
      { field: 'type', message: 'must be one of REGION, UNIVERSITY, GMC, PROGRAMME, BIOBANK, AUTHORITY, INFRASTRUCTURE, FUNDER, COMPANY (got "HOSPITAL")' },
    ]);
    expect(readRecordKeys('DataAccessBody', { id: 'urn:test:keys:dab', name: 'DAC', status: 'closed' }).problems).toEqual([
      { field: 'status', message: 'must be one of active, planned (got "closed")' },
    ]);
    const catalogue = { id: 'urn:test:keys:catalogue', language: 'sv', homepage: 5 };
    expect(readRecordKeys('catalogue', catalogue).problems).toEqual([{ field: 'homepage', message: 'must be text (got 5)' }]);
    expect(catalogue).toEqual({ id: 'urn:test:keys:catalogue', language: ['sv'] });
    const spelt = { recordType: 'HealthEconomicEvaluation', id: 'urn:test:keys:he', modelType: 'markov+ decision_tree' };
    expect(readRecordKeys('HealthEconomicEvaluation', spelt).problems).toEqual([]);
    expect(spelt.modelType).toBe('MARKOV+DECISION_TREE');
  });
});
