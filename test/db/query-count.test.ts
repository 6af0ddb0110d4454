import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessMode, AccessRequirement, AccessRoute, AccessRouteStep } from '../../src/access/access-route.entity.js';
import { DataAccessBody } from '../../src/access/data-access-body.entity.js';
import { RecordStatus } from '../../src/records/record.js';
import { ConsentScope } from '../../src/consent/consent-scope.entity.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { Distribution } from '../../src/datasets/distribution.entity.js';
import { HealthEconomicEvaluation } from '../../src/economics/health-economic-evaluation.entity.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { Study } from '../../src/studies/study.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const PAGE = `query($first: Int!) {
  datasets(first: $first, sort: TITLE) {
    edges { node {
      title
      publisher { name }
      dataHolders { name }
      consent { duoPermission duoModifiers { code value } }
      accessRoute { accessMode steps { order requirement body { name contactEmail } } }
      whoToAsk { name }
      distributions { title formats { label } }
      wasGeneratedBy { title funders { name } }
      healthEconomicEvaluations { title results { measure amount { currency priceYear } } }
    } }
  }
}`;

describe('DataLoader batching: no N+1 on a page of datasets', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    // Add 60 published datasets, each with every relation the page asks for.
    const em = catalogue.orm.em.fork();
    const publisher = await em.findOneOrFail(Organisation, { identifier: 'urn:example:gms-catalogue:org:region-uppsala' });
    const study = await em.findOneOrFail(Study, { identifier: { $like: '%childhood-cancer' } });
    const body = await em.findOneOrFail(DataAccessBody, { identifier: 'urn:example:gms-catalogue:dab:uppsala' });
    const evaluation = await em.findOneOrFail(HealthEconomicEvaluation, { identifier: { $like: '%aml-bc2016' } }, { populate: ['evaluatedDatasets'] });
    for (let i = 0; i < 60; i++) {
      const dataset = Object.assign(new Dataset(), {
        identifier: `urn:test:batch:${i}`,
        title: `Batch dataset ${String(i).padStart(2, '0')}`,
        publisher,
        wasGeneratedBy: study,
        status: RecordStatus.PUBLISHED,
        issued: new Date(),
        ownerOrganisationId: publisher.id,
      });
      dataset.dataHolders.add(publisher);
      dataset.distributions.add(Object.assign(new Distribution(), { dataset, title: `files ${i}`, formats: [{ label: 'VCF' }] }));
      const route = Object.assign(new AccessRoute(), { dataset, accessMode: AccessMode.SECURE_PROCESSING_ENVIRONMENT, accessBody: body });
      route.steps.add(Object.assign(new AccessRouteStep(), { route, position: 1, requirement: AccessRequirement.DAC_REVIEW, body }));
      evaluation.evaluatedDatasets.add(dataset);
      em.persist([dataset, route, Object.assign(new ConsentScope(), { dataset, duoPermission: 'DUO:0000042', consentKey: 'gru' })]);
    }
    await em.flush();
    await catalogue.orm.em.getConnection().execute(`insert into outbox_event (aggregate_type, aggregate_id, created_at, available_at, attempts) select 'Dataset', id, now(), now(), 0 from dataset`);
    await catalogue.indexer.drain();
  });
  afterAll(() => catalogue?.stop());

  async function queriesFor(first: number): Promise<string[]> {
    catalogue.queries.length = 0;
    const { data, errors } = await catalogue.gql(PAGE, { first });
    expect(errors).toBeUndefined();
    expect(data?.datasets.edges).toHaveLength(first);
    return [...catalogue.queries];
  }

  it('issues the same number of SQL statements for 5 and for 50 datasets', async () => {
    const small = await queriesFor(5);
    const large = await queriesFor(50);
    // The statements are seen at all (a counter that never matches would pass the comparisons below).
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((sql) => /^\s*(select|insert|update|delete|with|begin|commit|set)\b/i.test(sql)), small.join('\n')).toBe(true);
    expect(large.length, large.join('\n')).toBe(small.length);
  });
});
