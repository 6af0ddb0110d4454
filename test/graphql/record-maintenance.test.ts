import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const SKANE = 'urn:example:gms-catalogue:org:region-skane';
const PUBLISHED = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck'; // Stockholm's

const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id version } userErrors { field message code } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { message } } }`;
const DELETE = `mutation($id: ID!) { deleteDataset(id: $id) { deletedId userErrors { field message code } } }`;
const HISTORY = `query($id: ID!) { dataset(id: $id) { history { actor actorRole action changes { field before after } } } }`;

let catalogue: TestCatalogue;
let stockholm: string;
let skane: string;
let admin: string;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
  stockholm = await catalogue.token('data_manager', [STOCKHOLM]);
  skane = await catalogue.token('data_manager', [SKANE]);
  admin = await catalogue.token('admin');
});
afterAll(() => catalogue?.stop());

async function draft(identifier: string): Promise<string> {
  const { data } = await catalogue.gql(CREATE, { input: { identifier, title: 'Draft cohort', publisher: STOCKHOLM } }, stockholm);
  expect(data?.createDataset.userErrors).toEqual([]);
  return data?.createDataset.dataset.id;
}

describe('deleting a draft', () => {
  it('deletes it for good with its parts, and the audit log keeps what it was', async () => {
    const id = await draft('urn:test:maintenance:draft');
    await catalogue.gql(UPDATE, { id, v: 1, input: { consent: { duoPermission: 'GRU' }, distributions: [{ title: 'VCF' }] } }, stockholm);
    const { data } = await catalogue.gql(DELETE, { id }, stockholm);
    expect(data?.deleteDataset).toEqual({ deletedId: id, userErrors: [] });
    const gone = await catalogue.gql('query($id: ID!) { dataset(id: $id) { id } }', { id }, admin);
    expect(gone.data?.dataset).toBeNull();
    const audit = await catalogue.orm.em
      .getConnection()
      .execute<{ action: string }[]>(`select action, actor, before is not null as had_before, after is null as no_after from audit_entry where after->>'identifier' = 'urn:test:maintenance:draft' or before->>'identifier' = 'urn:test:maintenance:draft' order by id`);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['createDataset', 'updateDataset', 'deleteDataset']);
    expect(audit.at(-1)).toMatchObject({ had_before: true, no_after: true });
  });

  it('is refused once published (withdraw instead), and for another organisation', async () => {
    const published = await catalogue.gql(DELETE, { id: PUBLISHED }, stockholm);
    expect(published.data?.deleteDataset.userErrors).toEqual([expect.objectContaining({ field: 'id', code: 'INVALID_TRANSITION', message: expect.stringMatching(/withdraw/) })]);
    const id = await draft('urn:test:maintenance:other-org');
    const other = await catalogue.gql(DELETE, { id }, skane);
    expect(other.data?.deleteDataset.userErrors[0].code).toMatch(/NOT_FOUND|FORBIDDEN/);
    expect((await catalogue.gql('query($id: ID!) { dataset(id: $id) { id } }', { id }, admin)).data?.dataset).not.toBeNull();
  });

  it('is refused once withdrawn, saying why it stays rather than to withdraw it', async () => {
    const withdrawn = await catalogue.gql(
      'mutation($id: ID!) { withdrawDataset(id: $id, reason: "Superseded") { userErrors { message } } }',
      { id: 'urn:example:gms-catalogue:dataset:gms560-nsclc-stockholm' },
      stockholm,
    );
    expect(withdrawn.data?.withdrawDataset.userErrors).toEqual([]);
    const { data } = await catalogue.gql(DELETE, { id: 'urn:example:gms-catalogue:dataset:gms560-nsclc-stockholm' }, stockholm);
    expect(data?.deleteDataset.userErrors).toEqual([
      {
        field: 'id',
        code: 'INVALID_TRANSITION',
        message: 'only a draft can be deleted; this record is WITHDRAWN: it stays as withdrawn, so harvesters and links learn that it is gone and why',
      },
    ]);
  });
});

describe('history', () => {
  it('lists who changed what, field by field, for the owning organisation and admins only', async () => {
    const id = await draft('urn:test:maintenance:history');
    await catalogue.gql(UPDATE, { id, v: 1, input: { title: 'Renamed cohort' } }, stockholm);
    const { data } = await catalogue.gql(HISTORY, { id }, stockholm);
    const history = data?.dataset.history;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['createDataset', 'updateDataset']);
    expect(history[1].actorRole).toBe('data_manager');
    expect(history[1].changes).toEqual([{ field: 'title', before: '"Draft cohort"', after: '"Renamed cohort"' }]);
    expect((await catalogue.gql(HISTORY, { id }, admin)).data?.dataset.history).toHaveLength(2);
  });

  it('shows the seed import as the system actor, and is hidden from other organisations and anonymous callers', async () => {
    const own = await catalogue.gql(HISTORY, { id: PUBLISHED }, stockholm);
    expect(own.data?.dataset.history[0]).toMatchObject({ actor: 'system:seed', action: 'createDataset' });
    expect((await catalogue.gql(HISTORY, { id: PUBLISHED }, skane)).data?.dataset.history).toBeNull();
    expect((await catalogue.gql(HISTORY, { id: PUBLISHED })).data?.dataset.history).toBeNull();
  });
});
