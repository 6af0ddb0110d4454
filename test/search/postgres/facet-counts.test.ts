import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSearchDocument, DatasetSearchRequest } from '../../../src/search/engine.js';
import { PostgresSearchEngine } from '../../../src/search/postgres/postgres-engine.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/**
 * The narrow facet table (src/search/postgres/facet-counts.ts) is kept by triggers: after every kind of write
 * it must hold exactly the projection's rows, with each list facet's key naming the list the projection holds,
 * the text table the same narrow rows, its groups exactly the narrow rows' number and size sums, and the counts
 * of a narrowed search must follow.
 */

const REGION = 'org-region-orebro';
const OTHER_REGION = 'org-region-skane';
const CANCER = ['MONDO:0000001', 'MONDO:0004992'];
const AML = [...CANCER, 'MONDO:0005059', 'MONDO:0018874'];
const EPILEPSY = ['MONDO:0000001', 'MONDO:0005027'];

function doc(n: number, overrides: Partial<DatasetSearchDocument> = {}): DatasetSearchDocument {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    identifier: `urn:test:${n}`,
    status: 'PUBLISHED',
    ownerOrganisationId: REGION,
    title: `Cohort ${n}`,
    description: 'A cohort.',
    keywords: [],
    publisherId: REGION,
    publisherName: 'Region Örebro län',
    texts: [{ language: 'en', title: `Cohort ${n}`, description: 'A cohort.', keywords: [], publisherName: 'Region Örebro län' }],
    diagnosticArea: 'CANCER',
    assays: ['WGS'],
    diseaseIds: [CANCER.at(-1)!],
    diseaseAncestorIds: CANCER,
    diseaseLabels: ['cancer'],
    phenotypeLabels: [],
    duoPermission: 'HMB',
    consentKey: 'k1',
    accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
    accessBodyIds: ['body-1'],
    holdingRegionIds: [REGION],
    genomeBuild: 'GRCh38',
    individuals: 120,
    individualsRounded: 120,
    issued: '2020-01-01T00:00:00.000Z',
    modified: `2024-01-0${n}T00:00:00.000Z`,
    ...overrides,
  };
}

describe('PostgreSQL engine: the narrow facet table', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let engine: PostgresSearchEngine;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 3 });
    engine = new PostgresSearchEngine({ pool });
    await engine.init();
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  /** Rows of the projection and of the narrow table that differ (missing on either side, or any value). */
  async function mismatches(): Promise<unknown[]> {
    const list = (key: string) => `(SELECT vals FROM dataset_search_lists l WHERE l.key = f.${key})`;
    const { rows } = await pool.query(`
        SELECT coalesce(d.id, f.id) AS id FROM dataset_search d FULL JOIN dataset_search_facets f ON f.id = d.id
        WHERE d.id IS NULL OR f.id IS NULL
           OR (d.status, d.owner_organisation_id, d.consent_key, d.individuals, d.individuals_rounded, d.publisher_id,
               d.diagnostic_area, d.duo_permission, d.access_mode, d.genome_build)
              IS DISTINCT FROM
              (f.status, f.owner_organisation_id, f.consent_key, f.individuals, f.individuals_rounded, f.publisher_id,
               f.diagnostic_area, f.duo_permission, f.access_mode, f.genome_build)
           OR d.assays IS DISTINCT FROM ${list('assays_key')}
           OR d.disease_ancestor_ids IS DISTINCT FROM ${list('disease_ancestor_ids_key')}
           OR d.access_body_ids IS DISTINCT FROM ${list('access_body_ids_key')}
           OR d.holding_region_ids IS DISTINCT FROM ${list('holding_region_ids_key')}
           OR ARRAY[d.publisher_id, d.diagnostic_area, d.duo_permission, d.access_mode, d.genome_build] IS DISTINCT FROM ${list('singles_key')}`);
    return [...rows, ...(await textMismatches()), ...(await groupMismatches())];
  }

  /** Rows of the text table whose narrow columns differ from the narrow table's (missing on either side, or any value). */
  async function textMismatches(): Promise<unknown[]> {
    const columns = `status, owner_organisation_id, consent_key, individuals, individuals_rounded, publisher_id, diagnostic_area,
                     duo_permission, access_mode, genome_build, assays_key, disease_ancestor_ids_key, access_body_ids_key, holding_region_ids_key,
                     singles_key`;
    const narrow = `SELECT id, ${columns} FROM dataset_search_facets`;
    const text = `SELECT id, ${columns} FROM dataset_search_text`;
    const { rows } = await pool.query(`(${narrow} EXCEPT ALL ${text}) UNION ALL (${text} EXCEPT ALL ${narrow})`);
    return rows;
  }

  /** Groups whose number or size sums differ from those of the narrow rows they stand for (empty groups left out). */
  async function groupMismatches(): Promise<unknown[]> {
    const range = (size: string) =>
      `CASE WHEN ${size} BETWEEN 1 AND 99 THEN 1 WHEN ${size} BETWEEN 100 AND 999 THEN 2 WHEN ${size} BETWEEN 1000 AND 9999 THEN 4 WHEN ${size} >= 10000 THEN 8 ELSE 0 END`;
    const key = `status, owner_organisation_id, consent_key, low, exact_size, rounded_size, publisher_id, diagnostic_area, duo_permission,
                 access_mode, genome_build, assays_key, disease_ancestor_ids_key, access_body_ids_key, holding_region_ids_key, singles_key`;
    const expected = `SELECT ${key}, count(*), coalesce(sum(individuals), 0), coalesce(sum(individuals_rounded), 0)
        FROM (SELECT *, CASE WHEN individuals_rounded < 100 THEN individuals_rounded ELSE -1 END AS low,
                     ${range('individuals')} AS exact_size, ${range('individuals_rounded')} AS rounded_size
                FROM dataset_search_facets) f
       GROUP BY ${key}`;
    const kept = `SELECT ${key}, n, exact_sum, rounded_sum FROM dataset_search_groups WHERE n <> 0`;
    const { rows } = await pool.query(`(${kept} EXCEPT ALL ${expected}) UNION ALL (${expected} EXCEPT ALL ${kept})`);
    return rows;
  }

  const facetted = (filter: DatasetSearchRequest['filter']) =>
    engine.search({
      query: null,
      filter,
      visibility: { allStatusesForOwners: [] },
      sort: 'MODIFIED_DESC',
      first: 10,
      facets: ['disease', 'assay', 'publisher', 'individuals'],
      individuals: { kind: 'EXACT' },
    });
  const buckets = async (filter: DatasetSearchRequest['filter']) =>
    Object.fromEntries((await facetted(filter)).facets.map((facet) => [facet.field, facet.buckets.map((b) => [b.value, b.count, b.individuals])]));

  it('mirrors the projection through create, update, withdraw, delete and rebuild', async () => {
    await engine.upsert([doc(1), doc(2, { assays: ['WES'], diseaseAncestorIds: AML, individuals: 30, individualsRounded: 30 }), doc(3)]);
    expect(await mismatches()).toEqual([]);
    const cancerWgs = { diseaseIds: ['MONDO:0004992'], assays: ['WGS'] };
    expect((await facetted(cancerWgs)).totalCount).toBe(2);
    expect((await buckets(cancerWgs)).assay).toEqual([
      ['WGS', 2, 240],
      ['WES', 1, 30],
    ]);

    // Lists change: a new disease closure and a second assay.
    await engine.upsert([
      doc(3, { assays: ['WGS', 'WES'], diseaseAncestorIds: EPILEPSY, publisherId: OTHER_REGION, holdingRegionIds: [OTHER_REGION, REGION] }),
    ]);
    expect(await mismatches()).toEqual([]);
    expect((await facetted(cancerWgs)).totalCount).toBe(1);
    const afterUpdate = await buckets({ assays: ['WES'] });
    expect(afterUpdate.disease).toEqual([
      ['MONDO:0000001', 2, 150],
      ['MONDO:0004992', 1, 30],
      ['MONDO:0005027', 1, 120],
      ['MONDO:0005059', 1, 30],
      ['MONDO:0018874', 1, 30],
    ]);
    // Equal counts: by value in byte order.
    expect(afterUpdate.publisher).toEqual([
      [REGION, 1, 30],
      [OTHER_REGION, 1, 120],
    ]);

    // Written again alike, then only a size within its range: the same group, other sums.
    await engine.upsert([doc(1)]);
    await engine.upsert([doc(1, { individuals: 130 })]);
    expect(await mismatches()).toEqual([]);
    expect((await buckets({ diseaseIds: ['MONDO:0004992'], publisherIds: [REGION] })).individuals).toEqual([
      ['1-99', 1, 30],
      ['100-999', 1, 130],
    ]);
    await engine.upsert([doc(1)]);

    // Withdrawn: out of anonymous counts, still mirrored.
    await engine.upsert([doc(2, { status: 'WITHDRAWN', assays: ['WES'], diseaseAncestorIds: AML, individuals: 30, individualsRounded: 30 })]);
    expect(await mismatches()).toEqual([]);
    expect((await buckets({ assays: ['WES'] })).disease).toEqual([
      ['MONDO:0000001', 1, 120],
      ['MONDO:0005027', 1, 120],
    ]);

    await engine.remove([doc(3).id]);
    expect(await mismatches()).toEqual([]);
    expect((await facetted({ assays: ['WES'] })).totalCount).toBe(0);
    expect((await buckets({ assays: ['WES'] })).assay).toEqual([['WGS', 1, 120]]);

    await engine.rebuild(
      (async function* () {
        yield [doc(1), doc(4, { assays: [], diseaseAncestorIds: [] })];
      })(),
    );
    expect(await mismatches()).toEqual([]);
    expect((await buckets({ diseaseIds: ['MONDO:0004992'] })).assay).toEqual([['WGS', 1, 120]]);
    // The rebuilt tables are maintained too.
    await engine.upsert([doc(5, { assays: ['PANEL'] })]);
    expect(await mismatches()).toEqual([]);
    expect((await buckets({ diseaseIds: ['MONDO:0004992'] })).assay).toEqual([
      ['PANEL', 1, 120],
      ['WGS', 1, 120],
    ]);
  });

  it('builds the narrow table afresh for a projection made before it or before its facets changed', async () => {
    await pool.query('DROP TABLE dataset_search_facets, dataset_search_lists');
    await engine.init();
    expect(await mismatches()).toEqual([]);
    expect((await facetted({ assays: ['PANEL', 'WGS'] })).totalCount).toBe(2);

    await pool.query('ALTER TABLE dataset_search_facets DROP COLUMN genome_build');
    await engine.init();
    expect(await mismatches()).toEqual([]);
    await engine.upsert([doc(6, { assays: ['WGS'] })]);
    expect((await facetted({ assays: ['PANEL', 'WGS'] })).totalCount).toBe(3);

    // As a version before the single-valued facets' key left them; the start says why it waits, and only then.
    await pool.query('ALTER TABLE dataset_search_facets DROP COLUMN singles_key');
    await pool.query('ALTER TABLE dataset_search_text DROP COLUMN singles_key');
    await pool.query('ALTER TABLE dataset_search_groups DROP COLUMN singles_key');
    const said: string[] = [];
    const upgraded = new PostgresSearchEngine({ pool, log: (line) => said.push(line) });
    await upgraded.init();
    const indexed = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dataset_search')).rows[0]!.n;
    expect(said).toEqual([
      `search tables of another version of gdcat: building them afresh from the ${indexed} datasets indexed, before this process serves or indexes (about 20 s per 100,000 datasets on 2 cores)`,
      expect.stringMatching(/^search tables built afresh in \d+\.\d s$/),
    ]);
    expect(await mismatches()).toEqual([]);
    expect((await facetted({ assays: ['PANEL', 'WGS'] })).totalCount).toBe(3);
    await upgraded.init();
    expect(said).toHaveLength(2);
  });

  it('builds the text table afresh for a projection made before it carried the narrow rows', async () => {
    const words = () => engine.search({ ...request, query: 'cohort', facets: ['assay'] }).then((r) => [r.totalCount, r.facets[0]!.buckets.map((b) => [b.value, b.count])]);
    const request = { query: null, filter: {}, visibility: { allStatusesForOwners: [] }, sort: 'RELEVANCE' as const, first: 10, facets: [], individuals: { kind: 'EXACT' as const } };
    const before = await words();
    await pool.query('ALTER TABLE dataset_search_text DROP COLUMN assays_key, DROP COLUMN genome_build');
    await engine.init();
    expect(await mismatches()).toEqual([]);
    expect(await words()).toEqual(before);
  });

  it('keeps the groups exact while writers change the same datasets at once', async () => {
    const ids = [10, 11, 12, 13, 14, 15];
    const variant = (writer: number, round: number) =>
      ids.map((n) =>
        doc(n, {
          assays: [['WGS', 'WES', 'PANEL'][(n + writer + round) % 3]!],
          publisherId: (n + round) % 2 === 0 ? REGION : OTHER_REGION,
          individuals: 10 * writer + round + n,
          individualsRounded: 10 * writer + round + n,
        }),
      );
    // Three writers (the pool's connections) writing the same datasets differently, with removals between.
    await Promise.all(
      [0, 1, 2].map(async (writer) => {
        for (let round = 0; round < 8; round += 1) {
          await engine.upsert(variant(writer, round));
          if (round % 3 === writer) await engine.remove([doc(ids[round % ids.length]!).id]);
        }
      }),
    );
    expect(await mismatches()).toEqual([]);
    const listed = await engine.listIds();
    expect((await facetted({ publisherIds: [REGION, OTHER_REGION] })).totalCount).toBe(listed.length);
  });
});
