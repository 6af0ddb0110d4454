import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harvest, type HarvestTarget } from '../../src/harvest/harvest.js';
import { HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const GMS = 'urn:example:gms-catalogue:org:gms';
// The test sources listen on 127.0.0.1: harvesting them takes the allowance an operator gives with HARVEST_ALLOW_PRIVATE_NETWORKS.
const OPTIONS = { timeoutMs: 5_000, maxDocuments: 100, allowPrivateNetworks: true };
const COUNTRY = 'http://publications.europa.eu/resource/authority/country/';
const THEME = 'http://publications.europa.eu/resource/authority/data-theme/';
const ROLE = 'https://standards.iso.org/iso/19115/resources/Codelists/gml/CI_RoleCode.xml#';
const DATASET = 'urn:test:history:dataset';
const DUO = 'http://purl.obolibrary.org/obo/';

/** What the source states about its one dataset; every list but the distributions' is a set in RDF. */
interface Statement {
  title: string;
  spatial: string[];
  themes: string[];
  keywords: string[];
  otherIdentifiers: string[];
  holders: string[];
  contributors: string[];
  publications: string[];
  distributions: string[];
  /** The consent scope: its DUO permission and modifiers (OBO ids). */
  permission: string;
  modifiers: string[];
  /** The access route's steps: order and requirement. */
  steps: [number, string][];
}

const FIRST: Statement = {
  title: 'Regional rare-disease WGS',
  spatial: ['SWE', 'NOR', 'FIN'],
  themes: ['HEAL', 'TECH', 'SOCI'],
  keywords: ['genome', 'rare disease', 'trio'],
  otherIdentifiers: ['EGAS00001000001', 'EGAS00001000002'],
  holders: ['north', 'south'],
  contributors: ['lab-a', 'lab-b'],
  publications: ['https://doi.org/10.1000/one', 'https://doi.org/10.1000/two'],
  distributions: ['VCF', 'CRAM'],
  permission: 'DUO_0000006',
  modifiers: ['DUO_0000021', 'DUO_0000020'],
  steps: [
    [1, 'ETHICS_APPROVAL'],
    [2, 'DAC_REVIEW'],
  ],
};

const agent = (name: string) => `<https://history.example/agent/${name}> a foaf:Agent ; foaf:name "Agent ${name}"@en .`;

function turtle(s: Statement): string {
  const attributions = [...s.holders.map((h) => [h, 'custodian']), ...s.contributors.map((c) => [c, 'contributor'])].map(
    ([name, role]) => `prov:qualifiedAttribution [ prov:agent <https://history.example/agent/${name}> ; dcat:hadRole <${ROLE}${role}> ] ;`,
  );
  return `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
    @prefix prov: <http://www.w3.org/ns/prov#> . @prefix adms: <http://www.w3.org/ns/adms#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix ext: <https://w3id.org/gdcat/ext#> .
    <https://history.example/dataset/1> a dcat:Dataset ; dct:identifier "${DATASET}" ; dct:title "${s.title}"@en ;
      dct:description "Trio WGS from the region."@en ; dct:publisher <https://history.example/agent/region> ;
      dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
      ${s.spatial.map((country) => `dct:spatial <${COUNTRY}${country}> ;`).join(' ')}
      ${s.themes.map((theme) => `dcat:theme <${THEME}${theme}> ;`).join(' ')}
      ${s.keywords.map((keyword) => `dcat:keyword "${keyword}"@en ;`).join(' ')}
      ${s.otherIdentifiers.map((id) => `adms:identifier [ skos:notation "${id}" ] ;`).join(' ')}
      ${attributions.join(' ')}
      ${s.publications.map((publication) => `dct:isReferencedBy <${publication}> ;`).join(' ')}
      ${s.distributions.map((title) => `dcat:distribution [ a dcat:Distribution ; dct:title "${title}" ; dcat:accessURL <https://history.example/files/${title}> ] ;`).join(' ')}
      ext:consentScope [ ext:duoPermission <${DUO}${s.permission}> ${s.modifiers.map((modifier) => `; ext:duoModifier <${DUO}${modifier}>`).join(' ')} ] ;
      ext:accessRoute [ ext:accessMode "SECURE_PROCESSING_ENVIRONMENT"
        ${s.steps.map(([order, requirement]) => `; ext:step [ ext:order ${order} ; ext:requirement "${requirement}" ]`).join(' ')} ] ;
      dct:issued "2024-01-10T00:00:00Z" .
    ${agent('region')}
    ${[...s.holders, ...s.contributors].map(agent).join('\n')}`;
}

let statement = FIRST;
let server: Server;
let catalogue: TestCatalogue;
let target: HarvestTarget;
let admin: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/turtle' }).end(turtle(statement)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  target = { source: null, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/catalog`, kind: HarvestSourceKind.DCAT_AP, organisation: GMS };
  catalogue = await startTestCatalogue();
  admin = await catalogue.token('admin');
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await catalogue?.stop();
});

interface Change {
  actor: string;
  action: string;
  changes: { field: string; before: string | null; after: string | null }[];
}

/** The dataset as this catalogue holds it, with its history and the indexing events queued for it. */
async function state(): Promise<{ version: number; history: Change[]; outboxEvents: number }> {
  const { data, errors } = await catalogue.gql<{ dataset: { version: number; history: Change[] } }>(
    `{ dataset(id: "${DATASET}") { version history { actor action changes { field before after } } } }`,
    {},
    admin,
  );
  expect(errors).toBeUndefined();
  const [{ n }] = await catalogue.orm.em
    .getConnection()
    .execute<{ n: string }[]>(`select count(*) as n from outbox_event e join dataset d on d.id = e.aggregate_id where d.identifier = ?`, [DATASET]);
  return { ...data!.dataset, outboxEvents: Number(n) };
}

/** Harvests the source as it states `next`: the run's counts, and the dataset's state before and after. */
async function harvestStating(next: Statement) {
  const before = await state();
  statement = next;
  const run = await harvest(catalogue.orm.em.fork(), target, OPTIONS);
  expect(run.errors).toEqual([]);
  return { run, before, after: await state() };
}

const reversed = (s: Statement): Statement => ({
  ...s,
  spatial: [...s.spatial].reverse(),
  themes: [...s.themes].reverse(),
  keywords: [...s.keywords].reverse(),
  otherIdentifiers: [...s.otherIdentifiers].reverse(),
  holders: [...s.holders].reverse(),
  contributors: [...s.contributors].reverse(),
  publications: [...s.publications].reverse(),
  distributions: [...s.distributions].reverse(),
  modifiers: [...s.modifiers].reverse(),
  steps: [...s.steps].reverse(),
});

describe('the history of a harvested dataset lists what changed at its source, and only that', () => {
  it('creates the dataset on the first run', async () => {
    const run = await harvest(catalogue.orm.em.fork(), target, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', failed: 0 });
    expect(run.errors).toEqual([]);
    const { history } = await state();
    expect(history.map((h) => [h.actor, h.action])).toEqual([['system:harvest', 'createDataset']]);
  });

  it('a source that changed one field gives an update whose history entry lists exactly that field', async () => {
    const { run, before, after } = await harvestStating({ ...statement, title: 'Regional rare-disease WGS, 2015-2024' });
    expect(run).toMatchObject({ created: 0, updated: 1 });
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.history).toHaveLength(before.history.length + 1);
    expect(after.history.at(-1)).toEqual({
      actor: 'system:harvest',
      action: 'updateDataset',
      changes: [{ field: 'title', before: '"Regional rare-disease WGS"', after: '"Regional rare-disease WGS, 2015-2024"' }],
    });
  });

  it('a source that only lists its spatial coverage, themes, keywords, identifiers, agents, publications, distributions, DUO modifiers and access route steps in another order changes nothing', async () => {
    const { run, before, after } = await harvestStating(reversed(statement));
    expect(run).toMatchObject({ created: 0, updated: 0, failed: 0 });
    expect(run.unchanged).toBeGreaterThan(0);
    expect(after).toEqual(before);
  });

  it('a real change in a set is an update listing that set alone', async () => {
    const spatial = await harvestStating({ ...statement, spatial: ['FIN', 'DNK', 'SWE'] });
    expect(spatial.run).toMatchObject({ created: 0, updated: 1 });
    expect(spatial.after.outboxEvents).toBeGreaterThan(spatial.before.outboxEvents);
    const coverage = spatial.after.history.at(-1)!;
    expect(coverage.changes.map((c) => c.field)).toEqual(['sourceDescription']);
    expect(JSON.parse(coverage.changes[0].after!).spatial.sort()).toEqual([`${COUNTRY}DNK`, `${COUNTRY}FIN`, `${COUNTRY}SWE`]);

    const lists = await harvestStating({ ...statement, keywords: [...statement.keywords, 'exome'], holders: ['south'] });
    expect(lists.run).toMatchObject({ created: 0, updated: 1 });
    expect(lists.after.history.at(-1)!.changes.map((c) => c.field).sort()).toEqual(['dataHolders', 'keywords']);
  });

  it('a change of consent or access route at the source lists the fields of those parts that changed', async () => {
    const consent = await harvestStating({ ...statement, permission: 'DUO_0000042', modifiers: [...statement.modifiers, 'DUO_0000019'] });
    expect(consent.run).toMatchObject({ created: 0, updated: 1 });
    const [modifiers, permission] = consent.after.history.at(-1)!.changes;
    expect(consent.after.history.at(-1)!.changes).toHaveLength(2);
    expect(permission).toEqual({ field: 'consentScope.duoPermission', before: '"DUO:0000006"', after: '"DUO:0000042"' });
    expect(modifiers.field).toBe('consentScope.duoModifiers');
    expect(JSON.parse(modifiers.after!).map((m: { code: string }) => m.code).sort()).toEqual(['DUO:0000019', 'DUO:0000020', 'DUO:0000021']);

    const steps = await harvestStating({ ...statement, steps: [...statement.steps, [3, 'DATA_TRANSFER_AGREEMENT']] });
    expect(steps.run).toMatchObject({ created: 0, updated: 1 });
    expect(steps.after.history.at(-1)!.changes.map((c) => c.field)).toEqual(['accessRoute.steps']);
  });

  it('a source that reorders its themes keeps the theme the record shows', async () => {
    const { run, before, after } = await harvestStating({ ...statement, themes: ['TECH', 'SOCI', 'HEAL'] });
    expect(run).toMatchObject({ updated: 0 });
    expect(after).toEqual(before);
    const { data } = await catalogue.gql(`{ dataset(id: "${DATASET}") { theme } }`);
    expect(data?.dataset.theme).toBe(`${THEME}HEAL`);
  });
});
