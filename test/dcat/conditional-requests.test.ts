import type { EntityManager } from '@mikro-orm/postgresql';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSettingsFromEnv } from '../../src/config.js';
import { DataAccessBody } from '../../src/access/data-access-body.entity.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { HealthEconomicEvaluation } from '../../src/economics/health-economic-evaluation.entity.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { RecordStatus } from '../../src/records/record.js';
import { Study } from '../../src/studies/study.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/*
 * Harvesters and Linked Data crawlers revalidate with If-Modified-Since alone and trust a 304. For every
 * document the server dates and every edit through GraphQL, a client holding the document from just before
 * the edit (with its Last-Modified) must not be told 304 when the document has changed. Each edit is made
 * straight after the documents are read, as a client's next request may come within the same second.
 */

let catalogue: TestCatalogue;
let admin: string;
beforeAll(async () => {
  // A harvester revalidating a whole catalogue makes far more requests a minute than an interactive client.
  catalogue = await startTestCatalogue({ http: { ...httpSettingsFromEnv(), rateLimitPerMinute: 0 } });
  admin = await catalogue.token('admin');
});
afterAll(() => catalogue?.stop());

const urn = (kind: string, name: string) => `urn:example:gms-catalogue:${kind}:${name}`;

/** Every document the server answers with a date: each served record's, and the catalogue's pages. */
async function documents(): Promise<string[]> {
  const em = catalogue.orm.em.fork();
  const published = { status: RecordStatus.PUBLISHED };
  const paths = ['/fdp', '/dcat/catalog', '/dcat/catalog?pageSize=5', '/dcat/catalog?includeWithdrawn=true'];
  const served: [string, { identifier: string }[]][] = [
    ['organisations', await em.find(Organisation, published)],
    ['access-bodies', await em.find(DataAccessBody, published)],
    ['studies', await em.find(Study, published)],
    ['evaluations', await em.find(HealthEconomicEvaluation, published)],
    ['datasets', await em.find(Dataset, published)],
  ];
  for (const [kind, records] of served) paths.push(...records.map((record) => `/dcat/${kind}/${encodeURIComponent(record.identifier)}`));
  const datasets = await em.find(Dataset, published, { populate: ['distributions'] });
  paths.push(...datasets.flatMap((dataset) => dataset.distributions.getItems().map((distribution) => `/dcat/distributions/${distribution.id}`)));
  return paths;
}

interface Held {
  body: string;
  lastModified: string | null;
}

/** A GET as a harvester sends it (fetch() would add Cache-Control: no-cache to a conditional request). */
function read(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; lastModified: string | null }> {
  return new Promise((resolve, reject) => {
    get(`${catalogue.url}${path}`, { headers: { accept: 'text/turtle', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', reject).on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode!, body, lastModified: response.headers['last-modified'] ?? null });
      });
    }).on('error', reject);
  });
}

async function mutate(mutation: string, variables: Record<string, unknown>): Promise<void> {
  const { data, errors } = await catalogue.gql(mutation, variables, admin);
  expect(errors).toBeUndefined();
  const [payload] = Object.values(data ?? {}) as { userErrors: unknown[] }[];
  expect(payload?.userErrors).toEqual([]);
}

const entities = { Organisation, DataAccessBody, Study, HealthEconomicEvaluation, Dataset };
type Kind = keyof typeof entities;

async function update(type: Kind, identifier: string, input: Record<string, unknown>): Promise<void> {
  const record = await catalogue.orm.em.fork().findOneOrFail(entities[type] as typeof Organisation, { identifier });
  await mutate(
    `mutation($id: ID!, $v: Int!, $input: ${type}Patch!) { update${type}(id: $id, expectedVersion: $v, input: $input) { userErrors { field message } } }`,
    { id: identifier, v: record.version, input },
  );
}

async function transition(action: 'publish' | 'withdraw', type: Kind, identifier: string): Promise<void> {
  const reason = action === 'withdraw' ? ', reason: "no longer offered"' : '';
  await mutate(`mutation($id: ID!) { ${action}${type}(id: $id${reason}) { userErrors { field message } } }`, { id: identifier });
}

const NEW_BODY = urn('dab', 'ngp-access-desk');

/** Edits through GraphQL, in order (some build on earlier ones), each changing some documents. */
const edits: [string, () => Promise<void>][] = [
  // The reviewer's case: region-vgr, without contact details of its own, answered with its body's.
  ['an access body is handed to another organisation', () => update('DataAccessBody', urn('dab', 'vgr'), { operatedBy: urn('org', 'gmc-uppsala') })],
  ['an access body\'s contact point changes', () => update('DataAccessBody', urn('dab', 'stockholm'), { contactEmail: 'desk@stockholm.example.org' })],
  ['an access body is renamed', () => update('DataAccessBody', urn('dab', 'se-hdab'), { name: 'Swedish HDAB (renamed)' })],
  ['an organisation is renamed', () => update('Organisation', urn('org', 'region-skane'), { name: 'Region Skåne (renamed)' })],
  ['an organisation gains a homepage', () => update('Organisation', urn('org', 'ngp'), { homepage: 'https://ngp.example.org/' })],
  ['the catalogue publisher\'s contact point changes', () => update('Organisation', urn('org', 'gms'), { contactEmail: 'catalogue-desk@gms.example.org' })],
  // Without contact details of its own, the catalogue's publisher answers with those of the body it operates.
  ['the catalogue publisher loses its contact details', () => update('Organisation', urn('org', 'gms'), { contactEmail: null, homepage: null })],
  ['the body the catalogue publisher operates changes its contact point', () =>
    update('DataAccessBody', urn('dab', 'gms-national-dac'), { contactEmail: 'dac-desk@gms.example.org' })],
  ['an access body is published for an organisation without contact details', async () => {
    await mutate('mutation($input: DataAccessBodyInput!) { createDataAccessBody(input: $input) { userErrors { field message } } }', {
      input: { identifier: NEW_BODY, name: 'Access desk', kind: 'DAC', operatedBy: urn('org', 'region-orebro'), contactEmail: 'desk@orebro.example.org' },
    });
    await transition('publish', 'DataAccessBody', NEW_BODY);
  }],
  ['that access body is withdrawn', () => transition('withdraw', 'DataAccessBody', NEW_BODY)],
  ['a study is renamed', () => update('Study', urn('study', 'rd-national-wgs'), { title: 'National rare disease WGS (renamed)' })],
  ['an evaluation is renamed', () => update('HealthEconomicEvaluation', urn('he', 'aml-bc2016'), { title: 'AML budget impact (renamed)' })],
  ['a dataset\'s data holders change', () =>
    update('Dataset', urn('dataset', 'rd-trio-skane'), { dataHolders: [urn('org', 'gmc-skane'), urn('org', 'univ-skane')] })],
  ['a dataset is renamed', () => update('Dataset', urn('dataset', 'rd-trio-skane'), { title: 'Rare disease trios, Skåne (renamed)' })],
  ['a dataset is withdrawn', () => transition('withdraw', 'Dataset', urn('dataset', 'al-wgs-wts'))],
  ['a draft dataset is given a distribution and published', async () => {
    const draft = urn('dataset', 'complex-cad-uppsala');
    await update('Dataset', draft, { distributions: [{ title: 'Access request', accessUrl: 'https://uppsala.example.org/genomic-data-access' }] });
    await transition('publish', 'Dataset', draft);
  }],
  ['an evaluation is withdrawn', () => transition('withdraw', 'HealthEconomicEvaluation', urn('he', 'dong2022'))],
];

describe('If-Modified-Since never gets a 304 for a document that changed', () => {
  it.each(edits)('when %s', async (_edit, edit) => {
    const paths = await documents();
    const held = new Map<string, Held>();
    for (const path of paths) {
      const { status, body, lastModified } = await read(path);
      if (status === 200) held.set(path, { body, lastModified });
    }
    await edit();
    const stale: string[] = [];
    let changed = 0;
    for (const [path, before] of held) {
      const revalidated = await read(path, before.lastModified ? { 'if-modified-since': before.lastModified } : {});
      const now = revalidated.status === 304 ? await read(path) : revalidated;
      if (now.body === before.body) continue;
      changed++;
      if (revalidated.status === 304) stale.push(path);
    }
    expect(changed, 'the edit shows in some document').toBeGreaterThan(0);
    expect(stale, 'documents that changed but answered 304').toEqual([]);
  });

  it('when a record changes again within the second the client read it in', async () => {
    const path = `/dcat/organisations/${encodeURIComponent(urn('org', 'region-uppsala'))}`;
    // At the start of a second, so that both changes and the read between them fall in it.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    await update('Organisation', urn('org', 'region-uppsala'), { name: 'Region Uppsala (renamed)' });
    const before = await read(path);
    await update('Organisation', urn('org', 'region-uppsala'), { name: 'Region Uppsala (renamed again)' });
    const revalidated = await read(path, before.lastModified ? { 'if-modified-since': before.lastModified } : {});
    expect(revalidated.status).toBe(200);
    expect(revalidated.body).toContain('renamed again');
  });

  it('when a transaction that began before the client read commits after it, with an older date than the listing\'s', async () => {
    const tx = catalogue.orm.em.fork() as EntityManager;
    await tx.begin();
    await tx.execute('select now()');
    await tx.execute("update dataset set title = 'Long import (renamed)', modified = now() where identifier = ?", [urn('dataset', 'rd-wgs-gmck')]);
    // A change committed meanwhile dates the listing after the open transaction's stamp, in a second gone by.
    await update('Dataset', urn('dataset', 'myeloid-panel-skane'), { title: 'Myeloid panel, Skåne (renamed)' });
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    const before = await read('/dcat/catalog');
    await tx.commit();

    const revalidated = await read('/dcat/catalog', before.lastModified ? { 'if-modified-since': before.lastModified } : {});
    const now = revalidated.status === 304 ? await read('/dcat/catalog') : revalidated;
    expect(now.body).toContain('Long import (renamed)');
    expect(revalidated.status, 'the listing changed but answered 304').toBe(200);
  });
});
