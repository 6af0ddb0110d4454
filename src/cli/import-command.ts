import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemActor, type Viewer } from '../records/viewer.js';
import type { AppConfig } from '../config.js';
import { loggerOf } from '../core/log.js';
import { type ImportReport, importCatalogue } from '../harvest/import.js';
import { openImportFile } from '../harvest/import-file.js';
import { writeCsvFolder, writeXlsx } from '../harvest/spreadsheet-files.js';
import { openDatabase } from '../db/open-database.js';
import { progress } from './progress.js';

const USAGE = 'usage: gdcat import FILE|FOLDER [--dry-run] [--org ID] [--publish] [--json]\n       gdcat import --template xlsx|csv [--out PATH]';

/**
 * `gdcat import FILE`: without --org the system actor "system:import" writes (it may write every record);
 * with --org the import acts as a data manager of that organisation, which also owns records naming no owner.
 * `gdcat import --template xlsx|csv` writes an empty workbook (or folder of CSV files) with every column.
 */
export async function runImportCommand(args: string[], config: AppConfig, log: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      org: { type: 'string' },
      publish: { type: 'boolean' },
      json: { type: 'boolean' },
      template: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.template) return writeTemplate(values.template, values.out, log);
  const [file] = positionals;
  if (!file) {
    log(USAGE);
    return 2;
  }
  let source;
  try {
    source = await openImportFile(file, values.org ?? null);
  } catch (error) {
    // The message names the file (and, for a file that is not JSON, where it stops being JSON).
    log((error as Error).message);
    return 2;
  }
  const viewer: Viewer = values.org ? { subject: 'system:import', role: 'data_manager', organisationIdentifiers: [values.org] } : systemActor('import');
  const { orm, embedded } = await openDatabase(config, log);
  try {
    const bar = progress(values['dry-run'] ? 'import (dry run)' : 'import', source.total ?? 0, loggerOf(log));
    const report = await importCatalogue(orm.em.fork(), viewer, source, {
      dryRun: values['dry-run'],
      publish: values.publish,
      baseUrl: config.baseUrl,
      onProgress: (done, total) => bar.update(done, total),
      onWait: () => log('another import is writing the catalogue: this one starts when it has finished'),
    });
    bar.finish();
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(report, log);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await orm.close();
    await embedded?.stop();
  }
}

async function writeTemplate(format: string, out: string | undefined, log: (line: string) => void): Promise<number> {
  if (format !== 'xlsx' && format !== 'csv') {
    log(`--template takes xlsx or csv\n${USAGE}`);
    return 2;
  }
  const target = path.resolve(out ?? (format === 'xlsx' ? 'gdcat-import-template.xlsx' : 'gdcat-import-template'));
  if (format === 'xlsx') await writeXlsx({}, target);
  else await writeCsvFolder({}, target);
  log(`wrote the ${format} import template to ${target}`);
  return 0;
}

function printReport(report: ImportReport, log: (line: string) => void): void {
  const place = (p: ImportReport['problems'][number]) => [p.file, p.sheet, p.row != null ? `row ${p.row}` : null, p.field].filter(Boolean).join(' / ');
  for (const p of report.problems) log(`${place(p)}: ${p.message} (${p.code})`);
  for (const w of report.warnings) log(`warning: ${place(w)}: ${w.message} (${w.code})`);
  const counts = `created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, failed ${report.failed}`;
  if (report.dryRun) log(`dry run, nothing written: ${counts}`);
  else if (report.committed) log(`imported: ${counts}`);
  else log(`nothing imported (all or nothing): ${counts}`);
}
