import 'reflect-metadata';
import { devNull } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openOrm } from '../src/db/orm.js';
import { exportCatalogueTo } from '../src/dcat/export.js';

/**
 * Runs the export `gdcat export` runs, in a process of its own so its peak RSS is the export's alone:
 *   node dist/bench/export-child.js <database url>   -> one JSON line {datasets, seconds, peakRssMiB}
 */
const databaseUrl = process.argv[2];
if (!databaseUrl) throw new Error('usage: export-child.js <database url>');
const orm = await openOrm({ databaseUrl });
const started = performance.now();
const { datasets } = await exportCatalogueTo(orm, devNull, { baseUrl: 'http://localhost:4000', format: 'text/turtle' });
const seconds = (performance.now() - started) / 1000;
await orm.close();
// maxRSS is in KiB.
console.log(JSON.stringify({ datasets, seconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
