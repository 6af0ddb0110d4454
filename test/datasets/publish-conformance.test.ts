import type * as RDF from '@rdfjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { completeRecords, findCatalogue } from '../../src/dcat/catalogue-source.js';
import { CatalogueIris } from '../../src/dcat/iris.js';
import { dcat, dct, healthdcatap } from '../../src/dcat/namespaces.js';
import { CatalogueDescriber } from '../../src/dcat/profiles/describer.js';
import { validate, type ShaclProfile } from '../../src/dcat/shacl.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/*
 * The publish rules (src/datasets/publish-conformance.ts) held against the official shapes: a dataset the
 * rules let through conforms, and each rule refuses exactly a dataset whose RDF breaks the shape it names.
 */

const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const CREATE = `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id identifier } userErrors { field message code } } }`;
const PUBLISH = `mutation($id: ID!) { publishDataset(id: $id) { dataset { status } userErrors { field message code } } }`;

/** A non-public dataset with just what the rules ask for. */
const enough = {
  title: 'Just enough',
  description: 'Non-public genomic data with what publishing asks for.',
  keywords: ['genome'],
  publisher: STOCKHOLM,
  hdab: 'urn:example:gms-catalogue:dab:se-hdab',
  consent: { duoPermission: 'HMB' },
  accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', accessBody: 'urn:example:gms-catalogue:dab:stockholm', steps: [] },
  distributions: [{ title: 'Files', accessUrl: 'https://example.org/apply' }],
};

interface Case {
  rule: string;
  input: Record<string, unknown>;
  field: string;
  message: RegExp;
  /** The shape each profile reports: path and constraint. */
  breaks: [ShaclProfile, string, string][];
}

const onBothReleases = (path: string, constraint: string): [ShaclProfile, string, string][] => [
  ['healthdcat-ap-r5', path, constraint],
  ['healthdcat-ap-r6', path, constraint],
];

const cases: Case[] = [
  {
    rule: 'a health data access body',
    input: { ...enough, hdab: null },
    field: 'hdab',
    message: /^a health data access body is required for non-public data$/,
    breaks: onBothReleases(healthdcatap('hdab').value, 'MinCountConstraintComponent'),
  },
  {
    rule: 'a distribution',
    input: { ...enough, distributions: [] },
    field: 'distributions',
    message: /at least one distribution/,
    breaks: onBothReleases(dcat('distribution').value, 'MinCountConstraintComponent'),
  },
  {
    rule: 'a keyword',
    input: { ...enough, keywords: [] },
    field: 'keywords',
    message: /at least one keyword/,
    breaks: onBothReleases(dcat('keyword').value, 'MinCountConstraintComponent'),
  },
  {
    rule: 'personal data',
    input: { ...enough, consent: { duoPermission: 'NRES', consentType: 'NOT_APPLICABLE_NON_HUMAN' } },
    field: 'consent.consentType',
    message: /must be health data about people/,
    breaks: [...onBothReleases(dct('type').value, 'MinCountConstraintComponent'), ...onBothReleases(healthdcatap('healthCategory').value, 'MinCountConstraintComponent')],
  },
  {
    rule: 'a description',
    input: { ...enough, description: '' },
    field: 'description',
    message: /^a published dataset needs a description$/,
    breaks: [['dcat-ap-3', dct('description').value, 'MinCountConstraintComponent']],
  },
  {
    rule: 'an access URL on every distribution',
    // Neither the route nor its access body (the national HDAB has no application page yet) gives one.
    input: { ...enough, accessRoute: { ...enough.accessRoute, accessBody: 'urn:example:gms-catalogue:dab:se-hdab' }, distributions: [{ title: 'Files' }] },
    field: 'distributions[0].accessUrl',
    message: /needs an access URL/,
    breaks: [['dcat-ap-3', dcat('accessURL').value, 'MinCountConstraintComponent']],
  },
];

let catalogue: TestCatalogue;
let manager: string;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
  manager = await catalogue.token('data_manager', [STOCKHOLM]);
});
afterAll(() => catalogue?.stop());

async function register(input: Record<string, unknown>): Promise<{ id: string; identifier: string }> {
  const created = await catalogue.gql(CREATE, { input }, manager);
  expect(created.data?.createDataset.userErrors).toEqual([]);
  return created.data?.createDataset.dataset;
}

/** The RDF the catalogue would publish for a dataset, draft or not, written by the same describer. */
async function describe_(identifier: string): Promise<RDF.Quad[]> {
  const em = catalogue.orm.em.fork();
  const dataset = await em.findOneOrFail(Dataset, { identifier }, {
    populate: ['publisher', 'hdab', 'wasGeneratedBy', 'distributions', 'publications', 'dataHolders', 'contributors'],
  });
  const catalogueRecord = await findCatalogue(em);
  const { records, ...related } = await completeRecords(em, [dataset], catalogueRecord);
  const describer = new CatalogueDescriber({ iris: new CatalogueIris('http://gdcat.test'), catalogue: catalogueRecord!, ...related, smallCountThreshold: 5 });
  describer.dataset(records[0]!);
  return describer.quads;
}

async function findings(quads: RDF.Quad[], profile: ShaclProfile): Promise<string[]> {
  return [...new Set((await validate(quads, profile)).violations.map((v) => `${v.path} ${v.constraint}`))];
}

describe('publishing checks conformance', () => {
  it('publishes a non-public dataset that has just what the rules ask for, and its RDF conforms to every profile', async () => {
    const { id, identifier } = await register({ ...enough, identifier: 'urn:test:publish:enough' });
    const quads = await describe_(identifier);
    for (const profile of ['dcat-ap-3', 'healthdcat-ap-r5', 'healthdcat-ap-r6'] as const) expect(await findings(quads, profile), profile).toEqual([]);
    const { data } = await catalogue.gql(PUBLISH, { id }, manager);
    expect(data?.publishDataset).toEqual({ dataset: { status: 'PUBLISHED' }, userErrors: [] });
  });

  it.each(cases)('refuses a dataset without $rule, naming the field, where the shapes report the gap', async ({ input, field, message, breaks }) => {
    const { id, identifier } = await register(input);
    const quads = await describe_(identifier);
    for (const [profile, path, constraint] of breaks) expect(await findings(quads, profile), profile).toContain(`${path} ${constraint}`);
    const { data } = await catalogue.gql(PUBLISH, { id }, manager);
    expect(data?.publishDataset.dataset).toBeNull();
    expect(data?.publishDataset.userErrors).toEqual([expect.objectContaining({ field, message: expect.stringMatching(message) })]);
  });

  it('names every problem at once', async () => {
    const { id } = await register({ ...enough, description: ' ', hdab: null, keywords: [], distributions: [] });
    const { data } = await catalogue.gql(PUBLISH, { id }, manager);
    expect(data?.publishDataset.userErrors.map((error: { field: string }) => error.field).sort()).toEqual(['description', 'distributions', 'hdab', 'keywords']);
  });

  it('never lets a non-public distribution carry a download URL: refused on save, naming the field', async () => {
    const created = await catalogue.gql(CREATE, { input: { ...enough, distributions: [{ title: 'VCF', accessUrl: 'https://example.org/apply', downloadUrl: 'https://example.org/all.vcf.gz' }] } }, manager);
    expect(created.data?.createDataset.dataset).toBeNull();
    expect(created.data?.createDataset.userErrors).toEqual([
      expect.objectContaining({ field: 'input.distributions[0].downloadUrl', message: expect.stringMatching(/non-public dataset cannot offer a direct download URL/) }),
    ]);
  });

  it('states an access URL given as an e-mail address, a URN or on FTP as given, so what it publishes conforms', async () => {
    // Access requested by e-mail, and files on FTP as genomics archives serve them: the rules take these
    // addresses, so the RDF must state them (a distribution without dcat:accessURL breaks DCAT-AP 3).
    const { id, identifier } = await register({
      ...enough,
      accessRoute: { ...enough.accessRoute, accessBody: 'urn:example:gms-catalogue:dab:se-hdab', applicationUrl: 'mailto:dac@example.org' },
      distributions: [
        { title: 'Ask the committee', accessUrl: 'mailto:dac@example.org' },
        { title: 'Registered name', accessUrl: 'urn:example:access:cohort 7' },
        { title: 'Archive', accessUrl: 'ftp://ftp.example.org/pub/cohort/' },
        { title: 'As the route says' },
      ],
    });
    const quads = await describe_(identifier);
    const urls = quads.filter((q) => q.predicate.equals(dcat('accessURL'))).map((q) => q.object.value).sort();
    expect(urls).toEqual(['ftp://ftp.example.org/pub/cohort/', 'mailto:dac@example.org', 'mailto:dac@example.org', 'urn:example:access:cohort%207']);
    for (const profile of ['dcat-ap-3', 'healthdcat-ap-r5', 'healthdcat-ap-r6'] as const) expect(await findings(quads, profile), profile).toEqual([]);
    expect((await catalogue.gql(PUBLISH, { id }, manager)).data?.publishDataset).toEqual({ dataset: { status: 'PUBLISHED' }, userErrors: [] });

    const open = await register({
      ...enough,
      accessRights: 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
      hdab: null,
      accessRoute: { accessMode: 'OPEN', steps: [] },
      distributions: [{ title: 'Chromosome 22', downloadUrl: 'ftp://ftp.example.org/pub/release/chr22.vcf.gz' }],
    });
    const openQuads = await describe_(open.identifier);
    const stated = (predicate: RDF.NamedNode) => openQuads.filter((q) => q.predicate.equals(predicate)).map((q) => q.object.value);
    expect([stated(dcat('downloadURL')), stated(dcat('accessURL'))]).toEqual([['ftp://ftp.example.org/pub/release/chr22.vcf.gz'], ['ftp://ftp.example.org/pub/release/chr22.vcf.gz']]);
    expect(await findings(openQuads, 'dcat-ap-3')).toEqual([]);
  });

  it('keeps a public dataset\'s download URL, which is then also its access URL', async () => {
    const { identifier } = await register({
      ...enough,
      accessRights: 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
      hdab: null,
      accessRoute: { accessMode: 'OPEN', steps: [] },
      distributions: [{ title: 'Frequencies', downloadUrl: 'https://example.org/frequencies.tsv', formats: [{ label: 'TSV' }] }],
    });
    const quads = await describe_(identifier);
    const distribution = quads.find((q) => q.predicate.equals(dcat('distribution')))!.object.value;
    const of = (predicate: RDF.NamedNode) => quads.filter((q) => q.subject.value === distribution && q.predicate.equals(predicate)).map((q) => q.object.value);
    expect(of(dcat('downloadURL'))).toEqual(['https://example.org/frequencies.tsv']);
    expect(of(dcat('accessURL'))).toEqual(['https://example.org/frequencies.tsv']);
    expect(of(dct('format'))).toEqual(['http://publications.europa.eu/resource/authority/file-type/TSV']);
    expect(await findings(quads, 'dcat-ap-3')).toEqual([]);
  });
});
