import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessRoute } from '../../src/access/access-route.entity.js';
import { ConsentScope } from '../../src/consent/consent-scope.entity.js';
import { findDuoTerm } from '../../src/consent/duo-vocabulary.js';
import { roundIndividuals } from '../../src/datasets/cohort-disclosure.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { openOrm, type Orm } from '../../src/db/orm.js';
import { ancestorsOf, labelOf, normaliseDiseaseId } from '../../src/ontology/disease-hierarchy.js';
import { OrganisationType } from '../../src/organisations/organisation.entity.js';
import { AccessPolicy } from '../../src/records/access-policy.js';
import { listInEveryLanguage, textInEveryLanguage } from '../../src/records/translations.js';
import { buildSearchDocuments } from '../../src/search/document.js';
import type { DatasetSearchDocument } from '../../src/search/engine.js';
import { seedExampleCatalogue } from '../../seed/example-catalogue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * Search documents are built from one SQL statement per batch. They must be the documents the entities
 * describe: this test derives each document independently, from the entities as the ORM loads them (the way
 * they were built before), and compares, over the seed catalogue and the cases the SQL could get wrong.
 */
async function documentsFromEntities(em: EntityManager, datasetIds: string[]): Promise<DatasetSearchDocument[]> {
  const datasets = await em.find(Dataset, { id: { $in: datasetIds } }, { populate: ['publisher', 'dataHolders'] });
  const consents = new Map((await em.find(ConsentScope, { dataset: { $in: datasetIds } })).map((c) => [c.dataset.id, c]));
  const routes = new Map((await em.find(AccessRoute, { dataset: { $in: datasetIds } }, { populate: ['steps'] })).map((r) => [r.dataset.id, r]));
  return datasets.map((dataset) => {
    const consent = consents.get(dataset.id);
    const route = routes.get(dataset.id);
    const cohort = dataset.cohort;
    const diseaseIds = [...new Set((cohort?.diseases ?? []).map((d) => normaliseDiseaseId(d.iri)))];
    const ancestors = [...new Set(diseaseIds.flatMap((id) => ancestorsOf(id)))];
    const publicPublisher = AccessPolicy.PUBLIC.canRead(dataset.publisher);
    const values = {
      title: textInEveryLanguage(dataset, 'title'),
      description: textInEveryLanguage(dataset, 'description'),
      keywords: listInEveryLanguage(dataset, 'keywords'),
      publisherName: publicPublisher ? textInEveryLanguage(dataset.publisher, 'name') : [],
    };
    const languages = [...new Set([dataset.language, ...Object.values(values).flat().map((v) => v.language)])];
    const inLanguage = (field: keyof typeof values, language: string) => values[field].find((v) => v.language === language)?.value;
    const bodies = [route?.accessBody?.id, ...(route?.steps.getItems() ?? []).map((s) => s.body?.id)].filter((id): id is string => !!id);
    return {
      id: dataset.id,
      identifier: dataset.identifier,
      status: dataset.status,
      ownerOrganisationId: dataset.ownerOrganisationId ?? dataset.publisher.id,
      title: dataset.title,
      description: dataset.description,
      keywords: dataset.keywords,
      publisherId: dataset.publisher.id,
      publisherName: publicPublisher ? dataset.publisher.name : null,
      texts: languages.map((language) => ({
        language,
        title: (inLanguage('title', language) as string | undefined) ?? '',
        description: (inLanguage('description', language) as string | undefined) ?? '',
        keywords: (inLanguage('keywords', language) as string[] | undefined) ?? [],
        publisherName: (inLanguage('publisherName', language) as string | undefined) ?? null,
      })),
      diagnosticArea: dataset.diagnosticArea ?? null,
      assays: cohort?.sequencing?.assays ?? [],
      diseaseIds,
      diseaseAncestorIds: ancestors,
      diseaseLabels: [...new Set([...(cohort?.diseases ?? []).map((d) => d.label ?? ''), ...ancestors.map((id) => labelOf(id) ?? '')].filter(Boolean))],
      phenotypeLabels: (cohort?.phenotypes ?? []).map((p) => p.label ?? '').filter(Boolean),
      duoPermission: consent ? (findDuoTerm(consent.duoPermission)?.shorthand ?? consent.duoPermission) : null,
      consentKey: consent?.consentKey ?? null,
      accessMode: route?.accessMode ?? null,
      accessBodyIds: [...new Set(bodies)],
      holdingRegionIds: dataset.dataHolders.getItems().filter((o) => o.type === OrganisationType.REGION).map((o) => o.id),
      genomeBuild: cohort?.genomeBuild?.name ?? null,
      individuals: cohort?.numberOfUniqueIndividuals ?? null,
      individualsRounded: roundIndividuals(cohort?.numberOfUniqueIndividuals ?? null),
      issued: dataset.issued?.toISOString() ?? null,
      modified: dataset.modified.toISOString(),
    };
  });
}

/** Holders have no order (a set of organisations); everything else is compared as built. */
const comparable = (documents: DatasetSearchDocument[]) =>
  documents.map((d) => ({ ...d, holdingRegionIds: [...d.holdingRegionIds].sort() })).sort((a, b) => (a.id < b.id ? -1 : 1));

describe('search documents built in SQL', () => {
  let db: TestDatabase;
  let orm: Orm;
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(text, params); // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openOrm({ databaseUrl: db.url });
    await seedExampleCatalogue(orm.em.fork());
  }, 120_000);
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('are the documents the entities describe, for the seed catalogue and the edge cases', async () => {
    const datasets = await sql<{ id: string; identifier: string; publisher_id: string }>('select id, identifier, publisher_id from dataset order by identifier');
    expect(datasets.length).toBeGreaterThan(10);
    const [swedish, hiddenPublisher, bare, mixedHolders, withdrawn, noCohort] = datasets;
    // Swedish as the dataset's own language with English translations, and a publisher named in both.
    await sql(
      `update dataset set language = 'sv', title = 'Sällsynta diagnoser, helgenom', keywords = array['sällsynt', 'helgenom'],
         translations = '{"en": {"title": "Rare diagnoses, whole genome", "description": "In English", "keywords": ["rare"]}}' where id = ?`,
      [swedish!.id],
    );
    await sql(`update organisation set translations = '{"sv": {"name": "Utgivaren på svenska"}}' where id = ?`, [swedish!.publisher_id]);
    // A publisher the public may not read yet: its name stays out of the index, in every language.
    await sql(
      `insert into organisation (id, identifier, version, status, modified, created_at, provenance_source, name, language, translations, type, roles)
       values (gen_random_uuid(), 'urn:test:org:draft-publisher', 1, 'DRAFT', now(), now(), 'MANUAL', 'Secret Draft Publisher', 'en', '{"sv": {"name": "Hemlig utgivare"}}', 'UNIVERSITY', '{}')`,
    );
    await sql(`update dataset set publisher_id = (select id from organisation where identifier = 'urn:test:org:draft-publisher') where id = ?`, [hiddenPublisher!.id]);
    // No consent scope, no access route.
    await sql('delete from consent_scope where dataset_id = ?', [bare!.id]);
    await sql('delete from access_route where dataset_id = ?', [bare!.id]);
    // Every organisation as a holder: regions among universities, biobanks, authorities...
    await sql(`insert into dataset_data_holder (dataset_id, organisation_id) select ?, id from organisation on conflict do nothing`, [mixedHolders!.id]);
    // A route whose steps name the same body twice, and a step without a body.
    const [route] = await sql<{ id: string; access_body_id: string | null }>('select id, access_body_id from access_route where dataset_id = ?', [mixedHolders!.id]);
    if (route) {
      await sql(
        `insert into access_route_step (id, route_id, position, requirement, body_id)
         select gen_random_uuid(), ?, 100 + n, 'DPA', case when n = 2 then null else (select id from data_access_body order by identifier offset n limit 1) end
           from generate_series(0, 3) n`,
        [route.id],
      );
    }
    await sql(`update dataset set status = 'WITHDRAWN', withdrawal_reason = 'superseded' where id = ?`, [withdrawn!.id]);
    await sql('update dataset set cohort = null where id = ?', [noCohort!.id]);

    const ids = [...datasets.map((d) => d.id), '00000000-0000-4000-8000-000000000000'];
    const built = await buildSearchDocuments(orm.em.fork(), ids);
    expect(comparable(built)).toEqual(comparable(await documentsFromEntities(orm.em.fork(), ids)));

    const byId = new Map(built.map((d) => [d.id, d]));
    expect(byId.size).toBe(datasets.length);
    expect(byId.get(swedish!.id)!.texts.map((t) => t.language)).toEqual(['sv', 'en']);
    expect(byId.get(swedish!.id)!.texts[0]!.publisherName).toBe('Utgivaren på svenska');
    expect(JSON.stringify(byId.get(hiddenPublisher!.id))).not.toMatch(/Secret|Hemlig/);
    expect(byId.get(bare!.id)).toMatchObject({ duoPermission: null, consentKey: null, accessMode: null, accessBodyIds: [] });
    expect(byId.get(mixedHolders!.id)!.holdingRegionIds.length).toBeGreaterThan(1);
    expect(byId.get(withdrawn!.id)!.status).toBe('WITHDRAWN');
    expect(byId.get(noCohort!.id)).toMatchObject({ diseaseIds: [], assays: [], individuals: null, genomeBuild: null });
  });

  it('builds a batch in one statement, whatever its size', async () => {
    const statements: string[] = [];
    const counted = await openOrm({ databaseUrl: db.url, onQuery: (line) => statements.push(line) });
    try {
      const ids = (await sql<{ id: string }>('select id from dataset')).map((r) => r.id);
      statements.length = 0;
      expect(await buildSearchDocuments(counted.em.fork(), ids)).toHaveLength(ids.length);
      expect(statements).toHaveLength(1);
    } finally {
      await counted.close();
    }
  });
});
