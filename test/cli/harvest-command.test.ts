import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runHarvestCommand } from '../../src/cli/harvest-command.js';
import { configFromEnv } from '../../src/config.js';
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
  config = configFromEnv({ DATABASE_URL: national.url, CATALOGUE_PUBLISHER_ID: GMS, CATALOGUE_PUBLISHER_NAME: 'Genomic Medicine Sweden', HARVEST_TIMEOUT_SECONDS: '5' });
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

/** Runs `gdcat harvest` in process, with what it prints. */
async function gdcatHarvest(...args: string[]) {
  const lines: string[] = [];
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    const code = await runHarvestCommand(args, config, (line) => lines.push(line));
    return { code, lines, stdout: out.join('') };
  } finally {
    write.mockRestore();
  }
}

describe('gdcat harvest', () => {
  it('explains its usage and refuses what it cannot harvest, with exit status 2', async () => {
    expect((await gdcatHarvest('--url', 'http://x.example/catalog')).code).toBe(2);
    expect(await gdcatHarvest('--source', 'nope')).toMatchObject({ code: 2, lines: ['--source: no harvest source "nope"'] });
    expect(await gdcatHarvest('--url', 'http://x.example/catalog', '--org', 'urn:nobody')).toMatchObject({ code: 2, lines: ['--org: no organisation "urn:nobody" in this catalogue'] });
    expect(await gdcatHarvest('--url', 'http://x.example/catalog', '--org', GMS, '--kind', 'ckan')).toMatchObject({ code: 2 });
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
});
