import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueJsonSource } from '../../src/harvest/catalogue-json.js';
import { importCatalogue } from '../../src/harvest/import.js';
import { datasetInput, type Json } from '../../src/harvest/record-inputs.js';
import { systemActor } from '../../src/records/viewer.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';

const REGION = (name: string) => `urn:example:gms-catalogue:org:region-${name}`;
const BODY = (name: string) => `urn:example:gms-catalogue:dab:${name}`;
const PREFIX = 'urn:test:fingerprints:';

function dataset(n: number, title = `Fingerprint cohort ${n}`): Json {
  return {
    recordType: 'Dataset',
    id: `${PREFIX}${String(n).padStart(3, '0')}`,
    title,
    description: 'Trio WGS of children with early-onset epilepsy.',
    publisher: REGION('stockholm'),
    keywords: ['genome', 'trio', 'epilepsy'],
    dataHolder: [REGION('stockholm'), REGION('skane'), REGION('uppsala')],
    consentScope: { duoPermission: { code: 'DUO:0000006' }, duoModifiers: [{ code: 'DUO:0000021' }, { code: 'DUO:0000020' }] },
    accessRoute: {
      accessMode: 'SECURE_PROCESSING_ENVIRONMENT',
      accessBody: BODY('stockholm'),
      steps: [
        { order: 1, requirement: 'ETHICS_APPROVAL', body: BODY('etik') },
        { order: 2, requirement: 'DAC_REVIEW', body: BODY('stockholm') },
      ],
    },
    distributions: [
      { title: 'VCF', formats: ['VCF'] },
      { title: 'CRAM', formats: ['CRAM'] },
    ],
  };
}

/** The dataset with every set listed in another order (its distributions keep theirs: that is their position). */
const reordered = (d: Json): Json => ({
  ...d,
  keywords: [...d.keywords].reverse(),
  dataHolder: [...d.dataHolder].reverse(),
  consentScope: { ...d.consentScope, duoModifiers: [...d.consentScope.duoModifiers].reverse() },
  accessRoute: { ...d.accessRoute, steps: [...d.accessRoute.steps].reverse() },
});

/** The fingerprint imports stored before sets compared as sets: a hash of the input's JSON as it came. */
function fingerprintBeforeTheSetRule(record: Json): string {
  const input = datasetInput(record, catalogueJsonSource({ records: [record] }, 'fingerprints.json').context);
  return createHash('sha256').update(JSON.stringify(['Dataset', false, null, null, input])).digest('base64url');
}

let catalogue: TestCatalogue;
beforeAll(async () => {
  catalogue = await startTestCatalogue();
});
afterAll(() => catalogue?.stop());

const importFile = (records: Json[]) => importCatalogue(catalogue.orm.em.fork(), systemActor('import'), catalogueJsonSource({ records }, 'fingerprints.json'));
const sql = <T>(text: string, parameters: unknown[] = []) => catalogue.orm.em.getConnection().execute<T[]>(text, parameters);

interface State {
  identifier: string;
  version: number;
  modified: Date;
  metadata_modified: Date;
  source_fingerprint: string;
  audit_entries: number;
  outbox_events: number;
}

/** What a write would move: version, dates, fingerprint, history entries and indexing events of each dataset. */
const state = (prefix: string) =>
  sql<State>(
    `select d.identifier, d.version, d.modified, d.metadata_modified, d.source_fingerprint,
       (select count(*) from audit_entry a where a.entity_id::text = d.id::text)::int as audit_entries,
       (select count(*) from outbox_event o where o.aggregate_id::text = d.id::text)::int as outbox_events
     from dataset d where d.identifier like ? order by d.identifier`,
    [`${prefix}%`],
  );

/** SELECT statements issued since the last reset that read `table`. */
const reads = (table: string) => catalogue.queries.filter((text) => new RegExp(`^\\s*select\\b[\\s\\S]*\\bfrom "${table}"`, 'i').test(text)).length;

describe('a run whose fingerprints changed but whose records did not', () => {
  it('remembers the new fingerprints only: no version, date, audit entry or outbox event moves, and the records count as unchanged', async () => {
    const records = [1, 2, 3].map((n) => dataset(n));
    expect(await importFile(records)).toMatchObject({ committed: true, created: 3 });
    for (const record of records) {
      await sql(`update dataset set source_fingerprint = ? where identifier = ?`, [fingerprintBeforeTheSetRule(record), record.id]);
    }
    const before = await state(PREFIX);

    // The first two list their sets in another order; the third has a new title, so the batch is written by a flush.
    const file = [reordered(records[0]), reordered(records[1]), dataset(3, 'Renamed cohort')];
    expect(await importFile(file)).toMatchObject({ committed: true, created: 0, updated: 1, unchanged: 2, failed: 0 });
    const after = await state(PREFIX);
    for (const i of [0, 1]) {
      expect({ ...after[i], source_fingerprint: null }).toEqual({ ...before[i], source_fingerprint: null });
      expect(after[i].source_fingerprint).not.toBe(before[i].source_fingerprint);
    }
    expect(after[2].version).toBeGreaterThan(before[2].version);
    expect([after[2].audit_entries, after[2].outbox_events]).toEqual([before[2].audit_entries + 1, before[2].outbox_events + 1]);

    // The new fingerprints are the ones the file has: the next run leaves every record alone without reading its parts.
    catalogue.queries.length = 0;
    expect(await importFile(file)).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 3 });
    expect([reads('consent_scope'), reads('distribution')]).toEqual([0, 0]);
    expect(await state(PREFIX)).toEqual(after);
  });
});

describe("a batch of datasets whose consent scope and access route change", () => {
  const BATCH = `${PREFIX}batch:`;
  const batch = (n: number): Json => ({ ...dataset(n), id: `${BATCH}${String(n).padStart(3, '0')}` });

  it('reads those parts in a statement per kind for the whole batch, and lists what changed in each history', async () => {
    const records = Array.from({ length: 40 }, (_, i) => batch(i));
    expect(await importFile(records)).toMatchObject({ committed: true, created: 40 });
    const changed = records.map((record) => ({
      ...record,
      consentScope: { ...record.consentScope, duoPermission: { code: 'DUO:0000042' } },
      accessRoute: { ...record.accessRoute, steps: record.accessRoute.steps.slice(0, 1) },
    }));
    catalogue.queries.length = 0;
    expect(await importFile(changed)).toMatchObject({ committed: true, updated: 40, failed: 0 });
    expect([reads('consent_scope'), reads('access_route'), reads('access_route_step')]).toEqual([1, 1, 1]);

    const admin = await catalogue.token('admin');
    const { data } = await catalogue.gql(`{ dataset(id: "${records[17].id}") { history { action changes { field before after } } } }`, {}, admin);
    const last = data?.dataset.history.at(-1);
    expect(last.action).toBe('updateDataset');
    expect(last.changes.map((change: { field: string }) => change.field).sort()).toEqual(['accessRoute.steps', 'consentScope.duoPermission']);
    expect(last.changes.find((change: { field: string }) => change.field === 'consentScope.duoPermission')).toMatchObject({ before: '"DUO:0000006"', after: '"DUO:0000042"' });
  });
});
