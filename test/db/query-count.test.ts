import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessMode, AccessRequirement, AccessRoute, AccessRouteStep } from '../../src/access/access-route.entity.js';
import { DataAccessBody } from '../../src/access/data-access-body.entity.js';
import { AuditEntry } from '../../src/records/audit-entry.entity.js';
import { RecordStatus } from '../../src/records/record.js';
import { ConsentScope } from '../../src/consent/consent-scope.entity.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { Distribution } from '../../src/datasets/distribution.entity.js';
import { HealthEconomicEvaluation } from '../../src/economics/health-economic-evaluation.entity.js';
import { Organisation, OrganisationType } from '../../src/organisations/organisation.entity.js';
import { Publication } from '../../src/publications/publication.entity.js';
import { Study } from '../../src/studies/study.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { elasticsearchForTests, uniqueIndexPrefix } from '../support/elasticsearch.js';

const BODY = '{ name contactEmail kind operatedBy { name } }';
/** What a portal shows for each dataset of a result page: every field of the dataset and the records it names. */
const DATASET = `
  title status
  cohort { numberOfUniqueIndividuals diseases { iri label } sequencing { assays } }
  publisher { name contactEmail }
  ownerOrganisation { name }
  dataHolders { name contactEmail }
  contributors { name }
  hdab ${BODY}
  consent { duoPermission duoModifiers { code value } }
  useAssessment(purpose: { primaryPurpose: GENERAL_RESEARCH, country: "SE" }) { outcome }
  accessRoute { accessMode accessBody ${BODY} steps { order requirement body ${BODY} } }
  whoToAsk ${BODY}
  accessContacts { reason hasRegisteredBody organisation { name } body { name contactEmail } step { order } }
  distributions { title formats { label } }
  publications { title doi }
  wasGeneratedBy { title }
  healthEconomicEvaluations { title }
`;
/** The same page, also with the records those records name (each kind of them costs its own statement). */
const DEEPER = `
  contributors { parent { name } }
  wasGeneratedBy { funders { name } participatingOrganisations { name } outputs { title } publications { title } }
  healthEconomicEvaluations { publication { title } evaluatedStudies { title } evaluatedDatasets { title } results { measure amount { currency priceYear } } }
`;
const page = (fields: string) => `query($first: Int!) {
  datasets(query: "batch", first: $first, sort: TITLE) {
    totalCount
    edges { node { ${fields} } }
    facets { field buckets { value label count } }
  }
}`;

/** The most SQL round trips a page of datasets with every nested field may cost, whatever its size and data. */
const MAX_STATEMENTS = { postgres: 9, elasticsearch: 8 };

const engines = [
  { engine: 'postgres' as const, elasticsearchUrl: undefined },
  ...(elasticsearchForTests() ? [{ engine: 'elasticsearch' as const, elasticsearchUrl: elasticsearchForTests() }] : []),
];

describe.each(engines)('DataLoader batching: no N+1 on a page of datasets ($engine engine)', ({ engine, elasticsearchUrl }) => {
  let catalogue: TestCatalogue;
  const indexPrefix = uniqueIndexPrefix('query-count');
  beforeAll(async () => {
    catalogue = await startTestCatalogue({ elasticsearchUrl, indexPrefix });
    // Add 60 published datasets, each with several records of every relation the page asks for.
    const em = catalogue.orm.em.fork();
    const publisher = await em.findOneOrFail(Organisation, { identifier: 'urn:example:gms-catalogue:org:region-uppsala' });
    const study = await em.findOneOrFail(Study, { identifier: { $like: '%childhood-cancer' } });
    const bodies = await em.find(DataAccessBody, { status: RecordStatus.PUBLISHED }, { orderBy: { identifier: 'asc' } });
    // Regions other than the publisher, so every list below has several different records.
    const regions = (await em.find(Organisation, { type: OrganisationType.REGION, status: RecordStatus.PUBLISHED }, { orderBy: { identifier: 'asc' } })).filter((region) => region !== publisher);
    const publications = await em.find(Publication, { status: RecordStatus.PUBLISHED }, { orderBy: { identifier: 'asc' } });
    const evaluations = await em.find(HealthEconomicEvaluation, { status: RecordStatus.PUBLISHED }, { populate: ['evaluatedDatasets'], orderBy: { identifier: 'asc' } });
    expect(bodies.length).toBeGreaterThan(3);
    expect(publications.length).toBeGreaterThan(1);
    expect(evaluations.length).toBeGreaterThan(1);
    for (let i = 0; i < 60; i++) {
      const body = bodies[i % bodies.length]!;
      const dataset = Object.assign(new Dataset(), {
        identifier: `urn:test:batch:${i}`,
        title: `Batch dataset ${String(i).padStart(2, '0')}`,
        publisher,
        wasGeneratedBy: study,
        status: RecordStatus.PUBLISHED,
        issued: new Date(),
        ownerOrganisationId: publisher.id,
      });
      // Holders differ from dataset to dataset, so whoToAsk looks up the disclosure functions of several regions.
      dataset.dataHolders.add(publisher, regions[i % regions.length]!, regions[(i + 3) % regions.length]!);
      dataset.contributors.add(publisher, regions[(i + 1) % regions.length]!);
      dataset.hdab = body;
      dataset.publications.add(publications[i % publications.length]!, publications[(i + 1) % publications.length]!);
      for (const position of [1, 2]) {
        dataset.distributions.add(Object.assign(new Distribution(), { dataset, position, title: `files ${i}.${position}`, formats: [{ label: 'VCF' }, { label: 'CRAM' }] }));
      }
      const route = Object.assign(new AccessRoute(), { dataset, accessMode: AccessMode.SECURE_PROCESSING_ENVIRONMENT, accessBody: body });
      for (const position of [1, 2, 3]) {
        route.steps.add(Object.assign(new AccessRouteStep(), { route, position, requirement: AccessRequirement.DAC_REVIEW, body: bodies[(i + position) % bodies.length]! }));
      }
      for (const evaluation of evaluations.slice(0, 2)) evaluation.evaluatedDatasets.add(dataset);
      em.persist([dataset, route, Object.assign(new ConsentScope(), { dataset, duoPermission: 'DUO:0000042', consentKey: 'gru' })]);
      em.persist(Object.assign(new AuditEntry(), { at: new Date(), actor: 'test', actorRole: 'admin', action: 'createDataset', entityType: 'Dataset', entityId: dataset.id, before: null, after: { title: dataset.title } }));
    }
    await em.flush();
    await catalogue.orm.em.getConnection().execute(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) select 'Dataset', id, now(), now(), 0 from dataset`);
    await catalogue.indexer.drain();
  });
  afterAll(async () => {
    await catalogue?.stop();
    if (elasticsearchUrl) await fetch(`${elasticsearchUrl}/${indexPrefix}-datasets-*`, { method: 'DELETE' });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let lastPage: any[] = [];
  async function queriesFor(first: number, fields = DATASET, token?: string): Promise<string[]> {
    catalogue.queries.length = 0;
    const { data, errors } = await catalogue.gql(page(fields), { first }, token);
    const statements = [...catalogue.queries];
    expect(errors).toBeUndefined();
    const nodes = data!.datasets.edges.map((edge: { node: Record<string, never[]> }) => edge.node);
    lastPage = nodes;
    expect(nodes).toHaveLength(first);
    // Every dataset of the page has several records in each list, so nothing is counted on empty fields.
    for (const field of ['dataHolders', 'contributors', 'whoToAsk', 'accessContacts', 'distributions', 'publications', 'healthEconomicEvaluations'] as const) {
      expect(nodes.every((node: Record<string, never[]>) => node[field].length > 1), field).toBe(true);
    }
    expect(nodes.every((node: { accessRoute: { steps: unknown[] } }) => node.accessRoute.steps.length === 3)).toBe(true);
    return statements;
  }

  it(`issues the same number of SQL statements for 5 and for 50 datasets, at most ${MAX_STATEMENTS[engine]}`, async () => {
    const small = await queriesFor(5);
    const large = await queriesFor(50);
    // The statements are seen at all (a counter that never matches would pass the comparisons below).
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((sql) => /^\s*(select|insert|update|delete|with|begin|commit|set)\b/i.test(sql)), small.join('\n')).toBe(true);
    expect(large.length, large.join('\n')).toBe(small.length);
    expect(large.length, large.join('\n')).toBeLessThanOrEqual(MAX_STATEMENTS[engine]);
  });

  it('shows each dataset of the page as the dataset reads at its own address', async () => {
    await queriesFor(50, `id ${DATASET}`);
    const page = lastPage;
    for (const node of [page[0], page[17], page[49]]) {
      const { data, errors } = await catalogue.gql(`query($id: ID!) { dataset(id: $id) { id ${DATASET} } }`, { id: node.id });
      expect(errors).toBeUndefined();
      expect(node).toEqual(data!.dataset);
    }
  });

  it('also with the records those records name: the same number for 5 and for 50 datasets', async () => {
    const small = await queriesFor(5, DATASET + DEEPER);
    // Batching by dataset must not cut an evaluation's own list down to the datasets of the page.
    expect(lastPage[0].healthEconomicEvaluations[0].evaluatedDatasets.length).toBeGreaterThan(60);
    const large = await queriesFor(50, DATASET + DEEPER);
    expect(small.length).toBeGreaterThan(0);
    // Each kind of record costs one statement whatever the page size; which loads share a statement can vary
    // by one with the order in which they are reached (a record already read by a join is not read again).
    expect(large.length, large.join('\n')).toBeLessThanOrEqual(small.length + 1);
    expect(large.length, large.join('\n')).toBeLessThanOrEqual(22);
  });

  it("with each dataset's history, for an admin: the same number for 5 and for 50 datasets", async () => {
    const admin = await catalogue.token('admin');
    const small = await queriesFor(5, `${DATASET} history { action }`, admin);
    expect(lastPage.every((node) => node.history.length > 0)).toBe(true);
    const large = await queriesFor(50, `${DATASET} history { action }`, admin);
    expect(small.length).toBeGreaterThan(0);
    expect(large.length, large.join('\n')).toBe(small.length);
  });
});

describe('createDataset reads the records it names once per kind, not once per reference', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  const REGIONS = ['stockholm', 'uppsala', 'skane', 'vgr', 'ostergotland', 'orebro', 'vasterbotten'].map((region) => `urn:example:gms-catalogue:org:region-${region}`);
  const BODIES = ['stockholm', 'etik', 'uppsala'].map((body) => `urn:example:gms-catalogue:dab:${body}`);

  async function statementsOfCreate(holders: number, steps: number): Promise<string[]> {
    const token = await catalogue.token('admin');
    const input = {
      title: `Statement count ${holders} holders ${steps} steps`,
      description: 'Names many organisations and access bodies.',
      publisher: REGIONS[0],
      dataHolders: REGIONS.slice(0, holders),
      contributors: REGIONS.slice(0, holders),
      hdab: BODIES[0],
      consent: { duoPermission: 'GRU' },
      accessRoute: {
        accessMode: 'CONTROLLED_DOWNLOAD',
        accessBody: BODIES[0],
        steps: Array.from({ length: steps }, (_, i) => ({ order: i + 1, requirement: 'DAC_REVIEW', body: BODIES[i % BODIES.length] })),
      },
    };
    catalogue.queries.length = 0;
    const { data, errors } = await catalogue.gql('mutation($i: DatasetInput!) { createDataset(input: $i) { dataset { id } userErrors { field message } } }', { i: input }, token);
    const statements = [...catalogue.queries];
    expect(errors).toBeUndefined();
    expect(data!.createDataset.userErrors).toEqual([]);
    return statements;
  }

  it('costs the same for 2 holders and 1 step as for 7 holders, 7 contributors and 3 steps with 3 bodies', async () => {
    const small = await statementsOfCreate(2, 1);
    const large = await statementsOfCreate(7, 3);
    expect(small.length).toBeGreaterThan(0);
    expect(large.length, large.join('\n')).toBe(small.length);
  });
});
