import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId, toGlobalId } from '../../src/core/global-id.js';
import { exportCatalogue } from '../../src/dcat/export.js';
import { Publication } from '../../src/publications/publication.entity.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { publish as publishRecord } from '../../src/records/lifecycle.js';
import { ProvenanceSource, RecordStatus } from '../../src/records/record.js';
import { enqueueDatasetIndexing } from '../../src/search/outbox.js';
import { buildSearchDocuments } from '../../src/search/document.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

/**
 * One visibility policy on every read path (README, "Security model"). A draft of every record kind is
 * named by published records (a dataset, a study, an evaluation, an access body, an organisation); no read
 * by an anonymous caller or by a data manager of another region, through any GraphQL entry point, facet,
 * filter, RDF endpoint and format (FAIR Data Point included), the export or the search text, reveals a
 * draft's name, e-mail, identifier or id. Publishing a draft then makes it visible, search text included.
 */
const B = 'urn:example:gms-catalogue:org:region-stockholm';
const A = 'urn:example:gms-catalogue:org:region-uppsala';
const BASE = 'http://gdcat.test';
const STUDY_TYPE = 'RESEARCH';
const FORMATS = ['text/turtle', 'application/ld+json', 'application/rdf+xml', 'application/n-triples'];

interface Created {
  id: string;
  identifier: string;
}

const esUrl = elasticsearchForTests();
const engines: [string, string | undefined][] = [['PostgreSQL', undefined], ...(esUrl ? [['Elasticsearch', esUrl] as [string, string]] : [])];

describe.each(engines)('drafts named by published records stay hidden on every read path (%s search engine)', (_engine, elasticsearchUrl) => {
  let catalogue: TestCatalogue;
  let admin: string;
  const secrets: string[] = [];
  const drafts: Record<string, Created> = {};
  const published: Record<string, Created> = {};
  let distributionId: string;

  async function run(mutation: string, input: Record<string, unknown>): Promise<Created> {
    const response = await catalogue.gql(mutation, input, admin);
    const payload = Object.values(response.data ?? {})[0] as { userErrors: unknown[] } & Record<string, Created>;
    expect(payload?.userErrors, JSON.stringify(response)).toEqual([]);
    return Object.values(payload).find((value) => value && typeof value === 'object' && 'id' in value) as Created;
  }
  const create = (kind: string, input: Record<string, unknown>) =>
    run(`mutation($i: ${kind}Input!) { create${kind}(input: $i) { record: ${kind[0]!.toLowerCase()}${kind.slice(1)} { id identifier } userErrors { code message field } } }`, { i: input });
  const publish = (kind: string, record: Created) =>
    run(`mutation($id: ID!) { publish${kind}(id: $id) { record: ${kind[0]!.toLowerCase()}${kind.slice(1)} { id identifier } userErrors { code message field } } }`, { id: record.id });

  function hide(record: Created, ...words: string[]): Created {
    secrets.push(record.id, fromRelay(record.id), record.identifier, encodeURIComponent(record.identifier), ...words);
    return record;
  }

  beforeAll(async () => {
    catalogue = await startTestCatalogue({ elasticsearchUrl, indexPrefix: uniqueIndexPrefix('visibility') });
    admin = await catalogue.token('admin');

    // A draft of every kind, each with a name, e-mail and identifier of its own.
    drafts.organisation = hide(
      await create('Organisation', { identifier: 'urn:test:hidden:org', name: 'Quillmoor Draft Region', type: 'REGION', contactEmail: 'hidden-org@draft.example.org' }),
      'Quillmoor Draft Region', 'hidden-org@draft.example.org',
    );
    drafts.accessBody = hide(
      await create('DataAccessBody', {
        identifier: 'urn:test:hidden:dac', name: 'Brackenvale Draft Committee', kind: 'DAC', operatedBy: B, ownerOrganisation: B,
        contactEmail: 'hidden-dac@draft.example.org', applicationUrl: 'https://hidden-dac.example.org/apply',
      }),
      'Brackenvale Draft Committee', 'hidden-dac@draft.example.org', 'hidden-dac.example.org',
    );
    drafts.study = hide(await create('Study', { identifier: 'urn:test:hidden:study', title: 'Thornwick Draft Study', description: 'A study in preparation', studyType: STUDY_TYPE, ownerOrganisation: B }), 'Thornwick Draft Study');
    const em = catalogue.orm.em.fork();
    const publication = Object.assign(new Publication(), { identifier: 'urn:test:hidden:publication', title: 'Oakhurst Draft Publication', doi: '10.9999/hidden.draft', status: RecordStatus.DRAFT });
    await em.persist(publication).flush();
    drafts.publication = hide({ id: toGlobalId(Publication.name, publication.id), identifier: publication.identifier }, 'Oakhurst Draft Publication', '10.9999/hidden.draft');

    // Published records naming the drafts.
    published.study = await create('Study', { title: 'Open Visibility Study', description: 'Published', studyType: STUDY_TYPE, ownerOrganisation: B, funders: [drafts.organisation.identifier], participatingOrganisations: [drafts.organisation.identifier], publications: [publication.identifier] });
    await publish('Study', published.study);
    const datasetInput = {
      title: 'Open visibility dataset',
      description: 'Non-public data whose publisher, holder, study and access body are drafts.',
      keywords: ['genome'],
      ownerOrganisation: B,
      publisher: drafts.organisation.identifier,
      dataHolders: [drafts.organisation.identifier, B],
      contributors: [drafts.organisation.identifier],
      wasGeneratedBy: drafts.study.identifier,
      hdab: drafts.accessBody.identifier,
      publications: [publication.identifier],
      consent: { duoPermission: 'GRU' },
      accessRoute: { accessMode: 'CONTROLLED_DOWNLOAD', accessBody: drafts.accessBody.identifier, steps: [{ order: 1, requirement: 'DAC_REVIEW', body: drafts.accessBody.identifier }] },
      distributions: [{ title: 'Open visibility files', formats: [{ label: 'VCF' }] }],
    };
    published.dataset = await create('Dataset', datasetInput);
    // Publishing refuses a dataset naming draft access bodies, but a harvested dataset keeps what its source states
    // and records published before that rule may name drafts: the state is made as a harvest leaves it.
    const harvestedEm = catalogue.orm.em.fork();
    const dataset = await harvestedEm.findOneOrFail(Dataset, fromRelay(published.dataset.id));
    publishRecord(dataset);
    dataset.provenanceSource = ProvenanceSource.HARVESTED;
    enqueueDatasetIndexing(harvestedEm, [dataset.id]);
    await harvestedEm.flush();
    drafts.dataset = hide(
      await create('Dataset', { identifier: 'urn:test:hidden:dataset', title: 'Marshgate Draft Dataset', ownerOrganisation: B, publisher: B, wasGeneratedBy: published.study.identifier }),
      'Marshgate Draft Dataset',
    );
    drafts.evaluation = hide(
      await create('HealthEconomicEvaluation', { identifier: 'urn:test:hidden:evaluation', title: 'Fellbrook Draft Evaluation', evaluationType: 'COST_ANALYSIS', currency: 'SEK', priceYear: 2024, ownerOrganisation: B, evaluatedDatasets: [published.dataset.identifier] }),
      'Fellbrook Draft Evaluation',
    );
    published.evaluation = await create('HealthEconomicEvaluation', {
      title: 'Open Visibility Evaluation', evaluationType: 'COST_ANALYSIS', currency: 'SEK', priceYear: 2024, ownerOrganisation: B,
      evaluatedDatasets: [published.dataset.identifier, drafts.dataset.identifier], evaluatedStudies: [drafts.study.identifier], publication: publication.identifier,
    });
    await publish('HealthEconomicEvaluation', published.evaluation);
    published.accessBody = await create('DataAccessBody', { name: 'Open Visibility Committee', kind: 'DAC', operatedBy: drafts.organisation.identifier, hostedBy: drafts.organisation.identifier, ownerOrganisation: B });
    await publish('DataAccessBody', published.accessBody);
    published.organisation = await create('Organisation', { name: 'Open Visibility Centre', type: 'REGION', parent: drafts.organisation.identifier });
    await publish('Organisation', published.organisation);

    const distributions = await catalogue.gql('query($id: ID!) { dataset(id: $id) { distributions { id } } }', { id: published.dataset.id }, admin);
    distributionId = distributions.data!.dataset.distributions[0].id;
    await catalogue.indexer.drain();
  }, 180_000);
  afterAll(() => catalogue?.stop());

  function expectHidden(text: string, read: string): void {
    for (const secret of secrets) expect(text, `${read} reveals ${secret}`).not.toContain(secret);
  }

  const ORGANISATION = '{ id identifier name contactEmail parent { id identifier name contactEmail } }';
  const BODY = `{ id identifier name contactEmail applicationUrl operatedBy ${ORGANISATION} }`;
  const STUDY = `{ id identifier title outputs { id identifier title } funders ${ORGANISATION} participatingOrganisations ${ORGANISATION} publications { id identifier title doi } }`;
  const EVALUATION = `{ id identifier title publication { id identifier title doi } evaluatedDatasets { id identifier title } evaluatedStudies ${STUDY} }`;
  const DATASET = `{
    id identifier title publisher ${ORGANISATION} ownerOrganisation ${ORGANISATION} dataHolders ${ORGANISATION} contributors ${ORGANISATION}
    wasGeneratedBy ${STUDY} hdab ${BODY} publications { id identifier title doi } healthEconomicEvaluations ${EVALUATION}
    accessRoute { contactEmail accessBody ${BODY} steps { order body ${BODY} } }
    whoToAsk ${BODY} accessContacts { reason organisation ${ORGANISATION} body ${BODY} }
  }`;
  const FACETS = 'facets { field buckets { value label count } }';

  const graphqlReads = (): [string, string, Record<string, unknown>][] => [
    ['dataset(id)', `query($id: ID!) { dataset(id: $id) ${DATASET} }`, { id: published.dataset.id }],
    ...Object.entries(published).map(([kind, record]): [string, string, Record<string, unknown>] => [
      `node(${kind})`,
      `query($id: ID!) { node(id: $id) { id ... on Dataset ${DATASET} ... on Study ${STUDY} ... on HealthEconomicEvaluation ${EVALUATION}
        ... on DataAccessBody ${BODY} ... on Organisation ${ORGANISATION} } }`,
      { id: record.id },
    ]),
    ...Object.entries(drafts).map(([kind, record]): [string, string, Record<string, unknown>] => [`node(draft ${kind})`, 'query($id: ID!) { node(id: $id) { id } }', { id: record.id }]),
    ...Object.entries(drafts).map(([kind, record]): [string, string, Record<string, unknown>] => [`dataset(draft ${kind})`, 'query($id: ID!) { dataset(id: $id) { id } }', { id: record.identifier }]),
    ['search, hits and facets', `{ datasets(first: 100) { totalCount edges { node { id title publisher ${ORGANISATION} } } ${FACETS} } }`, {}],
    ['search with a query', `{ datasets(query: "open visibility", first: 5) { totalCount edges { node ${DATASET} } ${FACETS} } }`, {}],
    ['lists', `{ organisations(first: 100) { edges { node ${ORGANISATION} } } accessBodies(first: 100) { edges { node ${BODY} } }
      studies(first: 100) { edges { node ${STUDY} } } healthEconomicEvaluations(first: 100) { edges { node ${EVALUATION} } } }`, {}],
    ['study search', '{ studies(query: "Thornwick", first: 100) { edges { node { id title } } } }', {}],
    ['evaluations of the dataset', `query($id: String!) { healthEconomicEvaluations(filter: { dataset: $id }, first: 100) { edges { node ${EVALUATION} } } }`, { id: published.dataset.identifier }],
  ];

  for (const viewer of ['anonymous', 'a data manager of another region'] as const) {
    it(`GraphQL: every entry point, nested field, hit and facet as ${viewer}`, async () => {
      const token = viewer === 'anonymous' ? undefined : await catalogue.token('data_manager', [A]);
      const dataset = await catalogue.gql(`query($id: ID!) { dataset(id: $id) { title dataHolders { identifier } } }`, { id: published.dataset.id }, token);
      expect(dataset.data!.dataset).toEqual({ title: 'Open visibility dataset', dataHolders: [{ identifier: B }] });
      for (const [read, query, variables] of graphqlReads()) {
        const response = await catalogue.gql(query, variables, token);
        expect(response.errors, read).toBeUndefined();
        expectHidden(JSON.stringify(response.data), read);
      }
    });

    it(`counts only the caller's own drafts, as ${viewer}`, async () => {
      const token = viewer === 'anonymous' ? undefined : await catalogue.token('data_manager', [A]);
      const own = viewer === 'anonymous' ? [] : [A];
      const response = await catalogue.gql(
        `{ datasets(filter: { status: [DRAFT] }, first: 100) { totalCount edges { node { ownerOrganisation { identifier } } } }
          studies(filter: { status: [DRAFT] }, first: 100) { totalCount edges { node { identifier } } } }`, {}, token,
      );
      expect(response.errors).toBeUndefined();
      const { datasets, studies } = response.data!;
      expect(datasets.totalCount).toBe(datasets.edges.length);
      for (const { node } of datasets.edges) expect(own).toContain(node.ownerOrganisation.identifier);
      expect(studies.totalCount).toBe(studies.edges.length);
      expectHidden(JSON.stringify(studies), 'draft studies');
    });

    it(`search text and filters find no draft name and answer a draft's id like an unknown one, as ${viewer}`, async () => {
      const token = viewer === 'anonymous' ? undefined : await catalogue.token('data_manager', [A]);
      for (const words of ['Quillmoor', 'Brackenvale', 'Thornwick', 'Marshgate', 'Fellbrook', 'Oakhurst']) {
        const response = await catalogue.gql('query($q: String!) { datasets(query: $q) { totalCount edges { node { id } } } }', { q: words }, token);
        expect(response.data!.datasets.totalCount, words).toBe(0);
      }
      const filtered = (field: string, id: string) =>
        catalogue.gql(`query($id: ID!) { datasets(filter: { ${field}: [$id] }) { totalCount ${FACETS} } }`, { id }, token);
      for (const [field, draft] of [['publisher', drafts.organisation], ['holdingRegion', drafts.organisation], ['accessBody', drafts.accessBody]] as const) {
        const unknownId = Buffer.from(`${field === 'accessBody' ? 'DataAccessBody' : 'Organisation'}:00000000-0000-4000-8000-000000000000`).toString('base64url');
        const [draftAnswer, unknownAnswer] = [await filtered(field, draft!.id), await filtered(field, unknownId)];
        const normalise = (answer: unknown, id: string) => JSON.stringify(answer).replaceAll(id, 'ID');
        expect(normalise(draftAnswer, draft!.id), field).toBe(normalise(unknownAnswer, unknownId));
      }
    });
  }

  it('the shared search index carries no name the public may not read', async () => {
    const [document] = await buildSearchDocuments(catalogue.orm.em.fork(), [fromRelay(published.dataset.id)]);
    expect(document!.publisherName).toBeNull();
    expectHidden(JSON.stringify({ ...document, ownerOrganisationId: null, publisherId: null, accessBodyIds: [], holdingRegionIds: [] }), 'search document');
  });

  it('RDF: the listing, every record IRI and the FAIR Data Point, in every format', async () => {
    const paths = [
      '/dcat/catalog?pageSize=100',
      '/dcat/catalog?pageSize=100&includeWithdrawn=true',
      `/dcat/datasets/${encodeURIComponent(published.dataset.identifier)}`,
      `/dcat/distributions/${distributionId}`,
      `/dcat/studies/${encodeURIComponent(published.study.identifier)}`,
      `/dcat/evaluations/${encodeURIComponent(published.evaluation.identifier)}`,
      `/dcat/access-bodies/${encodeURIComponent(published.accessBody.identifier)}`,
      `/dcat/organisations/${encodeURIComponent(published.organisation.identifier)}`,
      `/dcat/organisations/${encodeURIComponent(B)}`,
      '/fdp',
    ];
    for (const path of paths) {
      for (const format of FORMATS) {
        const response = await fetch(catalogue.url + path, { headers: { accept: format } });
        const body = await response.text();
        expect(response.status, `${path} ${format}: ${body}`).toBe(200);
        expectHidden(body, `${path} as ${format}`);
      }
    }
    const listing = await (await fetch(`${catalogue.url}/dcat/catalog?pageSize=100`, { headers: { accept: 'text/turtle' } })).text();
    expect(listing).toContain('Open visibility dataset');
    for (const [kind, draft] of Object.entries(drafts)) {
      const segment = { organisation: 'organisations', accessBody: 'access-bodies', study: 'studies', evaluation: 'evaluations', dataset: 'datasets' }[kind];
      if (!segment) continue;
      for (const ref of [draft.identifier, draft.id]) {
        const response = await fetch(`${catalogue.url}/dcat/${segment}/${encodeURIComponent(ref)}`, { headers: { accept: 'text/turtle' } });
        expect(response.status, `${kind} ${ref}`).toBe(404);
      }
    }
  });

  it('the export, as Turtle and N-Triples', async () => {
    for (const format of ['text/turtle', 'application/n-triples'] as const) {
      let text = '';
      const out = new Writable({ write(chunk, _encoding, done) { text += String(chunk); done(); } });
      await exportCatalogue(catalogue.orm, out, { baseUrl: BASE, smallCountThreshold: 5, format });
      expect(text).toContain('Open visibility dataset');
      expectHidden(text, `export as ${format}`);
    }
  });

  it('publishing or renaming a draft makes it visible, search text included', async () => {
    const anonymousSearch = async (q: string) =>
      (await catalogue.gql('query($q: String!) { datasets(query: $q) { edges { node { id publisher { name } } } } }', { q })).data!.datasets.edges;
    await publish('Organisation', drafts.organisation);
    await catalogue.indexer.drain();
    expect(await anonymousSearch('Quillmoor')).toEqual([{ node: { id: published.dataset.id, publisher: { name: 'Quillmoor Draft Region' } } }]);
    const turtle = await (await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(published.dataset.identifier)}`, { headers: { accept: 'text/turtle' } })).text();
    expect(turtle).toContain('Quillmoor Draft Region');
    expect(turtle).toContain('hidden-org@draft.example.org');

    const { data } = await catalogue.gql('query($id: ID!) { node(id: $id) { ... on Organisation { version } } }', { id: drafts.organisation.id }, admin);
    await run('mutation($id: ID!, $v: Int!) { updateOrganisation(id: $id, expectedVersion: $v, input: { name: "Wrenfield Public Region" }) { organisation { id identifier } userErrors { code message field } } }', {
      id: drafts.organisation.id,
      v: data!.node.version,
    });
    await catalogue.indexer.drain();
    expect(await anonymousSearch('Wrenfield')).toHaveLength(1);
    expect(await anonymousSearch('Quillmoor')).toHaveLength(0);
  });
});

function fromRelay(id: string): string {
  return fromGlobalId(id)!.id;
}
