import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const IANA = 'http://www.iana.org/assignments/media-types/';
const MEDIA_TYPE = 'http://www.w3.org/ns/dcat#mediaType';

const DISTRIBUTIONS = 'distributions { id title mediaType formats { label edam mediaType } }';
const CREATE = `mutation($input: DatasetInput!) {
  createDataset(input: $input) { dataset { id version ${DISTRIBUTIONS} } userErrors { field message code } }
}`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version ${DISTRIBUTIONS} } userErrors { field message code } }
}`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { userErrors { field message } } }`;

const dataset = (identifier: string, distributions: unknown[]) => ({
  identifier,
  title: 'Pharmacogenomic diplotypes',
  description: 'Diplotype calls per participant.',
  keywords: ['pharmacogenomics'],
  publisher: STOCKHOLM,
  hdab: 'urn:example:gms-catalogue:dab:se-hdab',
  consent: { duoPermission: 'HMB' },
  accessRoute: {
    accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
    accessBody: 'urn:example:gms-catalogue:dab:stockholm',
    steps: [{ order: 1, requirement: 'CONTROLLER_DISCLOSURE_DECISION', body: 'urn:example:gms-catalogue:dab:stockholm' }],
  },
  distributions,
});

describe('media types of distributions and their formats', () => {
  let catalogue: TestCatalogue;
  let manager: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    manager = await catalogue.token('data_manager', [STOCKHOLM]);
  });
  afterAll(() => catalogue?.stop());

  const mediaTypesStated = async (identifier: string): Promise<string[]> => {
    const response = await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(identifier)}`, { headers: { accept: 'text/turtle' } });
    expect(response.status).toBe(200);
    return new Parser().parse(await response.text()).filter((quad) => quad.predicate.value === MEDIA_TYPE).map((quad) => quad.object.value);
  };

  it("keeps a format's media type, shows it, and states it as the distribution's when the formats agree on one", async () => {
    const identifier = 'urn:test:media-types:formats';
    const input = dataset(identifier, [
      { title: 'Diplotype table', accessUrl: 'https://example.org/apply', formats: [{ label: 'TSV', mediaType: 'Text/Tab-Separated-Values' }, { label: 'VCF', edam: 'http://edamontology.org/format_3016' }] },
    ]);
    const created = await catalogue.gql(CREATE, { input }, manager);
    expect(created.errors).toBeUndefined();
    expect(created.data?.createDataset.userErrors).toEqual([]);
    const [distribution] = created.data!.createDataset.dataset.distributions;
    expect(distribution.formats).toEqual([
      { label: 'TSV', edam: null, mediaType: 'text/tab-separated-values' },
      { label: 'VCF', edam: 'http://edamontology.org/format_3016', mediaType: null },
    ]);
    expect(distribution.mediaType).toBeNull();
    expect((await catalogue.gql(PUBLISH, { id: created.data!.createDataset.dataset.id }, manager)).data?.publishDataset.userErrors).toEqual([]);
    expect(await mediaTypesStated(identifier)).toEqual([`${IANA}text/tab-separated-values`]);
  });

  it('refuses what is not a media type, naming the field', async () => {
    const input = dataset('urn:test:media-types:refused', [
      { title: 'Table', formats: [{ label: 'TSV', mediaType: 'tab separated' }], mediaType: 'csv' },
    ]);
    const created = await catalogue.gql(CREATE, { input }, manager);
    expect(created.data?.createDataset.dataset).toBeNull();
    expect(created.data?.createDataset.userErrors.map((error: { field: string }) => error.field).sort()).toEqual([
      'input.distributions[0].formats[0].mediaType',
      'input.distributions[0].mediaType',
    ]);
    expect(created.data?.createDataset.userErrors[0].message).toMatch(/not a media type/);
  });

  it('keeps a media type stored before media types were checked when an edit sends it back unchanged', async () => {
    const identifier = 'urn:test:media-types:stored';
    const created = await catalogue.gql(CREATE, { input: dataset(identifier, [{ title: 'Table', accessUrl: 'https://example.org/apply', formats: [{ label: 'TSV' }] }]) }, manager);
    const { id } = created.data!.createDataset.dataset;
    await catalogue.orm.em.getConnection().execute(
      `update distribution set media_type = 'CSV file', formats = '[{"label": "TSV", "mediaType": "tabs"}]' where dataset_id = (select id from dataset where identifier = ?)`,
      [identifier],
    );
    const { version, distributions } = (await catalogue.gql(`query($id: ID!) { dataset(id: $id) { version ${DISTRIBUTIONS} } }`, { id }, manager)).data!.dataset;
    const updated = await catalogue.gql(UPDATE, { id, v: version, input: { title: 'Pharmacogenomic diplotypes, 2026', distributions } }, manager);
    expect(updated.data?.updateDataset.userErrors).toEqual([]);
    expect(updated.data?.updateDataset.dataset.distributions[0]).toMatchObject({ mediaType: 'CSV file', formats: [{ label: 'TSV', mediaType: 'tabs' }] });
    // ... and is never stated as one in the DCAT output.
    await catalogue.gql(PUBLISH, { id }, manager);
    expect(await mediaTypesStated(identifier)).toEqual([]);
  });
});
