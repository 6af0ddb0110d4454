import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const NATIONAL_LEUKAEMIA = 'urn:example:gms-catalogue:dataset:al-wgs-wts';
const REGIONS = ['skane', 'stockholm', 'uppsala', 'vgr', 'ostergotland', 'orebro', 'vasterbotten'];

const CONTACTS = `{ dataset(id: "${NATIONAL_LEUKAEMIA}") {
  accessRoute { accessBody { identifier } steps { order requirement body { identifier } } }
  accessContacts { reason hasRegisteredBody organisation { identifier name } body { identifier kind } step { order requirement } }
  whoToAsk { identifier }
} }`;

type Contact = {
  reason: 'ROUTE_STEP' | 'DATA_HOLDER';
  hasRegisteredBody: boolean;
  organisation: { identifier: string; name: string } | null;
  body: { identifier: string; kind: string } | null;
  step: { order: number; requirement: string } | null;
};

const PAGE = `query($first: Int!) { datasets(first: $first, sort: TITLE) { edges { node {
  identifier
  whoToAsk { name contactEmail }
  accessContacts { reason hasRegisteredBody organisation { name } body { name } step { order } }
} } } }`;

describe('accessContacts: everyone to ask, every holding region included', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  it('lists the route steps in order, then every holding region by name, flagging regions without a body', async () => {
    const { data, errors } = await catalogue.gql(CONTACTS);
    expect(errors).toBeUndefined();
    const contacts: Contact[] = data!.dataset.accessContacts;
    const steps: { order: number; requirement: string; body: { identifier: string } | null }[] = data!.dataset.accessRoute.steps;

    const route = contacts.filter((c) => c.reason === 'ROUTE_STEP');
    const holders = contacts.filter((c) => c.reason === 'DATA_HOLDER');
    expect(contacts).toEqual([...route, ...holders]);
    expect(route.map((c) => c.step?.order)).toEqual(steps.map((s) => s.order));
    expect(route.map((c) => c.body?.identifier ?? null)).toEqual(steps.map((s) => s.body?.identifier ?? null));

    // Every one of the seven holding regions is someone to ask.
    expect(holders.map((c) => c.organisation!.identifier).sort()).toEqual(REGIONS.map((r) => `urn:example:gms-catalogue:org:region-${r}`).sort());
    const names = holders.map((c) => c.organisation!.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'sv')));
    for (const holder of holders) {
      expect(holder.step).toBeNull();
      expect(holder.hasRegisteredBody).toBe(holder.body !== null);
      if (holder.body) expect(holder.body.kind).toBe('REGIONAL_DISCLOSURE_FUNCTION');
    }
    const withoutBody = holders.filter((c) => !c.hasRegisteredBody).map((c) => c.organisation!.identifier).sort();
    expect(withoutBody).toEqual(['orebro', 'ostergotland', 'vasterbotten'].map((r) => `urn:example:gms-catalogue:org:region-${r}`));
  });

  it('keeps whoToAsk as the bodies-only view of the same contacts', async () => {
    const { data } = await catalogue.gql(CONTACTS);
    const bodies = (data!.dataset.accessContacts as Contact[]).flatMap((c) => (c.body ? [c.body.identifier] : []));
    const who: string[] = data!.dataset.whoToAsk.map((b: { identifier: string }) => b.identifier);
    expect(new Set(who)).toEqual(new Set(bodies));
    expect(who).toHaveLength(new Set(bodies).size);
    expect(bodies).toEqual(expect.arrayContaining(['skane', 'stockholm', 'uppsala', 'vgr'].map((r) => `urn:example:gms-catalogue:dab:${r}`)));
  });

  it('loads contacts for a whole page with the same statements as for a few datasets (DataLoader batching)', async () => {
    async function statements(first: number): Promise<number> {
      catalogue.queries.length = 0;
      const { data, errors } = await catalogue.gql(PAGE, { first });
      expect(errors).toBeUndefined();
      expect(data!.datasets.edges).toHaveLength(first);
      return catalogue.queries.length;
    }
    const few = await statements(2);
    const page = await statements(15);
    expect(few).toBeGreaterThan(0);
    expect(page).toBe(few);
  });
});
