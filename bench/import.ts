import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { openOrm } from '../src/db/orm.js';
import { writeCsvFolder, writeXlsx } from '../src/harvest/spreadsheet-files.js';
import { EXAMPLE_CATALOGUE_FILE, seedExampleCatalogue } from '../seed/example-catalogue.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Import throughput and memory: a file of N datasets, each with a consent scope, an access route with its
 * steps, distributions and a cohort (copies of the seed's datasets under new identifiers), imported into a
 * seeded catalogue by `gdcat import`'s code in a child process (time, peak RSS, SQL statements), then
 * imported again (everything unchanged).
 *   node dist/bench/import.js [--datasets 20000] [--formats csv,xlsx,json] [--database-url postgres://...] [--max-old-space MB]
 * --max-old-space caps V8's old generation of the import's process (a file held whole would not fit: memory
 * must be bounded by the batch, not by the file).
 * Without --database-url an embedded PostgreSQL is started in a temporary folder. The scratch database
 * (gdcat_<tag>_import_<random>, --tag defaults to bench) is dropped at the end.
 */
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: '20000' },
    formats: { type: 'string', default: 'csv,xlsx,json' },
    'database-url': { type: 'string' },
    /** Put in the scratch database's name, so whoever shares the server can tell whose it is. */
    tag: { type: 'string', default: 'bench' },
    'max-old-space': { type: 'string' },
  },
});
const count = Number(values.datasets);
const formats = values.formats.split(',');
/** The import process's CPU (its main thread's apart), and its PostgreSQL backends' when the server runs on this machine. */
const cpuOf = (r: Json) =>
  `node ${r.cpuSeconds.toFixed(1)} s (main thread ${r.mainThreadCpuSeconds.toFixed(1)} s)${r.backendCpuSeconds == null ? '' : ` + PostgreSQL ${r.backendCpuSeconds.toFixed(1)} s`}, ${((1000 * r.cpuSeconds) / count).toFixed(2)} ms node per dataset`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');

/** `count` datasets, copies of the seed's, under identifiers of their own (a fresh generator per call). */
function* datasets(prefix: string): Generator<Json> {
  const seed = JSON.parse(readFileSync(EXAMPLE_CATALOGUE_FILE, 'utf8')) as Json;
  const models = (seed.records as Json[]).filter((r) => r.recordType === 'Dataset');
  for (let n = 1; n <= count; n++) {
    const model = models[n % models.length];
    yield { ...model, id: `${prefix}${n}`, title: `${model.title} (benchmark copy ${n})` };
  }
}

const dir = await mkdtemp(path.join(tmpdir(), 'gdcat-bench-import-'));
// mkdtemp makes it private; run as root, the embedded PostgreSQL runs as another user, who must enter it.
await chmod(dir, 0o755);
const embedded = values['database-url'] ? null : await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
const serverUrl = new URL(values['database-url'] ?? embedded!.url);
const name = `gdcat_${values.tag.replace(/\W/g, '_')}_import_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl.toString() });
await admin.connect();
await admin.query(`create database ${name}`);
serverUrl.pathname = `/${name}`;
const databaseUrl = serverUrl.toString();
try {
  const orm = await openOrm({ databaseUrl });
  await seedExampleCatalogue(orm.em.fork());
  await orm.close();
  const capped = values['max-old-space'] ? `, old generation capped at ${values['max-old-space']} MB` : '';
  console.log(`# import of ${count} datasets (consent, access route with steps, distributions, cohort each)${capped}, load at start ${load()}`);
  for (const format of formats) {
    const prefix = `urn:bench:import:${format}:`;
    const file = path.join(dir, format === 'csv' ? 'csv' : `datasets.${format}`);
    const document = { get records() { return datasets(prefix); } };
    if (format === 'xlsx') await writeXlsx(document, file);
    else if (format === 'csv') await writeCsvFolder(document, file);
    else await writeFile(file, JSON.stringify({ records: [...datasets(prefix)] }));
    const child = async (...flags: string[]) => {
      const cap = values['max-old-space'] ? [`--max-old-space-size=${values['max-old-space']}`] : [];
      const { stdout } = await promisify(execFile)(process.execPath, [...cap, fileURLToPath(new URL('./import-child.js', import.meta.url)), databaseUrl, file, ...flags], {
        maxBuffer: 1 << 20,
      });
      const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
      if (r.failed > 0) throw new Error(`${format}: ${JSON.stringify(r.problems)}`);
      return r;
    };
    if (format === formats[0]) {
      const dry = await child('--dry-run', '--count-statements');
      console.log(
        `${format.padEnd(4)} dry run, statements counted: ${(dry.statements / count).toFixed(2)} SQL statements per dataset (${dry.statements} in all), ` +
          `${dry.seconds.toFixed(1)} s (CPU ${cpuOf(dry)}), peak RSS ${dry.peakRssMiB} MiB; load ${load()}`,
      );
    }
    for (const run of ['first import', 'again (unchanged)']) {
      const r = await child();
      console.log(
        `${format.padEnd(4)} ${run.padEnd(17)}: ${r.seconds.toFixed(1)} s, ${Math.round(count / r.seconds)} datasets/s (CPU ${cpuOf(r)}), ` +
          `peak RSS ${r.peakRssMiB} MiB (created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}); load ${load()}`,
      );
    }
  }
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
