import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/records/audit-entry.entity.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { writeXlsx } from '../../src/harvest/spreadsheet-files.js';
import { DiagnosticArea } from '../../src/records/terms.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const example = JSON.parse(readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const RD_WGS = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck'; // published by Stockholm
const TRIO = 'urn:example:gms-catalogue:dataset:rd-trio-skane'; // published by Skåne

const IMPORT = `mutation($input: JSON!, $dryRun: Boolean, $publish: Boolean) {
  importCatalogue(input: $input, dryRun: $dryRun, publish: $publish) {
    report { dryRun committed created updated unchanged failed catalogueRecord problems { file sheet row field message code } warnings { file sheet row field message code } }
    userErrors { field message code }
  }
}`;

const datasetOf = (document: typeof example, id: string) => document.records.find((r: { id: string }) => r.id === id);
const recordCount = example.organisations.length + example.accessBodies.length + example.publications.length + example.records.length;

/** A new dataset in the example shape, for Stockholm. */
function newDataset(id: string, title = 'Stockholm paediatric epilepsy WGS') {
  return {
    recordType: 'Dataset',
    id,
    title,
    description: 'Trio WGS of children with early-onset epilepsy.',
    diagnosticArea: 'RARE_DISEASES',
    publisher: STOCKHOLM,
    dataHolder: STOCKHOLM,
    hdab: 'urn:example:gms-catalogue:dab:se-hdab',
    status: 'published',
    consentScope: { duoPermission: { code: 'DUO:0000006' }, duoModifiers: [{ code: 'DUO:0000021' }] },
    accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', accessBody: 'urn:example:gms-catalogue:dab:stockholm', steps: [{ order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' }] },
    distributions: [{ title: 'VCF in the regional SPE', formats: ['VCF'], accessMode: 'SECURE_PROCESSING_ENVIRONMENT' }],
  };
}

let catalogue: TestCatalogue;
let admin: string;
let stockholm: string;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
  admin = await catalogue.token('admin');
  stockholm = await catalogue.token('data_manager', [STOCKHOLM]);
});
afterAll(() => catalogue?.stop());

async function importAs(token: string | undefined, input: unknown, options: { dryRun?: boolean; publish?: boolean } = {}) {
  const { data, errors } = await catalogue.gql(IMPORT, { input, ...options }, token);
  expect(errors).toBeUndefined();
  return data!.importCatalogue;
}

async function datasetCount(): Promise<number> {
  return catalogue.orm.em.fork().count(Dataset);
}

describe('the seed is an import through the record rules', () => {
  it('writes an audit entry by the system actor for every record, and queues every dataset for indexing', async () => {
    const em = catalogue.orm.em.fork();
    const created = await em.find(AuditEntry, { actor: 'system:seed', action: { $like: 'create%' } });
    expect(created.length).toBe(recordCount + 1); // and the catalogue record
    const datasets = await em.find(Dataset, {});
    expect(datasets.every((d) => d.provenanceSource === 'IMPORTED' && d.version >= 1)).toBe(true);
    expect(new Set(created.filter((a) => a.entityType === 'Dataset').map((a) => a.entityId))).toEqual(new Set(datasets.map((d) => d.id)));
  });

  it("keeps what it says of a publication's web page, a study's outputs and an evaluation's willingness to pay", async () => {
    const { data } = await catalogue.gql(`{
      nsclc: dataset(id: "urn:example:gms-catalogue:dataset:gms560-nsclc-stockholm") { wasGeneratedBy { identifier } publications { url } }
      healthEconomicEvaluations(first: 50) { edges { node { identifier willingnessToPay { amount currency per } } } }
    }`);
    // The seed's study lists this dataset among its outputs; the dataset itself names no study.
    expect(datasetOf(example, 'urn:example:gms-catalogue:dataset:gms560-nsclc-stockholm').wasGeneratedBy).toBeNull();
    expect(data?.nsclc).toEqual({
      wasGeneratedBy: { identifier: 'urn:example:gms-catalogue:study:cancer-trials-pilot' },
      publications: [{ url: 'https://nordiclifescience.org/new-gene-panel-for-solid-tumors-implemented-in-routine-healthcare/' }],
    });
    const evaluation = data?.healthEconomicEvaluations.edges.find((e: { node: { identifier: string } }) => e.node.identifier === 'urn:example:gms-catalogue:he:nsclc-wgs-nl2021');
    expect(evaluation?.node.willingnessToPay).toEqual({ amount: 80000, currency: 'EUR', per: 'QALY' });
  });

  it('importing the same file again changes nothing', async () => {
    const result = await importAs(admin, example, { publish: true });
    expect(result.userErrors).toEqual([]);
    expect(result.report).toMatchObject({ committed: true, created: 0, updated: 0, failed: 0, unchanged: recordCount, catalogueRecord: 'unchanged' });
  });

  it('a file that only lists the members of its sets in another order changes nothing; its distributions in another order are a change', async () => {
    // Every list of every dataset reversed (keywords, holders, DUO modifiers, access route steps, formats...) but its distributions.
    const reorderSets = (value: unknown, key?: string): unknown =>
      Array.isArray(value) ? (key === 'distributions' ? value : [...value].reverse()).map((member) => reorderSets(member))
      : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reorderSets(v, k)]))
      : value;
    const isDataset = (record: { recordType: string }) => record.recordType === 'Dataset';
    const reordered = { ...example, records: example.records.map((record: { recordType: string }) => (isDataset(record) ? reorderSets(record) : record)) };
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(example));
    const sets = await importAs(admin, reordered, { publish: true });
    expect(sets.report).toMatchObject({ committed: true, created: 0, updated: 0, failed: 0, unchanged: recordCount });

    const national = 'urn:example:gms-catalogue:dataset:cc-wgs-national';
    const moved = example.records.map((record: { id: string; distributions: unknown[] }) =>
      record.id === national ? { ...record, distributions: [...record.distributions].reverse() } : record,
    );
    const order = await importAs(admin, { ...example, records: moved }, { publish: true });
    expect(order.report).toMatchObject({ committed: true, created: 0, updated: 1, failed: 0 });
    const { data } = await catalogue.gql(`{ dataset(id: "${national}") { history { action changes { field } } } }`, {}, admin);
    expect(data?.dataset.history.at(-1)).toEqual({ action: 'updateDataset', changes: [{ field: 'distributions' }] });
  });
});

describe('importCatalogue', () => {
  it('reports every problem with its place in the file on a dry run, and writes nothing', async () => {
    const before = await datasetCount();
    const document = { organisations: [], accessBodies: [], publications: [], records: [newDataset('urn:test:import:ok'), newDataset('urn:test:import:ok')] };
    const bad = newDataset('urn:test:import:bad', '');
    bad.consentScope.duoPermission.code = 'DUO:9999999';
    bad.publisher = 'urn:example:nowhere';
    document.records.push(bad, { ...newDataset(''), id: '' } as never);
    const { report } = await importAs(stockholm, document, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, committed: false, created: 1, failed: 3 });
    const at = (row: number) => report.problems.filter((p: { row: number }) => p.row === row).map((p: { field: string; code: string }) => `${p.field} ${p.code}`);
    expect(at(1)).toEqual([]);
    expect(at(2)).toEqual(['id DUPLICATE']);
    expect(at(3)).toEqual(expect.arrayContaining(['title REQUIRED', 'publisher NOT_FOUND', expect.stringMatching(/^consent\.duoPermission /)]));
    expect(at(4)).toEqual(['id REQUIRED']);
    expect(report.problems.every((p: { file: string; sheet: string }) => p.file === 'input' && p.sheet === 'records')).toBe(true);
    expect(await datasetCount()).toBe(before);
  });

  it('writes nothing at all when one record fails (all or nothing)', async () => {
    const before = await datasetCount();
    const bad = newDataset('urn:test:import:bad-2');
    bad.accessRoute.steps[0].order = 3;
    const { report } = await importAs(stockholm, { records: [newDataset('urn:test:import:good-2'), bad] });
    expect(report).toMatchObject({ dryRun: false, committed: false, failed: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ row: 2, field: 'accessRoute.steps' })]);
    expect(await datasetCount()).toBe(before);
  });

  it('creates, then updates only what changed (with its version), and leaves the rest alone', async () => {
    const first = await importAs(stockholm, { records: [newDataset('urn:test:import:a'), newDataset('urn:test:import:b')] });
    expect(first.report).toMatchObject({ committed: true, created: 2, updated: 0, unchanged: 0 });
    const { data } = await catalogue.gql(`{ a: dataset(id: "urn:test:import:a") { version status provenanceSource title } }`);
    expect(data?.a).toEqual({ version: 1, status: 'PUBLISHED', provenanceSource: 'IMPORTED', title: 'Stockholm paediatric epilepsy WGS' });

    const second = await importAs(stockholm, { records: [newDataset('urn:test:import:a', 'Renamed cohort'), newDataset('urn:test:import:b')] });
    expect(second.report).toMatchObject({ committed: true, created: 0, updated: 1, unchanged: 1 });
    const after = await catalogue.gql(`{ a: dataset(id: "urn:test:import:a") { version title } b: dataset(id: "urn:test:import:b") { version } }`);
    expect(after.data?.a.title).toBe('Renamed cohort');
    expect(after.data?.a.version).toBeGreaterThan(1);
    expect(after.data?.b.version).toBe(1);
  });

  it("moves a dataset's metadataModified when only its parts change, and no other dataset's", async () => {
    // The source's own dates are old: only the parts written now can move metadataModified past them.
    const dated = (id: string, distribution: string) => ({ ...newDataset(id), modified: '2020-01-01T00:00:00Z', distributions: [{ title: distribution, formats: ['VCF'] }] });
    const metadataModified = async () => {
      const rows = await catalogue.orm.em.fork().find(Dataset, { identifier: { $in: ['urn:test:import:parts-c', 'urn:test:import:parts-d'] } }, { fields: ['identifier', 'metadataModified'] });
      return Object.fromEntries(rows.map((row) => [row.identifier.slice(-1), row.metadataModified!.getTime()]));
    };
    const started = Date.now();
    expect((await importAs(stockholm, { records: [dated('urn:test:import:parts-c', 'VCF'), dated('urn:test:import:parts-d', 'VCF')] })).report).toMatchObject({ created: 2 });
    const first = await metadataModified();
    expect(first.c).toBeGreaterThanOrEqual(started - 1000);
    expect(first.d).toBeGreaterThanOrEqual(started - 1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await importAs(stockholm, { records: [dated('urn:test:import:parts-c', 'CRAM and VCF'), dated('urn:test:import:parts-d', 'VCF')] });
    expect(second.report).toMatchObject({ updated: 1, unchanged: 1 });
    const after = await metadataModified();
    expect(after.c).toBeGreaterThan(first.c);
    expect(after.d).toBe(first.d);
  });

  it('gives a new dataset the time of its import as metadataModified, one without parts too, and keeps its own modified', async () => {
    const parts = ['consentScope', 'accessRoute', 'distributions'];
    const bare = Object.fromEntries(Object.entries(newDataset('urn:test:import:bare')).filter(([key]) => !parts.includes(key)));
    const started = Date.now();
    expect((await importAs(stockholm, { records: [{ ...bare, status: 'draft', modified: '2020-01-01T00:00:00Z' }] })).report).toMatchObject({ created: 1 });
    const [row] = await catalogue.orm.em.fork().find(Dataset, { identifier: 'urn:test:import:bare' }, { fields: ['modified', 'metadataModified'] });
    expect(row.modified.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(row.metadataModified!.getTime()).toBeGreaterThanOrEqual(started - 1000);
  });

  it('refuses an issued or modified date that is no ISO 8601 date, naming the field, instead of dating the record now', async () => {
    const dated = (id: string, dates: Record<string, string>) => ({ ...newDataset(id), ...dates });
    const { report } = await importAs(stockholm, {
      records: [
        dated('urn:test:import:dated-1', { issued: '31/12/2024', modified: '2024-02-30' }),
        dated('urn:test:import:dated-2', { modified: 'yesterday' }),
      ],
    }, { dryRun: true });
    expect(report.problems.map((p: { row: number; field: string; code: string; message: string }) => [p.row, p.field, p.code, p.message])).toEqual([
      [1, 'issued', 'INVALID', '"31/12/2024" is not an ISO 8601 date or date-time (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)'],
      [1, 'modified', 'INVALID', '"2024-02-30" is not an ISO 8601 date or date-time (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)'],
      [2, 'modified', 'INVALID', '"yesterday" is not an ISO 8601 date or date-time (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)'],
    ]);
    // What xsd:dateTime, date, gYearMonth and gYear write is read; a time without offset (as CKAN writes it) is UTC.
    const forms = { 'urn:test:import:dated-3': '2023-02-01T08:00:00.123456', 'urn:test:import:dated-4': '2024-06', 'urn:test:import:dated-5': '2024-06-01T12:00:00+02:00' };
    const written = await importAs(stockholm, { records: Object.entries(forms).map(([id, modified]) => dated(id, { modified, issued: '2019' })) });
    expect(written.report).toMatchObject({ committed: true, created: 3 });
    const rows = await catalogue.orm.em.fork().find(Dataset, { identifier: { $in: Object.keys(forms) } }, { orderBy: { identifier: 'asc' } });
    expect(rows.map((row) => [row.issued?.toISOString(), row.modified.toISOString()])).toEqual([
      ['2019-01-01T00:00:00.000Z', '2023-02-01T08:00:00.123Z'],
      ['2019-01-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z'],
      ['2019-01-01T00:00:00.000Z', '2024-06-01T10:00:00.000Z'],
    ]);
  });

  it('refuses a re-import that would leave a published dataset unpublishable, naming the fields, and writes nothing', async () => {
    expect((await importAs(stockholm, { records: [newDataset('urn:test:import:published')] })).report).toMatchObject({ committed: true, created: 1 });
    const stored = async () => (await catalogue.gql(`{ dataset(id: "urn:test:import:published") { version status description hdab { identifier } } }`)).data?.dataset;
    const before = await stored();
    const parts = ['description', 'hdab', 'distributions', 'status'];
    const bare = Object.fromEntries(Object.entries(newDataset('urn:test:import:published')).filter(([key]) => !parts.includes(key)));

    const { report } = await importAs(stockholm, { records: [bare] }, { publish: true });
    expect(report).toMatchObject({ committed: false, failed: 1 });
    expect(report.problems.map((p: { field: string }) => p.field).sort()).toEqual(['description', 'distributions', 'hdab']);
    expect(await stored()).toEqual(before);
  });

  it('removes the consent scope and access route of a draft whose file no longer gives them (the record follows the file), and refuses it for a published one', async () => {
    const without = (id: string, status?: string) => {
      const { consentScope: _consent, accessRoute: _route, status: _status, ...rest } = newDataset(id);
      return status ? { ...rest, status } : rest;
    };
    const { status: _status, ...draft } = newDataset('urn:test:import:parts-gone');
    expect((await importAs(stockholm, { records: [draft] })).report).toMatchObject({ committed: true, created: 1 });
    expect((await importAs(stockholm, { records: [without('urn:test:import:parts-gone')] })).report).toMatchObject({ committed: true, updated: 1 });
    const gone = await catalogue.gql(`{ dataset(id: "urn:test:import:parts-gone") { status consent { duoPermission } accessRoute { accessMode } } }`, {}, stockholm);
    expect(gone.data?.dataset).toEqual({ status: 'DRAFT', consent: null, accessRoute: null });

    expect((await importAs(stockholm, { records: [newDataset('urn:test:import:parts-kept')] })).report).toMatchObject({ committed: true, created: 1 });
    const { report } = await importAs(stockholm, { records: [without('urn:test:import:parts-kept', 'published')] });
    expect(report).toMatchObject({ committed: false, failed: 1 });
    expect(report.problems.map((p: { field: string }) => p.field)).toEqual(expect.arrayContaining(['accessRoute', 'consent']));
    const kept = await catalogue.gql(`{ dataset(id: "urn:test:import:parts-kept") { consent { duoPermission } accessRoute { accessMode } } }`);
    expect(kept.data?.dataset).toEqual({ consent: { duoPermission: 'DUO:0000006' }, accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT' } });
  });

  it("refuses a record whose identifier lies under the catalogue's own address, naming the field, and writes nothing", async () => {
    const before = await datasetCount();
    const impostor = newDataset(`http://gdcat.test/dcat/datasets/${encodeURIComponent(TRIO)}`, 'Stockholm impostor');
    const { report } = await importAs(stockholm, { records: [newDataset('urn:test:import:beside-impostor'), impostor] });
    expect(report).toMatchObject({ committed: false, failed: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ row: 2, field: 'identifier', code: 'INVALID' })]);
    expect(await datasetCount()).toBe(before);
  });

  it('lets a data manager import only for their own organisation', async () => {
    const document = { records: [newDataset('urn:test:import:mine'), { ...datasetOf(example, TRIO), title: 'Taken over' }] };
    const { report } = await importAs(stockholm, document);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ row: 2, code: 'FORBIDDEN' })]);
    const skane = await catalogue.gql(`{ dataset(id: "${TRIO}") { title } }`);
    expect(skane.data?.dataset.title).toBe(datasetOf(example, TRIO).title);
  });

  it('a hand edit makes the next import of the unchanged file write the record again, and the report says so on the dry run and the real one', async () => {
    const edited = await catalogue.gql(
      `mutation { updateDataset(id: "${RD_WGS}", expectedVersion: 1, input: { title: "Edited by hand" }) { dataset { version modified } userErrors { message } } }`,
      {},
      stockholm,
    );
    expect(edited.data?.updateDataset.userErrors).toEqual([]);
    const { version: handVersion, modified } = edited.data?.updateDataset.dataset;
    // With the access body whose application URL its access route takes.
    const document = { accessBodies: example.accessBodies.filter((b: { id: string }) => b.id === 'urn:example:gms-catalogue:dab:stockholm'), records: [datasetOf(example, RD_WGS)] };
    // The record no longer matches its source: importing the file restores the file's version, and says whose change it replaces.
    const replaced = {
      sheet: 'records',
      row: 1,
      field: null,
      code: 'REPLACES_HAND_EDIT',
      message: `the record was last changed by hand (version ${handVersion}, ${modified.slice(0, 16).replace('T', ' ')} UTC), not by an import; the file's values replace the record's in title`,
    };
    const handEdits = (report: { warnings: { code: string }[] }) => report.warnings.filter((w) => w.code === 'REPLACES_HAND_EDIT');
    const dry = await importAs(stockholm, document, { dryRun: true });
    expect(dry.report).toMatchObject({ committed: false, updated: 1, unchanged: 1 });
    expect(handEdits(dry.report)).toEqual([expect.objectContaining(replaced)]);
    const { report } = await importAs(stockholm, document);
    expect(report).toMatchObject({ committed: true, updated: 1, unchanged: 1 });
    expect(handEdits(report)).toEqual([expect.objectContaining(replaced)]);
    const { data } = await catalogue.gql(`{ dataset(id: "${RD_WGS}") { title version } }`);
    expect(data?.dataset.title).toBe(datasetOf(example, RD_WGS).title);
    expect(data?.dataset.version).toBeGreaterThan(handVersion);
    // Written from the file again, the record has no hand edit left to replace.
    const again = (await importAs(stockholm, document)).report;
    expect(again).toMatchObject({ committed: true, unchanged: 2 });
    expect(handEdits(again)).toEqual([]);
  });

  it('refuses a byte size the database cannot hold on the dry run and the real one, and keeps the largest it can', async () => {
    const sized = (id: string, byteSize: string) => {
      const dataset = newDataset(id);
      return { ...dataset, distributions: [{ ...dataset.distributions[0], byteSize }] };
    };
    const document = { records: [sized('urn:test:import:huge', '99999999999999999999'), sized('urn:test:import:largest', '9223372036854775807')] };
    for (const dryRun of [true, false]) {
      const { report } = await importAs(stockholm, document, { dryRun });
      expect(report).toMatchObject({ committed: false, failed: 1 });
      expect(report.problems).toEqual([
        expect.objectContaining({ row: 1, field: 'distributions[0].byteSize', message: 'must be a whole number of bytes from 0 to 9223372036854775807' }),
      ]);
    }
    const { report } = await importAs(stockholm, { records: [document.records[1]] });
    expect(report).toMatchObject({ committed: true, created: 1 });
    const { data } = await catalogue.gql('{ dataset(id: "urn:test:import:largest") { distributions { byteSize } } }');
    expect(data?.dataset.distributions).toEqual([{ byteSize: '9223372036854775807' }]);
  });

  it("keeps the distributions a re-import names by id, renamed and moved, as updateDataset does; refuses an id not of the dataset at its place, in JSON and in a workbook", async () => {
    const id = 'urn:test:import:distribution-ids';
    const dataset = { ...newDataset(id), distributions: [{ title: 'VCF', formats: ['VCF'] }, { title: 'CRAM', formats: ['CRAM'] }] };
    expect((await importAs(stockholm, { records: [dataset] })).report).toMatchObject({ committed: true, created: 1 });
    const stored = async (dataset: string): Promise<{ id: string; title: string }[]> =>
      (await catalogue.gql(`{ dataset(id: "${dataset}") { distributions { id title } } }`)).data?.dataset.distributions;
    const [vcf, cram] = await stored(id);
    // Renamed and swapped: only their ids tell which is which (by title both would be new distributions).
    const renamed = { ...dataset, distributions: [{ id: cram.id, title: 'CRAM files', formats: ['CRAM'] }, { id: vcf.id, title: 'VCF files', formats: ['VCF'] }] };
    expect((await importAs(stockholm, { records: [renamed] })).report).toMatchObject({ committed: true, updated: 1, problems: [] });
    expect(await stored(id)).toEqual([{ id: cram.id, title: 'CRAM files' }, { id: vcf.id, title: 'VCF files' }]);

    // Another dataset's distribution is not this one's to keep.
    const [elsewhere] = await stored(RD_WGS);
    const wrong = { ...renamed, distributions: [renamed.distributions[0], { ...renamed.distributions[1], id: elsewhere.id }] };
    const { report } = await importAs(stockholm, { records: [wrong] });
    expect(report).toMatchObject({ committed: false, failed: 1 });
    expect(report.problems.map((p: { sheet: string; row: number; field: string; code: string }) => [p.sheet, p.row, p.field, p.code])).toEqual([['records', 1, 'distributions[1].id', 'NOT_FOUND']]);
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'gdcat-import-distribution-ids-')), 'ids.xlsx');
    await writeXlsx({ records: [wrong] }, file);
    const workbook = await importAs(stockholm, { format: 'xlsx', content: (await readFile(file)).toString('base64') });
    expect(workbook.report.problems.map((p: { sheet: string; row: number; field: string; code: string }) => [p.sheet, p.row, p.field, p.code])).toEqual([['distributions', 3, 'id', 'NOT_FOUND']]);
    expect(await stored(id)).toEqual([{ id: cram.id, title: 'CRAM files' }, { id: vcf.id, title: 'VCF files' }]);
  });

  it('refuses a part given as a plain value, or a value its column cannot read, naming the path and what it expects, and writes nothing', async () => {
    const before = await datasetCount();
    const records = [
      { ...newDataset('urn:test:import:shapes-1'), status: 'planned', consentScope: 'HMB', cohort: 12, accessRoute: 'x' },
      { ...newDataset('urn:test:import:shapes-2'), status: 'planned', diagnosticArea: 'RARE', distributions: [{ title: 'VCF' }, 'CRAM'], keywords: { epilepsy: true } },
      { recordType: 'Study', id: 'urn:test:import:shapes-study', title: ['Pilot'], studyType: 'PILOT_STUDY', participatingOrgs: [STOCKHOLM] },
    ];
    for (const dryRun of [true, false]) {
      const { report } = await importAs(stockholm, { records }, { dryRun });
      expect(report).toMatchObject({ committed: false, failed: 3 });
      expect(report.problems.map((p: { row: number; field: string; message: string; code: string }) => [p.row, p.field, p.message, p.code])).toEqual([
        [3, 'title', 'must be text (got a list)', 'INVALID'],
        [3, 'studyType', 'must be one of NATIONAL_IMPLEMENTATION, VALIDATION, CLINICAL_ROUTINE, RESEARCH, PILOT (got "PILOT_STUDY")', 'INVALID'],
        [1, 'consentScope', 'must be an object (got "HMB")', 'INVALID'],
        [1, 'accessRoute', 'must be an object (got "x")', 'INVALID'],
        [1, 'cohort', 'must be an object (got 12)', 'INVALID'],
        [2, 'diagnosticArea', `must be one of ${Object.values(DiagnosticArea).join(', ')} (got "RARE")`, 'INVALID'],
        [2, 'distributions[1]', 'must be an object (got "CRAM")', 'INVALID'],
        [2, 'keywords', 'must be text (got an object)', 'INVALID'],
      ]);
    }
    expect(await datasetCount()).toBe(before);
  });

  it('refuses a part without what GraphQL requires of it, so no stored record breaks a read', async () => {
    const study = { recordType: 'Study', id: 'urn:test:import:no-reference', title: 'Study', studyType: 'RESEARCH', participatingOrgs: [STOCKHOLM], ethicsApprovals: [{ authority: 'EPM' }] };
    const dataset = { ...newDataset('urn:test:import:no-title'), status: 'planned', distributions: [{ accessURL: 'https://example.org/apply' }] };
    for (const dryRun of [true, false]) {
      const { report } = await importAs(stockholm, { records: [study, dataset] }, { dryRun });
      expect(report.problems.map((p: { row: number; field: string; message: string; code: string }) => [p.row, p.field, p.message, p.code])).toEqual([
        [1, 'ethicsApprovals[0].reference', 'is required (each entry gives its reference)', 'REQUIRED'],
        [2, 'distributions[0].title', 'is required', 'REQUIRED'],
      ]);
    }
    const { errors } = await catalogue.gql('{ studies(first: 50) { edges { node { ethicsApprovals { reference } } } } }', {}, stockholm);
    expect(errors).toBeUndefined();
  });

  it('reads a single entry where a list is expected as a list of one, an entry given as a text as its first part, and a choice in any case, as a cell reads them', async () => {
    const record = {
      ...newDataset('urn:test:import:one-of'),
      distributions: { title: 'VCF in the regional SPE', formats: 'VCF', accessMode: 'secure_processing_environment' },
      cohort: { diseases: 'http://purl.obolibrary.org/obo/MONDO_0005027', sampleTypes: 'blood' },
    };
    expect((await importAs(stockholm, { records: [record] })).report).toMatchObject({ committed: true, created: 1, failed: 0, problems: [] });
    const { data } = await catalogue.gql(`{ dataset(id: "urn:test:import:one-of") { distributions { formats { label } accessMode } cohort { diseases { iri } sampleTypes } } }`);
    expect(data?.dataset).toEqual({
      distributions: [{ formats: [{ label: 'VCF' }], accessMode: 'SECURE_PROCESSING_ENVIRONMENT' }],
      cohort: { diseases: [{ iri: 'http://purl.obolibrary.org/obo/MONDO_0005027' }], sampleTypes: ['blood'] },
    });
  });

  it("reads every field the record inputs take: a publication's relation, a study's registration and size, an evaluation's CHEERS items, a result's currency and price year; in JSON as in a workbook", async () => {
    const cheers = {
      decisionProblem: 'Should WGS replace the panel as the first test?',
      analysisPlanUrl: 'https://example.org/analysis-plan.pdf',
      utilityInstrument: 'EQ-5D-5L',
      modelAvailable: true,
      subgroups: 'infants under 6 months',
      engagementDescribed: false,
      funding: 'Region Stockholm',
      conflictsOfInterest: 'none declared',
    };
    const document = {
      publications: [{ id: 'urn:test:import:fields-pub', title: 'A trial protocol', relationType: 'protocol', ownerOrganisation: STOCKHOLM }],
      records: [
        { recordType: 'Study', id: 'urn:test:import:fields-study', title: 'A trial', studyType: 'RESEARCH', participatingOrgs: [STOCKHOLM], registration: 'NCT01234567', actualSize: 412 },
        {
          recordType: 'HealthEconomicEvaluation',
          id: 'urn:test:import:fields-he',
          title: 'First-line WGS in infants',
          evaluationType: 'CUA',
          perspective: 'HEALTHCARE_SYSTEM',
          ...cheers,
          currency: 'SEK',
          priceYear: 2022,
          priceYearNote: 'Costs inflated to 2022 with the consumer price index.',
          publication: 'urn:test:import:fields-pub',
          evaluates: ['urn:test:import:fields-study'],
          ownerOrganisation: STOCKHOLM,
          results: [
            { measure: 'ICER', value: 250000, unit: 'SEK/QALY', priceYear: 2021 },
            { measure: 'MEAN_COST_DIFFERENCE_PER_PATIENT', value: 1200, unit: 'per patient', currency: 'EUR' },
            // A range in its own keys, and in words (as a cell gives it), below zero.
            { measure: 'DIAGNOSTIC_YIELD', rangeLow: 0.31, rangeHigh: 0.42, unit: 'proportion' },
            { measure: 'INCREMENTAL_QALY', value: '-0.5--0.2', unit: 'QALY' },
            { measure: 'DOMINANCE', statement: 'WGS dominates the panel' },
          ],
        },
      ],
    };
    expect((await importAs(admin, document, { publish: true })).report).toMatchObject({ committed: true, created: 3, failed: 0, problems: [], warnings: [] });
    const { data } = await catalogue.gql(`{
      studies(first: 50) { edges { node { identifier registration actualSize } } }
      healthEconomicEvaluations(first: 50) { edges { node {
        identifier decisionProblem analysisPlanUrl utilityInstrument modelAvailable subgroups engagementDescribed funding conflictsOfInterest
        priceYear priceYearNote publication { relationType } results { measure currency priceYear value rangeLow rangeHigh statement }
      } } }
    }`);
    const node = (connection: { edges: { node: { identifier: string } }[] }, id: string) => connection.edges.find((e) => e.node.identifier === id)?.node;
    expect(node(data?.studies, 'urn:test:import:fields-study')).toEqual({ identifier: 'urn:test:import:fields-study', registration: 'NCT01234567', actualSize: 412 });
    expect(node(data?.healthEconomicEvaluations, 'urn:test:import:fields-he')).toEqual({
      identifier: 'urn:test:import:fields-he',
      ...cheers,
      priceYear: 2022,
      priceYearNote: 'Costs inflated to 2022 with the consumer price index.',
      publication: { relationType: 'PROTOCOL' },
      results: [
        { measure: 'ICER', currency: 'SEK', priceYear: 2021, value: 250000, rangeLow: null, rangeHigh: null, statement: null },
        { measure: 'MEAN_COST_DIFFERENCE_PER_PATIENT', currency: 'EUR', priceYear: 2022, value: 1200, rangeLow: null, rangeHigh: null, statement: null },
        { measure: 'DIAGNOSTIC_YIELD', currency: null, priceYear: null, value: null, rangeLow: 0.31, rangeHigh: 0.42, statement: null },
        { measure: 'INCREMENTAL_QALY', currency: null, priceYear: null, value: null, rangeLow: -0.5, rangeHigh: -0.2, statement: null },
        { measure: 'DOMINANCE', currency: null, priceYear: null, value: null, rangeLow: null, rangeHigh: null, statement: 'WGS dominates the panel' },
      ],
    });
    // The same records as a workbook (the template's columns) are the same records: nothing changes.
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'gdcat-import-fields-')), 'fields.xlsx');
    await writeXlsx(document, file);
    const workbook = await importAs(admin, { format: 'xlsx', content: (await readFile(file)).toString('base64') }, { publish: true });
    expect(workbook.report).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 3, failed: 0, problems: [] });

    // Checked as the record inputs check them: a relation the catalogue does not know, a size below zero.
    const wrong = {
      publications: [{ ...document.publications[0], relationType: 'SEE_ALSO' }],
      records: [{ ...document.records[0], actualSize: -3 }],
    };
    const { report } = await importAs(admin, wrong, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; field: string; message: string }) => [p.sheet, p.field, p.message])).toEqual([
      ['publications', 'relationType', 'must be one of DESCRIBES, USES, CITES, PROTOCOL (got "SEE_ALSO")'],
      ['records', 'actualSize', 'must be a whole number from 0 to 2147483647'],
    ]);
  });

  it("reads an evaluation's evaluates as the catalogue's studies and datasets when the file describes neither", async () => {
    const evaluation = example.records.find((r: { recordType: string }) => r.recordType === 'HealthEconomicEvaluation');
    const input = {
      records: [{ ...evaluation, id: 'urn:test:import:evaluates-catalogue', ownerOrganisation: STOCKHOLM, evaluates: ['urn:example:gms-catalogue:study:rd-national-wgs', RD_WGS] }],
    };
    const { report } = await importAs(admin, input);
    expect(report.problems).toEqual([]);
    expect(report.created).toBe(1);
    const { data } = await catalogue.gql(`{ healthEconomicEvaluations(first: 50) { edges { node { identifier evaluatedStudies { identifier } evaluatedDatasets { identifier } } } } }`, {}, admin);
    const stored = (data!.healthEconomicEvaluations as { edges: { node: { identifier: string } }[] }).edges.map((edge) => edge.node).find((node) => node.identifier === input.records[0].id);
    expect(stored).toEqual({
      identifier: input.records[0].id,
      evaluatedStudies: [{ identifier: 'urn:example:gms-catalogue:study:rd-national-wgs' }],
      evaluatedDatasets: [{ identifier: RD_WGS }],
    });
  });

  it('names an assay it does not know, and the assays it knows', async () => {
    const sequenced = (id: string, assay: string) => ({ ...newDataset(id), cohort: { sequencing: { assay } } });
    const { report } = await importAs(stockholm, { records: [sequenced('urn:test:import:assay-1', 'WGS+WXS'), sequenced('urn:test:import:assay-2', 'wgs')] }, { dryRun: true });
    const assays = 'WGS, WES, PANEL, WTS, LONG_READ_WGS, PATHOGEN_WGS, METAGENOMICS, ARRAY';
    expect(report.problems).toEqual([
      { file: 'input', sheet: 'records', row: 1, field: 'cohort.sequencing.assays[1]', message: `"WXS" is not an assay; the assays are ${assays}`, code: 'INVALID' },
      { file: 'input', sheet: 'records', row: 2, field: 'cohort.sequencing.assays[0]', message: `"wgs" is not an assay; the assays are ${assays}`, code: 'INVALID' },
    ]);
  });

  it('refuses anonymous callers and malformed documents with a userError', async () => {
    expect((await importAs(undefined, example)).userErrors).toEqual([expect.objectContaining({ code: 'UNAUTHENTICATED' })]);
    expect((await importAs(admin, [1, 2])).userErrors).toEqual([expect.objectContaining({ field: 'input', code: 'INVALID' })]);
  });
});

describe('what importCatalogue leaves out', () => {
  it('reports a key it does not read, with the key it is near, on a dry run as on the real one, and imports the record without it', async () => {
    const dataset = newDataset('urn:test:import:keys');
    const document = { records: [{ ...dataset, _checkedBy: 'a data manager', distributions: [{ ...dataset.distributions[0], accessUrl: 'https://example.org/apply' }] }] };
    const warnings = [{ file: 'input', sheet: 'records', row: 1, field: 'distributions[0].accessUrl', message: 'unknown key, not imported; did you mean accessURL?', code: 'UNKNOWN_KEY' }];
    const dry = await importAs(stockholm, document, { dryRun: true });
    expect(dry.report).toMatchObject({ dryRun: true, committed: false, created: 1, failed: 0, problems: [], warnings });
    const real = await importAs(stockholm, document);
    expect(real.report).toMatchObject({ dryRun: false, committed: true, created: 1, failed: 0, problems: [], warnings });
    const { data } = await catalogue.gql('{ dataset(id: "urn:test:import:keys") { distributions { title accessUrl } } }');
    expect(data?.dataset.distributions).toEqual([{ title: 'VCF in the regional SPE', accessUrl: null }]);
  });

  it('refuses a misspelt required field as missing, and names the misspelt key with the one it is near', async () => {
    const { title, ...untitled } = newDataset('urn:test:import:titel');
    const { report } = await importAs(stockholm, { records: [{ ...untitled, titel: title }] }, { dryRun: true });
    expect(report.problems).toEqual([expect.objectContaining({ row: 1, field: 'title', code: 'REQUIRED' })]);
    expect(report.warnings).toEqual([expect.objectContaining({ row: 1, field: 'titel', message: 'unknown key, not imported; did you mean title?' })]);
  });

  it("stores a study's outputs as its datasets' wasGeneratedBy, refuses a dataset naming another study, and reports an output the file does not describe", async () => {
    const STUDY = 'urn:test:import:study';
    const study = { recordType: 'Study', id: STUDY, title: 'Epilepsy trios', description: 'Trio WGS in early-onset epilepsy.', studyType: 'RESEARCH', participatingOrgs: [STOCKHOLM] };
    const { report } = await importAs(stockholm, { records: [{ ...study, outputs: ['urn:test:import:output', 'urn:test:import:elsewhere'] }, newDataset('urn:test:import:output')] }, { publish: true });
    expect(report).toMatchObject({ committed: true, created: 2, problems: [] });
    expect(report.warnings).toEqual([
      {
        file: 'input',
        sheet: 'records',
        row: 1,
        field: 'outputs[1]',
        message: `no dataset "urn:test:import:elsewhere" in this file: a study's outputs are stored as its datasets' wasGeneratedBy, set only on datasets of the same file`,
        code: 'NOT_FOUND',
      },
    ]);
    const { data } = await catalogue.gql('{ dataset(id: "urn:test:import:output") { wasGeneratedBy { identifier outputs { identifier } } } }');
    expect(data?.dataset.wasGeneratedBy).toEqual({ identifier: STUDY, outputs: [{ identifier: 'urn:test:import:output' }] });

    const elsewhere = { ...newDataset('urn:test:import:output'), wasGeneratedBy: 'urn:example:gms-catalogue:study:rd-national-wgs' };
    const refused = await importAs(stockholm, { records: [{ ...study, outputs: ['urn:test:import:output'] }, elsewhere] }, { dryRun: true, publish: true });
    expect(refused.report.problems).toEqual([
      expect.objectContaining({ row: 2, field: 'wasGeneratedBy', message: `is "urn:example:gms-catalogue:study:rd-national-wgs", but study "${STUDY}" lists this dataset among its outputs` }),
    ]);
  });
});
