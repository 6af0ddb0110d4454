import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/** No existence oracle: a draft another organisation holds reads exactly like a record that does not exist. */
const A = 'urn:example:gms-catalogue:org:region-uppsala';
const B = 'urn:example:gms-catalogue:org:region-stockholm';

describe('no existence oracle for drafts', () => {
  let catalogue: TestCatalogue;
  let managerA: string;
  const draft = { study: '', studyId: '', organisation: '', body: '', dataset: '', evaluation: '' };
  const unknown = () => `urn:test:unknown:${randomUUID()}`;

  /** The answer with the reference itself blanked out, so a draft's and an unknown's answers compare equal. */
  const blank = (value: unknown, ref: string) => JSON.parse(JSON.stringify(value).replaceAll(ref, '<ref>'));

  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    const admin = await catalogue.token('admin');
    managerA = await catalogue.token('data_manager', [A]);
    const create = async (kind: string, field: string, input: Record<string, unknown>) => {
      const response = await catalogue.gql(
        `mutation($input: ${kind}Input!) { create${kind}(input: $input) { ${field} { id identifier } userErrors { code } } }`,
        { input },
        admin,
      );
      return response.data![`create${kind}`][field] as { id: string; identifier: string };
    };
    const study = await create('Study', 'study', { title: 'Draft study of B', studyType: 'PILOT', ownerOrganisation: B });
    draft.study = study.identifier;
    draft.studyId = study.id;
    draft.organisation = (await create('Organisation', 'organisation', { name: 'Draft region', type: 'REGION' })).identifier;
    draft.body = (await create('DataAccessBody', 'dataAccessBody', { name: 'Draft DAC of B', kind: 'DAC', operatedBy: B })).identifier;
    draft.dataset = (await create('Dataset', 'dataset', { title: 'Draft dataset of B', publisher: B })).identifier;
    draft.evaluation = (await create('HealthEconomicEvaluation', 'healthEconomicEvaluation', {
      title: 'Draft evaluation of B', evaluationType: 'BUDGET_IMPACT', ownerOrganisation: B, currency: 'SEK', priceYear: 2025,
    })).identifier;
  }, 60_000);
  afterAll(() => catalogue?.stop());

  const createStudy = (input: Record<string, unknown>, token?: string) =>
    catalogue.gql(
      'mutation($input: StudyInput!) { createStudy(input: $input) { study { id } userErrors { field code message } } }',
      { input: { title: 'Probe', studyType: 'PILOT', ...input } },
      token,
    );

  it('anonymous create with a draft identifier answers UNAUTHENTICATED, as with an unused one', async () => {
    const taken = await createStudy({ identifier: draft.study, ownerOrganisation: B });
    const free = await createStudy({ identifier: unknown(), ownerOrganisation: B });
    expect(taken.data!.createStudy.userErrors.map((e: { code: string }) => e.code)).toEqual(['UNAUTHENTICATED']);
    expect(taken.data).toEqual(free.data);
  });

  it("a data manager writing for another organisation is refused before the identifier is checked", async () => {
    const taken = await createStudy({ identifier: draft.study, ownerOrganisation: B }, managerA);
    const fresh = unknown();
    const free = await createStudy({ identifier: fresh, ownerOrganisation: B }, managerA);
    expect(taken.data!.createStudy.userErrors.map((e: { code: string }) => e.code)).toEqual(['FORBIDDEN']);
    expect(blank(taken.data, draft.study)).toEqual(blank(free.data, fresh));
  });

  const KINDS = [
    ['Study', 'study', () => draft.study, '{ acronym: "X" }'],
    ['Dataset', 'dataset', () => draft.dataset, '{ title: "X" }'],
    ['DataAccessBody', 'dataAccessBody', () => draft.body, '{ name: "X" }'],
    ['HealthEconomicEvaluation', 'healthEconomicEvaluation', () => draft.evaluation, '{ note: "X" }'],
    ['Organisation', 'organisation', () => draft.organisation, '{ name: "X" }'],
  ] as const;

  it.each(KINDS)("update, publish, withdraw and delete of another organisation's draft %s answer NOT_FOUND, as for an unknown id", async (kind, field, ref, patch) => {
    const missing = unknown();
    for (const [mutation, args, selection] of [
      [`update${kind}`, `(id: $id, expectedVersion: 1, input: ${patch})`, `${field} { id }`],
      [`publish${kind}`, '(id: $id)', `${field} { id }`],
      [`withdraw${kind}`, '(id: $id, reason: "probe")', `${field} { id }`],
      [`delete${kind}`, '(id: $id)', 'deletedId'],
    ] as const) {
      const query = `mutation($id: ID!) { ${mutation}${args} { ${selection} userErrors { field code message } } }`;
      const hidden = await catalogue.gql(query, { id: ref() }, managerA);
      const absent = await catalogue.gql(query, { id: missing }, managerA);
      expect(hidden.data![mutation].userErrors[0].code, mutation).toBe('NOT_FOUND');
      expect(blank(hidden.data, ref()), mutation).toEqual(blank(absent.data, missing));
    }
  });

  it("an import naming another organisation's draft by identifier answers as createStudy does for a taken identifier", async () => {
    const importStudy = async (identifier: string) => {
      const document = { records: [{ recordType: 'Study', id: identifier, title: 'Probe', studyType: 'PILOT', ownerOrganisation: A }] };
      const response = await catalogue.gql(
        'mutation($input: JSON!) { importCatalogue(input: $input) { report { committed created updated failed problems { field code message } } userErrors { code } } }',
        { input: document },
        managerA,
      );
      return response.data!.importCatalogue;
    };
    const hidden = await importStudy(draft.study);
    expect(hidden.report.problems).toEqual([{ field: 'identifier', code: 'DUPLICATE', message: `"${draft.study}" is already used by another Study` }]);
    expect(hidden.report.committed).toBe(false);
    const created = await createStudy({ identifier: draft.study, ownerOrganisation: A }, managerA);
    expect(created.data!.createStudy.userErrors).toEqual([{ field: 'input.identifier', code: 'DUPLICATE', message: hidden.report.problems[0].message }]);
  });

  it('search filters naming a draft publisher or access body answer as for unknown ones', async () => {
    for (const [filter, ref] of [
      ['publisher', draft.organisation],
      ['holdingRegion', draft.organisation],
      ['accessBody', draft.body],
    ] as const) {
      const query = `query($refs: [ID!]) { datasets(filter: { ${filter}: $refs }) { totalCount } }`;
      const missing = unknown();
      const hidden = await catalogue.gql(query, { refs: [ref] });
      const absent = await catalogue.gql(query, { refs: [missing] });
      expect(hidden.errors?.map((e) => e.extensions?.code), filter).toEqual(['BAD_USER_INPUT']);
      expect(hidden.errors![0]!.message, filter).toContain(ref);
      expect(blank(hidden, ref), filter).toEqual(blank(absent, missing));
      const asOtherManager = await catalogue.gql(query, { refs: [ref] }, managerA);
      expect(blank(asOtherManager, ref), filter).toEqual(blank(absent, missing));
    }
  });

  // An admin may name any record anywhere: a dataset of A naming B's draft access body and the draft organisation.
  const namingHiddenDrafts = async () => {
    const admin = await catalogue.token('admin');
    const identifier = `urn:test:dataset:${randomUUID()}`;
    const created = await catalogue.gql(
      'mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { code } } }',
      { input: { identifier, title: 'Draft dataset of A', publisher: A, hdab: draft.body, dataHolders: [draft.organisation] } },
      admin,
    );
    expect(created.data!.createDataset.userErrors).toEqual([]);
    return identifier;
  };

  it("a refused publish does not name another organisation's draft access body it names", async () => {
    const dataset = await namingHiddenDrafts();
    const refused = await catalogue.gql('mutation($id: ID!) { publishDataset(id: $id) { userErrors { field code message } } }', { id: dataset }, managerA);
    const hdab = refused.data!.publishDataset.userErrors.find((e: { field: string }) => e.field === 'hdab');
    expect(hdab.message).toMatch(/^the access body named here, of another organisation, is draft: /);
    expect(JSON.stringify(refused)).not.toContain('Draft DAC of B');
    expect(JSON.stringify(refused)).not.toContain(draft.body);
  });

  it("a refused delete counts the drafts of other organisations naming the record, never naming them", async () => {
    const dataset = await namingHiddenDrafts();
    const managerB = await catalogue.token('data_manager', [B]);
    const managerOfDraftOrganisation = await catalogue.token('data_manager', [draft.organisation]);
    for (const [mutation, ref, token] of [
      ['deleteDataAccessBody', draft.body, managerB],
      ['deleteOrganisation', draft.organisation, managerOfDraftOrganisation],
    ] as const) {
      const refused = await catalogue.gql(`mutation($id: ID!) { ${mutation}(id: $id) { deletedId userErrors { field code message } } }`, { id: ref }, token);
      expect(refused.data![mutation].userErrors, mutation).toEqual([
        { field: 'id', code: 'INVALID_TRANSITION', message: expect.stringMatching(/^\d+ records? of other organisations you may not read name this /) },
      ]);
      expect(JSON.stringify(refused), mutation).not.toContain(dataset);
      const asAdmin = await catalogue.gql(`mutation($id: ID!) { ${mutation}(id: $id) { userErrors { message } } }`, { id: ref }, await catalogue.token('admin'));
      expect(asAdmin.data![mutation].userErrors[0].message, mutation).toContain(`dataset "${dataset}"`);
    }
  });

  it("the evaluations filter refuses another organisation's draft dataset exactly as an unknown one", async () => {
    const query = 'query($ref: String!) { healthEconomicEvaluations(filter: { dataset: $ref }) { totalCount } }';
    const answer = async (ref: string) => JSON.stringify(await catalogue.gql(query, { ref }, managerA)).replaceAll(ref, '<ref>');
    const absent = await answer(unknown());
    expect(absent).toContain('NOT_FOUND');
    expect(await answer(draft.dataset)).toEqual(absent);
  });
});
