import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const SKANE = 'urn:example:gms-catalogue:org:region-skane';

const CREATE = `mutation($input: DatasetInput!) {
  createDataset(input: $input) { dataset { id identifier version status title consent { duoPermission duoModifiers { code value } } accessRoute { steps { order requirement body { name } } } } userErrors { field message code } }
}`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version title } userErrors { field message code } }
}`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { dataset { status issued version } userErrors { field message code } } }`;
const WITHDRAW = `mutation($id: ID!, $reason: String!) { withdrawDataset(id: $id, reason: $reason) { dataset { status withdrawalReason } userErrors { field message code } } }`;

function validInput(identifier: string) {
  return {
    identifier,
    title: 'Stockholm paediatric epilepsy WGS',
    description: 'Trio WGS of children with early-onset epilepsy.',
    publisher: STOCKHOLM,
    dataHolders: [STOCKHOLM],
    hdab: 'urn:example:gms-catalogue:dab:se-hdab',
    distributions: [{ title: 'CRAM and VCF files', accessUrl: 'https://example.org/apply' }],
    diagnosticArea: 'RARE_DISEASES',
    cohort: {
      numberOfUniqueIndividuals: 120,
      diseases: [{ iri: 'http://purl.obolibrary.org/obo/MONDO_0005027', label: 'epilepsy', system: 'MONDO' }],
      phenotypes: [],
      sampleTypes: ['blood'],
      variantTypes: ['SNV'],
      sequencing: { assays: ['WGS'] },
      genomeBuild: { name: 'GRCh38' },
    },
    consent: { duoPermission: 'HMB', duoModifiers: [{ code: 'DUO:0000021' }, { code: 'DUO:0000022', value: 'SE' }] },
    accessRoute: {
      accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
      accessBody: 'urn:example:gms-catalogue:dab:stockholm',
      steps: [
        { order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' },
        { order: 2, requirement: 'CONTROLLER_DISCLOSURE_DECISION', body: 'urn:example:gms-catalogue:dab:stockholm' },
      ],
    },
  };
}

describe('dataset lifecycle over GraphQL', () => {
  let catalogue: TestCatalogue;
  let stockholmManager: string;
  let skaneManager: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    stockholmManager = await catalogue.token('data_manager', [STOCKHOLM]);
    skaneManager = await catalogue.token('data_manager', [SKANE]);
  });
  afterAll(() => catalogue?.stop());

  const datasetRows = async () => Number((await catalogue.orm.em.getConnection().execute('select count(*) as n from dataset'))[0].n);

  it('refuses anonymous writes with a clear userError', async () => {
    const { data, status } = await catalogue.gql(CREATE, { input: validInput('urn:test:anon') });
    expect(status).toBe(200);
    expect(data?.createDataset.dataset).toBeNull();
    expect(data?.createDataset.userErrors[0].code).toBe('UNAUTHENTICATED');
  });

  it('refuses a data manager writing for another organisation', async () => {
    const { data } = await catalogue.gql(CREATE, { input: validInput('urn:test:foreign') }, skaneManager);
    expect(data?.createDataset.userErrors).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', field: 'input.publisher' }),
    ]);
  });

  it('reports every bad field at once and writes nothing', async () => {
    const before = await datasetRows();
    const input = {
      ...validInput('urn:test:bad'),
      title: '  ',
      consent: { duoPermission: 'DUO:0000042', duoModifiers: [{ code: 'DUO:0000022' }, { code: 'DUO:9999999' }] },
      accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', steps: [{ order: 1, requirement: 'ETHICS_APPROVAL' }, { order: 3, requirement: 'DAC_REVIEW', body: 'urn:nowhere' }] },
      cohort: { ...validInput('x').cohort, minTypicalAge: 40, maxTypicalAge: 10 },
    };
    const { data, errors } = await catalogue.gql(CREATE, { input }, stockholmManager);
    expect(errors).toBeUndefined();
    const fields = data?.createDataset.userErrors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'input.title',
        'input.consent.duoModifiers[0].value',
        'input.consent.duoModifiers[1].code',
        'input.accessRoute.steps',
        'input.accessRoute.steps[1].body',
        'input.cohort.minTypicalAge',
      ]),
    );
    for (const error of data?.createDataset.userErrors ?? []) expect(error.message.length).toBeGreaterThan(5);
    expect(await datasetRows()).toBe(before);
  });

  it('refuses unknown and obsolete MONDO codes in the cohort and the consent, naming the field', async () => {
    const before = await datasetRows();
    const input = {
      ...validInput('urn:test:unknown-disease'),
      cohort: {
        ...validInput('x').cohort,
        diseases: [
          { iri: 'http://purl.obolibrary.org/obo/MONDO_0007254', label: 'breast cancer' },
          { iri: 'MONDO:9999999', label: 'made up' },
          { iri: 'http://purl.obolibrary.org/obo/MONDO_0000002' },
          { iri: 'http://id.who.int/icd/release/10/C50', label: 'Malignant neoplasm of breast' },
        ],
      },
      consent: { duoPermission: 'DS', diseaseRestrictions: ['MONDO:0004992', 'MONDO_9999998'] },
    };
    const { data, errors } = await catalogue.gql(CREATE, { input }, stockholmManager);
    expect(errors).toBeUndefined();
    expect(data?.createDataset.dataset).toBeNull();
    const problems = data?.createDataset.userErrors.map((e: { field: string; code: string; message: string }) => [e.field, e.code, e.message]);
    expect(problems).toEqual([
      ['input.cohort.diseases[1].iri', 'NOT_FOUND', expect.stringMatching(/MONDO:9999999 is not a class of the shipped MONDO release/)],
      ['input.cohort.diseases[2].iri', 'NOT_FOUND', expect.stringMatching(/MONDO:0000002 is obsolete in MONDO/)],
      ['input.consent.diseaseRestrictions[1]', 'UNKNOWN_DISEASE', expect.stringMatching(/MONDO:9999998/)],
    ]);
    expect(await datasetRows()).toBe(before);
  });

  it('refuses a disease given by its label or other text in place of its id, naming the class a label is of', async () => {
    const before = await datasetRows();
    const input = {
      ...validInput('urn:test:disease-labels'),
      cohort: {
        ...validInput('x').cohort,
        diseases: [
          { iri: 'Cystic fibrosis' },
          { iri: 'MONDO:0009061', label: 'cystic fibrosis' },
          { iri: 'E84.0' },
          { iri: 'acute myeloid leukaemia' },
          { iri: 'MONDO:0009061, http://purl.obolibrary.org/obo/MONDO_0005027 / ORPHA:586' },
        ],
      },
    };
    const { data, errors } = await catalogue.gql(CREATE, { input }, stockholmManager);
    expect(errors).toBeUndefined();
    expect(data?.createDataset.dataset).toBeNull();
    const problems = data?.createDataset.userErrors.map((e: { field: string; code: string; message: string }) => [e.field, e.code, e.message]);
    expect(problems).toEqual([
      ['input.cohort.diseases[0].iri', 'INVALID', expect.stringMatching(/^"Cystic fibrosis" is not an ontology IRI or compact id but the label of MONDO:0009061 \("cystic fibrosis"\): give that id/)],
      ['input.cohort.diseases[2].iri', 'INVALID', '"E84.0" is not an ontology IRI or compact id; as an ICD-10 code it is written ICD10:E84.0'],
      ['input.cohort.diseases[3].iri', 'INVALID', expect.stringMatching(/^"acute myeloid leukaemia" is not an ontology IRI or compact id but the label of MONDO:0018874 \("acute myeloid leukemia"\)/)],
      ['input.cohort.diseases[4].iri', 'INVALID', '"MONDO:0009061, http://purl.obolibrary.org/obo/MONDO_0005027 / ORPHA:586" holds 3 ids; give each disease as an entry of its own'],
    ]);
    expect(await datasetRows()).toBe(before);
  });

  it('creates a draft, hides it from anonymous callers, updates with optimistic locking, publishes and withdraws', async () => {
    const created = await catalogue.gql(CREATE, { input: validInput('urn:test:epilepsy') }, stockholmManager);
    expect(created.data?.createDataset.userErrors).toEqual([]);
    const dataset = created.data?.createDataset.dataset;
    expect(dataset).toMatchObject({ status: 'DRAFT', version: 1, identifier: 'urn:test:epilepsy' });
    expect(dataset.consent.duoPermission).toBe('DUO:0000006');
    expect(dataset.accessRoute.steps.map((s: { requirement: string }) => s.requirement)).toEqual(['ETHICS_APPROVAL', 'CONTROLLER_DISCLOSURE_DECISION']);

    const anonymous = await catalogue.gql('query($id: ID!) { dataset(id: $id) { title } }', { id: dataset.id });
    expect(anonymous.data?.dataset).toBeNull();
    await catalogue.indexer.drain();
    const search = await catalogue.gql('{ datasets(query: "paediatric epilepsy") { edges { node { identifier } } } }');
    expect(search.data?.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier)).not.toContain('urn:test:epilepsy');
    const ownSearch = await catalogue.gql('{ datasets(query: "paediatric epilepsy") { edges { node { identifier } } } }', {}, stockholmManager);
    expect(ownSearch.data?.datasets.edges.map((e: { node: { identifier: string } }) => e.node.identifier)).toContain('urn:test:epilepsy');

    const updated = await catalogue.gql(UPDATE, { id: dataset.id, v: 1, input: { title: 'Stockholm childhood epilepsy WGS' } }, stockholmManager);
    expect(updated.data?.updateDataset).toEqual({ dataset: { version: 2, title: 'Stockholm childhood epilepsy WGS' }, userErrors: [] });
    const stale = await catalogue.gql(UPDATE, { id: dataset.id, v: 1, input: { title: 'Lost update' } }, stockholmManager);
    expect(stale.data?.updateDataset.dataset).toBeNull();
    expect(stale.data?.updateDataset.userErrors[0]).toMatchObject({ field: 'expectedVersion', code: 'CONFLICT' });

    const withdrawDraft = await catalogue.gql(WITHDRAW, { id: dataset.id, reason: 'test' }, stockholmManager);
    expect(withdrawDraft.data?.withdrawDataset.userErrors[0].code).toBe('INVALID_TRANSITION');

    const published = await catalogue.gql(PUBLISH, { id: dataset.id }, stockholmManager);
    expect(published.data?.publishDataset.userErrors).toEqual([]);
    expect(published.data?.publishDataset.dataset.status).toBe('PUBLISHED');
    expect(published.data?.publishDataset.dataset.issued).toBeTruthy();
    const visible = await catalogue.gql('query($id: ID!) { dataset(id: $id) { title status } }', { id: 'urn:test:epilepsy' });
    expect(visible.data?.dataset).toEqual({ title: 'Stockholm childhood epilepsy WGS', status: 'PUBLISHED' });

    const noReason = await catalogue.gql(WITHDRAW, { id: dataset.id, reason: ' ' }, stockholmManager);
    expect(noReason.data?.withdrawDataset.userErrors[0]).toMatchObject({ field: 'reason', code: 'REQUIRED' });
    const withdrawn = await catalogue.gql(WITHDRAW, { id: dataset.id, reason: 'Superseded by a new release' }, stockholmManager);
    expect(withdrawn.data?.withdrawDataset.dataset).toEqual({ status: 'WITHDRAWN', withdrawalReason: 'Superseded by a new release' });

    const audit = await catalogue.orm.em
      .getConnection()
      .execute<{ action: string }[]>(`select action from audit_entry where entity_type = 'Dataset' and actor <> 'system:seed' order by id`);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['createDataset', 'updateDataset', 'publishDataset', 'withdrawDataset']);
    await expect(catalogue.orm.em.getConnection().execute('delete from audit_entry')).rejects.toThrow(/append-only/);
  });

  it('refuses an edit that would leave a published dataset unpublishable, naming the fields, and changes nothing', async () => {
    const created = await catalogue.gql(CREATE, { input: validInput('urn:test:published-edits') }, stockholmManager);
    const id = created.data?.createDataset.dataset.id;
    expect((await catalogue.gql(PUBLISH, { id }, stockholmManager)).data?.publishDataset.userErrors).toEqual([]);
    const stored = async () =>
      (await catalogue.gql('query($id: ID!) { dataset(id: $id) { version status description hdab { identifier } keywords distributions { title } } }', { id }, stockholmManager)).data?.dataset;
    const before = await stored();

    const emptied = await catalogue.gql(UPDATE, { id, v: before.version, input: { hdab: null, keywords: [], distributions: [] } }, stockholmManager);
    expect(emptied.data?.updateDataset.dataset).toBeNull();
    expect(emptied.data?.updateDataset.userErrors.map((e: { field: string }) => e.field).sort()).toEqual(['distributions', 'hdab']);
    const undescribed = await catalogue.gql(UPDATE, { id, v: before.version, input: { description: null } }, stockholmManager);
    expect(undescribed.data?.updateDataset.userErrors).toEqual([expect.objectContaining({ field: 'description', code: 'REQUIRED' })]);
    expect(await stored()).toEqual(before);

    const renamed = await catalogue.gql(UPDATE, { id, v: before.version, input: { title: 'Stockholm epilepsy WGS, release 2' } }, stockholmManager);
    expect(renamed.data?.updateDataset.userErrors).toEqual([]);
    expect(await stored()).toMatchObject({ version: before.version + 1, status: 'PUBLISHED' });
  });

  it('removes a draft’s consent scope and access route given as null, with their steps and a history entry; leaving them out keeps them', async () => {
    const created = await catalogue.gql(CREATE, { input: validInput('urn:test:parts-removed') }, stockholmManager);
    const id = created.data?.createDataset.dataset.id;
    const parts = async () =>
      (await catalogue.gql('query($id: ID!) { dataset(id: $id) { version title consent { duoPermission } accessRoute { steps { order } } } }', { id }, stockholmManager)).data?.dataset;
    const retitled = await catalogue.gql(UPDATE, { id, v: 1, input: { title: 'Parts kept' } }, stockholmManager);
    expect(retitled.data?.updateDataset.userErrors).toEqual([]);
    expect(await parts()).toMatchObject({ consent: { duoPermission: 'DUO:0000006' }, accessRoute: { steps: [{ order: 1 }, { order: 2 }] } });

    const removed = await catalogue.gql(UPDATE, { id, v: 2, input: { consent: null, accessRoute: null } }, stockholmManager);
    expect(removed.data?.updateDataset.userErrors).toEqual([]);
    expect(await parts()).toEqual({ version: 3, title: 'Parts kept', consent: null, accessRoute: null });
    const rows = await catalogue.orm.em.getConnection().execute(
      `select (select count(*) from consent_scope c join dataset d on d.id = c.dataset_id where d.identifier = ?) as consents,
              (select count(*) from access_route r join dataset d on d.id = r.dataset_id where d.identifier = ?) as routes,
              (select count(*) from access_route_step s where not exists (select 1 from access_route r where r.id = s.route_id)) as orphans`,
      ['urn:test:parts-removed', 'urn:test:parts-removed'],
    );
    expect(rows[0]).toEqual({ consents: '0', routes: '0', orphans: '0' });
    const history = await catalogue.gql('query($id: ID!) { dataset(id: $id) { history { changes { field after } } } }', { id }, stockholmManager);
    const removal = history.data?.dataset.history.at(-1).changes;
    expect(removal.map((change: { field: string }) => change.field).sort()).toEqual(['accessRoute', 'consentScope']);
    expect(removal.every((change: { after: string | null }) => change.after === null)).toBe(true);

    const again = await catalogue.gql(UPDATE, { id, v: 3, input: { consent: validInput('').consent } }, stockholmManager);
    expect(again.data?.updateDataset.userErrors).toEqual([]);
    expect(await parts()).toMatchObject({ consent: { duoPermission: 'DUO:0000006' }, accessRoute: null });
  });

  it('refuses to remove the consent scope or access route of a published dataset, naming each, and keeps them', async () => {
    const created = await catalogue.gql(CREATE, { input: validInput('urn:test:published-parts') }, stockholmManager);
    const id = created.data?.createDataset.dataset.id;
    expect((await catalogue.gql(PUBLISH, { id }, stockholmManager)).data?.publishDataset.userErrors).toEqual([]);
    const refused = await catalogue.gql(UPDATE, { id, v: 2, input: { consent: null, accessRoute: null } }, stockholmManager);
    expect(refused.data?.updateDataset.dataset).toBeNull();
    expect(refused.data?.updateDataset.userErrors).toEqual([
      expect.objectContaining({ field: 'consent', code: 'REQUIRED' }),
      expect.objectContaining({ field: 'accessRoute', code: 'REQUIRED' }),
    ]);
    const kept = await catalogue.gql('query($id: ID!) { dataset(id: $id) { version consent { duoPermission } accessRoute { accessMode } } }', { id }, stockholmManager);
    expect(kept.data?.dataset).toEqual({ version: 2, consent: { duoPermission: 'DUO:0000006' }, accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT' } });
  });

  it('keeps a byte size up to 2^63-1 exactly, through every later edit, its history and its DCAT, and refuses a larger one', async () => {
    const created = await catalogue.gql(CREATE, { input: validInput('urn:test:byte-size') }, stockholmManager);
    const id = created.data?.createDataset.dataset.id;
    const distributions = (byteSize: string) => ({ distributions: [{ title: 'CRAM', accessUrl: 'https://example.org/apply', byteSize }] });
    const tooLarge = await catalogue.gql(UPDATE, { id, v: 1, input: distributions('9223372036854775808') }, stockholmManager);
    expect(tooLarge.errors).toBeUndefined();
    expect(tooLarge.data?.updateDataset.userErrors).toEqual([
      { field: 'input.distributions[0].byteSize', message: 'must be a whole number of bytes from 0 to 9223372036854775807', code: 'INVALID' },
    ]);
    const largest = await catalogue.gql(UPDATE, { id, v: 1, input: distributions('9223372036854775807') }, stockholmManager);
    expect(largest.data?.updateDataset.userErrors).toEqual([]);
    const titleOnly = await catalogue.gql(UPDATE, { id, v: 2, input: { title: 'A very large dataset' } }, stockholmManager);
    expect(titleOnly.errors).toBeUndefined();
    expect(titleOnly.data?.updateDataset.userErrors).toEqual([]);
    expect((await catalogue.gql(PUBLISH, { id }, stockholmManager)).data?.publishDataset.userErrors).toEqual([]);
    const read = await catalogue.gql(
      'query($id: ID!) { dataset(id: $id) { distributions { byteSize } history { changes { field after } } } }',
      { id },
      stockholmManager,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.dataset.distributions).toEqual([{ byteSize: '9223372036854775807' }]);
    expect(JSON.stringify(read.data?.dataset.history)).toContain('9223372036854775807');
    const rdf = await (await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent('urn:test:byte-size')}`, { headers: { accept: 'application/n-triples' } })).text();
    expect(rdf).toContain('"9223372036854775807"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>');
  });

  it('refuses negative sex counts, coverage and read length in the cohort, naming each field', async () => {
    const created = await catalogue.gql(CREATE, { input: validInput('urn:test:negative-cohort') }, stockholmManager);
    const cohort = {
      numberOfUniqueIndividuals: 10,
      sexDistribution: { female: -50, male: 60, otherOrUnknown: -1 },
      sequencing: { assays: ['WGS'], meanCoverage: -3, readLength: -1 },
    };
    const { data } = await catalogue.gql(UPDATE, { id: created.data?.createDataset.dataset.id, v: 1, input: { cohort } }, stockholmManager);
    expect(data?.updateDataset.dataset).toBeNull();
    expect(data?.updateDataset.userErrors.map((e: { field: string }) => e.field)).toEqual([
      'input.cohort.sexDistribution.female',
      'input.cohort.sexDistribution.otherOrUnknown',
      'input.cohort.sequencing.meanCoverage',
      'input.cohort.sequencing.readLength',
    ]);
  });

  it('lets an admin edit any organisation’s dataset', async () => {
    const admin = await catalogue.token('admin');
    const { data } = await catalogue.gql(UPDATE, { id: 'urn:example:gms-catalogue:dataset:rd-trio-skane', v: 1, input: { keywords: ['trio'] } }, admin);
    expect(data?.updateDataset.userErrors).toEqual([]);
    expect(data?.updateDataset.dataset.version).toBe(2);
  });

  it('answers a bad token with 401 and no data', async () => {
    const { status, errors } = await catalogue.gql('{ duoTerms { code } }', {}, 'not-a-jwt');
    expect(status).toBe(401);
    expect(errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
