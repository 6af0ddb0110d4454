import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { catalogueJsonSource } from '../../src/harvest/catalogue-json.js';
import { importCatalogue } from '../../src/harvest/import.js';
import { importInputSource } from '../../src/harvest/import-file.js';
import { systemActor } from '../../src/records/viewer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/** Files imported outside GraphQL (`gdcat import`) meet the same text and list limits as GraphQL arguments. */
describe('import: text and list limits', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  it('reports over-long and NUL texts of a file with their record and field, and writes nothing', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const document = {
      records: [
        {
          recordType: 'Dataset',
          id: 'urn:test:import-limits',
          title: 'Fine',
          description: 'a\u0000b',
          keywords: ['fine', 'half \ud800 of a character'],
          publisher: 'urn:example:gms-catalogue:org:region-stockholm',
          cohort: { diseases: [{ iri: `MONDO:${'9'.repeat(9_000)}`, label: 'x' }], genomeBuild: { name: 'g'.repeat(40_000) } },
        },
      ],
    };
    const report = await importCatalogue(catalogue.orm.em.fork(), systemActor('import'), catalogueJsonSource(document, 'limits.json'));
    expect(report.committed).toBe(false);
    expect(report.problems.map((p) => [p.sheet, p.row, p.field, p.message])).toEqual([
      ['records', 1, 'description', 'contains a NUL character'],
      ['records', 1, 'keywords[1]', 'contains a lone UTF-16 surrogate (half of a character)'],
      ['records', 1, 'cohort.diseases[0].iri', 'is longer than 500 characters'],
      ['records', 1, 'cohort.genomeBuild.name', 'is longer than 1000 characters'],
    ]);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
  });

  it('reports a lone surrogate in a spreadsheet cell with its sheet, row and column, and writes nothing', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const sheets = { datasets: 'id,title,publisher\nurn:test:import-limits:csv,bad \udc00 title,urn:example:gms-catalogue:org:region-stockholm\n' };
    const report = await importCatalogue(catalogue.orm.em.fork(), systemActor('import'), importInputSource({ format: 'csv', sheets }, 'limits', null));
    expect(report.committed).toBe(false);
    expect(report.problems.map((p) => [p.sheet, p.row, p.field, p.message])).toEqual([
      ['datasets', 2, 'title', 'contains a lone UTF-16 surrogate (half of a character)'],
    ]);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
  });

  it('refuses a record whose lists are longer than a record holds, naming each list, and writes nothing', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const document = {
      records: [
        {
          recordType: 'Dataset',
          id: 'urn:test:import-limits:lists',
          title: 'Too many of everything',
          publisher: 'urn:example:gms-catalogue:org:region-stockholm',
          otherIdentifiers: Array.from({ length: 51 }, (_, i) => `urn:test:other:${i}`),
          distributions: Array.from({ length: 501 }, (_, i) => ({ title: `chr${i}.vcf.gz` })),
          accessRoute: { accessMode: 'CONTROLLED_DOWNLOAD', steps: Array.from({ length: 21 }, (_, i) => ({ order: i + 1, requirement: 'DAC_REVIEW' })) },
        },
      ],
    };
    const report = await importCatalogue(catalogue.orm.em.fork(), systemActor('import'), catalogueJsonSource(document, 'lists.json'));
    expect(report.committed).toBe(false);
    expect(report.problems.map((p) => [p.sheet, p.row, p.field, p.message])).toEqual([
      ['records', 1, 'otherIdentifiers', 'at most 50 items; got 51'],
      ['records', 1, 'distributions', 'at most 500 items; got 501'],
      ['records', 1, 'accessRoute.steps', 'at most 20 items; got 21'],
    ]);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
  });

  it('refuses an oversized list of a spreadsheet with its sheet, row and column, and writes nothing', async () => {
    const before = await catalogue.orm.em.fork().count(Dataset);
    const others = Array.from({ length: 51 }, (_, i) => `urn:test:other:${i}`).join(';');
    const sheets = { datasets: `id,title,publisher,otherIdentifiers\nurn:test:import-limits:csv-lists,Lists,urn:example:gms-catalogue:org:region-stockholm,${others}\n` };
    const report = await importCatalogue(catalogue.orm.em.fork(), systemActor('import'), importInputSource({ format: 'csv', sheets }, 'lists', null));
    expect(report.committed).toBe(false);
    expect(report.problems.map((p) => [p.sheet, p.row, p.field, p.message])).toEqual([['datasets', 2, 'otherIdentifiers', 'at most 50 items; got 51']]);
    expect(await catalogue.orm.em.fork().count(Dataset)).toBe(before);
  });
});
