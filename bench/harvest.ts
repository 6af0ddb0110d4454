import 'reflect-metadata';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { openOrm } from '../src/db/orm.js';
import { catalogueJsonSource } from '../src/harvest/catalogue-json.js';
import { importCatalogue } from '../src/harvest/import.js';
import { systemActor } from '../src/records/viewer.js';
import { EXAMPLE_CATALOGUE_FILE } from '../seed/example-catalogue.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Harvest time and memory: a regional gdcat holding the seed and N copies of its datasets, served by `gdcat
 * serve` on loopback, harvested over HTTP into an empty national catalogue by `gdcat harvest --url` under
 * /usr/bin/time -v (wall, CPU, peak RSS of the harvesting process), then harvested again (nothing changed).
 *   node dist/bench/harvest.js [--datasets 5000] [--database-url postgres://...] [--max-old-space MB]
 * --max-old-space caps V8's old generation of the harvesting process: what it keeps must grow with the
 * records read, not with the statements of every page.
 */
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: '5000' },
    'database-url': { type: 'string' },
    'max-old-space': { type: 'string' },
    port: { type: 'string', default: '4790' },
  },
});
const count = Number(values.datasets);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');
const seed = JSON.parse(readFileSync(EXAMPLE_CATALOGUE_FILE, 'utf8')) as Json;

const dir = await mkdtemp(path.join(tmpdir(), 'gdcat-bench-harvest-'));
// mkdtemp makes it private; run as root, the embedded PostgreSQL runs as another user, who must enter it.
await chmod(dir, 0o755);
const embedded = values['database-url'] ? null : await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
const serverUrl = new URL(values['database-url'] ?? embedded!.url);
const admin = new pg.Client({ connectionString: serverUrl.toString() });
await admin.connect();
const tag = randomBytes(4).toString('hex');
const databases = { regional: `gdcat_bench_harvest_regional_${tag}`, national: `gdcat_bench_harvest_national_${tag}` };
const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
const regionalUrl = `http://127.0.0.1:${values.port}`;
let regional: ReturnType<typeof spawn> | null = null;

/** Imports `document` into a new database, as the example catalogue's import does. */
async function filled(name: string, document: Json): Promise<void> {
  await admin.query(`create database ${name}`);
  const orm = await openOrm({ databaseUrl: urlOf(name) });
  const report = await importCatalogue(orm.em.fork(), systemActor('seed'), catalogueJsonSource(document, `${name}.json`), { publish: true });
  await orm.close();
  if (!report.committed) throw new Error(JSON.stringify(report.problems.slice(0, 5)));
}

/** One `gdcat harvest --url` of the regional node, measured as its own process. */
async function harvestOnce(): Promise<void> {
  const stats = path.join(dir, 'harvest.time');
  const cap = values['max-old-space'] ? [`--max-old-space-size=${values['max-old-space']}`] : [];
  const loadAtStart = load();
  const { stdout } = await promisify(execFile)(
    '/usr/bin/time',
    ['-v', '-o', stats, process.execPath, ...cap, path.resolve('bin/gdcat.js'), 'harvest', '--url', `${regionalUrl}/dcat/catalog`, '--org', 'urn:example:gms-catalogue:org:gms', '--full', '--json'],
    // The regional node listens on loopback, which harvesting refuses unless allowed.
    { env: { ...process.env, DATABASE_URL: urlOf(databases.national), ELASTICSEARCH_URL: '', HARVEST_ALLOW_PRIVATE_NETWORKS: 'true' }, maxBuffer: 64 << 20 },
  );
  const [run] = JSON.parse(stdout) as Json[];
  const report = await readFile(stats, 'utf8');
  const elapsed = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(report)!;
  const seconds = Number(elapsed[1] ?? 0) * 3600 + Number(elapsed[2]) * 60 + Number(elapsed[3]);
  const cpu = (kind: string): number => Number(new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(report)![1]);
  const peakRssMiB = Math.round(Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)![1]) / 1024);
  console.log(
    `harvest: ${run!.documents} documents, created ${run!.created}, updated ${run!.updated}, unchanged ${run!.unchanged}, failed ${run!.failed}; ` +
      `${seconds.toFixed(1)} s, user + sys CPU ${cpu('User')} + ${cpu('System')} s, peak RSS ${peakRssMiB} MiB (load ${loadAtStart} at start, ${load()} at end)`,
  );
}

try {
  const models = (seed.records as Json[]).filter((r) => r.recordType === 'Dataset');
  const copies = Array.from({ length: count }, (_, i) => {
    const model = models[(i + 1) % models.length]!;
    return { ...model, id: `urn:bench:harvest:${i + 1}`, title: `${model.title} (regional copy ${i + 1})` };
  });
  await filled(databases.regional, { ...seed, records: [...seed.records, ...copies] });
  await filled(databases.national, { catalogue: seed.catalogue, organisations: seed.organisations });
  regional = spawn(process.execPath, [path.resolve('bin/gdcat.js'), 'serve'], {
    env: { ...process.env, DATABASE_URL: urlOf(databases.regional), ELASTICSEARCH_URL: '', PORT: values.port, PUBLIC_BASE_URL: regionalUrl },
    stdio: 'ignore',
  });
  for (let tries = 0; ; tries++) {
    if ((await fetch(`${regionalUrl}/dcat/catalog`).catch(() => null))?.ok) break;
    if (tries === 120) throw new Error('the regional node did not start');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const capped = values['max-old-space'] ? `, old generation capped at ${values['max-old-space']} MB` : '';
  console.log(`# harvest of a regional gdcat with the seed and ${count} copies of its datasets, over HTTP on loopback${capped}; load at start ${load()}`);
  await harvestOnce();
  await harvestOnce();
} finally {
  regional?.kill();
  for (const name of Object.values(databases)) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
