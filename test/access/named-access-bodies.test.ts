import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

// A published dataset names only published access bodies (its hdab, its route's body and steps' bodies), and a
// body that published datasets name as their hdab stays published while they do.

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';

const CREATE_BODY = `mutation($input: DataAccessBodyInput!) { createDataAccessBody(input: $input) { dataAccessBody { id identifier } userErrors { field message code } } }`;
const PUBLISH_BODY = `mutation($id: ID!) { publishDataAccessBody(id: $id) { dataAccessBody { status } userErrors { field message code } } }`;
const WITHDRAW_BODY = `mutation($id: ID!) { withdrawDataAccessBody(id: $id, reason: "dissolved") { dataAccessBody { status } userErrors { field message code } } }`;
const DELETE_BODY = `mutation($id: ID!) { deleteDataAccessBody(id: $id) { userErrors { field message code } } }`;
const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id version } userErrors { field message code } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { field message code } } }`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { dataset { status version } userErrors { field message code } } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawDataset(id: $id, reason: "superseded") { dataset { status } userErrors { field message code } } }`;

function dataset(identifier: string, bodies: { hdab: string; route: string; step: string }) {
  return {
    identifier,
    title: 'Stockholm hereditary cancer WGS',
    description: 'Germline WGS of families with hereditary cancer.',
    publisher: STOCKHOLM,
    hdab: bodies.hdab,
    keywords: ['cancer'],
    distributions: [{ title: 'CRAM files', accessUrl: 'https://example.org/apply' }],
    consent: { duoPermission: 'HMB' },
    accessRoute: {
      accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
      accessBody: bodies.route,
      steps: [
        { order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' },
        { order: 2, requirement: 'CONTROLLER_DISCLOSURE_DECISION', body: bodies.step },
      ],
    },
  };
}

describe('access bodies named by published datasets', () => {
  let catalogue: TestCatalogue;
  let manager: string;
  const fields = (errors: { field: string }[] | undefined) => (errors ?? []).map((e) => e.field).sort();

  const newBody = async (identifier: string) => {
    const created = await catalogue.gql(CREATE_BODY, { input: { identifier, name: `Body ${identifier}`, kind: 'DAC', operatedBy: STOCKHOLM, contactEmail: 'dac@example.org' } }, manager);
    expect(created.data?.createDataAccessBody.userErrors).toEqual([]);
    return created.data!.createDataAccessBody.dataAccessBody.id as string;
  };

  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    manager = await catalogue.token('data_manager', [STOCKHOLM]);
  });
  afterAll(() => catalogue?.stop());

  it('refuses to publish a dataset naming a draft body, naming each field, and publishes it once the bodies are', async () => {
    await newBody('urn:test:dab:draft-hdab');
    await newBody('urn:test:dab:draft-step');
    const created = await catalogue.gql(CREATE, { input: dataset('urn:test:ds:names-drafts', { hdab: 'urn:test:dab:draft-hdab', route: 'urn:test:dab:draft-hdab', step: 'urn:test:dab:draft-step' }) }, manager);
    expect(created.data?.createDataset.userErrors).toEqual([]);
    const id = created.data!.createDataset.dataset.id;

    const refused = await catalogue.gql(PUBLISH, { id }, manager);
    expect(fields(refused.data?.publishDataset.userErrors)).toEqual(['accessRoute.accessBody', 'accessRoute.steps[1].body', 'hdab']);
    expect(refused.data?.publishDataset.userErrors[0].message).toMatch(/"Body urn:test:dab:draft-(hdab|step)" is draft/);

    for (const identifier of ['urn:test:dab:draft-hdab', 'urn:test:dab:draft-step']) {
      expect((await catalogue.gql(PUBLISH_BODY, { id: identifier }, manager)).data?.publishDataAccessBody.userErrors).toEqual([]);
    }
    const published = await catalogue.gql(PUBLISH, { id }, manager);
    expect(published.data?.publishDataset.userErrors).toEqual([]);
    expect(published.data?.publishDataset.dataset.status).toBe('PUBLISHED');
  });

  it('refuses to change a published dataset to name a draft body', async () => {
    await newBody('urn:test:dab:later-draft');
    const { version } = (await catalogue.gql('query { dataset(id: "urn:test:ds:names-drafts") { version } }', {}, manager)).data!.dataset;
    const refused = await catalogue.gql(UPDATE, { id: 'urn:test:ds:names-drafts', v: version, input: { hdab: 'urn:test:dab:later-draft' } }, manager);
    expect(fields(refused.data?.updateDataset.userErrors)).toEqual(['hdab']);
    const stepRefused = await catalogue.gql(
      UPDATE,
      { id: 'urn:test:ds:names-drafts', v: version, input: { accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', steps: [{ order: 1, requirement: 'DAC_REVIEW', body: 'urn:test:dab:later-draft' }] } } },
      manager,
    );
    expect(fields(stepRefused.data?.updateDataset.userErrors)).toEqual(['accessRoute.steps[0].body']);
  });

  it('keeps published a body that published datasets name as their hdab, and lets it go once none does', async () => {
    const refused = await catalogue.gql(WITHDRAW_BODY, { id: 'urn:test:dab:draft-hdab' }, manager);
    expect(refused.data?.withdrawDataAccessBody.userErrors).toHaveLength(1);
    expect(refused.data?.withdrawDataAccessBody.userErrors[0]).toMatchObject({ field: 'id', code: 'INVALID_TRANSITION' });
    expect(refused.data?.withdrawDataAccessBody.userErrors[0].message).toContain('urn:test:ds:names-drafts');

    expect((await catalogue.gql(WITHDRAW, { id: 'urn:test:ds:names-drafts' }, manager)).data?.withdrawDataset.userErrors).toEqual([]);
    const withdrawn = await catalogue.gql(WITHDRAW_BODY, { id: 'urn:test:dab:draft-hdab' }, manager);
    expect(withdrawn.data?.withdrawDataAccessBody.userErrors).toEqual([]);
    expect(withdrawn.data?.withdrawDataAccessBody.dataAccessBody.status).toBe('WITHDRAWN');
  });

  it('keeps published a body a published dataset names only on its access route, so whom to ask for each step stays known', async () => {
    await newBody('urn:test:dab:route-first');
    await newBody('urn:test:dab:route-step');
    for (const body of ['urn:test:dab:route-first', 'urn:test:dab:route-step']) {
      expect((await catalogue.gql(PUBLISH_BODY, { id: body }, manager)).data?.publishDataAccessBody.userErrors).toEqual([]);
    }
    const created = await catalogue.gql(
      CREATE,
      { input: dataset('urn:test:ds:route-names', { hdab: 'urn:example:gms-catalogue:dab:se-hdab', route: 'urn:test:dab:route-first', step: 'urn:test:dab:route-step' }) },
      manager,
    );
    expect((await catalogue.gql(PUBLISH, { id: created.data!.createDataset.dataset.id }, manager)).data?.publishDataset.userErrors).toEqual([]);
    for (const body of ['urn:test:dab:route-first', 'urn:test:dab:route-step']) {
      const refused = await catalogue.gql(WITHDRAW_BODY, { id: body }, manager);
      expect(refused.data?.withdrawDataAccessBody.userErrors, body).toEqual([
        { field: 'id', code: 'INVALID_TRANSITION', message: expect.stringContaining('dataset "urn:test:ds:route-names" are published naming this body (as hdab or on their access route)') },
      ]);
    }
    expect((await catalogue.gql(WITHDRAW, { id: 'urn:test:ds:route-names' }, manager)).data?.withdrawDataset.userErrors).toEqual([]);
    for (const body of ['urn:test:dab:route-first', 'urn:test:dab:route-step']) {
      expect((await catalogue.gql(WITHDRAW_BODY, { id: body }, manager)).data?.withdrawDataAccessBody.userErrors, body).toEqual([]);
    }
  });

  it('never leaves a dataset published naming a withdrawn hdab when its publish and the body\'s withdrawal run at once', async () => {
    const rounds: number[] = [];
    for (let round = 0; round < 8; round++) {
      const body = `urn:test:dab:race-${round}`;
      await newBody(body);
      expect((await catalogue.gql(PUBLISH_BODY, { id: body }, manager)).data?.publishDataAccessBody.userErrors).toEqual([]);
      const created = await catalogue.gql(CREATE, { input: dataset(`urn:test:ds:race-${round}`, { hdab: body, route: body, step: body }) }, manager);
      const id = created.data!.createDataset.dataset.id;
      const started = performance.now();
      const [published, withdrawn] = await Promise.all([catalogue.gql(PUBLISH, { id }, manager), catalogue.gql(WITHDRAW_BODY, { id: body }, manager)]);
      rounds.push(performance.now() - started);
      // Locked in opposite orders they may deadlock: the aborted one runs again, so neither answers with a server fault.
      expect([published.errors, withdrawn.errors], `round ${round}`).toEqual([undefined, undefined]);
      const datasetPublished = published.data?.publishDataset.userErrors.length === 0;
      const bodyWithdrawn = withdrawn.data?.withdrawDataAccessBody.userErrors.length === 0;
      expect(datasetPublished || bodyWithdrawn, `round ${round}: both refused`).toBe(true);
      expect(datasetPublished && bodyWithdrawn, `round ${round}: the dataset was published naming a withdrawn hdab`).toBe(false);
    }
    // No round waits for PostgreSQL's deadlock check (deadlock_timeout, 1 s): the writer that waits gives up after
    // tens of milliseconds and runs again once the other is done (it took 1.05-1.3 s a deadlocked round before).
    expect(Math.max(...rounds)).toBeLessThan(1_000);
  });

  it('refuses to delete a draft body a dataset names, with a userError instead of a failed statement', async () => {
    await newBody('urn:test:dab:named-draft');
    const created = await catalogue.gql(CREATE, { input: dataset('urn:test:ds:draft-names-draft', { hdab: 'urn:test:dab:named-draft', route: 'urn:test:dab:named-draft', step: 'urn:test:dab:named-draft' }) }, manager);
    expect(created.data?.createDataset.userErrors).toEqual([]);
    const refused = await catalogue.gql(DELETE_BODY, { id: 'urn:test:dab:named-draft' }, manager);
    expect(refused.errors).toBeUndefined();
    expect(refused.data?.deleteDataAccessBody.userErrors).toHaveLength(1);
    expect(refused.data?.deleteDataAccessBody.userErrors[0]).toMatchObject({ field: 'id', code: 'INVALID_TRANSITION' });
    expect(refused.data?.deleteDataAccessBody.userErrors[0].message).toContain('urn:test:ds:draft-names-draft');
  });
});
