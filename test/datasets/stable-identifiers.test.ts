import type * as RDF from '@rdfjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcat, ext } from '../../src/dcat/namespaces.js';
import { parse } from '../../src/dcat/rdf/parse.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/*
 * Harvesters key what they store by IRI: a distribution, contact point or access route step must keep its
 * identifier (and so its IRI) across edits that do not remove it.
 */

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const IDENTIFIER = 'urn:test:stable-identifiers';
const DATASET_IRI = `http://gdcat.test/dcat/datasets/${encodeURIComponent(IDENTIFIER)}`;

const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } userErrors { field message code } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: DatasetPatch!) {
  updateDataset(id: $id, expectedVersion: $v, input: $input) { dataset { version } userErrors { field message code } }
}`;
const READ = `query($id: ID!) { dataset(id: $id) { version distributions { id title } } }`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { userErrors { field message } } }`;

const vcf = { title: 'VCF files', accessUrl: 'https://example.org/apply', formats: [{ label: 'VCF' }] };
const cram = { title: 'CRAM files', accessUrl: 'https://example.org/apply', formats: [{ label: 'CRAM' }] };
const ethics = { requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' };
const disclosure = { requirement: 'CONTROLLER_DISCLOSURE_DECISION', body: 'urn:example:gms-catalogue:dab:stockholm' };
const route = (steps: { requirement: string; body: string; description?: string }[]) => ({
  accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
  accessBody: 'urn:example:gms-catalogue:dab:stockholm',
  contactEmail: 'dac@example.org',
  steps: steps.map((step, i) => ({ ...step, order: i + 1 })),
});

let catalogue: TestCatalogue;
let token: string;
let id: string;

beforeAll(async () => {
  catalogue = await startTestCatalogue();
  token = await catalogue.token('data_manager', [STOCKHOLM]);
  const input = {
    identifier: IDENTIFIER,
    title: 'Stable identifiers',
    description: 'A dataset edited many times.',
    keywords: ['genome'],
    publisher: STOCKHOLM,
    hdab: 'urn:example:gms-catalogue:dab:se-hdab',
    consent: { duoPermission: 'HMB' },
    accessRoute: route([ethics, disclosure]),
    distributions: [vcf, cram],
  };
  const created = await catalogue.gql(CREATE, { input }, token);
  expect(created.data?.createDataset.userErrors).toEqual([]);
  id = created.data?.createDataset.dataset.id;
  expect((await catalogue.gql(PUBLISH, { id }, token)).data?.publishDataset.userErrors).toEqual([]);
});
afterAll(() => catalogue?.stop());

async function distributions(): Promise<{ id: string; title: string }[]> {
  return (await catalogue.gql(READ, { id }, token)).data?.dataset.distributions;
}

async function update(input: Record<string, unknown>) {
  const version = (await catalogue.gql(READ, { id }, token)).data?.dataset.version;
  return (await catalogue.gql(UPDATE, { id, v: version, input }, token)).data?.updateDataset;
}

async function rdf(): Promise<RDF.Quad[]> {
  const response = await fetch(`${catalogue.url}/dcat/datasets/${encodeURIComponent(IDENTIFIER)}`, { headers: { accept: 'text/turtle' } });
  expect(response.status).toBe(200);
  return parse(await response.text(), 'text/turtle', DATASET_IRI);
}

const objectsOf = (quads: RDF.Quad[], subject: string, predicate: RDF.NamedNode) =>
  quads.filter((q) => q.subject.value === subject && q.predicate.equals(predicate)).map((q) => q.object.value);

/** Each access route step's IRI with its requirement and place. */
function steps(quads: RDF.Quad[]): string[] {
  const [routeIri] = objectsOf(quads, DATASET_IRI, ext('accessRoute'));
  return objectsOf(quads, routeIri!, ext('step'))
    .map((step) => `${objectsOf(quads, step, ext('order'))[0]} ${objectsOf(quads, step, ext('requirement'))[0]} ${step}`)
    .sort();
}

describe('identifiers across edits', () => {
  it('keeps every distribution id when identical distributions are saved again', async () => {
    const before = await distributions();
    const rdfBefore = objectsOf(await rdf(), DATASET_IRI, dcat('distribution')).sort();
    expect((await update({ distributions: [vcf, cram] }))?.userErrors).toEqual([]);
    expect(await distributions()).toEqual(before);
    expect(objectsOf(await rdf(), DATASET_IRI, dcat('distribution')).sort()).toEqual(rdfBefore);
    expect(rdfBefore).toEqual(before.map((d) => `http://gdcat.test/dcat/distributions/${d.id}`).sort());
  });

  it('keeps the ids of distributions that are reordered, renamed (by id) or joined by a new one, and of those left when one is removed', async () => {
    const [first, second] = await distributions();
    const renamed = { ...cram, id: second!.id, title: 'CRAM files (GRCh38)' };
    expect((await update({ distributions: [renamed, { ...vcf, id: first!.id }, { title: 'Phenotypes', accessUrl: 'https://example.org/apply' }] }))?.userErrors).toEqual([]);
    const after = await distributions();
    expect(after.slice(0, 2)).toEqual([{ id: second!.id, title: 'CRAM files (GRCh38)' }, { id: first!.id, title: 'VCF files' }]);
    expect(after[2]!.id).not.toBe(first!.id);

    expect((await update({ distributions: [{ ...vcf }, { title: 'Phenotypes', accessUrl: 'https://example.org/apply' }] }))?.userErrors).toEqual([]);
    expect(await distributions()).toEqual([{ id: first!.id, title: 'VCF files' }, after[2]]);
  });

  it('refuses an id that is not one of the dataset\'s distributions, naming the field', async () => {
    const result = await update({ distributions: [{ ...vcf, id: '00000000-0000-4000-8000-000000000000' }] });
    expect(result?.userErrors).toEqual([expect.objectContaining({ field: 'input.distributions[0].id', code: 'NOT_FOUND' })]);
  });

  it('keeps access route step IRIs when steps are reordered, described differently or joined by another', async () => {
    const before = steps(await rdf());
    expect(before).toHaveLength(2);
    const iriOf = (requirement: string, list: string[]) => list.find((line) => line.includes(` ${requirement} `))!.split(' ')[2];
    expect((await update({ accessRoute: route([{ ...disclosure, description: 'Decided within a month.' }, ethics]) }))?.userErrors).toEqual([]);
    const swapped = steps(await rdf());
    for (const requirement of ['ETHICS_APPROVAL', 'CONTROLLER_DISCLOSURE_DECISION']) expect(iriOf(requirement, swapped)).toBe(iriOf(requirement, before));
    expect(swapped.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['1 CONTROLLER_DISCLOSURE_DECISION', '2 ETHICS_APPROVAL']);

    const dac = { requirement: 'DAC_REVIEW', body: 'urn:example:gms-catalogue:dab:gms-national-dac' };
    expect((await update({ accessRoute: route([ethics, dac, disclosure]) }))?.userErrors).toEqual([]);
    const grown = steps(await rdf());
    expect(grown).toHaveLength(3);
    for (const requirement of ['ETHICS_APPROVAL', 'CONTROLLER_DISCLOSURE_DECISION']) expect(iriOf(requirement, grown)).toBe(iriOf(requirement, before));
  });

  it('keeps the contact point IRI across edits', async () => {
    const contact = () => rdf().then((quads) => objectsOf(quads, DATASET_IRI, dcat('contactPoint')));
    const before = await contact();
    expect(before).toHaveLength(1);
    expect((await update({ title: 'Stable identifiers (renamed)', distributions: [vcf] }))?.userErrors).toEqual([]);
    expect(await contact()).toEqual(before);
  });
});
