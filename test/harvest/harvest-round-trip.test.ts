import type * as RDF from '@rdfjs/types';
import { DataFactory, Store } from 'n3';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataAccessBody } from '../../src/access/data-access-body.entity.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { exportCatalogue } from '../../src/dcat/export.js';
import { dcat, prov, rdfs } from '../../src/dcat/namespaces.js';
import { isomorphic, parse } from '../../src/dcat/rdf/parse.js';
import { catalogueJsonSource } from '../../src/harvest/catalogue-json.js';
import { harvest, type HarvestTarget } from '../../src/harvest/harvest.js';
import { HarvestSource, HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { importCatalogue } from '../../src/harvest/import.js';
import { RecordStatus } from '../../src/records/record.js';
import { systemActor } from '../../src/records/viewer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { distinct } from '../support/rdf.js';

const { namedNode, literal, blankNode, quad } = DataFactory;
const example = JSON.parse(readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));
const GMS = 'urn:example:gms-catalogue:org:gms';
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const RD_WGS = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
const TRIO = 'urn:example:gms-catalogue:dataset:rd-trio-skane';
const NEW = 'urn:example:gms-catalogue:dataset:epilepsy-wgs-stockholm';
const MYELOID = 'urn:example:gms-catalogue:dataset:myeloid-panel-skane';
const OPEN = 'urn:example:gms-catalogue:dataset:sarscov2-consensus-stockholm';
const CONTROLLED = 'urn:example:gms-catalogue:dataset:hereditary-cancer-wgs-stockholm';
const BODY_PAGE = 'urn:example:gms-catalogue:dataset:retinal-dystrophy-panel-stockholm';
const STOCKHOLM_DAC = 'urn:example:gms-catalogue:dab:stockholm';
const CC_NATIONAL = 'urn:example:gms-catalogue:dataset:cc-wgs-national'; // held by regions without contact details of their own
// The test sources listen on 127.0.0.1: harvesting them takes the allowance an operator gives with HARVEST_ALLOW_PRIVATE_NETWORKS.
const OPTIONS = { timeoutMs: 10_000, maxDocuments: 1000, allowPrivateNetworks: true };

let regional: TestCatalogue; // gdcat A
let national: TestCatalogue; // gdcat B
let admin: string;
let target: HarvestTarget;

/** A national node that starts empty but for its own catalogue record and its publisher, the national platform. */
async function startNationalNode(): Promise<TestCatalogue> {
  const node = await startTestCatalogue({ seed: false, ownBaseUrl: true });
  const own = { catalogue: example.catalogue, organisations: example.organisations.filter((o: { id: string }) => o.id === GMS) };
  const set = await importCatalogue(node.orm.em.fork(), systemActor('setup'), catalogueJsonSource(own, 'national.json'), { publish: true });
  expect(set.committed).toBe(true);
  return node;
}

beforeAll(async () => {
  [regional, national] = await Promise.all([startTestCatalogue({ ownBaseUrl: true }), startNationalNode()]);
  admin = await regional.token('admin');
  const em = national.orm.em.fork();
  const source = em.create(HarvestSource, {
    identifier: 'regional-a',
    title: 'Regional node A',
    url: `${regional.url}/dcat/catalog?pageSize=4`,
    kind: HarvestSourceKind.DCAT_AP,
    organisation: await em.findOneOrFail(Organisation, { identifier: GMS }),
    schedule: 'PT1H',
  });
  await em.flush();
  target = { source, url: source.url, kind: source.kind, organisation: GMS };
  // A few edits at A before the first harvest.
  await edit(RD_WGS, { title: 'Rare-disease clinical WGS cohort, GMC Karolinska (2015–2021)' });
}, 60_000);
afterAll(async () => {
  await regional?.stop();
  await national?.stop();
});

async function edit(identifier: string, input: Record<string, unknown>) {
  const { data } = await regional.gql<{ dataset: { version: number } }>(`query($id: ID!) { dataset(id: $id) { version } }`, { id: identifier }, admin);
  const result = await regional.gql(
    `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $input) { userErrors { field message } } }`,
    { id: identifier, v: data!.dataset.version, input },
    admin,
  );
  expect(result.data?.updateDataset.userErrors).toEqual([]);
}

/** Registers and publishes a dataset at A. */
async function publishAtA(input: Record<string, unknown>) {
  const created = await regional.gql(
    `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { field message } } }`,
    { input },
    admin,
  );
  expect(created.data?.createDataset.userErrors).toEqual([]);
  const published = await regional.gql(`mutation($id: ID!) { publishDataset(id: $id) { userErrors { field message } } }`, { id: input.identifier }, admin);
  expect(published.data?.publishDataset.userErrors).toEqual([]);
}

async function exported(catalogue: TestCatalogue): Promise<RDF.Quad[]> {
  const chunks: string[] = [];
  const sink = new Writable({ decodeStrings: false, write: (chunk: string, _encoding, done) => (chunks.push(chunk), done()) });
  await exportCatalogue(catalogue.orm, sink, { baseUrl: catalogue.url, smallCountThreshold: 5, format: 'text/turtle' });
  return parse(chunks.join(''), 'text/turtle');
}

/**
 * The datasets' part of an export, comparable across catalogues: IRIs under the catalogue's base made
 * relative; distributions and access route steps (whose IRIs carry ids each catalogue mints) as blank nodes; the catalogue record and its
 * listing left out (each node describes itself); and the provenance B adds (prov:wasDerivedFrom, the
 * "Harvested from ..." sentence) taken out.
 */
function datasetsPart(quads: RDF.Quad[], base: string): RDF.Quad[] {
  const distribution = new RegExp(`^${base}/dcat/distributions/([0-9a-f-]{36})`);
  const step = /#access-route-step-[0-9a-f-]{36}$/;
  const term = <T extends RDF.Term>(t: T): RDF.Term => {
    if (t.termType === 'NamedNode') {
      const id = distribution.exec(t.value);
      if (id) return blankNode(`d${id[1]}${t.value.slice(id[0].length).replace(/\W/g, '_')}`);
      if (step.test(t.value)) return blankNode(t.value.replace(/\W/g, '_'));
      return t.value.startsWith(base) ? namedNode(`relative:${t.value.slice(base.length)}`) : t;
    }
    if (t.termType === 'Literal') {
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t.value)) return literal('distribution id');
      if (t.value.startsWith(base)) return literal(`relative:${distribution.test(t.value) ? 'distribution' : t.value.slice(base.length)}`, t.datatype);
    }
    return t;
  };
  const catalog = `${base}/dcat/catalog`;
  return quads
    .filter((q) => !q.subject.value.startsWith(catalog) && !q.predicate.equals(prov('wasDerivedFrom')))
    .map((q) => {
      const object =
        q.predicate.equals(rdfs('label')) && q.subject.value.endsWith('#provenance')
          ? literal(q.object.value.replace(/^(Harvested from \S+ on [\d-]+|Imported into the catalogue|Registered in the catalogue[^.]*)\.\s*/, ''))
          : term(q.object);
      return quad(term(q.subject) as RDF.Quad_Subject, q.predicate, object as RDF.Quad_Object);
    });
}

/** B's export of the datasets is A's, modulo base IRIs and the provenance B adds (statements listed when not). */
async function expectBDescribesAsA(): Promise<void> {
  const a = distinct(datasetsPart(await exported(regional), regional.url));
  const b = distinct(datasetsPart(await exported(national), national.url));
  const only = (x: RDF.Quad[], y: RDF.Quad[]) => {
    const ys = new Store(y);
    return x.filter((q) => q.subject.termType !== 'BlankNode' && q.object.termType !== 'BlankNode' && !ys.has(q)).map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`);
  };
  expect({ onlyAtA: only(a, b), onlyAtB: only(b, a) }).toEqual({ onlyAtA: [], onlyAtB: [] });
  expect(isomorphic(a, b)).toBe(true);
}

describe('a national gdcat harvests a regional gdcat over HTTP', () => {
  it('brings every published dataset over, so that B describes them as A does (but for the provenance B adds)', async () => {
    const run = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(run.outcome, JSON.stringify(run.errors, null, 1)).not.toBe('FAILED');
    expect(run.created).toBeGreaterThan(15);
    // What A let its data managers publish, B's publishing rules find nothing missing in.
    expect(run.warnings).toEqual([]);
    // A publishes counts of people as its anonymous callers see them, and B keeps what it was given.
    const { cohort } = await national.orm.em.fork().findOneOrFail(Dataset, { identifier: RD_WGS });
    expect(cohort).toMatchObject({ numberOfUniqueIndividuals: 4440, numberOfRecords: 4440, numberOfSamples: 4440 });
    await expectBDescribesAsA();
  }, 60_000);

  it('changes nothing at B when nothing changed at A, asking A only for what changed', async () => {
    const run = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(run).toMatchObject({ mode: 'INCREMENTAL', outcome: 'SUCCEEDED', created: 0, updated: 0, withdrawn: 0, failed: 0 });
  }, 60_000);

  it('brings an edit, a new dataset and a withdrawal at A to B in the next incremental run', async () => {
    await edit(RD_WGS, { title: 'Rare-disease clinical WGS cohort, GMC Karolinska (2015–2022)' });
    await publishAtA({
      identifier: NEW,
      title: 'Stockholm paediatric epilepsy WGS',
      description: 'Trio WGS of children with early-onset epilepsy.',
      publisher: STOCKHOLM,
      keywords: ['epilepsy'],
      diagnosticArea: 'RARE_DISEASES',
      hdab: 'urn:example:gms-catalogue:dab:se-hdab',
      distributions: [{ title: 'VCF in the regional SPE', formats: [{ label: 'VCF', edam: 'http://edamontology.org/format_3016' }], accessMode: 'SECURE_PROCESSING_ENVIRONMENT' }],
      consent: { duoPermission: 'DUO:0000006', duoModifiers: [{ code: 'DUO:0000021' }] },
      accessRoute: {
        accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
        accessBody: 'urn:example:gms-catalogue:dab:stockholm',
        contactEmail: 'epilepsy-wgs@stockholm.example.org',
        steps: [{ order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' }],
      },
    });
    const withdrawn = await regional.gql(`mutation($id: ID!) { withdrawDataset(id: $id, reason: "superseded by the national trio cohort") { userErrors { field message } } }`, { id: TRIO }, admin);
    expect(withdrawn.data?.withdrawDataset.userErrors).toEqual([]);

    const run = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(run).toMatchObject({ mode: 'INCREMENTAL', outcome: 'SUCCEEDED', created: 1, updated: 1, withdrawn: 1, failed: 0 });
    const em = national.orm.em.fork();
    expect(await em.findOneOrFail(Dataset, { identifier: RD_WGS })).toMatchObject({ title: 'Rare-disease clinical WGS cohort, GMC Karolinska (2015–2022)' });
    expect(await em.findOneOrFail(Dataset, { identifier: NEW })).toMatchObject({ status: RecordStatus.PUBLISHED, provenanceSource: 'HARVESTED' });
    expect(await em.findOneOrFail(Dataset, { identifier: TRIO })).toMatchObject({ status: RecordStatus.WITHDRAWN, withdrawalReason: 'superseded by the national trio cohort' });

    await expectBDescribesAsA();

    const again = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(again).toMatchObject({ created: 0, updated: 0, withdrawn: 0, failed: 0 });
  }, 60_000);

  it('keeps the language a dataset is written in at A (Swedish, with an English translation)', async () => {
    await edit(MYELOID, {
      language: 'sv',
      titleTranslations: [{ language: 'en', value: 'Myeloid panel, Skåne' }, { language: 'sv', value: 'Myeloisk panel, Skåne' }],
      descriptionTranslations: [{ language: 'en', value: 'Targeted myeloid panel.' }, { language: 'sv', value: 'Riktad myeloisk panel.' }],
    });
    const run = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', updated: 1, failed: 0 });
    expect(await national.orm.em.fork().findOneOrFail(Dataset, { identifier: MYELOID })).toMatchObject({ language: 'sv', title: 'Myeloisk panel, Skåne' });
    await expectBDescribesAsA();
  }, 60_000);

  it('keeps an open file that has only a download URL without an access URL: A states the download URL as both, B reads it back as A holds it', async () => {
    await publishAtA({
      identifier: OPEN,
      title: 'Stockholm SARS-CoV-2 consensus genomes',
      description: 'Consensus genomes from surveillance sequencing, free to download.',
      accessRights: 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
      publisher: STOCKHOLM,
      keywords: ['SARS-CoV-2'],
      consent: { duoPermission: 'NRES' },
      // The route's application page is for the controlled data beside it, not a way to this file.
      accessRoute: { accessMode: 'OPEN', applicationUrl: 'https://stockholm.example.org/apply', steps: [] },
      distributions: [
        { title: 'Consensus genomes', downloadUrl: 'https://stockholm.example.org/open/consensus.fasta.gz', formats: [{ label: 'FASTA' }] },
        { title: 'Browse', accessUrl: 'https://stockholm.example.org/open/', downloadUrl: 'https://stockholm.example.org/open/all.tar' },
      ],
    });

    const document = await (await fetch(`${regional.url}/dcat/datasets/${encodeURIComponent(OPEN)}`, { headers: { accept: 'text/turtle' } })).text();
    const quads = await parse(document, 'text/turtle');
    const urls = quads.filter((q) => q.predicate.equals(dcat('accessURL')) || q.predicate.equals(dcat('downloadURL'))).map((q) => `${q.predicate.value.split('#')[1]} ${q.object.value}`);
    expect(urls.sort()).toEqual([
      'accessURL https://stockholm.example.org/open/',
      'accessURL https://stockholm.example.org/open/consensus.fasta.gz',
      'downloadURL https://stockholm.example.org/open/all.tar',
      'downloadURL https://stockholm.example.org/open/consensus.fasta.gz',
    ]);

    const run = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 1, failed: 0 });
    expect(run.warnings).toEqual([]);
    // RDF gives distributions no order: compared by title.
    const distributionsAt = async (catalogue: TestCatalogue) => {
      const { data } = await catalogue.gql<{ dataset: { distributions: { title: string }[] } }>(
        `query($id: ID!) { dataset(id: $id) { distributions { title accessUrl downloadUrl } } }`,
        { id: OPEN },
      );
      return data!.dataset.distributions.sort((a, b) => a.title.localeCompare(b.title));
    };
    expect(await distributionsAt(regional)).toEqual([
      { title: 'Browse', accessUrl: 'https://stockholm.example.org/open/', downloadUrl: 'https://stockholm.example.org/open/all.tar' },
      { title: 'Consensus genomes', accessUrl: null, downloadUrl: 'https://stockholm.example.org/open/consensus.fasta.gz' },
    ]);
    expect(await distributionsAt(national)).toEqual(await distributionsAt(regional));
    await expectBDescribesAsA();
  }, 60_000);

  it('keeps a controlled file without an access URL of its own without one: A states the route\'s application page (or its body\'s), B reads it back as A holds it', async () => {
    const controlled = (identifier: string, title: string, applicationUrl: string | null) => ({
      identifier,
      title,
      description: `${title}, held in the regional secure processing environment.`,
      publisher: STOCKHOLM,
      keywords: ['germline'],
      hdab: 'urn:example:gms-catalogue:dab:se-hdab',
      consent: { duoPermission: 'DUO:0000006' },
      accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', accessBody: STOCKHOLM_DAC, applicationUrl, contactEmail: 'data-access@stockholm.example.org', steps: [] },
      distributions: [
        { title: 'Variant calls', formats: [{ label: 'VCF', edam: 'http://edamontology.org/format_3016' }], accessMode: 'SECURE_PROCESSING_ENVIRONMENT' },
        { title: 'Request form', accessUrl: 'https://stockholm.example.org/request/variant-calls', accessMode: 'SECURE_PROCESSING_ENVIRONMENT' },
      ],
    });
    await publishAtA(controlled(CONTROLLED, 'Hereditary cancer WGS, Stockholm', 'https://stockholm.example.org/apply/hereditary-cancer'));
    // Without a page of its route's own, the route's access body's page is the way to request access.
    await publishAtA(controlled(BODY_PAGE, 'Retinal dystrophy panel, Stockholm', null));

    const accessUrls = async (identifier: string) => {
      const document = await (await fetch(`${regional.url}/dcat/datasets/${encodeURIComponent(identifier)}`, { headers: { accept: 'text/turtle' } })).text();
      return (await parse(document, 'text/turtle')).filter((q) => q.predicate.equals(dcat('accessURL'))).map((q) => q.object.value).sort();
    };
    expect(await accessUrls(CONTROLLED)).toEqual(['https://stockholm.example.org/apply/hereditary-cancer', 'https://stockholm.example.org/request/variant-calls']);
    expect(await accessUrls(BODY_PAGE)).toEqual(['https://stockholm.example.org/genomic-data-access', 'https://stockholm.example.org/request/variant-calls']);

    const run = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', created: 2, failed: 0 });
    expect(run.warnings).toEqual([]);
    const distributionsAt = async (catalogue: TestCatalogue, identifier: string) => {
      const { data } = await catalogue.gql<{ dataset: { distributions: { title: string }[]; accessRoute: unknown } }>(
        `query($id: ID!) { dataset(id: $id) { accessRoute { applicationUrl } distributions { title accessUrl } } }`,
        { id: identifier },
      );
      return { ...data!.dataset, distributions: data!.dataset.distributions.sort((a, b) => a.title.localeCompare(b.title)) };
    };
    for (const [identifier, applicationUrl] of [[CONTROLLED, 'https://stockholm.example.org/apply/hereditary-cancer'], [BODY_PAGE, null]] as const) {
      expect(await distributionsAt(regional, identifier)).toEqual({
        accessRoute: { applicationUrl },
        distributions: [{ title: 'Request form', accessUrl: 'https://stockholm.example.org/request/variant-calls' }, { title: 'Variant calls', accessUrl: null }],
      });
      expect(await distributionsAt(national, identifier), identifier).toEqual(await distributionsAt(regional, identifier));
    }
    await expectBDescribesAsA();
  }, 60_000);

  it('keeps the language an organisation and an access body are written in at A (Swedish, with an English translation)', async () => {
    const swedishFirst = async (entity: typeof Organisation | typeof DataAccessBody, identifier: string, sv: string, en: string) => {
      const { version } = await regional.orm.em.fork().findOneOrFail(entity as typeof Organisation, { identifier });
      const kind = entity.name;
      const result = await regional.gql(
        `mutation($id: ID!, $v: Int!, $input: ${kind}Patch!) { update${kind}(id: $id, expectedVersion: $v, input: $input) { userErrors { field message } } }`,
        { id: identifier, v: version, input: { language: 'sv', nameTranslations: [{ language: 'sv', value: sv }, { language: 'en', value: en }] } },
        admin,
      );
      expect(result.data?.[`update${kind}`].userErrors).toEqual([]);
    };
    await swedishFirst(Organisation, STOCKHOLM, 'Region Stockholm', 'Stockholm Region');
    await swedishFirst(DataAccessBody, STOCKHOLM_DAC, 'Region Stockholm – utlämnandefunktion för genomiska data', 'Region Stockholm – genomic data disclosure function');

    const run = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', failed: 0 });
    const em = national.orm.em.fork();
    expect(await em.findOneOrFail(Organisation, { identifier: STOCKHOLM })).toMatchObject({
      language: 'sv',
      name: 'Region Stockholm',
      translations: { en: { name: 'Stockholm Region' } },
    });
    expect(await em.findOneOrFail(DataAccessBody, { identifier: STOCKHOLM_DAC })).toMatchObject({
      language: 'sv',
      name: 'Region Stockholm – utlämnandefunktion för genomiska data',
      translations: { en: { name: 'Region Stockholm – genomic data disclosure function' } },
    });
    await expectBDescribesAsA();
  }, 60_000);

  it('harvests a listing that names organisations answering through access bodies it does not describe', async () => {
    const node = await startNationalNode();
    try {
      // The national dataset's holders are regions whose contact points are their disclosure functions'.
      const url = `${regional.url}/dcat/datasets/${encodeURIComponent(CC_NATIONAL)}`;
      const run = await harvest(node.orm.em.fork(), { source: null, url, kind: HarvestSourceKind.DCAT_AP, organisation: GMS }, OPTIONS);
      expect(run.errors).toEqual([]);
      expect(run).toMatchObject({ outcome: 'SUCCEEDED', failed: 0 });
      // A contact point is not a description of its body: no body is made of one.
      expect(await node.orm.em.fork().findOne(DataAccessBody, { identifier: 'urn:example:gms-catalogue:dab:skane' })).toBeNull();
    } finally {
      await node.stop();
    }
  }, 60_000);

  it('finds the same datasets through A\'s FAIR Data Point, following ldp:contains', async () => {
    const fdpNode = await startNationalNode();
    try {
      const run = await harvest(fdpNode.orm.em.fork(), { source: null, url: `${regional.url}/fdp`, kind: HarvestSourceKind.FDP, organisation: GMS }, OPTIONS);
      expect(run).toMatchObject({ outcome: 'SUCCEEDED', mode: 'FULL', failed: 0 });
      const served = async (catalogue: TestCatalogue, status: RecordStatus) =>
        (await catalogue.orm.em.fork().find(Dataset, { status }, { fields: ['identifier'], orderBy: { identifier: 'asc' } })).map((d) => d.identifier);
      // One document per dataset, withdrawn ones (their tombstones) included, besides the repository and the
      // catalogue read twice (as any FAIR Data Point client reads it, and with the withdrawn datasets it advertises).
      expect(run.documents).toBe((await served(regional, RecordStatus.PUBLISHED)).length + (await served(regional, RecordStatus.WITHDRAWN)).length + 3);
      expect(await served(fdpNode, RecordStatus.PUBLISHED)).toEqual(await served(regional, RecordStatus.PUBLISHED));

      // A dataset the region withdraws is withdrawn here for the region's reason.
      const withdrawn = await regional.gql(`mutation($id: ID!) { withdrawDataset(id: $id, reason: "Consent revoked by participants") { userErrors { field message } } }`, { id: MYELOID }, admin);
      expect(withdrawn.data?.withdrawDataset.userErrors).toEqual([]);
      const again = await harvest(fdpNode.orm.em.fork(), { source: null, url: `${regional.url}/fdp`, kind: HarvestSourceKind.FDP, organisation: GMS }, OPTIONS);
      expect(again).toMatchObject({ outcome: 'SUCCEEDED', withdrawn: 1, failed: 0 });
      expect(await fdpNode.orm.em.fork().findOneOrFail(Dataset, { identifier: MYELOID })).toMatchObject({ status: RecordStatus.WITHDRAWN, withdrawalReason: 'Consent revoked by participants' });
    } finally {
      await fdpNode.stop();
    }
  }, 60_000);
});
