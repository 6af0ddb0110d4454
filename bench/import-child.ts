import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { openOrm } from '../src/db/orm.js';
import { importCatalogue } from '../src/harvest/import.js';
import { openImportFile } from '../src/harvest/import-file.js';
import { systemActor } from '../src/records/viewer.js';

/**
 * Runs the import `gdcat import FILE` runs, in a process of its own so its peak RSS is the import's alone:
 *   node dist/bench/import-child.js <database url> <file> [--dry-run]
 *   -> one JSON line {seconds, peakRssMiB, statements, created, updated, unchanged, failed}
 */
const [databaseUrl, file, flag] = process.argv.slice(2);
if (!databaseUrl || !file) throw new Error('usage: import-child.js <database url> <file> [--dry-run]');
let statements = 0;
const orm = await openOrm({ databaseUrl, onQuery: () => statements++ });
statements = 0;
const started = performance.now();
const source = await openImportFile(file, null);
const report = await importCatalogue(orm.em.fork(), systemActor('import'), source, { dryRun: flag === '--dry-run' });
const seconds = (performance.now() - started) / 1000;
await orm.close();
const { created, updated, unchanged, failed, problems } = report;
// maxRSS is in KiB.
console.log(JSON.stringify({ seconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), statements, created, updated, unchanged, failed, problems: problems.slice(0, 3) }));
