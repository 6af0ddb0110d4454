import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImportCommand } from '../../src/cli/import-command.js';
import type { AppConfig } from '../../src/config.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { catalogueJsonSource } from '../../src/harvest/catalogue-json.js';
import { catalogueJsonFileSource } from '../../src/harvest/catalogue-json-file.js';
import type { ImportSource, SourceRecord } from '../../src/harvest/import-source.js';
import { importCatalogue } from '../../src/harvest/import.js';
import { openImportFile } from '../../src/harvest/import-file.js';
import { systemActor } from '../../src/records/viewer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const example: Json = JSON.parse(readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gdcat-json-file-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

let written = 0;
async function fileOf(text: string): Promise<string> {
  const file = path.join(dir, `file-${++written}.json`);
  await writeFile(file, text);
  return file;
}

/** The document with its top-level keys in the given order (each key once unless repeated). */
function ordered(document: Json, keys: string[]): string {
  return `{${keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(document[k])}`).join(',\n')}}`;
}

async function recordsOf(source: ImportSource): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of source.records(undefined as never)) records.push(record);
  return records;
}

/** What the import is given from the file read record by record, and from the same text parsed whole. */
async function bothWays(text: string) {
  const file = await fileOf(text);
  const streamed = await catalogueJsonFileSource(file, 'x.json', null);
  const whole = catalogueJsonSource(JSON.parse(text), 'x.json', null);
  return { streamed: { ...streamed, records: await recordsOf(streamed) }, whole: { ...whole, records: await recordsOf(whole) } };
}

describe('an example-catalogue file read record by record', () => {
  const orders = {
    'dependency order': ['catalogue', 'organisations', 'accessBodies', 'publications', 'records'],
    'the seed order (records before publications)': Object.keys(example),
    'everything reversed, the catalogue last': ['records', 'publications', 'accessBodies', 'organisations', 'catalogue'],
  };
  for (const [name, keys] of Object.entries(orders)) {
    it(`gives the records, locations, catalogue and total of the whole document: ${name}`, async () => {
      const { streamed, whole } = await bothWays(ordered(example, keys));
      expect(streamed.records).toEqual(whole.records);
      expect(streamed.records.map((r) => r.kind)).toEqual(whole.records.map((r) => r.kind));
      expect(streamed.catalogue).toEqual(whole.catalogue);
      expect(streamed.total).toBe(whole.total);
      expect(streamed.context).toEqual(whole.context);
    });
  }

  it('reads odd documents as JSON.parse does: repeated sections (the last counts), unknown record types, non-objects', async () => {
    const records = [
      { recordType: 'HealthEconomicEvaluation', id: 'e1', recordType2: 'x' },
      null,
      'text',
      { recordType: 'Dataset', id: 'd1', nested: { recordType: 'Study' } },
      { id: 's1', recordType: 'Dataset', recordType_: 1, extra: [{ recordType: 'x' }] },
      { recordType: 'Study', id: 's2' },
      { recordType: 5, id: 'n' },
      { recordType: 'toString', id: 't' },
      [{ recordType: 'Study' }],
    ];
    const text = `{"_meta": {"records": [1]}, "records": [{"recordType": "Study", "id": "first"}], "publications": {"not": "an array"},
      "catalogue": "none", "organisations": [{"id": "o2", "parentOrg": "o1"}, {"id": "o1"}], "records": ${JSON.stringify(records)}, "catalogue": {"id": "c", "publisher": "o1"}}`;
    const { streamed, whole } = await bothWays(text);
    expect(whole.records.map((r) => r.data?.id ?? r.data)).toEqual([{}, 'o1', 'o2', 's2', 'd1', 's1', 'e1', {}, 'text', 'n', 't', [{ recordType: 'Study' }]]);
    expect(whole.records[0]).toMatchObject({ location: { sheet: 'publications', row: null }, readProblems: [{ message: 'must be a list (a JSON array) of publications' }] });
    // The text shows the repeated sections, which the parsed document no longer can.
    const repeated = (r: SourceRecord) => r.readProblems?.some((p) => p.code === 'DUPLICATE_KEY');
    expect(streamed.records.filter(repeated).map((r) => r.location.sheet)).toEqual(['records', 'catalogue']);
    expect(streamed.records.filter((r) => !repeated(r))).toEqual(whole.records);
    expect(streamed.catalogue).toEqual({ id: 'c', publisher: 'o1' });
    expect(streamed.context).toEqual(whole.context);
  });

  it('reports a key given twice in one object as a problem at its path, which JSON.parse passes over', async () => {
    const study = { recordType: 'Study', id: 's1', title: 'A' };
    const text = `{"catalogue": {"id": "c", "title": "C", "homepage": "https://a.example", "title": "D"},
      "organisations": [{"id": "o1", "name": "O"}, {"id": "o2", "name": "P", "roles": ["DATA_HOLDER"], "name": "Q"}],
      "records": [${JSON.stringify(study)}, {"recordType": "Study", "id": "s2", "title": "B", "title": "C", "plannedSize": {"value": 1, "unit": "u", "value": 2}},
        {"recordType": "Dataset", "id": "d1", "title": "D", "distributions": [{"title": "x"}, {"title": "y", "accessURL": "https://a.example", "title": "z"}],
         "cohort": {"sequencing": {"assay": "WGS"}, "sequencing": {"assay": "WES"}}, "accessRoute": {"accessMode": "OPEN", "steps": [{"order": 1, "body": [{"a": 1, "a": 2}]}]}}]}`;
    const streamed = await recordsOf(await catalogueJsonFileSource(await fileOf(text), 'x.json', null));
    const problems = streamed.flatMap((r) => (r.readProblems ?? []).filter((p) => p.code === 'DUPLICATE_KEY').map((p) => [r.location.sheet, r.location.row, p.field, p.code]));
    expect(problems).toEqual([
      ['catalogue', null, 'title', 'DUPLICATE_KEY'],
      ['organisations', 2, 'name', 'DUPLICATE_KEY'],
      ['records', 2, 'title', 'DUPLICATE_KEY'],
      ['records', 2, 'plannedSize.value', 'DUPLICATE_KEY'],
      ['records', 3, 'distributions[1].title', 'DUPLICATE_KEY'],
      ['records', 3, 'cohort.sequencing', 'DUPLICATE_KEY'],
      ['records', 3, 'accessRoute.steps[0].body[0].a', 'DUPLICATE_KEY'],
    ]);
    expect(streamed.find((r) => r.data.id === 's2')!.readProblems![0].message).toBe('given twice in one object; JSON keeps only the last value, so give the key once');
    // The same key in sibling objects, or in an object and the one inside it, is no repetition.
    expect(streamed.find((r) => r.data.id === 's1')!.readProblems).toBeUndefined();
    const siblings = `{"records": [{"recordType": "Dataset", "id": "d", "title": "T", "distributions": [{"title": "a"}, {"title": "b"}], "cohort": {"title": {"title": 1}}}]}`;
    expect((await recordsOf(await catalogueJsonFileSource(await fileOf(siblings), 'x.json', null)))[0].readProblems).toBeUndefined();
  });

  it('reports a section given twice at its key; what its earlier occurrence held is no record and not reported, nor is a note', async () => {
    const text = `{"_meta": {"a": 1, "a": 2}, "records": [{"recordType": "Study", "id": "a", "id": "b"}], "_meta": 2,
      "records": [{"recordType": "Study", "id": "c", "title": "T", ${'"acronym": "A", '.repeat(1000)}"acronym": "B"}]}`;
    const streamed = await recordsOf(await catalogueJsonFileSource(await fileOf(text), 'x.json', null));
    expect(streamed.map((r) => [r.location.sheet, r.location.row, r.readProblems?.map((p) => [p.field, p.message, p.code])])).toEqual([
      ['records', null, [['', 'given twice at the top level; JSON keeps only the last, so give each section once', 'DUPLICATE_KEY']]],
      // A key repeated a thousand times is one problem.
      ['records', 1, [['acronym', 'given twice in one object; JSON keeps only the last value, so give the key once', 'DUPLICATE_KEY']]],
    ]);
  });

  it('finds each record in the raw text whatever its strings hold, across read blocks', async () => {
    // Quotes, backslash runs, brackets and commas inside strings, multi-byte characters, escaped keys, bare
    // values and indentation; lengths that vary so that every kind of character meets a 64 KB block's end.
    const tricky = (n: number) => `${'\\'.repeat(n % 4)}"]},[{:${'é'.repeat(n % 3)}\\${'x'.repeat(997 + n * 37)}\\"`;
    const records = Array.from({ length: 300 }, (_, n) =>
      n % 50 === 7 ? [12, true, -1.5e3, null][Math.floor(n / 50) % 4] : { recordType: n % 2 ? 'Dataset' : 'Study', id: `r${n}`, title: tricky(n), [`k${tricky(n)}`]: [tricky(n + 1)] },
    );
    const text = `{"rec\\u006frds": ${JSON.stringify(records, null, 2)}, "_meta": ${JSON.stringify({ records: [tricky(1)] })}}`;
    const { streamed, whole } = await bothWays(text);
    expect(whole.records).toHaveLength(300);
    expect(streamed.records).toEqual(whole.records);
  });

  it('reads an escape cut by the end of a read block, and a file that starts with a byte-order mark', async () => {
    // Byte 65,535 (a 64 KB block's last) is a backslash escaping a quote; bytes 131,070-1 an escaped backslash
    // before the quote that ends the string.
    const head = '\uFEFF{"records": [{"recordType": "Study", "id": "a", "title": "';
    const first = `${head}${'x'.repeat(65535 - Buffer.byteLength(head))}\\", [after"}`;
    const second = ', {"recordType": "Study", "id": "b", "title": "';
    const text = `${first}${second}${'x'.repeat(131070 - Buffer.byteLength(first + second))}\\\\"}]}`;
    const file = await fileOf(text);
    const streamed = await recordsOf(await catalogueJsonFileSource(file, 'x.json', null));
    expect(streamed.map((r) => r.data.title.slice(-10))).toEqual(['x", [after', 'xxxxxxxxx\\']);
  });

  it('refuses a file that is not JSON, naming the file, the line and column and the reason', async () => {
    const truncated = await fileOf(JSON.stringify(example, null, 2).slice(0, 5000));
    await expect(openImportFile(truncated, null)).rejects.toThrow(/^file-\d+\.json: not valid JSON at line \d+, column \d+: the file ends before the JSON does/);
    const badToken = await fileOf('{\n  "records": [\n    {"id": "a", "title": x}\n  ]\n}');
    await expect(openImportFile(badToken, null)).rejects.toThrow(/^file-\d+\.json: not valid JSON at line 3, column 26: expected a value$/);
    const trailing = await fileOf('{"records": []} {}');
    await expect(openImportFile(trailing, null)).rejects.toThrow(/not valid JSON at line 1, column 17: unexpected characters/);
    await expect(openImportFile(await fileOf('[{"recordType": "Dataset"}]'), null)).rejects.toThrow(/not an example-catalogue document/);
    // A file that is not there is named with the reason in words, not the file system's error code.
    await expect(openImportFile('/nowhere/catalogue.json', null)).rejects.toThrow(/^\/nowhere\/catalogue\.json: no such file or folder$/);
  });

  it('refuses a file nested deeper than any catalogue record is, naming the record, instead of overflowing the stack', async () => {
    const deep = await fileOf(`{"records": [{"recordType": "Study", "id": "a", "title": "A"}, {"recordType": "Dataset", "id": "x", "title": ${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`);
    await expect(openImportFile(deep, null)).rejects.toThrow(/^file-\d+\.json: "records" element 2 is nested deeper than 64 levels/);
    // A record of the usual depth (cohort.sequencing, accessRoute.steps[].body) is far from it.
    expect((await recordsOf(await catalogueJsonFileSource(await fileOf(JSON.stringify(example)), 'x.json', null))).length).toBeGreaterThan(0);
  });

  it('refuses a file that is not UTF-8, naming the line and column, instead of replacing its letters', async () => {
    // Saved in Windows-1252 (Latin-1 agrees on "ä"): the bytes of "Sällsynta" are not UTF-8.
    const text = '{\n  "records": [\n    {"recordType": "Study", "id": "a", "title": "Sällsynta"}\n  ]\n}';
    const windows1252 = path.join(dir, 'windows-1252.json');
    await writeFile(windows1252, Buffer.from(text, 'latin1'));
    await expect(openImportFile(windows1252, null)).rejects.toThrow(/^windows-1252\.json: not UTF-8 at line 3, column 51: the file must be saved as UTF-8$/);
    const cut = path.join(dir, 'cut.json');
    await writeFile(cut, Buffer.from(text, 'utf8').subarray(0, Buffer.from(text, 'utf8').indexOf(0xc3) + 1));
    await expect(openImportFile(cut, null)).rejects.toThrow(/^cut\.json: not UTF-8 at line 3, column 51: the file ends inside a character$/);
  });
});

describe('importing a JSON file from disk', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue({ seed: false });
  });
  afterAll(() => catalogue?.stop());
  const importFile = async (file: string, dryRun = false) => importCatalogue(catalogue.orm.em.fork(), systemActor('seed'), await openImportFile(file, null), { publish: true, dryRun });
  const config = () => ({ databaseUrl: catalogue.db.url }) as AppConfig;

  it('writes nothing for a malformed file, the command saying where and why', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const text = ordered(example, ['catalogue', 'organisations', 'accessBodies', 'publications', 'records']);
    const broken = await fileOf(`${text.slice(0, -200)}, ]}`);
    const log: string[] = [];
    expect(await runImportCommand([broken], config(), (line) => log.push(line))).toBe(2);
    expect(log.join('\n')).toMatch(/^file-\d+\.json: not valid JSON at line \d+, column \d+: \S/);
    expect(log.join('\n')).not.toMatch(/\n\s+at /);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
  });

  it('imports sections in any order (records before what they name), and again with everything unchanged', async () => {
    const file = await fileOf(ordered(example, ['records', 'publications', 'accessBodies', 'organisations', 'catalogue']));
    const total = example.organisations.length + example.accessBodies.length + example.publications.length + example.records.length;
    const dry = await importFile(file, true);
    expect(dry.problems).toEqual([]);
    expect(dry.created).toBe(total);
    const first = await importFile(file);
    expect(first.problems).toEqual([]);
    expect({ committed: first.committed, created: first.created, catalogueRecord: first.catalogueRecord }).toEqual({ committed: true, created: total, catalogueRecord: 'created' });
    const again = await importFile(file);
    expect({ created: again.created, updated: again.updated, unchanged: again.unchanged, failed: again.failed }).toEqual({ created: 0, updated: 0, unchanged: total, failed: 0 });
  });

  it('reports what it leaves out of records, from anywhere in the file, the same on a dry run as on the real one, and imports them', async () => {
    const RD_WGS = 'urn:example:gms-catalogue:dataset:rd-wgs-gmck';
    const study = example.records.find((r: Json) => r.recordType === 'Study' && r.outputs?.length);
    const records = example.records.map((r: Json) =>
      r.id === RD_WGS ? { ...r, distributions: r.distributions.map((d: Json) => ({ ...d, accessUrl: d.accessURL })) }
      : r === study ? { ...r, outputs: [...r.outputs, 'urn:test:json-file:elsewhere'] }
      : r,
    );
    const document = { ...example, catalogue: { ...example.catalogue, homepge: example.catalogue.homepage }, records };
    const file = await fileOf(ordered(document, ['records', 'publications', 'accessBodies', 'organisations', 'catalogue']));
    const run = async (...options: string[]) => {
      const log: string[] = [];
      const status = await runImportCommand([file, ...options], config(), (line) => log.push(line));
      return { status, warnings: log.filter((line) => line.startsWith('warning: ')), outcome: log.at(-1) };
    };
    const dry = await run('--dry-run');
    const real = await run();
    expect(dry).toMatchObject({ status: 0, outcome: expect.stringMatching(/^dry run, nothing written: /) });
    expect(real).toMatchObject({ status: 0, outcome: expect.stringMatching(/^imported: /) });
    expect(real.warnings).toEqual(dry.warnings);
    const name = path.basename(file);
    const row = (record: Json) => `row ${example.records.indexOf(record) + 1}`;
    const rdWgs = example.records.find((r: Json) => r.id === RD_WGS);
    expect(dry.warnings).toEqual(
      expect.arrayContaining([
        `warning: ${name} / catalogue / homepge: unknown key, not imported; did you mean homepage? (UNKNOWN_KEY)`,
        ...rdWgs.distributions.map((_: Json, i: number) => `warning: ${name} / records / ${row(rdWgs)} / distributions[${i}].accessUrl: unknown key, not imported; did you mean accessURL? (UNKNOWN_KEY)`),
        `warning: ${name} / records / ${row(study)} / outputs[${study.outputs.length}]: no dataset "urn:test:json-file:elsewhere" in this file: a study's outputs are stored as its datasets' wasGeneratedBy, set only on datasets of the same file (NOT_FOUND)`,
      ]),
    );
  });

  it('refuses a record with a key given twice, naming the record and the key, the same on a dry run, and writes nothing', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const text = ordered(example, ['catalogue', 'organisations', 'accessBodies', 'publications', 'records']);
    const at = example.records.findIndex((r: Json) => r.recordType === 'Dataset');
    const model = example.records[at];
    // The data manager's second title, after the first: JSON.parse would import "Second" without a word.
    const twice = text.replace(JSON.stringify(model), JSON.stringify(model).replace(/}$/, ', "title": "Second"}'));
    const file = await fileOf(twice);
    const run = async (...options: string[]) => {
      const log: string[] = [];
      const status = await runImportCommand([file, ...options], config(), (line) => log.push(line));
      return { status, problems: log.filter((line) => line.includes('DUPLICATE_KEY')) };
    };
    const expected = [`${path.basename(file)} / records / row ${at + 1} / title: given twice in one object; JSON keeps only the last value, so give the key once (DUPLICATE_KEY)`];
    expect(await run('--dry-run')).toEqual({ status: 1, problems: expected });
    expect(await run()).toEqual({ status: 1, problems: expected });
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
  });

  it('reports a section that is not a list and a key it does not read at the key, and writes nothing', async () => {
    const document = { $schema: 'x', _meta: {}, catalogue: example.catalogue, organisations: example.organisations, records: example.records[0], datasets: [] };
    const { streamed, whole } = await bothWays(JSON.stringify(document));
    expect(streamed.records.slice(0, 2)).toEqual(whole.records.slice(0, 2));
    const file = await fileOf(JSON.stringify(document));
    const report = await importFile(file, false);
    expect(report.committed).toBe(false);
    expect(report.problems.map((p) => [p.sheet, p.row, p.message])).toEqual([
      ['records', null, 'must be a list (a JSON array) of records'],
      ['datasets', null, 'unknown section; the sections are catalogue, organisations, accessBodies, publications, records (keys starting with _ or $ are not read)'],
    ]);
  });

  it('reports a problem at its section and position in the section', async () => {
    const records = [...example.records];
    const at = records.findIndex((r) => r.recordType === 'Study');
    records[at] = { ...records[at], title: '' };
    const file = await fileOf(ordered({ ...example, records }, ['records', 'organisations', 'accessBodies', 'publications']));
    const report = await importFile(file, true);
    expect(report.problems).toContainEqual(expect.objectContaining({ file: path.basename(file), sheet: 'records', row: at + 1, field: 'title' }));
  });
});

describe('memory', () => {
  // The compiled module (build first), in a process of its own: V8's old generation capped at 96 MB, which the
  // 110 MB file parsed whole (its text alone) exceeds; read record by record, a batch of 500 kept at a time and
  // every identifier (as the import keeps them), it fits. About 10 MB of it are the modules the reader loads (the
  // catalogue's enumerations of choices come with the entity modules): under 64 MB, collecting took most of the time.
  it('reads a file larger than the heap it is given', async () => {
    // Datasets first and one study last: the datasets are read in a second pass, as a file in any order may need.
    const models = example.records.filter((r: Json) => r.recordType === 'Dataset');
    const count = 30_000;
    const file = path.join(dir, 'large.json');
    const parts = ['{"organisations": ', JSON.stringify(example.organisations), ', "records": ['];
    for (let n = 1; n <= count; n++) parts.push(`${JSON.stringify({ ...models[n % models.length], id: `urn:test:large:${n}` })},`);
    // The study without its outputs: datasets it lists that the file does not describe would be reported after it.
    parts.push(`${JSON.stringify({ ...example.records.find((r: Json) => r.recordType === 'Study'), outputs: [] })}]}`);
    await writeFile(file, parts.join(''));
    const script = path.join(dir, 'read.mjs');
    await writeFile(
      script,
      `const { catalogueJsonFileSource } = await import(${JSON.stringify(new URL('../../dist/src/harvest/catalogue-json-file.js', import.meta.url).href)});
       const source = await catalogueJsonFileSource(process.argv[2], 'large.json');
       const kinds = {};
       let batch = [];
       const identifiers = new Set();
       for await (const r of source.records()) { kinds[r.kind] = (kinds[r.kind] ?? 0) + 1; identifiers.add(r.data.id); batch.push(r); if (batch.length === 500) batch = []; }
       console.log(JSON.stringify({ total: source.total, kinds }));`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=96', script, file]);
    expect(JSON.parse(stdout)).toEqual({ total: count + 1 + example.organisations.length, kinds: { Organisation: example.organisations.length, Study: 1, Dataset: count } });
  }, 60_000);
});
