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

/**
 * What one createDataset may cost, whatever the input names (begin and commit aside): the caller's
 * organisations (a data manager's token names them by identifier), every organisation, access body and study
 * named (one statement for all kinds), and one statement inserting the dataset with its consent scope, access route, steps,
 * distributions, holders, contributors, audit entry and outbox event. A taken identifier is found by that
 * insert, not by a statement of its own.
 */
const MAX_CREATE_STATEMENTS = 3;

describe('createDataset: a fixed number of statements, one of them writing everything', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
  const REGIONS = ['stockholm', 'uppsala', 'skane', 'vgr', 'ostergotland', 'orebro', 'vasterbotten'].map((region) => `urn:example:gms-catalogue:org:region-${region}`);
  const BODIES = ['stockholm', 'etik', 'uppsala'].map((body) => `urn:example:gms-catalogue:dab:${body}`);
  const CREATE = 'mutation($i: DatasetInput!) { createDataset(input: $i) { dataset { id } userErrors { field message code } } }';
  /** The transaction around a mutation's statements: begin, how long it waits for a lock (graphql/kit/mutation.ts), commit. */
  const FRAMING = /^\s*(begin|set local lock_timeout|commit|rollback)\b/i;

  function input(identifier: string, holders: number, steps: number) {
    return {
      identifier,
      title: `Statement count ${holders} holders ${steps} steps`,
      description: 'Names many organisations and access bodies.',
      keywords: ['statement count'],
      publisher: STOCKHOLM,
      dataHolders: REGIONS.slice(0, holders),
      contributors: REGIONS.slice(0, holders),
      hdab: BODIES[0],
      consent: { duoPermission: 'GRU' },
      accessRoute: {
        accessMode: 'CONTROLLED_DOWNLOAD',
        accessBody: BODIES[0],
        steps: Array.from({ length: steps }, (_, i) => ({ order: i + 1, requirement: 'DAC_REVIEW', body: BODIES[i % BODIES.length] })),
      },
      distributions: Array.from({ length: holders }, (_, i) => ({ title: `files ${i}`, formats: [{ label: 'VCF' }] })),
    };
  }

  /** The statements of one createDataset by a data manager of the publisher, its transaction's framing left out. */
  async function statementsOfCreate(identifier: string, holders: number, steps: number) {
    const token = await catalogue.token('data_manager', [STOCKHOLM]);
    catalogue.queries.length = 0;
    const { data, errors } = await catalogue.gql(CREATE, { i: input(identifier, holders, steps) }, token);
    const all = [...catalogue.queries];
    expect(errors).toBeUndefined();
    // The statements are seen at all, and the transaction around them too.
    expect(all.filter((sql) => FRAMING.test(sql)).length, all.join('\n')).toBe(3);
    return { statements: all.filter((sql) => !FRAMING.test(sql)), payload: data!.createDataset };
  }

  it(`costs at most ${MAX_CREATE_STATEMENTS} statements, the same for 2 holders and 1 step as for 7 holders, 7 contributors, 7 distributions and 3 steps`, async () => {
    const small = await statementsOfCreate('urn:test:count:small', 2, 1);
    const large = await statementsOfCreate('urn:test:count:large', 7, 3);
    expect(small.payload.userErrors).toEqual([]);
    expect(large.payload.userErrors).toEqual([]);
    expect(large.statements.length, large.statements.join('\n')).toBe(small.statements.length);
    expect(large.statements.length, large.statements.join('\n')).toBeLessThanOrEqual(MAX_CREATE_STATEMENTS);
    // Everything the one insert wrote is there: the parts, the links, the history and the indexing event.
    const admin = await catalogue.token('admin');
    const { data } = await catalogue.gql(
      `query($id: ID!) { dataset(id: $id) { dataHolders { name } contributors { name } consent { duoPermission }
        accessRoute { accessBody { name } steps { order body { name } } } distributions { title } history { action } } }`,
      { id: large.payload.dataset.id },
      admin,
    );
    expect(data!.dataset).toMatchObject({ consent: { duoPermission: 'DUO:0000042' }, accessRoute: { accessBody: { name: expect.any(String) } }, history: [{ action: 'createDataset' }] });
    expect([data!.dataset.dataHolders.length, data!.dataset.contributors.length, data!.dataset.accessRoute.steps.length, data!.dataset.distributions.length]).toEqual([7, 7, 3, 7]);
    const [outbox] = await catalogue.orm.em.getConnection().execute(`select count(*)::int as n from outbox_event o join dataset d on d.id = o.aggregate_id where d.identifier = 'urn:test:count:large'`);
    expect(outbox.n).toBe(1);
  });

  it('reports a taken identifier as before, naming the field, and writes nothing', async () => {
    await statementsOfCreate('urn:test:count:taken', 2, 1);
    const again = await statementsOfCreate('urn:test:count:taken', 3, 2);
    expect(again.payload).toEqual({
      dataset: null,
      userErrors: [{ field: 'input.identifier', code: 'DUPLICATE', message: '"urn:test:count:taken" is already used by another Dataset' }],
    });
    const [rows] = await catalogue.orm.em.getConnection().execute(
      `select (select count(*) from dataset where identifier = 'urn:test:count:taken')::int as datasets,
        (select count(*) from dataset_data_holder h join dataset d on d.id = h.dataset_id where d.identifier = 'urn:test:count:taken')::int as holders`,
    );
    expect(rows).toEqual({ datasets: 1, holders: 2 });
  });

  /** What publishDataset may cost (begin and commit aside): the caller's organisations, the dataset, one read of
   * what the publish checks need (consent, access route with its body, distributions), the change, and one
   * insert of its audit entry and outbox event. */
  const MAX_PUBLISH_STATEMENTS = 5;

  it(`publishes in at most ${MAX_PUBLISH_STATEMENTS} statements, the same for 7 distributions as for 2, with the checks' problems named as before`, async () => {
    const token = await catalogue.token('data_manager', [STOCKHOLM]);
    const PUBLISH = 'mutation($id: ID!) { publishDataset(id: $id) { dataset { status } userErrors { field code } } }';
    const publish = async (id: string) => {
      catalogue.queries.length = 0;
      const { data } = await catalogue.gql(PUBLISH, { id }, token);
      return { statements: catalogue.queries.filter((sql) => !FRAMING.test(sql)), payload: data!.publishDataset };
    };
    const small = await publish((await statementsOfCreate('urn:test:count:publish-small', 2, 1)).payload.dataset.id);
    const large = await publish((await statementsOfCreate('urn:test:count:publish-large', 7, 3)).payload.dataset.id);
    expect([small.payload, large.payload]).toEqual([{ dataset: { status: 'PUBLISHED' }, userErrors: [] }, { dataset: { status: 'PUBLISHED' }, userErrors: [] }]);
    expect(large.statements.length, large.statements.join('\n')).toBe(small.statements.length);
    expect(large.statements.length, large.statements.join('\n')).toBeLessThanOrEqual(MAX_PUBLISH_STATEMENTS);

    // The same read finds what is missing: no consent, no access route, a distribution without an access URL (the
    // datasets above passed through their access body's application page).
    const bare = { identifier: 'urn:test:count:publish-bare', title: 'Bare', description: 'Nothing to ask for access.', keywords: ['bare'], publisher: STOCKHOLM, distributions: [{ title: 'files' }] };
    const { data } = await catalogue.gql(CREATE, { i: bare }, token);
    const refused = await publish(data!.createDataset.dataset.id);
    expect(refused.payload.userErrors).toEqual([
      { field: 'distributions[0].accessUrl', code: 'REQUIRED' },
      { field: 'hdab', code: 'REQUIRED' },
      { field: 'consent', code: 'REQUIRED' },
      { field: 'accessRoute', code: 'REQUIRED' },
    ]);
  });

  /**
   * What updateDataset may cost (begin and commit aside), as before its history showed the consent scope and the
   * access route: a patch that gives neither reads neither; one that gives them reads each once (the route with its
   * steps), before the change, and the change does not read them again.
   */
  const MAX_UPDATE_STATEMENTS = { title: 8, parts: 16 };

  it(`updates in at most ${MAX_UPDATE_STATEMENTS.title} statements (title) or ${MAX_UPDATE_STATEMENTS.parts} (consent scope and access route), the same for 3 steps as for 1`, async () => {
    const token = await catalogue.token('data_manager', [STOCKHOLM]);
    const UPDATE = 'mutation($id: ID!, $v: Int!, $i: DatasetPatch!) { updateDataset(id: $id, expectedVersion: $v, input: $i) { dataset { version } userErrors { field message } } }';
    const update = async (id: string, v: number, patch: Record<string, unknown>) => {
      catalogue.queries.length = 0;
      const { data } = await catalogue.gql(UPDATE, { id, v, i: patch }, token);
      expect(data!.updateDataset.userErrors).toEqual([]);
      return catalogue.queries.filter((sql) => !FRAMING.test(sql));
    };
    const reads = (statements: string[], table: string) => statements.filter((sql) => new RegExp(`^\\s*select\\b[\\s\\S]*\\bfrom "${table}"`, 'i').test(sql)).length;
    // Every step is replaced (another requirement), so both routes cost the same kinds of writes.
    const parts = (steps: number) => ({
      consent: { duoPermission: 'HMB' },
      accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', accessBody: BODIES[1], steps: Array.from({ length: steps }, (_, i) => ({ order: i + 1, requirement: 'ETHICS_APPROVAL', body: BODIES[(i + 1) % BODIES.length] })) },
    });
    const small = (await statementsOfCreate('urn:test:count:update-small', 2, 1)).payload.dataset.id;
    const large = (await statementsOfCreate('urn:test:count:update-large', 7, 3)).payload.dataset.id;

    const title = await update(small, 1, { title: 'Renamed' });
    expect(title.filter((sql) => /consent_scope|access_route/.test(sql)), title.join('\n')).toEqual([]);
    expect(title.length, title.join('\n')).toBeLessThanOrEqual(MAX_UPDATE_STATEMENTS.title);

    const one = await update(small, 2, parts(1));
    const three = await update(large, 1, parts(3));
    for (const statements of [one, three]) {
      expect([reads(statements, 'consent_scope'), reads(statements, 'access_route'), reads(statements, 'access_route_step')], statements.join('\n')).toEqual([1, 1, 1]);
    }
    expect(three.length, three.join('\n')).toBe(one.length);
    expect(three.length, three.join('\n')).toBeLessThanOrEqual(MAX_UPDATE_STATEMENTS.parts);
  });
});
