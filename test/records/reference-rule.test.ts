import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, type GraphQLInputObjectType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Publication } from '../../src/publications/publication.entity.js';
import { RecordStatus } from '../../src/records/record.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/**
 * The reference rule (README, "Security model"), walked for every mutation x every reference field x
 * {own organisation, other organisation published, other organisation draft, unknown}, as a data manager of
 * region A. `claim` fields accept only A's own records; `link` fields any record A can read. Drafts of other
 * organisations answer exactly like unknown references.
 */
const A = 'urn:example:gms-catalogue:org:region-uppsala';
const B = 'urn:example:gms-catalogue:org:region-stockholm';
/** A second organisation A's data manager acts for: the organisation whose parent the matrix sets. */
const A_CENTRE = 'urn:example:gms-catalogue:org:gmc-uppsala';

type Target = 'Organisation' | 'Study' | 'DataAccessBody' | 'Dataset' | 'Publication';
type Case = 'own' | 'otherPublished' | 'otherDraft' | 'unknown';
const CASES: Case[] = ['own', 'otherPublished', 'otherDraft', 'unknown'];

interface ReferenceField {
  kind: 'Dataset' | 'Study' | 'DataAccessBody' | 'HealthEconomicEvaluation' | 'Organisation';
  /** Where the error is reported. */
  field: string;
  target: Target;
  rule: 'claim' | 'link';
  /** Puts the reference into a create input or patch. */
  set: (ref: string) => Record<string, unknown>;
  /** ownerOrganisation exists on create inputs only; organisations are registered by admins only. */
  on: ('create' | 'update')[];
}

const one = (name: string) => (ref: string) => ({ [name]: ref });
const list = (name: string) => (ref: string) => ({ [name]: [ref] });

const FIELDS: ReferenceField[] = [
  { kind: 'Dataset', field: 'input.publisher', target: 'Organisation', rule: 'claim', set: one('publisher'), on: ['create', 'update'] },
  { kind: 'Dataset', field: 'input.ownerOrganisation', target: 'Organisation', rule: 'claim', set: one('ownerOrganisation'), on: ['create'] },
  { kind: 'Dataset', field: 'input.dataHolders[0]', target: 'Organisation', rule: 'link', set: list('dataHolders'), on: ['create', 'update'] },
  { kind: 'Dataset', field: 'input.contributors[0]', target: 'Organisation', rule: 'link', set: list('contributors'), on: ['create', 'update'] },
  { kind: 'Dataset', field: 'input.wasGeneratedBy', target: 'Study', rule: 'claim', set: one('wasGeneratedBy'), on: ['create', 'update'] },
  { kind: 'Dataset', field: 'input.hdab', target: 'DataAccessBody', rule: 'link', set: one('hdab'), on: ['create', 'update'] },
  { kind: 'Dataset', field: 'input.publications[0]', target: 'Publication', rule: 'link', set: list('publications'), on: ['create', 'update'] },
  {
    kind: 'Dataset',
    field: 'input.accessRoute.accessBody',
    target: 'DataAccessBody',
    rule: 'link',
    set: (ref) => ({ accessRoute: { accessMode: 'CONTROLLED_DOWNLOAD', accessBody: ref, steps: [] } }),
    on: ['create', 'update'],
  },
  {
    kind: 'Dataset',
    field: 'input.accessRoute.steps[0].body',
    target: 'DataAccessBody',
    rule: 'link',
    set: (ref) => ({ accessRoute: { accessMode: 'CONTROLLED_DOWNLOAD', steps: [{ order: 1, requirement: 'DAC_REVIEW', body: ref }] } }),
    on: ['create', 'update'],
  },
  { kind: 'Study', field: 'input.ownerOrganisation', target: 'Organisation', rule: 'claim', set: one('ownerOrganisation'), on: ['create'] },
  { kind: 'Study', field: 'input.funders[0]', target: 'Organisation', rule: 'link', set: list('funders'), on: ['create', 'update'] },
  { kind: 'Study', field: 'input.participatingOrganisations[0]', target: 'Organisation', rule: 'link', set: list('participatingOrganisations'), on: ['create', 'update'] },
  { kind: 'Study', field: 'input.publications[0]', target: 'Publication', rule: 'link', set: list('publications'), on: ['create', 'update'] },
  { kind: 'DataAccessBody', field: 'input.operatedBy', target: 'Organisation', rule: 'claim', set: one('operatedBy'), on: ['create', 'update'] },
  { kind: 'DataAccessBody', field: 'input.hostedBy', target: 'Organisation', rule: 'link', set: one('hostedBy'), on: ['create', 'update'] },
  { kind: 'DataAccessBody', field: 'input.ownerOrganisation', target: 'Organisation', rule: 'claim', set: one('ownerOrganisation'), on: ['create'] },
  { kind: 'HealthEconomicEvaluation', field: 'input.ownerOrganisation', target: 'Organisation', rule: 'claim', set: one('ownerOrganisation'), on: ['create'] },
  { kind: 'HealthEconomicEvaluation', field: 'input.publication', target: 'Publication', rule: 'link', set: one('publication'), on: ['create', 'update'] },
  { kind: 'HealthEconomicEvaluation', field: 'input.evaluatedDatasets[0]', target: 'Dataset', rule: 'claim', set: list('evaluatedDatasets'), on: ['create', 'update'] },
  { kind: 'HealthEconomicEvaluation', field: 'input.evaluatedStudies[0]', target: 'Study', rule: 'link', set: list('evaluatedStudies'), on: ['create', 'update'] },
  { kind: 'Organisation', field: 'input.parent', target: 'Organisation', rule: 'link', set: one('parent'), on: ['update'] },
];

/**
 * Every reference a create or update mutation of the printed schema accepts (ID arguments inside its input,
 * nested inputs included), as `createDataset input.accessRoute.steps[0].body`. createOrganisation and the harvest
 * source mutations are left out: only admins register organisations and harvest sources.
 */
function referenceFieldsOfSchema(): string[] {
  const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
  const found: string[] = [];
  const walk = (mutation: string, type: GraphQLInputObjectType, path: string) => {
    for (const field of Object.values(type.getFields())) {
      let fieldType: GraphQLInputType = isNonNullType(field.type) ? field.type.ofType : field.type;
      const many = isListType(fieldType);
      if (many) fieldType = (fieldType as { ofType: GraphQLInputType }).ofType;
      const named = getNamedType(fieldType);
      const fieldPath = `${path}.${field.name}${many ? '[0]' : ''}`;
      // A nested part's own id (DistributionInput.id) names the part within its record, never another record.
      if (named.name === 'ID' && !(field.name === 'id' && path !== 'input')) found.push(`${mutation} ${fieldPath}`);
      else if (isInputObjectType(named)) walk(mutation, named, fieldPath);
    }
  };
  for (const mutation of Object.values(schema.getMutationType()!.getFields())) {
    if (!/^(create|update)/.test(mutation.name) || mutation.name === 'createOrganisation' || mutation.name.endsWith('HarvestSource')) continue;
    const input = mutation.args.find((arg) => arg.name === 'input');
    const type = input && getNamedType(input.type);
    if (type && isInputObjectType(type)) walk(mutation.name, type, 'input');
  }
  return found.sort();
}

/** A valid create input of each kind, owned by region A. */
const BASE: Record<ReferenceField['kind'], () => Record<string, unknown>> = {
  Dataset: () => ({ title: `Reference rule dataset ${randomUUID()}`, publisher: A }),
  Study: () => ({ title: `Reference rule study ${randomUUID()}`, studyType: 'PILOT', ownerOrganisation: A }),
  // A disclosure function: one wrongly operated by B would show in the whoToAsk of B's datasets.
  DataAccessBody: () => ({ name: `Reference rule body ${randomUUID()}`, kind: 'REGIONAL_DISCLOSURE_FUNCTION', operatedBy: A }),
  HealthEconomicEvaluation: () => ({
    title: `Reference rule evaluation ${randomUUID()}`,
    evaluationType: 'BUDGET_IMPACT',
    ownerOrganisation: A,
    currency: 'SEK',
    priceYear: 2025,
  }),
  Organisation: () => ({}),
};

const PAYLOAD_FIELD: Record<ReferenceField['kind'], string> = {
  Dataset: 'dataset',
  Study: 'study',
  DataAccessBody: 'dataAccessBody',
  HealthEconomicEvaluation: 'healthEconomicEvaluation',
  Organisation: 'organisation',
};

/** What the README promises for a reference of this rule to a record in this situation. */
function expectedCode(rule: ReferenceField['rule'], situation: Case): string | null {
  if (situation === 'otherDraft' || situation === 'unknown') return 'NOT_FOUND';
  if (situation === 'otherPublished' && rule === 'claim') return 'FORBIDDEN';
  return null;
}

describe('the reference rule: every mutation x every reference field x {own, other published, other draft, unknown}', () => {
  let catalogue: TestCatalogue;
  let admin: string;
  let managerA: string;
  const refs = {} as Record<Target, Record<Case, string>>;
  let publicViewOfB: unknown;

  /** What the public sees of region B's published dataset and study: GraphQL and the dataset's RDF. */
  async function publicViewOf(dataset: string, study: string): Promise<unknown> {
    const body = '{ name contactEmail operatedBy { name } }';
    const graphql = await catalogue.gql(
      `query($dataset: ID!) { dataset(id: $dataset) { modified publisher { name } dataHolders { name } whoToAsk ${body}
        accessContacts { reason organisation { name } body ${body} } wasGeneratedBy { title } healthEconomicEvaluations { title } }
        studies(first: 100) { edges { node { identifier modified outputs { title } } } } }`,
      { dataset },
    );
    const studies = graphql.data!.studies.edges.filter((edge: { node: { identifier: string } }) => edge.node.identifier === study);
    const rdf = await (await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(dataset)}`, { headers: { accept: 'application/n-triples' } })).text();
    return { dataset: graphql.data!.dataset, studies, rdf: rdf.split('\n').sort() };
  }

  async function create(kind: string, input: Record<string, unknown>, token: string): Promise<{ id: string; identifier: string }> {
    const field = PAYLOAD_FIELD[kind as ReferenceField['kind']];
    const response = await catalogue.gql(
      `mutation($input: ${kind}Input!) { create${kind}(input: $input) { ${field} { id identifier } userErrors { field code message } } }`,
      { input },
      token,
    );
    expect(response.data?.[`create${kind}`].userErrors, JSON.stringify(response)).toEqual([]);
    return response.data![`create${kind}`][field];
  }

  async function publish(kind: string, id: string): Promise<void> {
    const response = await catalogue.gql(`mutation($id: ID!) { publish${kind}(id: $id) { userErrors { field code } } }`, { id }, admin);
    expect(response.data?.[`publish${kind}`].userErrors, JSON.stringify(response)).toEqual([]);
  }

  async function publication(owner: string, status: RecordStatus): Promise<string> {
    const em = catalogue.orm.em.fork();
    const [organisation] = await em.getConnection().execute<{ id: string }[]>('select id from organisation where identifier = ?', [owner]);
    const record = Object.assign(new Publication(), {
      identifier: `urn:test:publication:${randomUUID()}`,
      title: 'A publication of the reference rule test',
      status,
      issued: status === RecordStatus.PUBLISHED ? new Date() : null,
      ownerOrganisationId: organisation!.id,
    });
    await em.persist(record).flush();
    return record.identifier;
  }

  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    admin = await catalogue.token('admin');
    managerA = await catalogue.token('data_manager', [A, A_CENTRE]);
    const unknown = (kind: string) => `urn:test:${kind}:${randomUUID()}`;
    const draftOrganisation = await create('Organisation', { name: 'Region Draftland', type: 'REGION' }, admin);
    refs.Organisation = { own: A, otherPublished: B, otherDraft: draftOrganisation.identifier, unknown: unknown('organisation') };

    const study = (owner: string) => create('Study', { title: `Study of ${owner}`, studyType: 'PILOT', ownerOrganisation: owner }, admin);
    const otherStudy = await study(B);
    await publish('Study', otherStudy.id);
    refs.Study = { own: (await study(A)).identifier, otherPublished: otherStudy.identifier, otherDraft: (await study(B)).identifier, unknown: unknown('study') };

    const body = (owner: string) => create('DataAccessBody', { name: `DAC of ${owner}`, kind: 'DAC', operatedBy: owner }, admin);
    const otherBody = await body(B);
    await publish('DataAccessBody', otherBody.id);
    refs.DataAccessBody = { own: (await body(A)).identifier, otherPublished: otherBody.identifier, otherDraft: (await body(B)).identifier, unknown: unknown('body') };

    const dataset = (owner: string) =>
      create('Dataset', {
        title: `Dataset of ${owner}`,
        description: 'Open data, publishable without an access body.',
        accessRights: 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
        publisher: owner,
        dataHolders: [owner],
        consent: { duoPermission: 'GRU' },
        accessRoute: { accessMode: 'OPEN', steps: [] },
      }, admin);
    const otherDataset = await dataset(B);
    await publish('Dataset', otherDataset.id);
    refs.Dataset = { own: (await dataset(A)).identifier, otherPublished: otherDataset.identifier, otherDraft: (await dataset(B)).identifier, unknown: unknown('dataset') };

    refs.Publication = {
      own: await publication(A, RecordStatus.DRAFT),
      otherPublished: await publication(B, RecordStatus.PUBLISHED),
      otherDraft: await publication(B, RecordStatus.DRAFT),
      unknown: unknown('publication'),
    };
    publicViewOfB = await publicViewOf(refs.Dataset.otherPublished, refs.Study.otherPublished);
  }, 120_000);
  afterAll(() => catalogue?.stop());

  const matrix = FIELDS.flatMap((reference) =>
    reference.on.flatMap((mutation) => CASES.map((situation) => ({ ...reference, mutation, situation, name: `${mutation}${reference.kind} ${reference.field}` }))),
  );

  it('walks every reference field of every create and update mutation in the schema', () => {
    const walked = [...new Set(matrix.map(({ name }) => name))].sort();
    expect(walked).toEqual(referenceFieldsOfSchema());
  });

  it.each(matrix)('$name -> $situation', async ({ kind, field, target, rule, set, mutation, situation }) => {
    const ref = refs[target][situation];
    const selection = `${PAYLOAD_FIELD[kind]} { id } userErrors { field code message }`;
    let payload: { userErrors: { field: string; code: string; message: string }[] } & Record<string, unknown>;
    if (mutation === 'create') {
      const response = await catalogue.gql(
        `mutation($input: ${kind}Input!) { create${kind}(input: $input) { ${selection} } }`,
        { input: { ...BASE[kind](), ...set(ref) } },
        managerA,
      );
      payload = response.data![`create${kind}`];
    } else {
      const id = kind === 'Organisation' ? await idOf(A_CENTRE) : (await create(kind, BASE[kind](), managerA)).id;
      const version = await catalogue.gql(`query($id: ID!) { node(id: $id) { ... on CatalogueRecord { version } } }`, { id }, managerA);
      const response = await catalogue.gql(
        `mutation($id: ID!, $v: Int!, $input: ${kind}Patch!) { update${kind}(id: $id, expectedVersion: $v, input: $input) { ${selection} } }`,
        { id, v: version.data!.node.version, input: set(ref) },
        managerA,
      );
      payload = response.data![`update${kind}`];
    }
    const code = expectedCode(rule, situation);
    if (code === null) {
      expect(payload.userErrors).toEqual([]);
      expect(payload[PAYLOAD_FIELD[kind]]).not.toBeNull();
    } else {
      expect(payload.userErrors.map(({ field, code }) => ({ field, code }))).toEqual([{ field, code }]);
      expect(payload[PAYLOAD_FIELD[kind]]).toBeNull();
      // An unreadable draft and an unknown reference read the same, but for the reference itself.
      if (code === 'NOT_FOUND') expect(payload.userErrors[0]!.message.replace(ref, '<ref>')).toBe(`no ${target} with id or identifier "<ref>"`);
    }
  });

  it("leaves what the public sees of region B's records as it was, after all of region A's writes above", async () => {
    const after = await publicViewOf(refs.Dataset.otherPublished, refs.Study.otherPublished);
    expect((after as { dataset: { whoToAsk: unknown[] } }).dataset.whoToAsk.length).toBeGreaterThan(0);
    expect(after).toEqual(publicViewOfB);
  });

  async function idOf(identifier: string): Promise<string> {
    const response = await catalogue.gql('{ organisations(first: 100) { edges { node { id identifier } } } }');
    return response.data!.organisations.edges.find((e: { node: { identifier: string } }) => e.node.identifier === identifier).node.id;
  }
});
