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

/**
 * What a seed says to the operator in one line: records created, and the keys of the example file the catalogue
 * has no place for (a study's release version...), by key and count, instead of one warning per record.
 */
export function seedSummary(report: ImportReport): { message: string; fields: { created: number; keysLeftOut: number } } {
  const byKey = new Map<string, number>();
  for (const warning of report.warnings) if (warning.field) byKey.set(warning.field, (byKey.get(warning.field) ?? 0) + 1);
  const leftOut = [...byKey].map(([key, records]) => `${key} (${records} ${records === 1 ? 'record' : 'records'})`);
  const kept = [report.updated > 0 ? `${report.updated} updated` : '', report.unchanged > 0 ? `${report.unchanged} unchanged` : ''].filter(Boolean);
  const message = `seeded the example catalogue: ${[`${report.created} records created`, ...kept].join(', ')}` + (leftOut.length > 0 ? `; not imported, having no place in the catalogue: ${leftOut.join(', ')}` : '');
  return { message, fields: { created: report.created, keysLeftOut: report.warnings.length } };
}
