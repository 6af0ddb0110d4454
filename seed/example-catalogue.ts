import type { EntityManager } from '@mikro-orm/postgresql';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemActor } from '../src/records/viewer.js';
import { repoRoot } from '../src/core/repo-root.js';
import { catalogueJsonSource } from '../src/harvest/catalogue-json.js';
import { type ImportReport, importCatalogue } from '../src/harvest/import.js';

export const EXAMPLE_CATALOGUE_FILE = path.join(repoRoot(), 'seed', 'example-catalogue.json');

/**
 * Loads the realistic example records (a copy of ../shared/reference/example-catalogue.json) as an import
 * by the system actor "system:seed": the same record rules, audit log and outbox as every other write.
 * A record the rules refuse stops the seed with the file position and reason.
 */
export async function seedExampleCatalogue(em: EntityManager, file: string = EXAMPLE_CATALOGUE_FILE): Promise<ImportReport> {
  const source = catalogueJsonSource(JSON.parse(await readFile(file, 'utf8')), file);
  const report = await importCatalogue(em, systemActor('seed'), source, { publish: true });
  if (!report.committed) {
    const problems = report.problems.map((p) => `${p.sheet ?? ''} row ${p.row}: ${p.field ?? ''} ${p.message}`);
    throw new Error(`the example catalogue did not load:\n  ${problems.join('\n  ')}`);
  }
  return report;
}
