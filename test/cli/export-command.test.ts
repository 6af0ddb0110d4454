import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
/** The built CLI: the export's worker thread loads a compiled module, which only the build has. */
const CLI = path.resolve('dist/src/cli/main.js');

let database: TestDatabase;
let dir: string;
const gdcatWith = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: database.url, ELASTICSEARCH_URL: '', ...env }, maxBuffer: 64 * 1024 * 1024 });
const gdcat = (...args: string[]) => gdcatWith({}, ...args);

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'gdcat-export-'));
  await gdcat('import', path.resolve('seed/example-catalogue.json'), '--publish');
}, 180_000);
afterAll(async () => {
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('gdcat export', () => {
  it('writes the same catalogue to a file (from its bounded worker thread) as to standard output', async () => {
    const file = path.join(dir, 'catalogue.nt');
    const first = await gdcat('export', '--format', 'nt', '--out', file);
    // The catalogue's first export describes every dataset, the threads' counts added up.
    expect(first.stderr).toMatch(/export: (\d+) datasets, \1 described anew, 0 as an earlier export stored them/);
    const { stdout } = await gdcat('export', '--format', 'nt');
    const lines = (text: string) => text.split('\n').filter(Boolean).sort();
    const written = lines(await readFile(file, 'utf8'));
    expect(written.filter((line) => line.endsWith('<http://www.w3.org/ns/dcat#Dataset> .')).length).toBeGreaterThanOrEqual(15);
    expect(written).toEqual(lines(stdout));
    // The export threads disclose counts of people as anonymous callers see them (the seed's first cohort: 4437).
    const individuals = written.filter((line) => line.includes('<http://healthdataportal.eu/ns/health#numberOfUniqueIndividuals>'));
    expect(individuals.some((line) => line.includes('"4440"'))).toBe(true);
    expect(individuals.filter((line) => !/ "\d*0"\^\^/.test(line))).toEqual([]);
  }, 180_000);

  it('tells its progress in words for people, and under LOG_FORMAT=json as JSON log lines with done and total', async () => {
    const file = path.join(dir, 'progress.nt');
    const text = await gdcatWith({ LOG_FORMAT: 'text' }, 'export', '--format', 'nt', '--out', file);
    const words = text.stderr.split('\n').filter(Boolean);
    expect(words.at(-2)).toBe('export: done');
    expect(words.slice(0, -2).every((line) => /^export: \d+\/\d+$/.test(line))).toBe(true);
    const total = Number(/\/(\d+)$/.exec(words.at(-3)!)![1]);
    // The export before (the file test's) stored every description.
    expect(words.at(-1)).toBe(`export: ${total} datasets, 0 described anew, ${total} as an earlier export stored them`);
    const json = await gdcatWith({ LOG_FORMAT: 'json' }, 'export', '--format', 'nt', '--out', file);
    const lines = json.stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual({ time: expect.any(String), level: 'info', msg: `export: ${total}/${total}`, done: total, total });
    expect(lines.at(-2)).toEqual({ time: expect.any(String), level: 'info', msg: 'export: done', done: total, total });
    expect(lines.at(-1)).toMatchObject({ level: 'info', datasets: total, described: 0 });
  }, 120_000);

  it('answers an unwritable --out path with one line naming it, not a stack trace', async () => {
    const failure = await gdcat('export', '--out', path.join(dir, 'missing', 'folder', 'catalogue.ttl')).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBeGreaterThan(0);
    expect(failure?.stderr).toContain('missing');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
