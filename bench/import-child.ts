import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Orm } from '../src/db/orm.js';
import { openOrm } from '../src/db/orm.js';
import { importCatalogue } from '../src/harvest/import.js';
import { openImportFile } from '../src/harvest/import-file.js';
import { systemActor } from '../src/records/viewer.js';

/**
 * Runs the import `gdcat import FILE` runs, in a process of its own so its peak RSS is the import's alone:
 *   node dist/bench/import-child.js <database url> <file> [--dry-run] [--count-statements]
 *   -> one JSON line {seconds, cpuSeconds, mainThreadCpuSeconds, backendCpuSeconds, peakRssMiB, statements, created, updated, unchanged, failed}
 * cpuSeconds is the process's (every thread: an XLSX workbook is read in one of its own), mainThreadCpuSeconds the import's thread's.
 * Statements are counted only when asked: the ORM's query log costs time of its own.
 */
const [databaseUrl, file, ...flags] = process.argv.slice(2);
if (!databaseUrl || !file) throw new Error('usage: import-child.js <database url> <file> [--dry-run] [--count-statements]');
let statements = 0;
const orm = await openOrm({ databaseUrl, onQuery: flags.includes('--count-statements') ? () => statements++ : undefined });
statements = 0;
const backendsBefore = await backendCpuTicks(orm);
const cpuBefore = process.cpuUsage();
const mainThreadBefore = process.threadCpuUsage();
const started = performance.now();
const source = await openImportFile(file, null);
const report = await importCatalogue(orm.em.fork(), systemActor('import'), source, { dryRun: flags.includes('--dry-run') });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const mainThread = process.threadCpuUsage(mainThreadBefore);
const backendsAfter = await backendCpuTicks(orm);
await orm.close();
const { created, updated, unchanged, failed, problems } = report;
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    mainThreadCpuSeconds: (mainThread.user + mainThread.system) / 1e6,
    backendCpuSeconds: backendsAfter && backendsBefore ? [...backendsAfter].reduce((sum, [pid, ticks]) => sum + ticks - (backendsBefore.get(pid) ?? 0), 0) / 100 : null,
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

/**
 * CPU clock ticks (user + system) of the PostgreSQL backends connected to the import's database, by process id,
 * read from /proc: only for a server on this machine (null otherwise). The server's own processes (WAL writer,
 * checkpointer) are not counted.
 */
async function backendCpuTicks(orm: Orm): Promise<Map<number, number> | null> {
  const rows = await orm.em.fork().getConnection().execute<{ pid: number }[]>('select pid from pg_stat_activity where datname = current_database()');
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat === null) return null;
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(pid, Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}
