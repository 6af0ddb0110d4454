import type * as RDF from '@rdfjs/types';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCatalogue } from '../../src/dcat/export.js';
import { Dataset } from '../../src/datasets/dataset.entity.js';
import { ext, healthdcatap, hydra, prefixes } from '../../src/dcat/namespaces.js';
import type { RdfFormat } from '../../src/dcat/rdf/formats.js';
import { isomorphic, parse } from '../../src/dcat/rdf/parse.js';
import { startTestCatalogue, type TestCatalogue } from '../support/catalogue.js';
import { distinct } from '../support/rdf.js';

const BASE = 'http://gdcat.test';

/** A sink that keeps every chunk it is given, and notes how many had arrived at chosen moments. */
function chunkSink() {
  const chunks: string[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  return { sink, chunks, text: () => chunks.join('') };
}

/** A set of triples, so graphs that state a triple twice compare equal to graphs that state it once. */
describe('exportCatalogue', () => {
  let catalogue: TestCatalogue;
  let pagesCombined: RDF.Quad[];
  beforeAll(async () => {
    catalogue = await startTestCatalogue();
    // Every page of GET /dcat/catalog, followed by hydra:next; the paging itself is not part of the catalogue.
    const pages: RDF.Quad[] = [];
    let next: string | undefined = `${BASE}/dcat/catalog?pageSize=4`;
    while (next) {
      const response = await fetch(catalogue.url + next.slice(BASE.length), { headers: { accept: 'text/turtle' } });
      const page = await parse(await response.text(), 'text/turtle');
      pages.push(...page);
      next = page.find((q) => q.predicate.equals(hydra('next')))?.object.value;
    }
    pagesCombined = distinct(pages.filter((q) => !q.predicate.value.startsWith(prefixes.hydra) && !q.object.value.startsWith(prefixes.hydra)));
  });
  afterAll(() => catalogue?.stop());

  for (const format of ['text/turtle', 'application/n-triples'] as const satisfies RdfFormat[]) {
    it(`streams ${format} in batches, writing before the last batch is read, to the graph of all catalogue pages`, async () => {
      const { sink, chunks, text } = chunkSink();
      const progress: { written: number; chunksSoFar: number }[] = [];
      const result = await exportCatalogue(catalogue.orm, sink, {
        baseUrl: BASE,
        smallCountThreshold: 5,
        format,
        batchSize: 4,
        onProgress: (written) => progress.push({ written, chunksSoFar: chunks.length }),
      });
      await new Promise<void>((resolve) => sink.end(resolve));

      // Each format's first export describes every dataset.
      expect(result).toEqual({ datasets: 15, described: 15 });
      expect(progress.map((step) => step.written)).toEqual([4, 8, 12, 15]);
      // Output leaves batch by batch, one chunk each: the first batch is in the sink before the later ones are read.
      expect(progress[0]!.chunksSoFar).toBeGreaterThan(0);
      expect(progress[0]!.chunksSoFar).toBeLessThan(chunks.length / 2);

      const exported = distinct(await parse(text(), format));
      expect(exported.length).toBe(pagesCombined.length);
      expect(isomorphic(exported, pagesCombined)).toBe(true);
      expect(text()).not.toContain('complex-cad-uppsala');
    });
  }

  it('states a record that datasets of one batch share (an evaluation of two datasets) for each of them', async () => {
    // The default batch size puts every dataset in one batch; each shared record is read once for it.
    const { sink, text } = chunkSink();
    await exportCatalogue(catalogue.orm, sink, { baseUrl: BASE, smallCountThreshold: 5, format: 'application/n-triples' });
    await new Promise<void>((resolve) => sink.end(resolve));
    const exported = distinct(await parse(text(), 'application/n-triples'));
    expect(isomorphic(exported, pagesCombined)).toBe(true);
  });

  it('states counts of people as anonymous callers see them: rounded, small ones and inconsistent sex distributions left out', async () => {
    const SMALL = 'urn:example:gms-catalogue:dataset:rd-cardio-vgr';
    const EVEN = 'urn:example:gms-catalogue:dataset:pgx-linkoping';
    const em = catalogue.orm.em.fork();
    const cohorts = {
      [SMALL]: { numberOfUniqueIndividuals: 3, numberOfRecords: 3, numberOfSamples: 3, sexDistribution: { female: 2, male: 1, otherOrUnknown: 0 } },
      // 15 + 15 round to 20 + 20, more than the 30 individuals: the sex distribution is disclosed as unknown.
      [EVEN]: { numberOfUniqueIndividuals: 30, numberOfRecords: 61, numberOfSamples: 30, sexDistribution: { female: 15, male: 15, otherOrUnknown: 0 } },
    };
    for (const [identifier, sizes] of Object.entries(cohorts)) {
      const dataset = await em.findOneOrFail(Dataset, { identifier });
      dataset.cohort = { ...dataset.cohort!, ...sizes };
    }
    await em.flush();

    const { sink, text } = chunkSink();
    await exportCatalogue(catalogue.orm, sink, { baseUrl: BASE, smallCountThreshold: 5, format: 'text/turtle' });
    await new Promise<void>((resolve) => sink.end(resolve));
    const exported = await parse(text(), 'text/turtle');
    const predicates = [healthdcatap('numberOfUniqueIndividuals'), healthdcatap('numberOfRecords'), ext('numberOfSamples'), ext('numberOfFemales'), ext('numberOfMales')];
    const stated = (identifier: string) =>
      predicates.map((p) => exported.filter((q) => q.subject.value === `${BASE}/dcat/datasets/${encodeURIComponent(identifier)}` && q.predicate.equals(p)).map((q) => q.object.value));
    expect(stated(SMALL)).toEqual([[], [], [], [], []]);
    expect(stated(EVEN)).toEqual([['30'], ['60'], ['30'], [], []]);
    // Every other dataset's counts too (the seed's are exact: 4437 individuals, 41 males...).
    const counts = exported.filter((q) => predicates.some((p) => q.predicate.equals(p))).map((q) => Number(q.object.value));
    expect(counts.length).toBeGreaterThan(20);
    expect(counts.filter((count) => count % 10 !== 0 || count < 5)).toEqual([]);
  });

  it('writes a catalogue without datasets as just the catalogue', async () => {
    await catalogue.orm.em.getConnection().execute(`update dataset set status = 'DRAFT'`);
    try {
      const { sink, text } = chunkSink();
      expect(await exportCatalogue(catalogue.orm, sink, { baseUrl: BASE, smallCountThreshold: 5, format: 'text/turtle' })).toEqual({ datasets: 0, described: 0 });
      await new Promise<void>((resolve) => sink.end(resolve));
      const quads = await parse(text(), 'text/turtle');
      expect(quads.some((q) => q.object.value === 'http://www.w3.org/ns/dcat#Catalog')).toBe(true);
      expect(quads.some((q) => q.object.value === 'http://www.w3.org/ns/dcat#Dataset')).toBe(false);
    } finally {
      await catalogue.orm.em.getConnection().execute(`update dataset set status = 'PUBLISHED' where identifier <> 'urn:example:gms-catalogue:dataset:complex-cad-uppsala'`);
    }
  });
});
