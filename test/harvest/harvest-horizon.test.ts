import type { EntityManager } from '@mikro-orm/postgresql';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetRules } from '../../src/datasets/dataset.rules.js';
import { catalogueJsonSource } from '../../src/harvest/catalogue-json.js';
import { harvest, type HarvestTarget } from '../../src/harvest/harvest.js';
import { HarvestSource, HarvestSourceKind } from '../../src/harvest/harvest-source.entity.js';
import { importCatalogue } from '../../src/harvest/import.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { AccessPolicy } from '../../src/records/access-policy.js';
import { RecordService } from '../../src/records/record-service.js';
import { systemActor } from '../../src/records/viewer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/*
 * A change is stamped when the transaction writing it began, and is seen only when it commits. A harvester that
 * read the listing while such a transaction was open, and asks next from when it read, never gets the change:
 * the listing says up to when it is complete (the Gdcat-Complete-Up-To header), and asking from there misses
 * nothing, however long the transaction stayed open.
 */

const example = JSON.parse(readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));
const GMS = 'urn:example:gms-catalogue:org:gms';
const ADMIN = systemActor('test');
const OPTIONS = { timeoutMs: 10_000, maxDocuments: 1000, allowPrivateNetworks: true };

let regional: TestCatalogue; // the catalogue harvested
let national: TestCatalogue; // a gdcat harvesting it

beforeAll(async () => {
  [regional, national] = await Promise.all([startTestCatalogue({ ownBaseUrl: true }), startTestCatalogue({ seed: false, ownBaseUrl: true })]);
  const own = { catalogue: example.catalogue, organisations: example.organisations.filter((o: { id: string }) => o.id === GMS) };
  expect((await importCatalogue(national.orm.em.fork(), systemActor('setup'), catalogueJsonSource(own, 'national.json'), { publish: true })).committed).toBe(true);
}, 60_000);
afterAll(async () => {
  await regional?.stop();
  await national?.stop();
});

/** A transaction at the regional catalogue that registers and publishes a dataset, left open until `commit`. */
async function publishInOpenTransaction(identifier: string): Promise<{ started: Date; commit: () => Promise<void> }> {
  const tx = regional.orm.em.fork() as EntityManager;
  await tx.begin();
  const [{ started }] = await tx.execute<{ started: Date }[]>('select now() as started');
  const datasets = new RecordService(tx, AccessPolicy.forViewer(ADMIN, []), datasetRules);
  try {
    await datasets.create({
      identifier,
      title: `Late commit ${identifier}`,
      description: 'Published in a transaction that commits after a harvest read the listing.',
      publisher: 'urn:example:gms-catalogue:org:region-stockholm',
      keywords: ['epilepsy'],
      diagnosticArea: 'RARE_DISEASES',
      hdab: 'urn:example:gms-catalogue:dab:se-hdab',
      distributions: [{ title: 'VCF', formats: [{ label: 'VCF', edam: 'http://edamontology.org/format_3016' }], accessMode: 'SECURE_PROCESSING_ENVIRONMENT' }],
      consent: { duoPermission: 'DUO:0000006', duoModifiers: [] },
      accessRoute: {
        accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
        accessBody: 'urn:example:gms-catalogue:dab:stockholm',
        contactEmail: 'late@stockholm.example.org',
        steps: [{ order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' }],
      },
    } as never);
    // As two mutations would: publish reads the dataset back (within the same transaction).
    tx.clear();
    await datasets.publish(identifier);
    await tx.flush();
  } catch (error) {
    await tx.rollback();
    throw error;
  }
  return { started: new Date(started), commit: () => tx.commit() };
}

async function listing(query: string, catalogue = regional): Promise<{ datasets: string; completeUpTo: string | null }> {
  const response = await fetch(`${catalogue.url}/dcat/catalog?pageSize=100${query}`, { headers: { accept: 'application/n-triples' } });
  expect(response.status).toBe(200);
  return { datasets: await response.text(), completeUpTo: response.headers.get('gdcat-complete-up-to') };
}

describe('a change committed after a harvest read the listing is in the next incremental harvest', () => {
  it('for a harvester that asks from the instant the listing said it was complete up to', async () => {
    const late = 'urn:example:horizon:late-outside';
    const open = await publishInOpenTransaction(late);
    // The harvester's run, while the transaction is open: it does not see the dataset yet.
    const runStart = new Date();
    const run = await listing('');
    expect(run.datasets).not.toContain(encodeURIComponent(late));
    await open.commit();

    // Its next run asks from what the listing said (from its own start, had the listing said nothing).
    const since = run.completeUpTo ? new Date(run.completeUpTo) : runStart;
    expect((await listing(`&modifiedSince=${encodeURIComponent(since.toISOString())}`)).datasets).toContain(encodeURIComponent(late));
    expect(since.getTime()).toBeLessThanOrEqual(open.started.getTime());
  });

  it('for gdcat\'s own harvester, which keeps the earliest instant the listing pages said', async () => {
    const em = national.orm.em.fork();
    const source = em.create(HarvestSource, {
      identifier: 'regional',
      title: 'Regional node',
      url: `${regional.url}/dcat/catalog?pageSize=4`,
      kind: HarvestSourceKind.DCAT_AP,
      organisation: await em.findOneOrFail(Organisation, { identifier: GMS }),
      schedule: 'PT1H',
    });
    await em.flush();
    const target: HarvestTarget = { source, url: source.url, kind: source.kind, organisation: GMS };

    const late = 'urn:example:horizon:late-gdcat';
    const open = await publishInOpenTransaction(late);
    const first = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(first.outcome, JSON.stringify(first.errors)).not.toBe('FAILED');
    await open.commit();
    // The next run asks from before the open transaction began, whatever the overlap it adds for clocks apart.
    const { harvestedUpTo } = await national.orm.em.fork().findOneOrFail(HarvestSource, source.id);
    expect(harvestedUpTo!.getTime()).toBeLessThanOrEqual(open.started.getTime());

    const next = await harvest(national.orm.em.fork(), target, OPTIONS);
    expect(next).toMatchObject({ mode: 'INCREMENTAL', created: 1 });
  }, 60_000);

  it('for a harvester of a gdcat that harvests: a harvest writes long after its run began, and is stamped when it writes', async () => {
    const harvested = 'urn:example:horizon:late-gdcat';
    const tx = national.orm.em.fork() as EntityManager;
    await tx.begin();
    const [{ started }] = await tx.execute<{ started: Date }[]>('select now() as started');
    // What the import writes: the run's start, which came a minute before, while the source was read.
    const runStart = new Date(new Date(started).getTime() - 60_000);
    await tx.execute('update dataset set harvested_at = ? where identifier = ?', [runStart, harvested]);
    const run = await listing('', national);
    await tx.commit();

    const since = run.completeUpTo ? new Date(run.completeUpTo) : new Date();
    expect((await listing(`&modifiedSince=${encodeURIComponent(since.toISOString())}`, national)).datasets).toContain(encodeURIComponent(harvested));
  });
});
