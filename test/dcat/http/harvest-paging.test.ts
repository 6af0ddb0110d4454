import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordStatus } from '../../../src/records/record.js';
import { Dataset } from '../../../src/datasets/dataset.entity.js';
import { dcat, hydra } from '../../../src/dcat/namespaces.js';
import { startTestCatalogue, type TestCatalogue } from '../../support/catalogue.js';

/** The base URL the test server publishes IRIs under (test/support/catalogue.ts). */
const BASE = 'http://gdcat.test';
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';

const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { field message } } }`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { dataset { status } userErrors { field message } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { userErrors { message } } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawDataset(id: $id, reason: "Harvest paging test") { userErrors { message } } }`;

let catalogue: TestCatalogue;
let admin: string;
let created = 0;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
  admin = await catalogue.token('admin');
});
afterAll(() => catalogue?.stop());

const datasetIri = (identifier: string) => `${BASE}/dcat/datasets/${encodeURIComponent(identifier)}`;

async function published(): Promise<Dataset[]> {
  return catalogue.orm.em.fork().find(Dataset, { status: RecordStatus.PUBLISHED }, { orderBy: { identifier: 'asc' } });
}

/** The datasets a page lists, and the page after it. */
async function fetchPage(url: string): Promise<{ listed: string[]; next: string | undefined }> {
  const response = await fetch(catalogue.url + url.slice(BASE.length), { headers: { accept: 'text/turtle' } });
  expect(response.status).toBe(200);
  const quads = new Parser({ baseIRI: url }).parse(await response.text());
  const listed = quads.filter((q) => q.subject.value === `${BASE}/dcat/catalog` && q.predicate.equals(dcat('dataset'))).map((q) => q.object.value);
  const next = quads.find((q) => q.predicate.equals(hydra('next')))?.object.value;
  return { listed, next };
}

async function ok(query: string, variables: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { data, errors } = await catalogue.gql(query, variables, admin);
  expect(errors).toBeUndefined();
  const payload = Object.values(data ?? {})[0] as { userErrors: unknown[] };
  expect(payload.userErrors).toEqual([]);
  return payload;
}

/** One change a data manager might make while a harvest runs, chosen by turn: edit, publish a new one, withdraw. */
async function changeSomething(turn: number, seen: Set<string>): Promise<void> {
  const live = await published();
  // Alternate between datasets the harvester has already passed and ones still ahead of it.
  const pick = (wantSeen: boolean) => live.find((dataset) => seen.has(datasetIri(dataset.identifier)) === wantSeen) ?? live[0]!;
  switch (turn % 3) {
    case 0: {
      const dataset = pick(turn % 2 === 0);
      await ok(UPDATE, { id: dataset.identifier, v: dataset.version, input: { title: `${dataset.title} (edited ${turn})` } });
      break;
    }
    case 1: {
      created += 1;
      const dataset = await ok(CREATE, { input: newDataset(`urn:test:harvest-paging:${created}`) });
      await ok(PUBLISH, { id: dataset.dataset.id });
      break;
    }
    default:
      await ok(WITHDRAW, { id: pick(turn % 2 === 1).identifier });
  }
}

function newDataset(identifier: string) {
  return {
    identifier,
    title: `Dataset published during a harvest (${identifier})`,
    description: 'Registered while a harvester walks the listing.',
    keywords: ['harvest'],
    publisher: STOCKHOLM,
    hdab: 'urn:example:gms-catalogue:dab:se-hdab',
    distributions: [{ title: 'CRAM files', accessUrl: 'https://example.org/apply' }],
    consent: { duoPermission: 'GRU', duoModifiers: [] },
    accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', accessBody: 'urn:example:gms-catalogue:dab:stockholm', steps: [] },
  };
}

describe('harvest paging while data managers edit, publish and withdraw', () => {
  for (const pageSize of [1, 5, 100]) {
    it(`in pages of ${pageSize}, sees every dataset live at the start and at the end exactly once`, async () => {
      const atStart = new Set((await published()).map((dataset) => datasetIri(dataset.identifier)));
      const seen = new Map<string, number>();
      let next: string | undefined = `${BASE}/dcat/catalog?pageSize=${pageSize}`;
      let turn = 0;
      while (next) {
        const page = await fetchPage(next);
        for (const iri of page.listed) seen.set(iri, (seen.get(iri) ?? 0) + 1);
        next = page.next;
        await changeSomething(turn++, new Set(seen.keys()));
        expect(turn).toBeLessThan(200);
      }
      // At least one change of each kind happened during the walk (one per page).
      expect(turn).toBeGreaterThanOrEqual(pageSize === 100 ? 1 : 3);
      const atEnd = new Set((await published()).map((dataset) => datasetIri(dataset.identifier)));
      const repeated = [...seen].filter(([, times]) => times > 1).map(([iri]) => iri);
      expect(repeated).toEqual([]);
      const missed = [...atStart].filter((iri) => atEnd.has(iri) && !seen.has(iri));
      expect(missed).toEqual([]);
      expect([...seen.keys()].every((iri) => atStart.has(iri) || atEnd.has(iri))).toBe(true);
    });
  }
});
