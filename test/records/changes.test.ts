import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, fieldChanges } from '../../src/records/changes.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const SKANE = 'urn:example:gms-catalogue:org:region-skane';
const UPPSALA = 'urn:example:gms-catalogue:org:region-uppsala';

describe('what counts as a change', () => {
  it('compares a set as a set, at any depth, and an object whatever the order of its keys', () => {
    expect(comparable(['trio', 'genome'])).toBe(comparable(['genome', 'trio']));
    expect(comparable({ spatial: ['SWE', 'NOR'], themes: ['HEAL'] })).toBe(comparable({ themes: ['HEAL'], spatial: ['NOR', 'SWE'] }));
    expect(comparable([{ code: 'DUO:0000021' }, { code: 'DUO:0000043', value: 'x' }])).toBe(comparable([{ value: 'x', code: 'DUO:0000043' }, { code: 'DUO:0000021' }]));
    expect(comparable(['genome', 'trio'])).not.toBe(comparable(['genome', 'exome']));
    expect(comparable(['genome'])).not.toBe(comparable(['genome', 'genome']));
  });

  it('keeps the order of ordered lists: distributions and results, as a field or inside a value', () => {
    const distributions = [{ title: 'VCF' }, { title: 'CRAM' }];
    expect(comparable(distributions, 'distributions')).not.toBe(comparable([...distributions].reverse(), 'distributions'));
    expect(comparable({ distributions })).not.toBe(comparable({ distributions: [...distributions].reverse() }));
    expect(comparable({ results: [1, 2] })).not.toBe(comparable({ results: [2, 1] }));
    // A step carries its own order: the list of steps is a set of numbered steps.
    const steps = [{ order: 1, requirement: 'ETHICS_APPROVAL' }, { order: 2, requirement: 'DATA_ACCESS_APPLICATION' }];
    expect(comparable({ steps })).toBe(comparable({ steps: [...steps].reverse() }));
    expect(comparable({ steps })).not.toBe(comparable({ steps: steps.map((step, i) => ({ ...step, order: 2 - i })) }));
  });

  it('lists the fields whose value moved, not bookkeeping: harvestedAt is not a change, harvestedFrom is', () => {
    const before = { title: 'A', keywords: ['x', 'y'], version: 1, modified: '2026-01-01', harvestedAt: '2026-01-01', harvestedFrom: 'https://a.example/1' };
    const after = { title: 'A', keywords: ['y', 'x'], version: 2, modified: '2026-02-01', harvestedAt: '2026-02-01', harvestedFrom: 'https://a.example/1' };
    expect(fieldChanges(before, after)).toEqual([]);
    expect(fieldChanges(before, { ...after, harvestedFrom: 'https://b.example/1', keywords: ['x'] })).toEqual([
      { field: 'keywords', before: '["x","y"]', after: '["x"]' },
      { field: 'harvestedFrom', before: '"https://a.example/1"', after: '"https://b.example/1"' },
    ]);
  });
});

describe('the parts of a dataset kept in tables of their own (consent scope, access route)', () => {
  const consent = { duoPermission: 'DUO:0000006', duoModifiers: [{ code: 'DUO:0000021', value: null }], legalBases: ['eu-gdpr:A6-1-e', 'eu-gdpr:A9-2-j'] };
  const route = {
    accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
    accessBody: 'body-a',
    steps: [{ position: 1, requirement: 'ETHICS_APPROVAL', body: 'body-b' }, { position: 2, requirement: 'DAC_REVIEW', body: null }],
  };

  it('are listed field by field, under the part name, in the order of the field names', () => {
    const gru = { ...consent, duoPermission: 'DUO:0000042', duoModifiers: [...consent.duoModifiers, { code: 'DUO:0000019', value: null }] };
    expect(fieldChanges({ consentScope: consent, accessRoute: route }, { consentScope: gru, accessRoute: { ...route, accessBody: 'body-c' } })).toEqual([
      { field: 'consentScope.duoModifiers', before: JSON.stringify(consent.duoModifiers), after: JSON.stringify(gru.duoModifiers) },
      { field: 'consentScope.duoPermission', before: '"DUO:0000006"', after: '"DUO:0000042"' },
      { field: 'accessRoute.accessBody', before: '"body-a"', after: '"body-c"' },
    ]);
  });

  it('compare their sets as sets (DUO modifiers, legal bases, numbered steps), and a step moved to another place is a change', () => {
    const reordered = { consentScope: { ...consent, legalBases: [...consent.legalBases].reverse() }, accessRoute: { ...route, steps: [...route.steps].reverse() } };
    expect(fieldChanges({ consentScope: consent, accessRoute: route }, reordered)).toEqual([]);
    const swapped = { ...route, steps: route.steps.map((step, i) => ({ ...step, position: 2 - i })) };
    expect(fieldChanges({ accessRoute: route }, { accessRoute: swapped }).map((change) => change.field)).toEqual(['accessRoute.steps']);
  });

  it('are listed whole when the record gains or loses one; any other object is listed whole', () => {
    expect(fieldChanges({ accessRoute: null }, { accessRoute: route })).toEqual([{ field: 'accessRoute', before: null, after: JSON.stringify(route) }]);
    expect(fieldChanges({ consentScope: consent }, { consentScope: null })).toEqual([{ field: 'consentScope', before: JSON.stringify(consent), after: null }]);
    expect(fieldChanges({ cohort: { numberOfSamples: 1, numberOfFamilies: 2 } }, { cohort: { numberOfSamples: 1, numberOfFamilies: 3 } }).map((change) => change.field)).toEqual(['cohort']);
  });
});

describe('a GraphQL update compares sets as the import and the harvest do', () => {
  let catalogue: TestCatalogue;
  let stockholm: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    stockholm = await catalogue.token('data_manager', [STOCKHOLM]);
  });
  afterAll(() => catalogue?.stop());

  const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { field message } } }`;
  const HISTORY = `query($id: ID!) { dataset(id: $id) { history { action changes { field before after } } } }`;

  it('lists neither keywords nor data holders given in another order, only what changed', async () => {
    const created = await catalogue.gql(
      `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id version } userErrors { field message } } }`,
      { input: { identifier: 'urn:test:changes:sets', title: 'Cohort', publisher: STOCKHOLM, keywords: ['genome', 'trio'], dataHolders: [STOCKHOLM, SKANE] } },
      stockholm,
    );
    expect(created.data?.createDataset.userErrors).toEqual([]);
    const { id, version } = created.data?.createDataset.dataset;
    const update = async (v: number, input: Record<string, unknown>) => {
      const { data } = await catalogue.gql(UPDATE, { id, v, input }, stockholm);
      expect(data?.updateDataset.userErrors).toEqual([]);
      return data?.updateDataset.dataset.version as number;
    };
    const renamed = await update(version, { title: 'Trio cohort', keywords: ['trio', 'genome'], dataHolders: [SKANE, STOCKHOLM] });
    await update(renamed, { keywords: ['trio', 'genome', 'exome'], dataHolders: [SKANE, UPPSALA] });
    const { data } = await catalogue.gql(HISTORY, { id }, stockholm);
    const [, first, second] = data?.dataset.history;
    expect(first.changes).toEqual([{ field: 'title', before: '"Cohort"', after: '"Trio cohort"' }]);
    expect(second.changes.map((change: { field: string }) => change.field).sort()).toEqual(['dataHolders', 'keywords']);
  });
});
