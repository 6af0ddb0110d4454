import type * as RDF from '@rdfjs/types';
import { Writable } from 'node:stream';
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { dcat, dct, ext, foaf, healthdcatap, prefixes, rdf, vcard, xsd } from '../../../src/dcat/namespaces.js';
import { rdfFormats } from '../../../src/dcat/rdf/formats.js';
import { isomorphic, parse } from '../../../src/dcat/rdf/parse.js';
import { writeChunk } from '../../../src/dcat/export-threads.js';
import { nTriplesBatches, type RdfBatchFormat, turtleBatches } from '../../../src/dcat/rdf/batch-formats.js';
import { serialize } from '../../../src/dcat/rdf/serialize.js';

const { namedNode, blankNode, literal, quad } = DataFactory;

/** A catalogue-shaped graph with the awkward cases: blank nodes, languages, datatypes, escaping. */
function awkwardGraph() {
  const dataset = namedNode('https://gdcat.example.se/datasets/ds-1?version=2&lang=sv#this');
  const agency = namedNode("https://gdcat.example.se/organisations/region-västra-götaland/o'brien");
  const contact = blankNode();
  const sharedPeriod = blankNode();
  return [
    quad(dataset, rdf('type'), dcat('Dataset')),
    quad(dataset, dct('title'), literal('Sällsynta sjukdomar – helgenom', 'sv')),
    quad(dataset, dct('title'), literal('Rare diseases – whole genome', 'en-GB')),
    quad(dataset, dct('description'), literal('  <b>Trio</b> & "duo" \'singleton\' ]]> cohorts\n\tline two\r\nline three 🧬  ')),
    quad(dataset, dct('identifier'), literal('')),
    quad(dataset, dct('issued'), literal('2024-03-01', xsd('date'))),
    quad(dataset, healthdcatap('numberOfUniqueIndividuals'), literal('1234', xsd('nonNegativeInteger'))),
    quad(dataset, ext('meanCoverage'), literal('30.5', xsd('decimal'))),
    quad(dataset, ext('encrypted'), literal('true', xsd('boolean'))),
    quad(dataset, ext('sampleCount'), literal('17', ext('count'))),
    quad(dataset, dct('publisher'), agency),
    quad(dataset, dcat('contactPoint'), contact),
    quad(dataset, dct('temporal'), sharedPeriod),
    // Predicates outside the known prefixes, with local names that need careful splitting.
    quad(dataset, namedNode('http://example.org/terms/has-part.v2'), namedNode('http://example.org/x')),
    quad(dataset, namedNode('http://example.org/p/123abc'), literal('digit-led local name')),
    quad(dataset, namedNode('urn:x-gdcat:vocab:weird_term'), literal('urn predicate')),
    quad(agency, rdf('type'), foaf('Agent')),
    quad(agency, foaf('name'), literal('Region Västra Götaland & partners', 'sv')),
    quad(contact, rdf('type'), vcard('Kind')),
    quad(contact, vcard('hasEmail'), namedNode('mailto:dac@example.se')),
    quad(contact, dct('temporal'), sharedPeriod),
    quad(sharedPeriod, dcat('startDate'), literal('2019-01-01', xsd('date'))),
    quad(sharedPeriod, rdf('type'), dct('PeriodOfTime')),
  ];
}

describe('serialize and parse', () => {
  for (const format of rdfFormats) {
    it(`round-trips an awkward graph through ${format}`, async () => {
      const graph = awkwardGraph();
      const text = await serialize(graph, format, prefixes);
      const parsed = await parse(text, format);
      expect(parsed).toHaveLength(graph.length);
      expect(isomorphic(parsed, graph)).toBe(true);
    });
  }

  it('declares only the prefixes a Turtle document uses', async () => {
    const text = await serialize(awkwardGraph(), 'text/turtle', prefixes);
    expect(text).toContain('@prefix dcat: <http://www.w3.org/ns/dcat#>');
    expect(text).not.toContain('@prefix hydra:');
  });

  it('compacts JSON-LD with a context built from the prefixes', async () => {
    const document = JSON.parse(await serialize(awkwardGraph(), 'application/ld+json', prefixes)) as Record<string, unknown>;
    expect(document['@context']).toMatchObject({ dcat: prefixes.dcat, dct: prefixes.dct });
    expect(JSON.stringify(document)).toContain('"dct:title"');
  });

  it('writes RDF/XML with our prefixes, generated ones for other namespaces, and escaped text', async () => {
    const text = await serialize(awkwardGraph(), 'application/rdf+xml', prefixes);
    expect(text).toContain(`xmlns:dct="${prefixes.dct}"`);
    expect(text).toMatch(/xmlns:ns\d+="http:\/\/example\.org\/terms\/"/);
    expect(text).toContain('rdf:about="https://gdcat.example.se/datasets/ds-1?version=2&amp;lang=sv#this"');
    expect(text).toContain('&lt;b&gt;Trio&lt;/b&gt; &amp; "duo"');
    expect(text).toContain('&#13;');
    expect(text).toContain('rdf:nodeID="b0"');
    expect(text).toContain(`rdf:datatype="${xsd('date').value}"`);
    // n3 normalises language tags to lower case; RDF compares them case-insensitively.
    expect(text).toContain('xml:lang="en-gb"');
  });

  it('refuses what RDF/XML cannot express instead of writing something wrong', async () => {
    const dataset = namedNode('https://gdcat.example.se/datasets/ds-1');
    await expect(
      serialize([quad(dataset, namedNode('http://example.org/terms/'), literal('x'))], 'application/rdf+xml', prefixes),
    ).rejects.toThrow(/does not end in an XML name/);
    await expect(
      serialize([quad(dataset, dct('title'), literal('bell \u0007'))], 'application/rdf+xml', prefixes),
    ).rejects.toThrow(/control character/);
  });

  it('refuses quads in named graphs', async () => {
    const named = quad(namedNode('https://a.example/s'), dct('title'), literal('x'), namedNode('https://a.example/g'));
    await expect(serialize([named], 'text/turtle', prefixes)).rejects.toThrow(/named graph/);
  });

  it('resolves relative IRIs against the base IRI', async () => {
    const base = 'https://gdcat.example.se/dcat/';
    const [fromTurtle] = await parse('<datasets/1> <http://purl.org/dc/terms/title> "x" .', 'text/turtle', base);
    const [fromJsonLd] = await parse('{"@id": "datasets/1", "http://purl.org/dc/terms/title": "x"}', 'application/ld+json', base);
    const [fromXml] = await parse(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">'
        + '<rdf:Description rdf:about="datasets/1"><dct:title>x</dct:title></rdf:Description></rdf:RDF>',
      'application/rdf+xml',
      base,
    );
    for (const parsed of [fromTurtle, fromJsonLd, fromXml]) {
      expect(parsed?.subject.value).toBe('https://gdcat.example.se/dcat/datasets/1');
    }
  });

  it('keeps blank nodes of separately parsed documents apart', async () => {
    const jsonLd = '{"@id": "_:a", "http://purl.org/dc/terms/title": "x"}';
    const [first] = await parse(jsonLd, 'application/ld+json');
    const [second] = await parse(jsonLd, 'application/ld+json');
    expect(first?.subject.equals(second!.subject)).toBe(false);
  });

  it('does not fetch remote JSON-LD contexts, and says so naming the context', async () => {
    const refusal = "the document's @context names https://example.org/context.jsonld: remote JSON-LD contexts are not loaded; inline the @context";
    for (const context of ['"https://example.org/context.jsonld"', '[{"@vocab": "https://a.example/"}, "https://example.org/context.jsonld"]', '{"@import": "https://example.org/context.jsonld"}']) {
      const document = `{"@context": ${context}, "@id": "https://a.example/s", "title": "x"}`;
      await expect(parse(document, 'application/ld+json'), context).rejects.toThrow(refusal);
    }
  });

  it('tells isomorphic graphs from different ones', () => {
    const graph = awkwardGraph();
    const relabelled = graph.map((q) =>
      q.object.termType === 'BlankNode' || q.subject.termType === 'BlankNode'
        ? quad(
            q.subject.termType === 'BlankNode' ? blankNode(`renamed-${q.subject.value}`) : q.subject,
            q.predicate,
            q.object.termType === 'BlankNode' ? blankNode(`renamed-${q.object.value}`) : q.object,
          )
        : q,
    );
    expect(isomorphic(graph, relabelled)).toBe(true);
    const altered = [...graph.slice(1), quad(graph[0]!.subject, dct('title'), literal('other'))];
    expect(isomorphic(graph, altered)).toBe(false);
  });
});

/** A writable that only takes `highWaterMark` bytes before it needs a later tick to drain. */
function slowSink(highWaterMark: number) {
  let text = '';
  let drains = 0;
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      text += chunk;
      setImmediate(done);
    },
  });
  sink.on('drain', () => drains++);
  return { sink, text: () => text, drains: () => drains };
}

function manyDatasets(count: number) {
  const quads = [];
  for (let i = 0; i < count; i++) {
    const dataset = namedNode(`https://gdcat.example.se/datasets/${i}`);
    const distribution = blankNode();
    quads.push(
      quad(dataset, rdf('type'), dcat('Dataset')),
      quad(dataset, dct('title'), literal(`Dataset ${i}`, 'en')),
      quad(dataset, dcat('distribution'), distribution),
      quad(distribution, dcat('byteSize'), literal(String(i * 1000), xsd('nonNegativeInteger'))),
    );
  }
  return quads;
}

/** Writes the quads as an export writes them: the header, then batches of one dataset's four, each one chunk. */
async function writeAll(format: RdfBatchFormat, out: Writable, quads: readonly RDF.Quad[], batch = 4): Promise<void> {
  await writeChunk(out, format.header);
  for (let start = 0; start < quads.length; start += batch) {
    const graph = format.graph();
    for (const { subject, predicate, object } of quads.slice(start, start + batch)) {
      graph.add(subject as RDF.Quad_Subject, predicate as RDF.NamedNode, object as RDF.Quad_Object);
    }
    await writeChunk(out, format.encode(graph));
  }
}

const ended = (sink: Writable) => new Promise<void>((resolve) => sink.end(resolve));

describe('batch formats of an export', () => {
  it('streams Turtle while honouring back-pressure', async () => {
    const quads = manyDatasets(500);
    const { sink, text, drains } = slowSink(256);
    await writeAll(turtleBatches(prefixes), sink, quads);
    await ended(sink);
    expect(drains()).toBeGreaterThan(10);
    expect(text()).toContain('@prefix dcat:');
    expect(isomorphic(await parse(text(), 'text/turtle'), quads)).toBe(true);
  });

  it('streams N-Triples while honouring back-pressure', async () => {
    const quads = manyDatasets(500);
    const { sink, text, drains } = slowSink(256);
    await writeAll(nTriplesBatches(), sink, quads);
    await ended(sink);
    expect(drains()).toBeGreaterThan(10);
    expect(text().trim().split('\n')).toHaveLength(quads.length);
    expect(isomorphic(await parse(text(), 'application/n-triples'), quads)).toBe(true);
  });

  for (const [format, create] of [
    ['text/turtle', () => turtleBatches(prefixes)],
    ['application/n-triples', nTriplesBatches],
  ] as const) {
    it(`writes the awkward graph as ${format} that reads back to the same graph`, async () => {
      const graph = awkwardGraph();
      const { sink, text } = slowSink(1 << 20);
      await writeAll(create(), sink, graph, graph.length);
      await ended(sink);
      const parsed = await parse(text(), format);
      expect(parsed).toHaveLength(graph.length);
      expect(isomorphic(parsed, graph)).toBe(true);
    });

    it(`writes a triple stated twice in a batch once, and each of a subject's objects, as ${format}`, async () => {
      const [first] = manyDatasets(1);
      const dataset = first!.subject;
      const repeated = [first!, quad(dataset, dct('title'), literal('Ett dataset', 'sv')), first!, quad(dataset, dct('title'), literal('Dataset 0', 'en'))];
      const { sink, text } = slowSink(1 << 20);
      await writeAll(create(), sink, repeated, repeated.length);
      await ended(sink);
      const parsed = await parse(text(), format);
      expect(parsed).toHaveLength(3);
      expect(isomorphic(parsed, [repeated[0]!, repeated[1]!, repeated[3]!])).toBe(true);
    });
  }

  it('writes the same graph in the same text however its batches are reused', async () => {
    const quads = manyDatasets(50);
    const format = nTriplesBatches();
    const first = slowSink(1 << 20);
    await writeAll(format, first.sink, quads);
    await ended(first.sink);
    const again = slowSink(1 << 20);
    await writeAll(format, again.sink, quads, 12);
    await ended(again.sink);
    expect(first.text().split('\n')).toHaveLength(quads.length + 1);
    expect(again.text().split('\n').sort()).toEqual(first.text().split('\n').sort());
  });

  it('fails instead of hanging when the client goes away mid-export', async () => {
    const sink = new Writable({ highWaterMark: 1, write() {} });
    const format = nTriplesBatches();
    const graph = format.graph();
    const [first] = manyDatasets(1);
    graph.add(first!.subject as RDF.Quad_Subject, first!.predicate as RDF.NamedNode, first!.object as RDF.Quad_Object);
    const pending = writeChunk(sink, format.encode(graph));
    sink.destroy();
    await expect(pending).rejects.toThrow(/closed before the export finished/);
  });
});
