import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSummary } from '../../seed/example-catalogue.js';
import type { ImportReport } from '../../src/harvest/import.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const example = JSON.parse(readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));
const countOf = (type: string) => example.records.filter((r: { recordType: string }) => r.recordType === type).length;
const publishedDatasets = example.records.filter((r: { recordType: string; status?: string }) => r.recordType === 'Dataset' && r.status === 'published').length;

describe('seed: the example catalogue', () => {
  let catalogue: TestCatalogue;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
  });
  afterAll(() => catalogue?.stop());

  it('loads every record of the reference file and serves it', async () => {
    const { data, errors } = await catalogue.gql(`{
      datasets(first: 100) { totalCount }
      studies(first: 100) { totalCount }
      organisations(first: 100) { totalCount }
      accessBodies(first: 100) { totalCount }
      healthEconomicEvaluations(first: 100) { totalCount }
    }`);
    expect(errors).toBeUndefined();
    // The file has one planned (draft) dataset: anonymous callers do not see it, an admin does.
    expect(data?.datasets.totalCount).toBe(publishedDatasets);
    expect(publishedDatasets).toBeLessThan(countOf('Dataset'));
    const asAdmin = await catalogue.gql('{ datasets(first: 100) { totalCount } }', {}, await catalogue.token('admin'));
    expect(asAdmin.data?.datasets.totalCount).toBe(countOf('Dataset'));
    expect(data?.studies.totalCount).toBe(countOf('Study'));
    expect(data?.healthEconomicEvaluations.totalCount).toBe(countOf('HealthEconomicEvaluation'));
    expect(data?.organisations.totalCount).toBe(example.organisations.length);
    expect(data?.accessBodies.totalCount).toBe(example.accessBodies.length);
  });

  it('gives every dataset a Swedish and an English title and description', async () => {
    const { data, errors } = await catalogue.gql(
      '{ datasets(first: 100) { edges { node { identifier titleTranslations { language value } descriptionTranslations { language } } } } }',
      {},
      await catalogue.token('admin'),
    );
    expect(errors).toBeUndefined();
    const datasets = data?.datasets.edges.map((e: { node: unknown }) => e.node) as {
      identifier: string;
      titleTranslations: { language: string; value: string }[];
      descriptionTranslations: { language: string }[];
    }[];
    expect(datasets).toHaveLength(countOf('Dataset'));
    for (const dataset of datasets) {
      expect(dataset.titleTranslations.map((t) => t.language), dataset.identifier).toEqual(['en', 'sv']);
      expect(dataset.descriptionTranslations.map((t) => t.language), dataset.identifier).toEqual(['en', 'sv']);
      const [english, swedish] = dataset.titleTranslations;
      expect(swedish!.value, dataset.identifier).not.toBe(english!.value);
    }
  });

  it('keeps the cited figures with currency and price year status', async () => {
    const { data, errors } = await catalogue.gql(`{
      healthEconomicEvaluations(first: 50, filter: { currency: ["CAD"] }) {
        edges { node { identifier currency priceYear results { measure value unit amount { amount currency priceYear priceYearNotReported per } } } }
      }
    }`);
    expect(errors).toBeUndefined();
    const evaluation = data?.healthEconomicEvaluations.edges[0].node;
    expect(evaluation.identifier).toBe('urn:example:gms-catalogue:he:aml-bc2016');
    expect(evaluation.priceYear).toBe(2013);
    const icer = evaluation.results.find((r: { measure: string }) => r.measure === 'ICER');
    expect(icer.amount).toEqual({ amount: 49493, currency: 'CAD', priceYear: 2013, priceYearNotReported: false, per: 'QALY' });
  });
});

describe('seedSummary', () => {
  const report = (warnings: { field: string | null }[]): ImportReport => ({
    file: 'example-catalogue.json', dryRun: false, committed: true, created: 77, updated: 0, unchanged: 0, failed: 0, problems: [],
    warnings: warnings.map((warning, row) => ({ ...warning, file: 'example-catalogue.json', sheet: 'records', row, message: 'unknown key, not imported', code: 'UNKNOWN_KEY' })),
    catalogueRecord: 'created',
  });

  it('says in one line what was created and which keys had no place, by key and count', () => {
    const { message, fields } = seedSummary(report([{ field: 'version' }, { field: 'version' }, { field: 'diagnosticYield' }]));
    expect(message).toBe('seeded the example catalogue: 77 records created; not imported, having no place in the catalogue: version (2 records), diagnosticYield (1 record)');
    expect(fields).toEqual({ created: 77, keysLeftOut: 3 });
  });

  it('says only what was created when every key was read', () => {
    expect(seedSummary(report([])).message).toBe('seeded the example catalogue: 77 records created');
  });
});
