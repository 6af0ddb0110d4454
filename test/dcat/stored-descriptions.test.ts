import { PassThrough } from 'node:stream';
import { text as readAll } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportCatalogue } from '../../src/dcat/export.js';
import { isomorphic, parse } from '../../src/dcat/rdf/parse.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { distinct } from '../support/rdf.js';

const BASE = 'http://gdcat.test';
const FORMAT = 'application/n-triples';
const UPPSALA = 'urn:example:gms-catalogue:org:region-uppsala';
const RD_STUDY = 'urn:example:gms-catalogue:study:rd-national-wgs';
const SARS = 'urn:example:gms-catalogue:dataset:sarscov2-vgr';

describe('an export keeps each dataset\'s description for the next one (stored-descriptions.ts)', () => {
  let catalogue: TestCatalogue;
  let admin: string;
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    admin = await catalogue.token('admin');
  });
  afterAll(() => catalogue?.stop());

  const sql = <T extends object>(text: string, values: unknown[] = []) => catalogue.orm.em.getConnection().execute<T[]>(text, values);

  async function exported(baseUrl = BASE): Promise<string> {
    const out = new PassThrough();
    const text = readAll(out);
    await exportCatalogue(catalogue.orm, out, { baseUrl, smallCountThreshold: 5, format: FORMAT, batchSize: 4 });
    out.end();
    return text;
  }

  /**
   * Marks every stored description with a statement naming its dataset, which only a copied text carries: the
   * datasets whose mark is missing from an export were described anew.
   */
  const mark = () => sql(`update stored_dataset_description set text = text || '<urn:gdcat:test:copied> <urn:gdcat:test:of> "' || dataset_id || E'" .\\n'`);
  const copied = (text: string) => new Set([...text.matchAll(/<urn:gdcat:test:copied> <urn:gdcat:test:of> "([^"]+)"/g)].map((match) => match[1]));
  const published = async () => (await sql<{ id: string }>(`select id from dataset where status = 'PUBLISHED'`)).map((row) => row.id);
  const describedAnew = async (text: string) => (await published()).filter((id) => !copied(text).has(id)).sort();
  const idsOf = async (where: string, values: unknown[]) => (await sql<{ id: string }>(`select d.id from dataset d where d.status = 'PUBLISHED' and (${where})`, values)).map((row) => row.id).sort();

  const versionOf = async (table: string, identifier: string) => (await sql<{ version: number }>(`select version from ${table} where identifier = ?`, [identifier]))[0]!.version;

  async function update(kind: 'Dataset' | 'Organisation' | 'Study', id: string, input: Record<string, unknown>): Promise<void> {
    const field = kind.charAt(0).toLowerCase() + kind.slice(1);
    const version = await versionOf(field, id);
    const { data, errors } = await catalogue.gql(
      `mutation($id: ID!, $v: Int!, $input: ${kind}Patch!) { update${kind}(id: $id, expectedVersion: $v, input: $input) { userErrors { field message } } }`,
      { id, v: version, input },
      admin,
    );
    expect(errors).toBeUndefined();
    expect(data![`update${kind}`].userErrors).toEqual([]);
  }

  beforeEach(async () => {
    await exported();
    await mark();
  });

  it('copies the descriptions the export before stored, to the same graph as describing them all', async () => {
    const fresh = await exported();
    const text = await exported();
    expect(await describedAnew(text)).toEqual([]);
    expect(copied(text).size).toBe((await published()).length);

    await sql('truncate stored_dataset_description, stored_node_description');
    const described = await exported();
    expect(copied(described).size).toBe(0);
    const withoutMarks = async (text: string) => distinct(await parse(text.replace(/^<urn:gdcat:test:copied>.*\n/gm, ''), FORMAT));
    expect(isomorphic(await withoutMarks(fresh), await withoutMarks(described))).toBe(true);
    expect(isomorphic(await withoutMarks(text), await withoutMarks(described))).toBe(true);
  });

  it("describes anew a dataset whose own fields changed, and only it", async () => {
    const sars = await idsOf('d.identifier = ?', [SARS]);
    await update('Dataset', SARS, { title: 'SARS-CoV-2 genomes, Västra Götaland (renamed)' });
    const text = await exported();
    expect(await describedAnew(text)).toEqual(sars);
    expect(text).toContain('SARS-CoV-2 genomes, Västra Götaland (renamed)');
  });

  it('describes anew every dataset that names a changed organisation or study, and states the change once', async () => {
    await update('Organisation', UPPSALA, { name: 'Region Uppsala (renamed)' });
    let text = await exported();
    const naming = await idsOf(
      `d.publisher_id = (select id from organisation where identifier = ?)
        or d.id in (select dataset_id from dataset_data_holder h join organisation o on o.id = h.organisation_id where o.identifier = ?)
        or d.id in (select dataset_id from dataset_contributor c join organisation o on o.id = c.organisation_id where o.identifier = ?)`,
      [UPPSALA, UPPSALA, UPPSALA],
    );
    expect(naming.length).toBeGreaterThan(1);
    expect(await describedAnew(text)).toEqual(naming);
    const names = (await parse(text, FORMAT)).filter((q) => q.subject.value.endsWith(encodeURIComponent(UPPSALA)) && q.predicate.value === 'http://xmlns.com/foaf/0.1/name');
    expect(new Set(names.map((q) => q.object.value))).toEqual(new Set(['Region Uppsala (renamed)']));

    await mark();
    await update('Study', RD_STUDY, { title: 'National rare disease WGS (renamed)' });
    text = await exported();
    expect(await describedAnew(text)).toEqual(await idsOf('d.was_generated_by_id = (select id from study where identifier = ?)', [RD_STUDY]));
    expect(text).toContain('National rare disease WGS (renamed)');
  });

  it('describes every dataset anew under another base URL, and a catalogue change reaches them all', async () => {
    const elsewhere = await exported('http://elsewhere.test');
    expect(copied(elsewhere).size).toBe(0);
    expect(elsewhere).not.toContain(BASE);
    // The stored texts are now the other base URL's: this one's are described again.
    expect(copied(await exported()).size).toBe(0);

    await mark();
    await sql(`update catalogue set title = 'Renamed catalogue', modified = now() + interval '1 second'`);
    expect(copied(await exported()).size).toBe(0);
  });

  it('leaves out a dataset no longer published since its description was stored', async () => {
    const before = await published();
    await sql(`update dataset set status = 'DRAFT' where identifier = ?`, [SARS]);
    try {
      const quads = await parse(await exported(), FORMAT);
      expect(quads.some((q) => q.subject.value.endsWith(encodeURIComponent(SARS)))).toBe(false);
      expect(quads.filter((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#dataset')).toHaveLength(before.length - 1);
    } finally {
      await sql(`update dataset set status = 'PUBLISHED' where identifier = ?`, [SARS]);
    }
  });
});
