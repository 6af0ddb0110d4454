import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalogue } from '../../src/catalogue/catalogue.entity.js';
import { fromGlobalId } from '../../src/core/global-id.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const UPPSALA = 'urn:example:gms-catalogue:org:region-uppsala';
const CATALOGUE_PUBLISHER = 'urn:example:gms-catalogue:org:gms';
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
/** Where the test catalogue mints its IRIs (test/support/catalogue.ts). */
const BASE_URL = 'http://gdcat.test';

/** One record type's lifecycle mutations, exercised the same way for every type. */
const TYPES = [
  {
    type: 'Study',
    field: 'study',
    input: { title: 'Uppsala long-read pilot 2', studyType: 'PILOT', ownerOrganisation: UPPSALA, startDate: '2026-01', diagnosticArea: 'RARE_DISEASES' },
    patch: { acronym: 'ULR2' },
    check: 'acronym',
  },
  {
    type: 'DataAccessBody',
    field: 'dataAccessBody',
    input: { name: 'Region Uppsala biobank decision', kind: 'BIOBANK', operatedBy: UPPSALA, contactEmail: 'biobank@uppsala.example.org' },
    patch: { applicationUrl: 'https://uppsala.example.org/biobank' },
    check: 'applicationUrl',
  },
  {
    type: 'HealthEconomicEvaluation',
    field: 'healthEconomicEvaluation',
    input: {
      title: 'Budget impact of trio WGS in Uppsala',
      evaluationType: 'BUDGET_IMPACT',
      ownerOrganisation: UPPSALA,
      currency: 'SEK',
      priceYear: 2025,
      country: 'SE',
      perspective: 'HEALTHCARE_PAYER',
      timeHorizon: 'P5Y',
      results: [{ measure: 'ANNUAL_BUDGET_IMPACT', value: 12500000, unit: 'SEK' }],
      publication: 'urn:example:gms-catalogue:pub:runheim2023',
    },
    patch: { discountRateCosts: 3 },
    check: 'discountRateCosts',
  },
] as const;

describe('shared lifecycle for studies, access bodies and health-economic evaluations', () => {
  let catalogue: TestCatalogue;
  let manager: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    manager = await catalogue.token('data_manager', [UPPSALA]);
  });
  afterAll(() => catalogue?.stop());

  it.each(TYPES)('$type: create, update with expectedVersion, publish, withdraw', async ({ type, field, input, patch, check }) => {
    const selection = `${field} { id version status ${check} } userErrors { field message code }`;
    const created = await catalogue.gql(`mutation($input: ${type}Input!) { create${type}(input: $input) { ${selection} } }`, { input }, manager);
    expect(created.errors).toBeUndefined();
    expect(created.data![`create${type}`].userErrors).toEqual([]);
    const record = created.data![`create${type}`][field];
    expect(record).toMatchObject({ version: 1, status: 'DRAFT' });

    const anonymous = await catalogue.gql('query($id: ID!) { node(id: $id) { id } }', { id: record.id });
    expect(anonymous.data!.node).toBeNull();

    const updated = await catalogue.gql(`mutation($id: ID!, $input: ${type}Patch!) { update${type}(id: $id, expectedVersion: 1, input: $input) { ${selection} } }`, { id: record.id, input: patch }, manager);
    expect(updated.data![`update${type}`].userErrors).toEqual([]);
    expect(updated.data![`update${type}`][field]).toMatchObject({ version: 2, [check]: Object.values(patch)[0] });
    const stale = await catalogue.gql(`mutation($id: ID!, $input: ${type}Patch!) { update${type}(id: $id, expectedVersion: 1, input: $input) { ${selection} } }`, { id: record.id, input: patch }, manager);
    expect(stale.data![`update${type}`].userErrors[0].code).toBe('CONFLICT');

    const published = await catalogue.gql(`mutation($id: ID!) { publish${type}(id: $id) { ${selection} } }`, { id: record.id }, manager);
    expect(published.data![`publish${type}`].userErrors).toEqual([]);
    expect((await catalogue.gql('query($id: ID!) { node(id: $id) { id } }', { id: record.id })).data!.node).toEqual({ id: record.id });

    const withdrawn = await catalogue.gql(`mutation($id: ID!) { withdraw${type}(id: $id, reason: "Replaced") { ${selection} } }`, { id: record.id }, manager);
    expect(withdrawn.data![`withdraw${type}`][field].status).toBe('WITHDRAWN');
  });

  it('lets only admins register organisations, and data managers edit their own', async () => {
    const input = { name: 'Region Jönköpings län', type: 'REGION' };
    const denied = await catalogue.gql('mutation($input: OrganisationInput!) { createOrganisation(input: $input) { organisation { id } userErrors { code } } }', { input }, manager);
    expect(denied.data!.createOrganisation.userErrors[0].code).toBe('FORBIDDEN');
    const admin = await catalogue.token('admin');
    const created = await catalogue.gql('mutation($input: OrganisationInput!) { createOrganisation(input: $input) { organisation { id name } userErrors { code } } }', { input }, admin);
    expect(created.data!.createOrganisation.userErrors).toEqual([]);
    const own = await catalogue.gql(
      'mutation { updateOrganisation(id: "urn:example:gms-catalogue:org:region-uppsala", expectedVersion: 1, input: { contactEmail: "gms@uppsala.example.org" }) { organisation { contactEmail } userErrors { code } } }',
      {},
      manager,
    );
    expect(own.data!.updateOrganisation).toEqual({ organisation: { contactEmail: 'gms@uppsala.example.org' }, userErrors: [] });
  });

  /** A cost analysis by Uppsala with the given fields, as createHealthEconomicEvaluation answers it. */
  const createCostAnalysis = async (fields: object) => {
    const input = { title: 'Cost per diagnosis', evaluationType: 'COST_ANALYSIS', ownerOrganisation: UPPSALA, ...fields };
    const { data } = await catalogue.gql(
      'mutation($input: HealthEconomicEvaluationInput!) { createHealthEconomicEvaluation(input: $input) { healthEconomicEvaluation { id } userErrors { field code message } } }',
      { input },
      manager,
    );
    return data!.createHealthEconomicEvaluation;
  };

  it('refuses an implausible price year of a result as of the evaluation', async () => {
    const { userErrors } = await createCostAnalysis({ currency: 'SEK', priceYear: 2024, results: [{ measure: 'COST_PER_DIAGNOSIS', value: 52000, unit: 'SEK', priceYear: 20240 }] });
    expect(userErrors).toEqual([{ field: 'input.results[0].priceYear', code: 'INVALID', message: 'is not a plausible price year (1950 to 2100)' }]);
  });

  it('takes discount rates in percent per year and refuses one that looks like a fraction', async () => {
    const { userErrors } = await createCostAnalysis({ currency: 'SEK', priceYear: 2024, discountRateCosts: 0.03, discountRateOutcomes: 1.5 });
    expect(userErrors).toEqual([{ field: 'input.discountRateCosts', code: 'INVALID', message: 'is a percentage per year: write 3 for 3 % (0.03 looks like a fraction)' }]);
    const percent = await createCostAnalysis({ title: 'Cost per diagnosis, discounted', currency: 'SEK', priceYear: 2024, discountRateCosts: 3, discountRateOutcomes: 0 });
    expect(percent.userErrors).toEqual([]);
  });

  it('requires currency and price year for money, naming the field', async () => {
    const created = await createCostAnalysis({
      currency: 'kronor',
      results: [{ measure: 'COST_PER_DIAGNOSIS', value: 52000, unit: 'SEK', currency: 'EUR' }, { measure: 'DIAGNOSTIC_YIELD' }],
    });
    expect(created.healthEconomicEvaluation).toBeNull();
    expect(created.userErrors.map((e: { field: string }) => e.field).sort()).toEqual(['input.currency', 'input.priceYear', 'input.results[0].currency', 'input.results[1].value']);
    const count = await catalogue.orm.em.getConnection().execute<{ n: string }[]>("select count(*) as n from health_economic_evaluation where title = 'Cost per diagnosis'");
    expect(Number(count[0].n)).toBe(0);
  });

  it('refuses to publish a full evaluation without its perspective (CHEERS 8)', async () => {
    const input = { title: 'CUA without perspective', evaluationType: 'CUA', ownerOrganisation: UPPSALA, currency: 'SEK', priceYear: 2024 };
    const created = await catalogue.gql('mutation($input: HealthEconomicEvaluationInput!) { createHealthEconomicEvaluation(input: $input) { healthEconomicEvaluation { id } userErrors { field } } }', { input }, manager);
    const id = created.data!.createHealthEconomicEvaluation.healthEconomicEvaluation.id;
    const published = await catalogue.gql('mutation($id: ID!) { publishHealthEconomicEvaluation(id: $id) { healthEconomicEvaluation { status } userErrors { field code } } }', { id }, manager);
    expect(published.data!.publishHealthEconomicEvaluation.userErrors).toEqual([{ field: 'perspective', code: 'REQUIRED' }]);
  });

  it('refuses an edit that would leave a published evaluation unpublishable, and changes nothing', async () => {
    const [evaluation] = TYPES.filter((type) => type.type === 'HealthEconomicEvaluation');
    const selection = 'healthEconomicEvaluation { id version status publication { identifier } } userErrors { field code }';
    const created = await catalogue.gql(`mutation($input: HealthEconomicEvaluationInput!) { createHealthEconomicEvaluation(input: $input) { ${selection} } }`, { input: evaluation.input }, manager);
    const { id } = created.data!.createHealthEconomicEvaluation.healthEconomicEvaluation;
    const published = await catalogue.gql(`mutation($id: ID!) { publishHealthEconomicEvaluation(id: $id) { ${selection} } }`, { id }, manager);
    expect(published.data!.publishHealthEconomicEvaluation.userErrors).toEqual([]);
    const update = (input: object) =>
      catalogue.gql(`mutation($id: ID!, $input: HealthEconomicEvaluationPatch!) { updateHealthEconomicEvaluation(id: $id, expectedVersion: 2, input: $input) { ${selection} } }`, { id, input }, manager);

    const refused = await update({ publication: null });
    expect(refused.data!.updateHealthEconomicEvaluation).toEqual({ healthEconomicEvaluation: null, userErrors: [{ field: 'publication', code: 'REQUIRED' }] });
    const stored = await catalogue.gql('query($id: ID!) { node(id: $id) { ... on HealthEconomicEvaluation { version status publication { identifier } } } }', { id }, manager);
    expect(stored.data!.node).toEqual({ version: 2, status: 'PUBLISHED', publication: { identifier: evaluation.input.publication } });
    expect((await update({ discountRateCosts: 3 })).data!.updateHealthEconomicEvaluation.userErrors).toEqual([]);
  });

  it('refuses to withdraw or delete the organisation that publishes the catalogue itself', async () => {
    const admin = await catalogue.token('admin');
    const refusal = { field: 'id', code: 'INVALID_TRANSITION', message: expect.stringContaining('publishes the catalogue itself') };
    const withdrawn = await catalogue.gql(`mutation { withdrawOrganisation(id: "${CATALOGUE_PUBLISHER}", reason: "Merged") { organisation { status } userErrors { field code message } } }`, {}, admin);
    // The programme is also named by its published records, a refusal of its own.
    expect(withdrawn.data!.withdrawOrganisation).toEqual({ organisation: null, userErrors: expect.arrayContaining([refusal]) });
    expect((await catalogue.orm.em.fork().findOneOrFail(Organisation, { identifier: CATALOGUE_PUBLISHER })).status).toBe('PUBLISHED');

    // A draft organisation named as the catalogue's publisher cannot be deleted either.
    const created = await catalogue.gql('mutation { createOrganisation(input: { identifier: "urn:test:org:operator", name: "Catalogue operator", type: PROGRAMME }) { organisation { id } } }', {}, admin);
    const draft = await catalogue.orm.em.fork().findOneOrFail(Organisation, { identifier: 'urn:test:org:operator' });
    const em = catalogue.orm.em.fork();
    const [{ publisher: publisherBefore }] = await em.find(Catalogue, {});
    await em.nativeUpdate(Catalogue, {}, { publisher: draft.id });
    try {
      const deleted = await catalogue.gql('mutation($id: ID!) { deleteOrganisation(id: $id) { deletedId userErrors { field code message } } }', { id: created.data!.createOrganisation.organisation.id }, admin);
      expect(deleted.data!.deleteOrganisation).toEqual({ deletedId: null, userErrors: [refusal] });
    } finally {
      await em.nativeUpdate(Catalogue, {}, { publisher: publisherBefore!.id });
    }
  });

  it('keeps published an organisation published records name, whoever owns them, so no data manager withdraws it from under them', async () => {
    // Uppsala holds part of a dataset the programme (GMS) publishes.
    const withdrawn = await catalogue.gql(`mutation { withdrawOrganisation(id: "${UPPSALA}", reason: "Merged") { organisation { status } userErrors { field code message } } }`, {}, manager);
    expect(withdrawn.data!.withdrawOrganisation.organisation).toBeNull();
    expect(withdrawn.data!.withdrawOrganisation.userErrors).toEqual([{ field: 'id', code: 'INVALID_TRANSITION', message: expect.stringMatching(/^(dataset|study|access body|organisation) "[^"]+".* are published naming this organisation/) }]);
    expect((await catalogue.orm.em.fork().findOneOrFail(Organisation, { identifier: UPPSALA })).status).toBe('PUBLISHED');

    // One that nothing names goes; a draft that a draft names stays, with a userError rather than a failed statement.
    const admin = await catalogue.token('admin');
    const create = (identifier: string) => catalogue.gql(`mutation { createOrganisation(input: { identifier: "${identifier}", name: "Lab ${identifier}", type: BIOBANK }) { organisation { id } userErrors { field } } }`, {}, admin);
    await create('urn:test:org:alone');
    await catalogue.gql('mutation { publishOrganisation(id: "urn:test:org:alone") { userErrors { field } } }', {}, admin);
    const alone = await catalogue.gql('mutation { withdrawOrganisation(id: "urn:test:org:alone", reason: "Closed") { organisation { status } userErrors { field } } }', {}, admin);
    expect(alone.data!.withdrawOrganisation).toEqual({ organisation: { status: 'WITHDRAWN' }, userErrors: [] });
    await create('urn:test:org:named-draft');
    const study = await catalogue.gql('mutation($i: StudyInput!) { createStudy(input: $i) { userErrors { field } } }', { i: { ...TYPES[0].input, identifier: 'urn:test:study:names-draft-org', ownerOrganisation: UPPSALA, funders: ['urn:test:org:named-draft'] } }, admin);
    expect(study.data!.createStudy.userErrors).toEqual([]);
    const deleted = await catalogue.gql('mutation { deleteOrganisation(id: "urn:test:org:named-draft") { deletedId userErrors { field code message } } }', {}, admin);
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data!.deleteOrganisation).toEqual({ deletedId: null, userErrors: [{ field: 'id', code: 'INVALID_TRANSITION', message: expect.stringContaining('study "urn:test:study:names-draft-org"') }] });
  });

  it("refuses an identifier under the catalogue's own address, where it names its records, for every kind", async () => {
    const stockholm = await catalogue.token('data_manager', [STOCKHOLM]);
    const skaneDataset = `${BASE_URL}/dcat/datasets/${encodeURIComponent('urn:example:gms-catalogue:dataset:rd-trio-skane')}`;
    const skaneBody = `${BASE_URL}/dcat/access-bodies/${encodeURIComponent('urn:example:gms-catalogue:dab:skane')}`;
    const create = (type: string, input: object) =>
      catalogue.gql(`mutation($input: ${type}Input!) { create${type}(input: $input) { userErrors { field code message } } }`, { input }, stockholm);
    const dataset = { title: 'Stockholm impostor', publisher: STOCKHOLM };
    const refused = { field: 'input.identifier', code: 'INVALID', message: expect.stringContaining("lies under this catalogue's own address") };
    for (const identifier of [skaneDataset, `HTTP://GDCAT.TEST/dcat/datasets/x`, `${BASE_URL}/fdp`]) {
      expect((await create('Dataset', { ...dataset, identifier })).data!.createDataset.userErrors).toEqual([refused]);
    }
    const body = { identifier: skaneBody, name: 'Impostor body', kind: 'BIOBANK', operatedBy: STOCKHOLM };
    expect((await create('DataAccessBody', body)).data!.createDataAccessBody.userErrors).toEqual([refused]);
    const count = await catalogue.orm.em.getConnection().execute<{ n: string }[]>("select (select count(*) from dataset where title = 'Stockholm impostor') + (select count(*) from data_access_body where name = 'Impostor body') as n");
    expect(Number(count[0].n)).toBe(0);

    // An IRI of the record's own, elsewhere, stays its IRI.
    const own = await create('Dataset', { ...dataset, identifier: 'https://stockholm.example.org/datasets/epilepsy-wgs' });
    expect(own.data!.createDataset.userErrors).toEqual([]);
  });

  it('lets one of a delete and a publish sent at once win: never a published record deleted, never a publish of a deleted one', async () => {
    const input = TYPES[0].input;
    for (let round = 0; round < 8; round++) {
      const created = await catalogue.gql('mutation($input: StudyInput!) { createStudy(input: $input) { study { id } } }', { input }, manager);
      const id = created.data!.createStudy.study.id;
      const [deleted, published] = await Promise.all([
        catalogue.gql('mutation($id: ID!) { deleteStudy(id: $id) { deletedId userErrors { code } } }', { id }, manager),
        catalogue.gql('mutation($id: ID!) { publishStudy(id: $id) { study { status } userErrors { code } } }', { id }, manager),
      ]);
      expect([deleted.errors, published.errors], `round ${round}`).toEqual([undefined, undefined]);
      const deleteWon = deleted.data!.deleteStudy.userErrors.length === 0;
      const publishWon = published.data!.publishStudy.userErrors.length === 0;
      expect([deleteWon, publishWon], `round ${round}`).toContain(true);
      expect(deleteWon && publishWon, `round ${round}: both the delete and the publish were confirmed`).toBe(false);
      const stored = await catalogue.gql('query($id: ID!) { node(id: $id) { ... on Study { status } } }', { id }, manager);
      expect(stored.data!.node).toEqual(deleteWon ? null : { status: 'PUBLISHED' });
    }
  });

  it('refuses an http(s) identifier another kind of record holds: one IRI names one thing', async () => {
    const stockholm = await catalogue.token('data_manager', [STOCKHOLM]);
    const uppsalaBody = 'https://uppsala.example.org/biobank-decision';
    const body = await catalogue.gql('mutation($input: DataAccessBodyInput!) { createDataAccessBody(input: $input) { userErrors { field } } }', { input: { ...TYPES[1].input, identifier: uppsalaBody } }, manager);
    expect(body.data!.createDataAccessBody.userErrors).toEqual([]);
    const impostor = await catalogue.gql(
      'mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { field code message } } }',
      { input: { identifier: uppsalaBody.toUpperCase().replace('HTTPS://UPPSALA.EXAMPLE.ORG', 'https://uppsala.example.org'), title: 'Not an IRI clash: the path differs in case', publisher: STOCKHOLM } },
      stockholm,
    );
    expect(impostor.data!.createDataset.userErrors).toEqual([]);
    const taken = await catalogue.gql(
      'mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { field code message } } }',
      { input: { identifier: uppsalaBody, title: 'Stockholm impostor dataset', publisher: STOCKHOLM } },
      stockholm,
    );
    expect(taken.data!.createDataset).toEqual({ dataset: null, userErrors: [{ field: 'input.identifier', code: 'DUPLICATE', message: expect.stringContaining('DataAccessBody') }] });
    const rows = await catalogue.orm.em.getConnection().execute<{ n: string }[]>(`select count(*) as n from dataset where identifier = '${uppsalaBody}'`);
    expect(Number(rows[0].n)).toBe(0);
  });

  it('gives an http(s) IRI to one record when records of two kinds take it at the same instant', async () => {
    const stockholm = await catalogue.token('data_manager', [STOCKHOLM]);
    for (let round = 0; round < 8; round++) {
      const iri = `https://race.example.org/one-thing-${round}`;
      const [body, dataset] = await Promise.all([
        catalogue.gql('mutation($input: DataAccessBodyInput!) { createDataAccessBody(input: $input) { userErrors { code } } }', { input: { ...TYPES[1].input, identifier: iri } }, manager),
        catalogue.gql(
          'mutation($input: DatasetInput!) { createDataset(input: $input) { userErrors { code } } }',
          { input: { identifier: iri, title: `Racing dataset ${round}`, publisher: STOCKHOLM } },
          stockholm,
        ),
      ]);
      expect([body.errors, dataset.errors], `round ${round}`).toEqual([undefined, undefined]);
      const rows = await catalogue.orm.em.getConnection().execute<{ n: string }[]>(
        `select (select count(*) from dataset where identifier = ?) + (select count(*) from data_access_body where identifier = ?) as n`,
        [iri, iri],
      );
      expect(Number(rows[0]!.n), `round ${round}: records of both kinds took ${iri}`).toBe(1);
      expect([...body.data!.createDataAccessBody.userErrors, ...dataset.data!.createDataset.userErrors]).toEqual([{ code: 'DUPLICATE' }]);
    }
  });

  const historyEntries = async (id: string): Promise<number> =>
    Number((await catalogue.orm.em.getConnection().execute('select count(*) as n from audit_entry where entity_id = ?', [fromGlobalId(id)!.id]))[0].n);

  it.each(TYPES)('$type: saving what the record already states changes nothing: same version, same date, no history entry', async ({ type, field, input, patch, check }) => {
    const selection = `${field} { id version modified ${check} } userErrors { field message code }`;
    const created = await catalogue.gql(`mutation($input: ${type}Input!) { create${type}(input: $input) { ${selection} } }`, { input }, manager);
    const record = created.data![`create${type}`][field];
    const update = (version: number, input: object) =>
      catalogue.gql(`mutation($id: ID!, $v: Int!, $input: ${type}Patch!) { update${type}(id: $id, expectedVersion: $v, input: $input) { ${selection} } }`, { id: record.id, v: version, input }, manager);
    const changed = (await update(1, patch)).data![`update${type}`];
    expect(changed.userErrors).toEqual([]);
    const entries = await historyEntries(record.id);

    for (const same of [patch, {}]) {
      const saved = (await update(2, same)).data![`update${type}`];
      expect(saved.userErrors).toEqual([]);
      expect(saved[field]).toEqual(changed[field]);
    }
    expect(await historyEntries(record.id)).toBe(entries);
  });

  it('a dataset saved with its consent scope, access route and distributions as stored keeps its version and date', async () => {
    const id = 'urn:example:gms-catalogue:dataset:pgx-linkoping';
    const editable = `title keywords distributions { id title accessUrl downloadUrl formats { label edam mediaType } mediaType byteSize license accessMode hostingLocation encryption }
      consent { duoPermission duoModifiers { code value } diseaseRestrictions consentType consentFormVersion legalBases nationalLegalBasis
        ethicsApproval { authority reference date } returnOfResults withdrawalProcess }
      accessRoute { accessMode accessBody { identifier } applicationUrl contactEmail expectedTurnaroundDays fees languages steps { order requirement description body { identifier } } }`;
    const admin = await catalogue.token('admin');
    const { dataset } = (await catalogue.gql(`query($id: ID!) { dataset(id: $id) { id version modified ${editable} } }`, { id }, admin)).data!;
    const { accessRoute, consent, ...fields } = dataset;
    const input = {
      title: fields.title,
      keywords: fields.keywords,
      distributions: fields.distributions,
      consent,
      accessRoute: { ...accessRoute, accessBody: accessRoute.accessBody?.identifier ?? null, steps: accessRoute.steps.map((step: { body: { identifier: string } | null }) => ({ ...step, body: step.body?.identifier ?? null })) },
    };
    const entries = await historyEntries(dataset.id);
    const saved = await catalogue.gql(
      `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version modified } userErrors { field message } } }`,
      { id: dataset.id, v: dataset.version, input },
      admin,
    );
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.updateDataset).toEqual({ dataset: { version: dataset.version, modified: dataset.modified }, userErrors: [] });
    expect(await historyEntries(dataset.id)).toBe(entries);
  });

  it('limits query depth', async () => {
    const deep = '{ datasets { edges { node { wasGeneratedBy { outputs { wasGeneratedBy { outputs { wasGeneratedBy { outputs { wasGeneratedBy { outputs { wasGeneratedBy { outputs { title } } } } } } } } } } } } } }';
    const { status, errors } = await catalogue.gql(deep);
    expect(status).toBe(400);
    expect(errors?.[0].message).toMatch(/nested \d+ levels deep; the limit is 12/);
  });
});
