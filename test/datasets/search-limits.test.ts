import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_TERM_MAX_BYTES, SEARCH_TEXT_MAX_BYTES } from '../../src/config.js';
import { TEXT_LIMITS } from '../../src/core/validation.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/** Values the search engines could not index are refused when saved, naming the field (issue 9). */
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { field message code } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { field message code } } }`;

describe('search limits on saving a dataset', () => {
  let catalogue: TestCatalogue;
  let token: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    token = await catalogue.token('data_manager', [STOCKHOLM]);
  });
  afterAll(() => catalogue?.stop());

  const count = async () => Number((await catalogue.orm.em.getConnection().execute<{ n: string }[]>('select count(*) as n from dataset'))[0]!.n);

  it('stay below what PostgreSQL (GIN entry ~2.7 kB, tsvector 1 MB) and Elasticsearch (keyword term 32,766 bytes) index', () => {
    expect(SEARCH_TERM_MAX_BYTES).toBeLessThan(2_700);
    expect(SEARCH_TEXT_MAX_BYTES).toBeLessThan(1_048_575);
    // Identifiers and codes (disease ids among them) within the argument limit always fit one term: a UTF-16
    // unit takes at most 3 bytes of UTF-8.
    expect(TEXT_LIMITS.identifier * 3).toBeLessThanOrEqual(SEARCH_TERM_MAX_BYTES);
  });

  it('refuses a 9 kB disease id on create, naming the field, and writes nothing', async () => {
    const before = await count();
    const response = await catalogue.gql(CREATE, {
      input: { title: 'Oversized disease code', publisher: STOCKHOLM, cohort: { diseases: [{ iri: `ICD10:${'Q'.repeat(9 * 1024)}` }] } },
    }, token);
    // The argument limits (src/graphql/limits.ts) refuse it before the dataset rules see it.
    expect(response.status).toBe(400);
    expect(response.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^input\.cohort\.diseases\[0\]\.iri: /), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await count()).toBe(before);
  });

  it('refuses a genome build within the argument limit but too long for a search term, and leaves the dataset as it was', async () => {
    const [dataset] = await catalogue.orm.em.getConnection().execute<{ identifier: string; version: number }[]>(
      `select d.identifier, d.version from dataset d join organisation o on o.id = d.owner_organisation_id where o.identifier = ? limit 1`,
      [STOCKHOLM],
    );
    // 900 characters (the argument limit allows 1,000), 2,700 bytes of UTF-8.
    const name = '€'.repeat(900);
    const { data } = await catalogue.gql(UPDATE, { id: dataset!.identifier, v: dataset!.version, input: { cohort: { genomeBuild: { name } } } }, token);
    expect(data!.updateDataset.dataset).toBeNull();
    expect(data!.updateDataset.userErrors).toContainEqual(expect.objectContaining({ field: 'input.cohort.genomeBuild.name', message: expect.stringMatching(/2700 bytes/) }));
    const [after] = await catalogue.orm.em.getConnection().execute<{ version: number; build: string }[]>(
      `select version, cohort->'genomeBuild'->>'name' as build from dataset where identifier = ?`,
      [dataset!.identifier],
    );
    expect(after).toMatchObject({ version: dataset!.version });
    expect(after!.build.length).toBeLessThan(100);
  });

  it('refuses more searchable text than an engine indexes', async () => {
    // Every list at its limit (core/list-limits.ts), every text at its length: more than the 512 KiB an engine indexes.
    const keywords = Array.from({ length: 100 }, (_, i) => `keyword-${i}-${'k'.repeat(180)}`);
    const phenotypes = Array.from({ length: 500 }, (_, i) => ({ iri: `HP:${String(i).padStart(7, '0')}`, label: `${i} ${'p'.repeat(990)}` }));
    const input = { title: 'Too many words', description: 'd'.repeat(20_000), publisher: STOCKHOLM, keywords, cohort: { phenotypes } };
    const { data } = await catalogue.gql(CREATE, { input }, token);
    expect(data!.createDataset.dataset).toBeNull();
    expect(data!.createDataset.userErrors).toContainEqual(expect.objectContaining({ field: 'input', message: expect.stringMatching(/at most 524288 bytes/) }));
  });
});
