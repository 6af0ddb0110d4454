import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli/main.js');

let original: TestDatabase;
let restored: TestDatabase;
let dir: string;
const gdcatWith = (env: Record<string, string>, database: TestDatabase, ...args: string[]) =>
  run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: database.url, ELASTICSEARCH_URL: '', ...env }, maxBuffer: 64 * 1024 * 1024 });
const gdcat = (database: TestDatabase, ...args: string[]) => gdcatWith({}, database, ...args);
const failureOf = (result: Promise<unknown>) => result.then(() => null, (error: { code: number; stderr: string }) => error);

beforeAll(async () => {
  [original, restored] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  dir = await mkdtemp(path.join(tmpdir(), 'gdcat-backup-'));
  await gdcat(original, 'import', path.resolve('seed/example-catalogue.json'), '--publish');
}, 180_000);
afterAll(async () => {
  await original?.drop();
  await restored?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('gdcat backup / gdcat restore', () => {
  it('restores a catalogue into a new database, which then exports the same DCAT', async () => {
    const file = path.join(dir, 'catalogue.backup.gz');
    const backup = await gdcat(original, 'backup', '--out', file);
    expect(backup.stderr).toMatch(/backup: done, \d+ rows in .*catalogue\.backup\.gz/);
    const restore = await gdcat(restored, 'restore', file);
    expect(restore.stderr).toMatch(/restore: done, \d+ rows; 16 datasets queued for indexing/);

    const lines = (text: string) => text.split('\n').filter(Boolean).sort();
    const [before, after] = await Promise.all([gdcat(original, 'export', '--format', 'nt'), gdcat(restored, 'export', '--format', 'nt')]);
    expect(lines(after.stdout).length).toBeGreaterThan(1000);
    expect(lines(after.stdout)).toEqual(lines(before.stdout));

    // A second restore into the same, now full, catalogue is refused in one line, and changes nothing.
    const refused = await failureOf(gdcat(restored, 'restore', file));
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/restore: refused: a backup is restored into an empty catalogue; this one holds rows in .*; nothing was restored/);
    expect(refused?.stderr).not.toMatch(/\n\s+at /);
  }, 240_000);

  it('under LOG_FORMAT=json tells its progress as JSON log lines, with each table\'s rows as fields', async () => {
    const file = path.join(dir, 'json-progress.backup.gz');
    const { stderr } = await gdcatWith({ LOG_FORMAT: 'json' }, original, 'backup', '--out', file);
    const lines = stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual({ time: expect.any(String), level: 'info', msg: expect.stringMatching(/^backup: dataset \d+ rows$/), table: 'dataset', rows: expect.any(Number) });
    expect(lines.at(-1)).toEqual({ time: expect.any(String), level: 'info', msg: expect.stringMatching(/^backup: done, \d+ rows in /), rows: expect.any(Number), out: file });
  }, 120_000);

  it('writes the same backup to standard output when it is not a terminal, and ends', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'backup'], {
      env: { ...process.env, DATABASE_URL: original.url, ELASTICSEARCH_URL: '' },
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
    const text = gunzipSync(stdout).toString('utf8');
    expect(text.startsWith('gdcat-backup 1\n')).toBe(true);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^\{"end":true,"rows":\d+\}$/);
  }, 120_000);

  it('answers a missing file and a missing argument in one line, not a stack trace', async () => {
    const missing = await failureOf(gdcat(restored, 'restore', path.join(dir, 'no-such.backup.gz')));
    expect(missing?.code).toBeGreaterThan(0);
    expect(missing?.stderr).toContain('no-such.backup.gz');
    expect(missing?.stderr).not.toMatch(/\n\s+at /);

    const usage = await failureOf(gdcat(restored, 'restore'));
    expect(usage?.code).toBe(2);
    expect(usage?.stderr).toMatch(/usage: gdcat restore FILE/);
  }, 120_000);
});
