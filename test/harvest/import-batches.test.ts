import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { catalogueJsonSource } from '../../src/harvest/catalogue-json.js';
import { importCatalogue } from '../../src/harvest/import.js';
import { Organisation } from '../../src/organisations/organisation.entity.js';
import { systemActor } from '../../src/records/viewer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

/**
 * An import writes 500 records a batch; the insert of a batch of datasets runs while the next batch is
 * checked (src/harvest/import.ts). Files larger than a batch must come out as if written one by one.
 */
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const SEED_STUDY = 'urn:example:gms-catalogue:study:childhood-cancer';
const REFUSED = 'urn:test:batches:refused';

function dataset(id: string, study: string | null = null) {
  return {
    recordType: 'Dataset',
    id,
    title: `Batch test ${id}`,
    description: 'Trio WGS of children with early-onset epilepsy.',
    diagnosticArea: 'RARE_DISEASES',
    publisher: STOCKHOLM,
    dataHolder: STOCKHOLM,
    wasGeneratedBy: study,
    consentScope: { duoPermission: { code: 'DUO:0000006' } },
    accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', accessBody: 'urn:example:gms-catalogue:dab:stockholm', steps: [{ order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' }] },
    distributions: [{ title: 'VCF in the regional SPE', formats: ['VCF'] }],
  };
}

const datasets = (prefix: string, count: number, study: (n: number) => string | null = () => null) =>
  Array.from({ length: count }, (_, i) => dataset(`${prefix}${i + 1}`, study(i + 1)));

let catalogue: TestCatalogue;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
});
afterAll(() => catalogue?.stop());

const importFile = (document: object) => importCatalogue(catalogue.orm.em.fork(), systemActor('import'), catalogueJsonSource(document, 'batches.json'));
const count = (prefix: string) => catalogue.orm.em.fork().count(Dataset, { identifier: { $like: `${prefix}%` } });

describe('import in batches', () => {
  it('a second import started while one writes waits for it, then finds its records unchanged', async () => {
    const document = { records: datasets('urn:test:batches:concurrent:', 600) };
    let second: Promise<Awaited<ReturnType<typeof importCatalogue>>> | null = null;
    let waited = false;
    const startSecond = () =>
      (second ??= importCatalogue(catalogue.orm.em.fork(), systemActor('import'), catalogueJsonSource(document, 'second.json'), { onWait: () => (waited = true) }));
    // The second starts while the first's transaction is open, its first batch checked.
    const first = await importCatalogue(catalogue.orm.em.fork(), systemActor('import'), catalogueJsonSource(document, 'first.json'), { onProgress: (done) => done === 1 && startSecond() });
    expect(first).toMatchObject({ committed: true, created: 600, problems: [] });
    expect(await second).toMatchObject({ committed: true, created: 0, unchanged: 600, problems: [] });
    expect(waited).toBe(true);
    expect(await count('urn:test:batches:concurrent:')).toBe(600);
  });

  it('writes datasets of several batches naming a study created earlier in the same file', async () => {
    const study = { recordType: 'Study', id: 'urn:test:batches:study', title: 'Batch test study', studyType: 'NATIONAL_IMPLEMENTATION', ownerOrganisation: STOCKHOLM };
    const report = await importFile({ records: [study, ...datasets('urn:test:batches:a:', 1100, (n) => (n % 2 ? study.id : SEED_STUDY))] });
    expect(report.problems.slice(0, 3)).toEqual([]);
    expect(report).toMatchObject({ committed: true, created: 1101, failed: 0 });
    const rows = await catalogue.orm.em.fork().find(Dataset, { identifier: { $like: 'urn:test:batches:a:%' } }, { populate: ['wasGeneratedBy', 'distributions'] });
    expect(rows).toHaveLength(1100);
    for (const row of rows) {
      const n = Number(row.identifier.split(':').at(-1));
      expect(row.wasGeneratedBy?.identifier).toBe(n % 2 ? study.id : SEED_STUDY);
      expect(row.distributions).toHaveLength(1);
    }
  });

  describe('a batch the catalogue refuses while the next batch is checked', () => {
    beforeAll(async () => {
      await catalogue.orm.em.fork().getConnection().execute(`alter table dataset add constraint test_batches_refused check (identifier <> '${REFUSED}')`);
    });
    afterAll(async () => {
      await catalogue?.orm.em.fork().getConnection().execute('alter table dataset drop constraint test_batches_refused');
    });

    // The next batch either reads nothing more (its references were looked up before the insert started) or
    // runs a statement on the transaction the failed insert aborted (looking up again a reference not found).
    it.each([
      ['reading nothing', null],
      ['reading on the aborted transaction', 'urn:test:batches:no-such-body'],
    ])('reports it against its rows and writes nothing (next batch %s)', async (_, hdab) => {
      const records: object[] = datasets('urn:test:batches:b:', 700);
      records[2] = dataset(REFUSED);
      records[650] = { ...dataset('urn:test:batches:b:lone', SEED_STUDY), hdab };
      const report = await importFile({ records });
      expect(report.committed).toBe(false);
      expect(report.problems).toEqual([
        expect.objectContaining({ sheet: 'records', row: 1, code: 'INVALID', message: expect.stringMatching(/^the catalogue refused records row 1 to records row 500: .*test_batches_refused/) }),
      ]);
      expect(await count('urn:test:batches:b:')).toBe(0);
    });
  });

  it('writes what importing each batch alone writes: rows, parts, audit entries and outbox events', async () => {
    // Copies of the seed's datasets (DUO modifiers, access routes of 1-4 steps, distributions, cohorts).
    const example = JSON.parse(readFileSync(new URL('../../seed/example-catalogue.json', import.meta.url), 'utf8'));
    const models = example.records.filter((r: { recordType: string }) => r.recordType === 'Dataset');
    const copies = (prefix: string) => Array.from({ length: 700 }, (_, i) => ({ ...models[i % models.length], id: `${prefix}${i + 1}`, title: `Copy ${i + 1}` }));
    // One file: each batch of 500 checked while the one before is inserted.
    expect(await importFile({ records: copies('urn:test:same:together:') })).toMatchObject({ committed: true, created: 700 });
    // The same records a batch per file: nothing runs alongside anything.
    const alone = copies('urn:test:same:alone:');
    for (let start = 0; start < alone.length; start += 500) {
      expect(await importFile({ records: alone.slice(start, start + 500) })).toMatchObject({ committed: true, failed: 0 });
    }
    expect(await stored('urn:test:same:together:')).toEqual(await stored('urn:test:same:alone:'));
  });

  it('updates a record to name one created earlier in the same batch', async () => {
    const organisation = (id: string, parentOrg: string | null) => ({ id, name: `Batch test ${id}`, type: 'REGION', parentOrg });
    const parent = 'urn:test:batches:org:parent';
    const child = 'urn:test:batches:org:child';
    expect(await importFile({ organisations: [organisation(child, null)] })).toMatchObject({ committed: true, created: 1 });
    const report = await importFile({ organisations: [organisation(parent, null), organisation(child, parent)] });
    expect(report).toMatchObject({ committed: true, created: 1, updated: 1, failed: 0 });
    const row = await catalogue.orm.em.fork().findOneOrFail(Organisation, { identifier: child }, { populate: ['parent'] });
    expect(row.parent?.identifier).toBe(parent);
  });
});

/**
 * What the catalogue holds for the datasets under a prefix, by number, without what differs between two writes
 * of the same description (generated ids; times; the identifier itself and the fingerprint made from it). The
 * audit snapshot states the dataset's parts (distributions, consent scope, access route) by content, ids left out.
 */
async function stored(prefix: string): Promise<unknown[]> {
  const rows: { n: string; row: unknown }[] = await catalogue.orm.em.fork().getConnection().execute(
    `select substr(d.identifier, length(?) + 1) as n, jsonb_build_object(
       'dataset', to_jsonb(d) - '{id,identifier,issued,modified,created_at,metadata_modified,source_fingerprint}'::text[],
       'consent', (select to_jsonb(c) - '{id,dataset_id}'::text[] from consent_scope c where c.dataset_id = d.id),
       'route', (select to_jsonb(r) - '{id,dataset_id}'::text[] from access_route r where r.dataset_id = d.id),
       'steps', (select jsonb_agg(to_jsonb(s) - '{id,route_id}'::text[] order by s.position) from access_route_step s join access_route r on r.id = s.route_id where r.dataset_id = d.id),
       'distributions', (select jsonb_agg(to_jsonb(x) - '{id,dataset_id}'::text[] order by x.position) from distribution x where x.dataset_id = d.id),
       'holders', (select jsonb_agg(h.organisation_id order by h.organisation_id) from dataset_data_holder h where h.dataset_id = d.id),
       'contributors', (select jsonb_agg(h.organisation_id order by h.organisation_id) from dataset_contributor h where h.dataset_id = d.id),
       'publications', (select jsonb_agg(p.publication_id order by p.publication_id) from dataset_publication p where p.dataset_id = d.id),
       'audit', (select jsonb_agg(jsonb_build_object('action', a.action, 'actor', a.actor, 'role', a.actor_role, 'type', a.entity_type, 'before', a.before,
                   'after', a.after - '{id,identifier,issued,modified,createdAt,sourceFingerprint}'::text[]) order by a.id)
                 from audit_entry a where a.entity_id = d.id),
       'outbox', (select jsonb_agg(jsonb_build_object('type', o.aggregate_type, 'attempts', o.attempts) order by o.id) from outbox_event o where o.aggregate_id = d.id)
     ) as row
     from dataset d where d.identifier like ? order by length(d.identifier), d.identifier`,
    [prefix, `${prefix}%`],
  );
  expect(rows).toHaveLength(700);
  return rows.map(({ n, row }) => ({ n, row }));
}
