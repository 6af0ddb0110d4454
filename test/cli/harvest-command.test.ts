import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runHarvestCommand } from '../../src/cli/harvest-command.js';
import { configFromEnv } from '../../src/config.js';
import { createLogger } from '../../src/core/log.js';
import { openOrm } from '../../src/db/orm.js';
import { ensureCatalogueRecord } from '../../src/harvest/catalogue-record.js';
import { HarvestSource, HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const GMS = 'urn:example:gms-catalogue:org:gms';

let regional: TestCatalogue;
let national: TestDatabase;
let config: ReturnType<typeof configFromEnv>;

beforeAll(async () => {
  regional = await startTestCatalogue({ ownBaseUrl: true });
  national = await createTestDatabase();
  // The regional catalogue listens on 127.0.0.1: harvesting it takes the operator's allowance.
  config = configFromEnv({
    DATABASE_URL: national.url,
    CATALOGUE_PUBLISHER_ID: GMS,
    CATALOGUE_PUBLISHER_NAME: 'Genomic Medicine Sweden',
    HARVEST_TIMEOUT_SECONDS: '5',
    HARVEST_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  const orm = await openOrm({ databaseUrl: national.url });
  try {
    await ensureCatalogueRecord(orm.em.fork(), config.catalogue!);
    const em = orm.em.fork();
    em.create(HarvestSource, { identifier: 'gone', title: 'Gone', url: `${regional.url}/nothing-here`, kind: HarvestSourceKind.DCAT_AP, organisation: await em.findOneOrFail(Organisation, { identifier: GMS }), schedule: 'PT1H' });
    await em.flush();
  } finally {
    await orm.close();
  }
}, 60_000);
afterAll(async () => {
  await regional?.stop();
  await national?.drop();
});

/** Runs `gdcat harvest` in process, with what it prints; stderr as a terminal when `terminal` says so. */
async function gdcatHarvestWith(settings: typeof config, terminal: boolean, args: string[]) {
  const lines: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const isTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: terminal, configurable: true });
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    const code = await runHarvestCommand(args, settings, (line) => lines.push(line));
    return { code, lines, stdout: out.join(''), stderr: err.join('') };
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
    if (isTTY) Object.defineProperty(process.stderr, 'isTTY', isTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
}

const gdcatHarvest = (...args: string[]) => gdcatHarvestWith(config, false, args);

describe('gdcat harvest', () => {
  it('explains its usage and refuses what it cannot harvest, with exit status 2', async () => {
    expect((await gdcatHarvest('--url', 'http://x.example/catalog')).code).toBe(2);
    expect(await gdcatHarvest('--source', 'nope')).toMatchObject({ code: 2, lines: ['--source: no harvest source "nope"'] });
    expect(await gdcatHarvest('--url', 'http://x.example/catalog', '--org', 'urn:nobody')).toMatchObject({ code: 2, lines: ['--org: no organisation "urn:nobody" in this catalogue'] });
    expect(await gdcatHarvest('--url', 'http://x.example/catalog', '--org', GMS, '--kind', 'ckan')).toMatchObject({ code: 2 });
    // A refusal is an error in the log (an operator's cron job must not read it as a line of progress).
    const json: string[] = [];
    expect(await runHarvestCommand(['--source', 'nope'], config, createLogger('json', (line) => json.push(line)))).toBe(2);
    expect(await runHarvestCommand([], config, createLogger('json', (line) => json.push(line)))).toBe(2);
    expect(json.map((line) => JSON.parse(line))).toMatchObject([
      { level: 'error', msg: '--source: no harvest source "nope"' },
      { level: 'error', msg: expect.stringMatching(/^usage: gdcat harvest/) },
    ]);
    // Only what a harvest source may be registered with: no file: or other schemes the fetch would try.
    for (const url of ['file:///etc/passwd', 'ftp://x.example/catalog', 'x.example/catalog']) {
      expect(await gdcatHarvest('--url', url, '--org', GMS)).toMatchObject({
        code: 2,
        lines: [`--url: "${url}" must be an absolute http(s) URL: the catalogue listing or FAIR Data Point to harvest`],
      });
    }
  });

  it('harvests a one-off URL for an organisation and prints the run as JSON', async () => {
    const { code, stdout } = await gdcatHarvest('--url', `${regional.url}/dcat/catalog`, '--org', GMS, '--json');
    expect(code).toBe(0);
    const [run] = JSON.parse(stdout);
    expect(run).toMatchObject({ source: null, kind: 'DCAT_AP', mode: 'FULL', outcome: 'SUCCEEDED', updated: 0, failed: 0, errors: [] });
    expect(run.created).toBeGreaterThan(15);
  }, 60_000);

  it('exits 1 when a registered source could not be harvested, naming why', async () => {
    const { code, lines } = await gdcatHarvest('--all');
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatch(/^gone: FAILED \(full, 0 documents, \d+ ms\): created 0, updated 0, unchanged 0, withdrawn 0, failed 1$/);
    expect(lines[0]).toContain('answered 404 Not Found (NOT_FOUND)');
  });

  it('shows how far a run has gone on a terminal, and nothing with --json or off a terminal', async () => {
    const url = `${regional.url}/dcat/catalog`;
    const onTerminal = await gdcatHarvestWith(config, true, ['--url', url, '--org', GMS]);
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stderr).toContain(`\rharvest ${url}: 1 documents read`);
    // The line is cleared before the outcome is printed.
    expect(onTerminal.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect((await gdcatHarvestWith(config, true, ['--url', url, '--org', GMS, '--json'])).stderr).toBe('');
    expect((await gdcatHarvestWith(config, false, ['--url', url, '--org', GMS])).stderr).toBe('');
  }, 60_000);

  it('stops reading a response over HARVEST_MAX_RESPONSE_BYTES and says so', async () => {
    const small = configFromEnv({ DATABASE_URL: national.url, HARVEST_MAX_RESPONSE_BYTES: '1000', HARVEST_ALLOW_PRIVATE_NETWORKS: 'true' });
    const { code, lines } = await gdcatHarvestWith(small, false, ['--url', `${regional.url}/dcat/catalog`, '--org', GMS]);
    expect(code).toBe(1);
    expect(lines[0]).toBe(`${regional.url}/dcat/catalog: ${regional.url}/dcat/catalog answered more than 1000 bytes (HARVEST_MAX_RESPONSE_BYTES); stopped reading it (TOO_LARGE)`);
  });

  it('does not reach a source on a private network unless the operator allows it', async () => {
    const outside = configFromEnv({ DATABASE_URL: national.url });
    const { code, lines } = await gdcatHarvestWith(outside, false, ['--url', `${regional.url}/dcat/catalog`, '--org', GMS]);
    expect(code).toBe(1);
    expect(lines[0]).toBe(
      `${regional.url}/dcat/catalog: ${regional.url}/dcat/catalog resolves to a loopback address; set HARVEST_ALLOW_PRIVATE_NETWORKS=true to allow harvesting from private networks (PRIVATE_ADDRESS)`,
    );
  });
});
