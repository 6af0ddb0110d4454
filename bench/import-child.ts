import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { openOrm } from '../src/db/orm.js';
import { importCatalogue } from '../src/harvest/import.js';
import { openImportFile } from '../src/harvest/import-file.js';
import { systemActor } from '../src/records/viewer.js';

/**
 * Runs the import `gdcat import FILE` runs, in a process of its own so its peak RSS is the import's alone:
 *   node dist/bench/import-child.js <database url> <file> [--dry-run] [--count-statements]
 *   -> one JSON line {seconds, cpuSeconds, peakRssMiB, statements, created, updated, unchanged, failed}
 * Statements are counted only when asked: the ORM's query log costs time of its own.
 */
const [databaseUrl, file, ...flags] = process.argv.slice(2);
if (!databaseUrl || !file) throw new Error('usage: import-child.js <database url> <file> [--dry-run] [--count-statements]');
let statements = 0;
const orm = await openOrm({ databaseUrl, onQuery: flags.includes('--count-statements') ? () => statements++ : undefined });
statements = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const source = await openImportFile(file, null);
const report = await importCatalogue(orm.em.fork(), systemActor('import'), source, { dryRun: flags.includes('--dry-run') });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await orm.close();
const { created, updated, unchanged, failed, problems } = report;
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // maxRSS is in KiB.
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    statements,
    created,
    updated,
    unchanged,
    failed,
    problems: problems.slice(0, 3),
  }),
);
