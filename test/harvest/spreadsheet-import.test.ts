import type * as RDF from '@rdfjs/types';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { DataFactory } from 'n3';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { runImportCommand } from '../../src/cli/import-command.js';
import type { AppConfig } from '../../src/config.js';
import { isomorphic, parse } from '../../src/dcat/rdf/parse.js';
import { importCatalogue } from '../../src/harvest/import.js';
import { openImportFile } from '../../src/harvest/import-file.js';
import { UNKNOWN_KEYS_LISTED } from '../../src/harvest/record-keys.js';
import { SHEETS } from '../../src/harvest/spreadsheet-columns.js';
import { HELD_PARTS_BYTES, spreadsheetSource } from '../../src/harvest/spreadsheet-source.js';
import { openXlsx } from '../../src/harvest/xlsx-reader.js';
import { writeCsvFolder, writeXlsx } from '../../src/harvest/spreadsheet-files.js';
import { systemActor } from '../../src/records/viewer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { running, startedThreads } from '../support/worker-threads.js';
import { sheetsWorkbook } from '../support/zip.js';

const example = JSON.parse(await readFile(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const recordCount = example.organisations.length + example.accessBodies.length + example.publications.length + example.records.length;
/** The datasets the seed publishes (drafts have no public DCAT). */
const publishedIds: string[] = example.records.filter((r: { recordType: string; status: string }) => r.recordType === 'Dataset' && r.status === 'published').map((r: { id: string }) => r.id);

const IMPORT = `mutation($input: JSON!, $dryRun: Boolean, $publish: Boolean) {
  importCatalogue(input: $input, dryRun: $dryRun, publish: $publish) {
    report { dryRun committed created updated unchanged failed catalogueRecord problems { file sheet row field message code } warnings { file sheet row field message code } }
    userErrors { field message code }
  }
}`;

let catalogue: TestCatalogue;
let dir: string;
let seedXlsx: string;
let seedCsv: string;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
  dir = await mkdtemp(path.join(tmpdir(), 'gdcat-spreadsheet-'));
  seedXlsx = path.join(dir, 'seed.xlsx');
  seedCsv = path.join(dir, 'seed-csv');
  await writeXlsx(example, seedXlsx);
  await writeCsvFolder(example, seedCsv);
});
afterAll(async () => {
  await catalogue?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function importFile(file: string, options: { dryRun?: boolean; org?: string } = {}) {
  const source = await openImportFile(file, options.org ?? null);
  return importCatalogue(catalogue.orm.em.fork(), systemActor('seed'), source, { publish: true, dryRun: options.dryRun });
}

async function importAs(token: string, input: unknown, options: { dryRun?: boolean; publish?: boolean } = {}) {
  const { data, errors } = await catalogue.gql(IMPORT, { input, ...options }, token);
  expect(errors, JSON.stringify(errors)).toBeUndefined();
  return data!.importCatalogue;
}

/** The sheets of a CSV folder as the importCatalogue input takes them. */
async function csvInput(folder: string) {
  const sheets: Record<string, string> = {};
  for (const name of await readdir(folder)) sheets[path.basename(name, '.csv')] = await readFile(path.join(folder, name), 'utf8');
  return { format: 'csv', sheets };
}

/**
 * A dataset's RDF without what differs between two catalogues holding the same records: the time each wrote
 * it, and the database ids in the IRIs of its parts (distributions, access route steps), which are named by
 * what they say instead.
 */
function comparable(quads: RDF.Quad[]): RDF.Quad[] {
  const written = ['http://purl.org/dc/terms/modified', 'https://w3id.org/fdp/fdp-o#metadataModified'];
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const kept = quads.filter((q) => !written.includes(q.predicate.value));
  const names = new Map<string, string>();
  for (const q of kept) {
    const id = q.subject.termType === 'NamedNode' ? /([0-9a-f-]{36})$/.exec(q.subject.value)?.[1] : undefined;
    if (!id || names.has(id)) continue;
    const says = kept.filter((p) => p.subject.equals(q.subject) && !p.object.value.match(UUID)).map((p) => `${p.predicate.value} ${p.object.value}`);
    names.set(id, createHash('sha1').update(says.sort().join('\n')).digest('hex'));
  }
  const rename = <T extends RDF.Term>(term: T): T => {
    if (term.termType !== 'NamedNode' && term.termType !== 'Literal') return term;
    const value = term.value.replace(UUID, (id) => names.get(id) ?? id);
    if (term.termType === 'NamedNode') return DataFactory.namedNode(value) as unknown as T;
    return DataFactory.literal(value, (term as RDF.Literal).language || (term as RDF.Literal).datatype) as unknown as T;
  };
  return kept.map((q) => DataFactory.quad(rename(q.subject), q.predicate, rename(q.object), q.graph));
}

/** A workbook of the given sheets (header row first), as a file. */
async function workbook(file: string, sheets: Record<string, unknown[][]>): Promise<string> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
  await book.xlsx.writeFile(file);
  return file;
}

const datasetRow = (id: string, title = 'Stockholm paediatric epilepsy WGS') => [
  id,
  title,
  'Trio WGS of children with early-onset epilepsy.',
  'epilepsy; trio',
  STOCKHOLM,
  STOCKHOLM,
  'urn:example:gms-catalogue:dab:se-hdab',
  'published',
];
const DATASET_HEADER = ['id', 'title', 'description', 'keywords', 'publisher', 'dataHolder', 'hdab', 'status'];
const consentRow = (id: string) => [id, 'DUO:0000006', 'DUO:0000021; DUO:0000022|SE'];
const routeRow = (id: string) => [id, 'SECURE_PROCESSING_ENVIRONMENT', 'urn:example:gms-catalogue:dab:stockholm'];
const stepRow = (id: string, order: number) => [id, order, 'ETHICS_APPROVAL', 'urn:example:gms-catalogue:dab:etik'];
const distributionRow = (id: string) => [id, 'VCF in the regional SPE', 'VCF|http://edamontology.org/format_3016', 'SECURE_PROCESSING_ENVIRONMENT'];

function newDatasets(ids: string[], edit: (sheets: Record<string, unknown[][]>) => void = () => {}) {
  const sheets: Record<string, unknown[][]> = {
    datasets: [[...DATASET_HEADER], ...ids.map((id) => datasetRow(id))],
    consent: [['dataset', 'duoPermission', 'duoModifiers'], ...ids.map(consentRow)],
    accessRoutes: [['dataset', 'accessMode', 'accessBody'], ...ids.map(routeRow)],
    accessRouteSteps: [['dataset', 'order', 'requirement', 'body'], ...ids.map((id) => stepRow(id, 1))],
    distributions: [['dataset', 'title', 'formats', 'accessMode'], ...ids.map(distributionRow)],
  };
  edit(sheets);
  return sheets;
}

describe('the seed as a spreadsheet', () => {
  it('XLSX and CSV forms of the seed describe the same records as its JSON import: importing them changes nothing', async () => {
    for (const file of [seedXlsx, seedCsv]) {
      const report = await importFile(file);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: recordCount, failed: 0, catalogueRecord: 'unchanged' });
    }
  });

  it('a catalogue filled from the XLSX serves the same DCAT for every dataset as one filled from the JSON', async () => {
    const fresh = await startTestCatalogue({ seed: false });
    try {
      const source = await openImportFile(seedXlsx, null);
      const report = await importCatalogue(fresh.orm.em.fork(), systemActor('seed'), source, { publish: true });
      expect(report).toMatchObject({ committed: true, created: recordCount, failed: 0, catalogueRecord: 'created' });
      for (const id of publishedIds) {
        const graphs = [];
        for (const node of [catalogue, fresh]) {
          const response = await fetch(`${node.url}/dcat/datasets/${encodeURIComponent(id)}`, { headers: { accept: 'text/turtle' } });
          expect(response.status, id).toBe(200);
          graphs.push(comparable(await parse(await response.text(), 'text/turtle', 'http://gdcat.test/')));
        }
        expect(graphs[0].length, id).toBeGreaterThan(20);
        expect(isomorphic(graphs[0], graphs[1]), id).toBe(true);
      }
    } finally {
      await fresh.stop();
    }
  });

  it('knows about how many records a spreadsheet holds before reading them, for the progress bar', async () => {
    const totalsSeen = async (file: string) => {
      const totals: (number | null)[] = [];
      const source = await openImportFile(file, null);
      await importCatalogue(catalogue.orm.em.fork(), systemActor('seed'), source, { dryRun: true, onProgress: (_, total) => totals.push(total) });
      return totals;
    };
    // An XLSX sheet states its rows (<dimension>): exact from the first record on.
    const xlsx = await totalsSeen(seedXlsx);
    expect(xlsx).toHaveLength(recordCount);
    expect(new Set(xlsx)).toEqual(new Set([recordCount]));
    // CSV files' lines: a line break inside a quoted field counts too, so at least the records, from the first.
    const [first] = await totalsSeen(seedCsv);
    expect(first).toBeGreaterThanOrEqual(recordCount);
    expect(first).toBeLessThan(2 * recordCount);
  });

  it('importCatalogue takes the CSV sheets and the XLSX workbook (base64) in its JSON input', async () => {
    const admin = await catalogue.token('admin');
    const csv = await importAs(admin, await csvInput(seedCsv), { publish: true });
    expect(csv.userErrors).toEqual([]);
    expect(csv.report).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: recordCount, failed: 0 });
    const xlsx = await importAs(admin, { format: 'xlsx', content: (await readFile(seedXlsx)).toString('base64') }, { publish: true });
    expect(xlsx.report).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: recordCount, failed: 0 });
    const broken = await importAs(admin, { format: 'xlsx', content: Buffer.from('not a workbook').toString('base64') });
    expect(broken.report.committed).toBe(false);
    expect(broken.report.problems).toEqual([expect.objectContaining({ file: 'input', sheet: null, message: expect.stringMatching(/^cannot read the file/) })]);
    expect((await importAs(admin, { format: 'ods', content: '' })).userErrors).toEqual([expect.objectContaining({ field: 'input', code: 'INVALID' })]);
  });
});

describe('spreadsheet problems', () => {
  it('a dry run reports every problem with file, sheet, row and column, and writes nothing', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const ids = ['urn:test:sheet:a', 'urn:test:sheet:b', 'urn:test:sheet:c'];
    const file = await workbook(
      path.join(dir, 'problems.xlsx'),
      newDatasets(ids, (sheets) => {
        sheets.datasets[2][1] = ''; // b: no title
        sheets.datasets[0].push('cohort.numberOfSamples', 'colour');
        sheets.datasets[3].push('many', 'red'); // c: not a number, and a column the import does not read
        sheets.consent[1][1] = 'DUO:9999999'; // a: unknown permission
        sheets.distributions[1][3] = 'SPE'; // a: not an access mode
        sheets.accessRouteSteps.push(['urn:test:sheet:a', 3, 'DAC_REVIEW', 'urn:example:nowhere']); // a: gap, unknown body
        sheets.distributions.push(['urn:test:sheet:zzz', 'Orphan', 'VCF', 'OPEN']); // no such dataset
        sheets.distributions[2][1] = 'T'.repeat(1_001); // b: over the text limit of a title
      }),
    );
    const report = await importFile(file, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, committed: false });
    const problems = report.problems.map((p) => `${p.file} ${p.sheet} ${p.row} ${p.field} ${p.code}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'problems.xlsx datasets 3 title REQUIRED',
        'problems.xlsx datasets 4 cohort.numberOfSamples INVALID',
        expect.stringMatching(/^problems\.xlsx consent 2 duoPermission /),
        'problems.xlsx accessRouteSteps 5 body NOT_FOUND',
        expect.stringMatching(/^problems\.xlsx accessRouteSteps 2 order /),
        'problems.xlsx distributions 5 dataset INVALID',
        'problems.xlsx distributions 3 title INVALID',
        'problems.xlsx distributions 2 accessMode INVALID',
      ]),
    );
    expect(report.problems.find((p) => p.field === 'accessMode')?.message).toBe(
      'must be one of SECURE_PROCESSING_ENVIRONMENT, CONTROLLED_DOWNLOAD, FEDERATED_QUERY, AGGREGATE_ONLY, OPEN (got "SPE")',
    );
    expect(report.problems.find((p) => p.field === 'cohort.numberOfSamples')?.message).toBe('must be a whole number (got "many")');
    expect(report.warnings.map((w) => `${w.file} ${w.sheet} ${w.row} ${w.field} ${w.code}`)).toEqual(['problems.xlsx datasets 1 colour UNKNOWN_KEY']);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
  });

  it('a column the import does not read is a warning naming the sheet, the header and the column it is near; the rows import, dry run and real run alike', async () => {
    const id = 'urn:test:sheet:unknown-column';
    const sheets = newDatasets([id], ({ datasets, distributions }) => {
      // A misspelt column, the rules' name for one, a column with no near name, its second copy, and notes.
      datasets[0].push('cohort.numberOfSample', 'dataHolders', 'colour', 'colour', '_checkedBy', 'dataHolderNote');
      datasets[1].push(12, STOCKHOLM, 'red', 'blue', 'a data manager', 'held in the regional SPE');
      distributions[0].push('accessUrl');
      distributions[1].push('https://example.org/apply');
      // A choice in any case, as the catalogue spells it.
      distributions[1][3] = 'secure_processing_environment';
    });
    const folder = path.join(dir, 'unknown-columns');
    await mkdir(folder, { recursive: true });
    for (const [name, rows] of Object.entries(sheets)) {
      await writeFile(path.join(folder, `${name}.csv`), rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(',')).join('\n'));
    }
    const expected = [
      ['datasets', 1, 'cohort.numberOfSample', 'unknown column, not imported; did you mean cohort.numberOfSamples?'],
      ['datasets', 1, 'dataHolders', 'unknown column, not imported; did you mean dataHolder?'],
      ['datasets', 1, 'colour', 'unknown column, not imported (the template lists the columns of the datasets sheet; one starting with _ is a note)'],
      ['distributions', 1, 'accessUrl', 'unknown column, not imported; did you mean accessURL?'],
    ];
    const placed = (found: { sheet: string; row: number; field: string; message: string; code: string }[]) =>
      found.map((w) => [w.sheet, w.row, w.field, w.message, w.code]);
    const admin = await catalogue.token('admin');
    const dry = await importAs(admin, await csvInput(folder), { dryRun: true });
    expect(dry.report).toMatchObject({ committed: false, created: 1, failed: 0, problems: [] });
    expect(placed(dry.report.warnings).sort()).toEqual(expected.map((w) => [...w, 'UNKNOWN_KEY']).sort());

    // The command line lists them as warnings, and imports the rows without the columns.
    const log: string[] = [];
    expect(await runImportCommand([folder, '--org', STOCKHOLM], { databaseUrl: catalogue.db.url } as AppConfig, (line) => log.push(line))).toBe(0);
    expect(log.filter((line) => line.startsWith('warning: ')).sort()).toEqual(
      expected.map(([sheet, row, field, message]) => `warning: unknown-columns / ${sheet} / row ${row} / ${field}: ${message} (UNKNOWN_KEY)`).sort(),
    );
    expect(log.at(-1)).toMatch(/^imported: created 1,/);
    const { data } = await catalogue.gql(`{ dataset(id: "${id}") { title cohort { numberOfSamples } distributions { accessUrl accessMode } } }`);
    expect(data?.dataset).toEqual({ title: 'Stockholm paediatric epilepsy WGS', cohort: null, distributions: [{ accessUrl: null, accessMode: 'SECURE_PROCESSING_ENVIRONMENT' }] });
  });

  it('lists unknown columns of a sheet one by one up to UNKNOWN_KEYS_LISTED and counts the rest in one warning', async () => {
    const sheets = newDatasets(['urn:test:sheet:many-columns'], ({ datasets }) => {
      for (let i = 0; i < 50; i++) datasets[0].push(`madeUp${i}`), datasets[1].push(i);
    });
    const folder = path.join(dir, 'many-columns');
    await mkdir(folder, { recursive: true });
    for (const [name, rows] of Object.entries(sheets)) {
      await writeFile(path.join(folder, `${name}.csv`), rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(',')).join('\n'));
    }
    const dry = await importAs(await catalogue.token('admin'), await csvInput(folder), { dryRun: true });
    expect(dry.report).toMatchObject({ created: 1, failed: 0, problems: [] });
    const warnings = dry.report.warnings as { field: string; message: string }[];
    expect(warnings.map((w) => w.field)).toEqual([...Array.from({ length: UNKNOWN_KEYS_LISTED }, (_, i) => `madeUp${i}`), '']);
    expect(warnings.at(-1)!.message).toBe(`${50 - UNKNOWN_KEYS_LISTED} more unknown columns, not imported (not listed one by one)`);
  });

  it('refuses a part without a value it requires, and an entry with more parts than its column has, at its sheet, row and column', async () => {
    const id = 'urn:test:sheet:required';
    const sheets = newDatasets([id], ({ datasets, distributions, accessRouteSteps }) => {
      datasets[0].push('cohort.genomeBuild.accession', 'cohort.diseases', 'cohort.phenotypes');
      datasets[1].push('GCA_000001405.15', 'http://purl.obolibrary.org/obo/MONDO_0005027|epilepsy|MONDO|1', 'http://purl.obolibrary.org/obo/HP_0001250|seizure; |ataxia');
      datasets[1][7] = 'planned';
      distributions[1][1] = '';
      accessRouteSteps[1][2] = '';
    });
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(',')).join('\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv }, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; row: number; field: string; message: string; code: string }) => [p.sheet, p.row, p.field, p.message, p.code])).toEqual([
      ['datasets', 2, 'cohort.diseases', 'must give each entry as iri|label|system, no more parts (got "http://purl.obolibrary.org/obo/MONDO_0005027|epilepsy|MONDO|1")', 'INVALID'],
      ['datasets', 2, 'cohort.phenotypes', 'is required (each entry gives its iri)', 'REQUIRED'],
      ['datasets', 2, 'cohort.genomeBuild.name', 'is required', 'REQUIRED'],
      ['accessRouteSteps', 2, 'requirement', 'is required', 'REQUIRED'],
      ['distributions', 2, 'title', 'is required', 'REQUIRED'],
    ]);
  });

  it('names what a part without its own row lacks, and refuses a second catalogue record', async () => {
    const sheets = newDatasets(['urn:test:sheet:steps-only'], (parts) => {
      parts.datasets[1][7] = 'planned';
      delete parts.accessRoutes;
      parts.catalogue = [['id', 'title'], ['urn:test:sheet:catalogue', 'First'], ['urn:test:sheet:catalogue-2', 'Second']];
    });
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.join(',')).join('\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv }, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; row: number; field: string; message: string }) => [p.sheet, p.row, p.field, p.message])).toEqual([
      ['catalogue', 3, 'id', 'a second catalogue record (the first is row 2); the catalogue sheet holds one'],
      ['datasets', 2, 'accessRoute.accessMode', 'is required'],
    ]);
  });

  it('refuses a sheet without the column naming its records, whatever else its header has, saying where the column names go', async () => {
    const needsId = 'the studies sheet needs a "id" column; row 1 holds the column names, one in each cell, with no title or merged cells above them';
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: { studies: 'name,title\nA study,A study' } }, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; row: number; field: string; message: string }) => [p.sheet, p.row, p.field, p.message])).toEqual([
      ['studies', 2, 'id', 'every imported record needs its identifier, so the next import can match it'],
      ['studies', 1, 'id', needsId],
    ]);
    expect(report.warnings.map((w: { field: string }) => w.field)).toEqual(['name']);
    // A title row above the column names, as a sheet made for reading has (merged across the columns: one cell).
    const titled = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: { studies: 'Studies of Region Uppsala;;\r\nid;title;studyType\r\nurn:test:titled;A study;RESEARCH' } }, { dryRun: true });
    expect(titled.report.problems).toContainEqual(expect.objectContaining({ sheet: 'studies', row: 1, field: 'id', message: needsId }));
  });

  it('refuses negative sex counts, coverage and read length of a CSV cohort, naming the row and column', async () => {
    const sheets = newDatasets(['urn:test:sheet:negative'], ({ datasets }) => {
      datasets[0].push('cohort.numberOfUniqueIndividuals', 'cohort.sexDistribution.female', 'cohort.sexDistribution.male', 'cohort.sequencing.assay', 'cohort.sequencing.meanCoverage', 'cohort.sequencing.readLength');
      datasets[1].push(10, -50, 60, 'WGS', -3, -1);
    });
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(',')).join('\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv }, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; row: number; field: string }) => `${p.sheet} ${p.row} ${p.field}`)).toEqual([
      'datasets 2 cohort.sexDistribution.female',
      'datasets 2 cohort.sequencing.meanCoverage',
      'datasets 2 cohort.sequencing.readLength',
    ]);
  });

  it('refuses a disease cell holding a label instead of its id, naming the row, the column and the id of the label', async () => {
    const ids = ['urn:test:sheet:disease-ids', 'urn:test:sheet:disease-label'];
    const sheets = newDatasets(ids, ({ datasets }) => {
      datasets[0].push('cohort.diseases');
      datasets[1].push('mondo:0009061; MONDO_0005027; http://purl.obolibrary.org/obo/MONDO_0007739|Huntington disease|MONDO; ORPHA:586');
      datasets[2].push('MONDO:0005027; Cystic fibrosis|Cystic fibrosis');
    });
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(';')).join('\r\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv }, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; row: number; field: string; message: string }) => [p.sheet, p.row, p.field, p.message])).toEqual([
      ['datasets', 3, 'cohort.diseases', expect.stringMatching(/^"Cystic fibrosis" is not an ontology IRI or compact id but the label of MONDO:0009061 \("cystic fibrosis"\): give that id/)],
    ]);
    expect(report).toMatchObject({ created: 1, failed: 1, committed: false });
  });

  it('reads DUO terms given by their labels, in any case, as their codes', async () => {
    const id = 'urn:test:sheet:duo-labels';
    const sheets = newDatasets([id], ({ consent }) => {
      consent[1] = [id, 'Health or medical or biomedical research', 'ethics approval required; Geographical  restriction|SE'];
    });
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(';')).join('\r\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv });
    expect(report).toMatchObject({ committed: true, created: 1, problems: [] });
    const { data } = await catalogue.gql(`{ dataset(id: "${id}") { consent { duoPermission duoModifiers { code value } } } }`);
    expect(data?.dataset.consent).toEqual({ duoPermission: 'DUO:0000006', duoModifiers: [{ code: 'DUO:0000021', value: null }, { code: 'DUO:0000022', value: 'SE' }] });
  });

  it('reads language, country and currency codes in any case, stored as the catalogue writes them', async () => {
    const id = 'urn:test:sheet:codes-in-any-case';
    const sheets: Record<string, unknown[][]> = newDatasets([id], ({ datasets }) => {
      datasets[0].push('language');
      datasets[1].push('SV');
    });
    sheets.evaluations = [
      ['id', 'title', 'evaluationType', 'currency', 'priceYear', 'country', 'evaluates', 'ownerOrganisation'],
      ['urn:test:sheet:codes-evaluation', 'Cost per diagnosis', 'COST_ANALYSIS', 'sek', 2024, 'se', id, STOCKHOLM],
    ];
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(';')).join('\r\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv });
    expect(report).toMatchObject({ committed: true, created: 2, problems: [] });
    const { data } = await catalogue.gql(`{ dataset(id: "${id}") { language healthEconomicEvaluations { currency country } } }`, {}, await catalogue.token('admin'));
    expect(data?.dataset).toEqual({ language: 'sv', healthEconomicEvaluations: [{ currency: 'SEK', country: 'SE' }] });
  });

  it('refuses a study or evaluation no one owns (an admin importing, no owner given, no catalogue publisher) as missing its owner', async () => {
    const sheets = {
      studies: [['id', 'title', 'studyType'], ['urn:test:sheet:ownerless-study', 'Ownerless study', 'RESEARCH']],
      evaluations: [['id', 'title', 'evaluationType', 'currency'], ['urn:test:sheet:ownerless-evaluation', 'Ownerless evaluation', 'COST_ANALYSIS', 'SEK']],
    };
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.join(';')).join('\r\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv }, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; row: number; field: string; message: string; code: string }) => [p.sheet, p.row, p.field, p.message, p.code])).toEqual([
      ['studies', 2, 'ownerOrganisation', 'is required', 'REQUIRED'],
      ['evaluations', 2, 'ownerOrganisation', 'is required', 'REQUIRED'],
    ]);
  });

  it('tells a dataset naming a study the file gives but the import refuses where that study is refused, not that there is no such study', async () => {
    const study = 'urn:test:sheet:refused-study';
    const ids = ['urn:test:sheet:of-refused-study-1', 'urn:test:sheet:of-refused-study-2'];
    const sheets: Record<string, unknown[][]> = newDatasets(ids, ({ datasets }) => {
      datasets[0].push('wasGeneratedBy');
      datasets[1].push(study);
      datasets[2].push(study);
    });
    sheets.studies = [['id', 'title', 'studyType', 'startDate', 'ownerOrganisation'], [study, 'Refused study', 'RESEARCH', '1/3/2026', STOCKHOLM]];
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(';')).join('\r\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv }, { dryRun: true });
    const placed = `Study "${study}" is refused at studies row 2; its problems are reported there`;
    expect(report.problems.map((p: { sheet: string; row: number; field: string; message: string }) => [p.sheet, p.row, p.field, p.message])).toEqual([
      ['studies', 2, 'startDate', '"1/3/2026" is not an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD'],
      ['datasets', 2, 'wasGeneratedBy', placed],
      ['datasets', 3, 'wasGeneratedBy', placed],
    ]);
  });

  it('reads the entries of a list put on lines of their own in one cell (Alt+Enter in Excel) as it reads them separated by ";"', async () => {
    const id = 'urn:test:sheet:entries-on-lines';
    const sheets = newDatasets([id], ({ datasets, consent }) => {
      datasets[0].push('cohort.diseases');
      datasets[1][3] = 'epilepsy\ntrio; exome';
      datasets[1].push('MONDO:0005027|epilepsy\r\nMONDO:0009061');
      consent[1][2] = 'DUO:0000021\nDUO:0000022|SE';
    });
    // Quoted as Excel quotes a cell holding line breaks (RFC 4180): the breaks stay in the cell.
    const quoted = (value: unknown) => `"${String(value).replaceAll('"', '""')}"`;
    const csv = Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.map((values) => values.map(quoted).join(';')).join('\r\n')]));
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: csv });
    expect(report).toMatchObject({ committed: true, created: 1, problems: [] });
    const { data } = await catalogue.gql(`{ dataset(id: "${id}") { keywords cohort { diseases { iri label } } consent { duoModifiers { code value } } } }`);
    expect(data?.dataset).toEqual({
      keywords: ['epilepsy', 'trio', 'exome'],
      cohort: { diseases: [{ iri: 'MONDO:0005027', label: 'epilepsy' }, { iri: 'MONDO:0009061', label: null }] },
      consent: { duoModifiers: [{ code: 'DUO:0000021', value: null }, { code: 'DUO:0000022', value: 'SE' }] },
    });
  });

  it('reports values past the header and a column named twice, never dropping either silently', async () => {
    const datasets = [
      'id;title;publisher;keywords',
      `urn:test:sheet:extra;Extra cells;${STOCKHOLM};alpha;beta;gamma`,
      `urn:test:sheet:fine;Fine;${STOCKHOLM};"alpha;beta"`,
    ].join('\n');
    const twice = `id,title,title\nurn:test:sheet:twice,First,Second`;
    const { report } = await importAs(await catalogue.token('admin'), { format: 'csv', sheets: { datasets, studies: twice } }, { dryRun: true });
    expect(report.problems.map((p: { sheet: string; row: number; field: string; message: string }) => [p.sheet, p.row, p.field, p.message])).toEqual(expect.arrayContaining([
      ['studies', 1, 'title', 'is in the header twice (columns 2 and 3); a column is given once'],
      ['datasets', 2, 'column 5', '"beta", "gamma" stand past the last column of the header (4), under no column; in a file separated by ";", quote a cell whose value holds ";"'],
    ]));
    expect(report.problems.filter((p: { sheet: string; row: number }) => p.sheet === 'datasets' && p.row === 3)).toEqual([]);
  });

  it('one bad row writes nothing (all or nothing); the corrected file imports, and again changes nothing', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const ids = ['urn:test:sheet:all-1', 'urn:test:sheet:all-2', 'urn:test:sheet:all-3'];
    const broken = await workbook(path.join(dir, 'broken.xlsx'), newDatasets(ids, (sheets) => (sheets.consent[2][1] = 'DUO:9999999')));
    const failed = await importFile(broken, { org: STOCKHOLM });
    expect(failed).toMatchObject({ committed: false, failed: 1 });
    expect(failed.problems).toEqual([expect.objectContaining({ sheet: 'consent', row: 3, field: 'duoPermission' })]);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);

    const good = await workbook(path.join(dir, 'good.xlsx'), newDatasets(ids));
    const corrected = await importFile(good, { org: STOCKHOLM });
    expect(corrected, JSON.stringify(corrected.problems)).toMatchObject({ committed: true, created: 3, updated: 0, unchanged: 0, failed: 0 });
    expect(await importFile(good, { org: STOCKHOLM })).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 3, failed: 0 });
    const renamed = await workbook(path.join(dir, 'renamed.xlsx'), newDatasets(ids, (sheets) => (sheets.datasets[2][1] = 'Renamed cohort')));
    expect(await importFile(renamed, { org: STOCKHOLM })).toMatchObject({ committed: true, created: 0, updated: 1, unchanged: 2 });
    const { data } = await catalogue.gql(`{ dataset(id: "urn:test:sheet:all-2") { title version status consent { duoPermission } accessRoute { steps { order } } distributions { formats { label edam } } } }`);
    expect(data?.dataset).toMatchObject({ title: 'Renamed cohort', status: 'PUBLISHED', accessRoute: { steps: [{ order: 1 }] } });
    expect(data?.dataset.version).toBeGreaterThan(1);
    expect(data?.dataset.distributions).toEqual([{ formats: [{ label: 'VCF', edam: 'http://edamontology.org/format_3016' }] }]);
  });
});

describe('a workbook read in a thread of its own (the compiled worker: build first)', () => {
  /** The import's report, and the threads it started that are still running once it has returned. */
  async function importInThread(file: string, options: { dryRun?: boolean } = {}) {
    const before = startedThreads().length;
    const report = await importFile(file, { ...options, org: STOCKHOLM });
    const threads = startedThreads().slice(before);
    return { report, threads: threads.length, running: running(threads) };
  }

  it('a damaged workbook, or a sheet damaged midway, is one problem of the file: nothing is written and the thread has ended', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const truncated = path.join(dir, 'truncated.xlsx');
    const seed = await readFile(seedXlsx);
    await writeFile(truncated, seed.subarray(0, seed.length / 2));
    const damaged = await importInThread(truncated);
    expect(damaged).toMatchObject({ threads: 1, running: [] });
    expect(damaged.report).toMatchObject({ committed: false, failed: 1 });
    expect(damaged.report.problems).toEqual([expect.objectContaining({ file: 'truncated.xlsx', sheet: null, row: null, message: 'cannot read the file: not an XLSX workbook (not a zip file)' })]);

    // 2,500 datasets with their parts, the datasets sheet damaged after row 2,100: its first 2,000 or so
    // records are read, checked and (in a real run) inserted before the damage is found.
    const ids = Array.from({ length: 2_500 }, (_, i) => `urn:test:sheet:midway-${i}`);
    const midway = path.join(dir, 'midway.xlsx');
    await writeFile(midway, sheetsWorkbook(newDatasets(ids), { sheet: 'datasets', row: 2_101 }));
    for (const dryRun of [false, true]) {
      const { report, ...threads } = await importInThread(midway, { dryRun });
      expect(threads).toEqual({ threads: 1, running: [] });
      expect(report).toMatchObject({ committed: false, failed: 1 });
      expect(report.problems).toEqual([
        expect.objectContaining({ file: 'midway.xlsx', sheet: null, row: null, message: expect.stringMatching(/^cannot read the file: the sheet "datasets" cannot be read: /) }),
      ]);
    }
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
    // Undamaged, the same rows import.
    await writeFile(midway, sheetsWorkbook(newDatasets(ids.slice(0, 3))));
    expect((await importInThread(midway, { dryRun: true })).report).toMatchObject({ failed: 0, created: 3 });
  });

  it('an import that stops reading early ends the thread', async () => {
    const before = startedThreads().length;
    const source = await openImportFile(seedXlsx, null);
    for await (const record of source.records(catalogue.orm.em.fork())) if (record) break;
    const threads = startedThreads().slice(before);
    expect(threads).toHaveLength(1);
    expect(running(threads)).toEqual([]);
  });
});

describe('parts held in memory up to a bound, staged in the transaction beyond it', () => {
  it('a file whose parts pass the bound is staged, and is checked, reported and written as one held in memory', async () => {
    const ids = ['urn:test:sheet:bound-1', 'urn:test:sheet:bound-2', 'urn:test:sheet:bound-3'];
    const broken = await workbook(
      path.join(dir, 'bound-broken.xlsx'),
      newDatasets(ids, (sheets) => {
        sheets.consent.push([ids[1], 'DUO:0000042']); // a second consent row
        sheets.consent.push(['', 'DUO:0000042']); // naming no dataset
        sheets.distributions.push(['urn:test:sheet:bound-none', 'Orphan', 'VCF', 'OPEN']); // no such dataset
        sheets.accessRouteSteps.push([ids[0], 'two', 'DAC_REVIEW', 'urn:example:gms-catalogue:dab:etik']); // not a number
        sheets.datasets.push(datasetRow(ids[2], 'The same identifier again'));
      }),
    );
    const good = await workbook(path.join(dir, 'bound-good.xlsx'), newDatasets(ids));
    const run = async (file: string, bound: number, dryRun: boolean) => {
      const source = spreadsheetSource(path.basename(file), () => openXlsx(file), STOCKHOLM, bound);
      const from = catalogue.queries.length;
      const report = await importCatalogue(catalogue.orm.em.fork(), systemActor('seed'), source, { publish: true, dryRun });
      return { report, staged: catalogue.queries.slice(from).some((sql) => sql.includes('import_part')) };
    };
    const held = await run(broken, HELD_PARTS_BYTES, true);
    const staged = await run(broken, 0, true);
    expect([held.staged, staged.staged]).toEqual([false, true]);
    expect(staged.report).toEqual(held.report);
    expect(held.report.problems.map((p) => `${p.sheet} ${p.row} ${p.field}`)).toEqual(
      expect.arrayContaining([
        'consent 5 dataset',
        'consent 6 dataset',
        'distributions 5 dataset',
        'accessRouteSteps 5 order',
        'datasets 5 id',
      ]),
    );
    expect(held.report.problems.find((p) => p.row === 6 && p.sheet === 'consent')?.message).toBe('is required');
    expect(held.report.problems.find((p) => p.sheet === 'distributions')?.message).toBe('no record "urn:test:sheet:bound-none" on the datasets sheet');

    // Written staged, read again held: nothing changes (the same records, fingerprints and all).
    expect((await run(good, 0, false)).report).toMatchObject({ committed: true, created: 3, failed: 0 });
    expect((await run(good, HELD_PARTS_BYTES, false)).report).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 3 });
  });

  // The compiled modules (build first), in a process of its own: V8's old generation capped at 128 MB, under the
  // datasets sheet's 230 MB of text; its records are streamed, a batch of 500 kept at a time and every identifier
  // (as the import keeps them), so it fits (about 55 MB live). The parts are held (under the bound): no database.
  it('streams the records of a sheet larger than the heap it is given', async () => {
    const count = 20_000;
    const folder = path.join(dir, 'large-csv');
    const large = { records: Array.from({ length: count }, (_, i) => ({ ...example.records.find((r: { recordType: string }) => r.recordType === 'Dataset'), id: `urn:test:large:${i}`, description: `${i} ${'long text '.repeat(1_000)}` })) };
    await writeCsvFolder(large, folder);
    expect((await readFile(path.join(folder, 'datasets.csv'))).length).toBeGreaterThan(200_000_000);
    const script = path.join(dir, 'read-sheets.mjs');
    const module = (name: string) => JSON.stringify(new URL(`../../dist/src/harvest/${name}.js`, import.meta.url).href);
    await writeFile(
      script,
      `const { spreadsheetSource } = await import(${module('spreadsheet-source')});
       const { csvFilesAt, csvSpreadsheet } = await import(${module('spreadsheet-files')});
       const files = await csvFilesAt(process.argv[2]);
       const source = spreadsheetSource('large-csv', async () => csvSpreadsheet(files));
       let batch = [];
       let withParts = 0;
       const identifiers = new Set();
       for await (const r of source.records(null)) { identifiers.add(r.data.id); if (r.data.consentScope && r.data.accessRoute) withParts++; batch.push(r); if (batch.length === 500) batch = []; }
       console.log(JSON.stringify({ total: source.total, identifiers: identifiers.size, withParts }));`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=128', script, folder], { maxBuffer: 1 << 20 });
    expect(JSON.parse(stdout)).toEqual({ total: count, identifiers: count, withParts: count });
  }, 120_000);
});

describe('the template', () => {
  it('gdcat import --template xlsx|csv writes every sheet and column, documented, and a filled template imports', async () => {
    const xlsx = path.join(dir, 'template.xlsx');
    const csv = path.join(dir, 'template-csv');
    const log: string[] = [];
    const config = {} as AppConfig; // writing a template opens no database
    expect(await runImportCommand(['--template', 'xlsx', '--out', xlsx], config, (line) => log.push(line))).toBe(0);
    expect(await runImportCommand(['--template', 'csv', '--out', csv], config, (line) => log.push(line))).toBe(0);
    expect(await runImportCommand(['--template', 'ods'], config, (line) => log.push(line))).toBe(2);
    expect(log.at(-1)).toMatch(/--template takes xlsx or csv/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsx);
    expect(book.worksheets.map((w) => w.name)).toEqual(['about', ...SHEETS.map((s) => s.name)]);
    for (const sheet of SHEETS) {
      expect(book.getWorksheet(sheet.name)!.getRow(1).values).toEqual([undefined, ...sheet.columns.map((c) => c.name)]);
    }
    const about = book.getWorksheet('about')!.getSheetValues().map((row) => (row as unknown[])?.slice(1, 3).join(' '));
    expect(about).toContain('distributions formats');
    expect((await readdir(csv)).sort()).toEqual(['about.csv', ...SHEETS.map((s) => `${s.name}.csv`)].sort());
    // The README lists every sheet with every column, described as the template describes it.
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const sheet of SHEETS) {
      const listed = readme.split(`**${sheet.name}**: `)[1]?.split('\n\n')[1] ?? '';
      expect(sheet.columns.filter((c) => !listed.includes(`\`${c.name}\` ${c.help}`)).map((c) => c.name), sheet.name).toEqual([]);
    }

    // Fill the template as a data manager would: in Excel, then save.
    const id = 'urn:test:sheet:template';
    const rows = newDatasets([id]);
    for (const [name, [header, ...data]] of Object.entries(rows)) {
      const worksheet = book.getWorksheet(name)!;
      const columns = worksheet.getRow(1).values as string[];
      for (const values of data) worksheet.addRow(columns.map((column) => values[header.indexOf(column)] ?? null).slice(1));
    }
    // A date typed into Excel is a date cell, not text.
    const datasets = book.getWorksheet('datasets')!;
    datasets.getRow(2).getCell((datasets.getRow(1).values as string[]).indexOf('issued')).value = new Date(Date.UTC(2025, 2, 1));
    const filled = path.join(dir, 'filled.xlsx');
    await book.xlsx.writeFile(filled);
    expect(await importFile(filled, { org: STOCKHOLM })).toMatchObject({ committed: true, created: 1, failed: 0 });
    const { data } = await catalogue.gql(`{ dataset(id: "${id}") { issued consent { duoPermission } } }`);
    expect(data?.dataset.issued).toMatch(/^2025-03-01/);

    // The CSV template, filled and imported as a folder; one file saved by an Excel that separates with ";".
    for (const [name, [header, ...data]] of Object.entries(newDatasets(['urn:test:sheet:template-csv']))) {
      const columns = (await readFile(path.join(csv, `${name}.csv`), 'utf8')).trim().split(',');
      const separator = name === 'datasets' ? ';' : ',';
      const lines = data.map((values) => columns.map((column) => JSON.stringify(String(values[header.indexOf(column)] ?? ''))).join(separator));
      await writeFile(path.join(csv, `${name}.csv`), [columns.join(separator), ...lines].join('\n'));
    }
    expect(await importFile(csv, { org: STOCKHOLM })).toMatchObject({ committed: true, created: 1, failed: 0 });
    const fromCsv = await catalogue.gql(`{ dataset(id: "urn:test:sheet:template-csv") { title keywords } }`);
    expect(fromCsv.data?.dataset).toEqual({ title: 'Stockholm paediatric epilepsy WGS', keywords: ['epilepsy', 'trio'] });
  });

  it('reads numbers with a decimal comma from a semicolon-separated CSV (Swedish Excel), and refuses them where a comma separates fields', async () => {
    const write = async (folder: string, separator: string, id: string) => {
      await mkdir(folder, { recursive: true });
      const sheets = newDatasets([id], ({ datasets }) => {
        datasets![0]!.push('cohort.numberOfUniqueIndividuals', 'cohort.sequencing.assay', 'cohort.sequencing.meanCoverage');
        // Excel's Swedish number format: a non-breaking space between thousands, a comma before the decimals.
        datasets![1]!.push('1\u00a0200', 'WES', '30,5');
      });
      for (const [name, rows] of Object.entries(sheets)) {
        await writeFile(path.join(folder, `${name}.csv`), rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(separator)).join('\n'));
      }
    };
    const swedish = path.join(dir, 'decimal-comma');
    await write(swedish, ';', 'urn:test:sheet:decimal-comma');
    expect(await importFile(swedish, { org: STOCKHOLM })).toMatchObject({ committed: true, created: 1, failed: 0 });
    const { data } = await catalogue.gql(`{ dataset(id: "urn:test:sheet:decimal-comma") { cohort { numberOfUniqueIndividuals sequencing { meanCoverage } } } }`);
    expect(data?.dataset.cohort).toEqual({ numberOfUniqueIndividuals: 1200, sequencing: { meanCoverage: 30.5 } });
    // With commas between fields, "30,5" could be thirty and a half or three hundred and five: a problem, not a guess.
    const english = path.join(dir, 'comma-separated');
    await write(english, ',', 'urn:test:sheet:comma-separated');
    const report = await importFile(english, { org: STOCKHOLM, dryRun: true });
    expect(report.problems.map((p) => [p.sheet, p.field, p.message])).toEqual([
      ['datasets', 'cohort.numberOfUniqueIndividuals', 'must be a whole number (got "1\u00a0200")'],
      ['datasets', 'cohort.sequencing.meanCoverage', 'must be a number (got "30,5")'],
    ]);
  });

  it('reads a CSV saved by Excel as plain CSV on Swedish Windows (Windows-1252) with its å, ä and ö, next to UTF-8 files', async () => {
    const folder = path.join(dir, 'excel-csv');
    await mkdir(folder, { recursive: true });
    const id = 'urn:test:sheet:windows-1252';
    const title = 'Sällsynta sjukdomar i Örebro län, exom för små barn';
    for (const [name, rows] of Object.entries(newDatasets([id], (sheets) => (sheets.datasets![1]![1] = title)))) {
      const text = rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(name === 'datasets' ? ';' : ',')).join('\r\n');
      // The datasets sheet as Excel's "CSV (semicolon)" saves it in Sweden; the others as "CSV UTF-8", with its BOM.
      await writeFile(path.join(folder, `${name}.csv`), name === 'datasets' ? Buffer.from(text, 'latin1') : `\ufeff${text}`);
    }
    expect(await importFile(folder, { org: STOCKHOLM })).toMatchObject({ committed: true, created: 1, failed: 0 });
    const { data } = await catalogue.gql(`{ dataset(id: "${id}") { title } }`);
    expect(data?.dataset.title).toBe(title);
  });

  it("importCatalogue takes a CSV sheet as the file's bytes in base64, read as a file on disk is: Windows-1252 keeps its å, ä and ö", async () => {
    const id = 'urn:test:sheet:windows-1252-base64';
    const title = 'Ärftlig cancer i Västra Götalands län, panel för små barn';
    const sheets: Record<string, { content: string }> = {};
    for (const [name, rows] of Object.entries(newDatasets([id], (parts) => (parts.datasets![1]![1] = title)))) {
      const text = rows.map((values) => values.map((value) => JSON.stringify(String(value))).join(';')).join('\r\n');
      sheets[name] = { content: Buffer.from(text, name === 'datasets' ? 'latin1' : 'utf8').toString('base64') };
    }
    const { report, userErrors } = await importAs(await catalogue.token('data_manager', [STOCKHOLM]), { format: 'csv', sheets });
    expect(userErrors).toEqual([]);
    expect(report).toMatchObject({ committed: true, created: 1, failed: 0, problems: [] });
    const { data } = await catalogue.gql(`{ dataset(id: "${id}") { title } }`);
    expect(data?.dataset.title).toBe(title);
  });
});
