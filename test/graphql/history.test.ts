import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataAccessBody } from '../../src/access/data-access-body.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const BODY = (name: string) => `urn:example:gms-catalogue:dab:${name}`;

const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id version } userErrors { field message } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { field message } } }`;
const HISTORY = `query($id: ID!) { dataset(id: $id) { history { action changes { field before after } } } }`;

interface Change {
  field: string;
  before: string | null;
  after: string | null;
}

const ROUTE = {
  accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
  accessBody: BODY('stockholm'),
  steps: [{ order: 1, requirement: 'ETHICS_APPROVAL', body: BODY('etik') }],
};

let catalogue: TestCatalogue;
let stockholm: string;
let id: string;
let version: number;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
  stockholm = await catalogue.token('data_manager', [STOCKHOLM]);
  const { data } = await catalogue.gql(
    CREATE,
    {
      input: {
        identifier: 'urn:test:history:consent',
        title: 'Paediatric epilepsy WGS',
        publisher: STOCKHOLM,
        consent: { duoPermission: 'HMB', duoModifiers: [{ code: 'DUO:0000021' }] },
        accessRoute: ROUTE,
        distributions: [{ title: 'VCF in the regional SPE', formats: [{ label: 'VCF' }] }],
      },
    },
    stockholm,
  );
  expect(data?.createDataset.userErrors).toEqual([]);
  ({ id, version } = data?.createDataset.dataset);
});
afterAll(() => catalogue?.stop());

async function update(input: Record<string, unknown>): Promise<Change[]> {
  const { data } = await catalogue.gql(UPDATE, { id, v: version, input }, stockholm);
  expect(data?.updateDataset.userErrors).toEqual([]);
  version = data?.updateDataset.dataset.version;
  return (await history()).at(-1)!.changes;
}

async function history(): Promise<{ action: string; changes: Change[] }[]> {
  const { data, errors } = await catalogue.gql(HISTORY, { id }, stockholm);
  expect(errors).toBeUndefined();
  return data?.dataset.history;
}

/** A record a history entry names, as it names it: by its row id. */
const bodyId = async (name: string) => (await catalogue.orm.em.fork().findOneOrFail(DataAccessBody, { identifier: BODY(name) })).id;

describe("a dataset's history shows its consent scope and access route", () => {
  it('the create entry shows the distributions, consent scope and access route by what they state', async () => {
    const [created] = await history();
    expect(created.action).toBe('createDataset');
    const after = (field: string) => JSON.parse(created.changes.find((change) => change.field === field)!.after!);
    expect(after('distributions')).toEqual([expect.objectContaining({ title: 'VCF in the regional SPE', formats: [{ label: 'VCF' }], position: 0 })]);
    expect(after('consentScope')).toMatchObject({ duoPermission: 'DUO:0000006', duoModifiers: [{ code: 'DUO:0000021', value: null }] });
    expect(after('consentScope')).not.toHaveProperty('consentKey');
    expect(after('accessRoute')).toMatchObject({ accessMode: 'SECURE_PROCESSING_ENVIRONMENT', steps: [expect.objectContaining({ position: 1, requirement: 'ETHICS_APPROVAL' })] });
  });

  it('a change of DUO permission (HMB -> GRU) with a modifier added lists exactly those two fields', async () => {
    const changes = await update({ consent: { duoPermission: 'GRU', duoModifiers: [{ code: 'DUO:0000021' }, { code: 'DUO:0000019' }] } });
    expect(changes).toEqual([
      {
        field: 'consentScope.duoModifiers',
        before: '[{"code":"DUO:0000021","value":null}]',
        after: '[{"code":"DUO:0000021","value":null},{"code":"DUO:0000019","value":null}]',
      },
      { field: 'consentScope.duoPermission', before: '"DUO:0000006"', after: '"DUO:0000042"' },
    ]);
  });

  it('the same consent with its modifiers in another order is no change: no new version, no history entry', async () => {
    const [entries, before] = [(await history()).length, version];
    await update({ consent: { duoPermission: 'GRU', duoModifiers: [{ code: 'DUO:0000019' }, { code: 'DUO:0000021' }] } });
    expect(version).toBe(before);
    expect((await history()).length).toBe(entries);
  });

  it('a change of the access route lists its data access body and its steps', async () => {
    const steps = [...ROUTE.steps, { order: 2, requirement: 'DAC_REVIEW', body: BODY('uppsala') }];
    const changes = await update({ accessRoute: { ...ROUTE, accessBody: BODY('uppsala'), steps } });
    expect(changes.map((change) => change.field)).toEqual(['accessRoute.accessBody', 'accessRoute.steps']);
    expect(changes[0]).toEqual({ field: 'accessRoute.accessBody', before: JSON.stringify(await bodyId('stockholm')), after: JSON.stringify(await bodyId('uppsala')) });
    expect(JSON.parse(changes[1].after!).map((step: { position: number; requirement: string }) => [step.position, step.requirement])).toEqual([
      [1, 'ETHICS_APPROVAL'],
      [2, 'DAC_REVIEW'],
    ]);
  });

  it('an update that gives neither lists neither', async () => {
    expect(await update({ title: 'Paediatric epilepsy WGS, 2020-2025' })).toEqual([
      { field: 'title', before: '"Paediatric epilepsy WGS"', after: '"Paediatric epilepsy WGS, 2020-2025"' },
    ]);
  });
});
