import { Writable } from 'node:stream';
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { dcat, dct, ext, foaf, healthdcatap, prefixes, rdf, vcard, xsd } from '../../src/dcat/namespaces.js';
import {
  createNTriplesStreamWriter,
  createTurtleStreamWriter,
  isomorphic,
  negotiateRdfFormat,
  parse,
  rdfFormats,
  serialize,
  type RdfStreamWriter,
} from '../../src/dcat/rdf-formats.js';

const { namedNode, blankNode, literal, quad } = DataFactory;

describe('negotiateRdfFormat', () => {
  it('defaults to Turtle when the client states no preference', () => {
    expect(negotiateRdfFormat(undefined)).toBe('text/turtle');
    expect(negotiateRdfFormat('')).toBe('text/turtle');
    expect(negotiateRdfFormat('*/*')).toBe('text/turtle');
    expect(negotiateRdfFormat('text/html, */*;q=0.1')).toBe('text/turtle');
  });

  it('serves the single format asked for, whatever the case', () => {
    expect(negotiateRdfFormat('application/ld+json')).toBe('application/ld+json');
    expect(negotiateRdfFormat('Application/RDF+XML')).toBe('application/rdf+xml');
    expect(negotiateRdfFormat('application/n-triples')).toBe('application/n-triples');
    expect(negotiateRdfFormat('application/json')).toBe('application/ld+json');
  });

  it('follows q-values', () => {
    expect(negotiateRdfFormat('text/turtle;q=0.5, application/rdf+xml;q=0.9')).toBe('application/rdf+xml');
    expect(negotiateRdfFormat('application/*;q=0.5, text/turtle;q=0.2')).toBe('application/ld+json');
    expect(negotiateRdfFormat('text/turtle;q=0.001, application/n-triples;q=0.0011')).toBe('text/turtle');
  });

  it('breaks ties by our preference order', () => {
    expect(negotiateRdfFormat('application/ld+json;q=0.8, text/turtle;q=0.8')).toBe('text/turtle');
    expect(negotiateRdfFormat('application/n-triples, application/rdf+xml')).toBe('application/rdf+xml');
  });

  it('lets an explicit q=0 refuse a format that a wildcard would admit', () => {
    expect(negotiateRdfFormat('text/turtle;q=0, */*')).toBe('application/ld+json');
    expect(negotiateRdfFormat('text/*;q=0, application/ld+json;q=0, */*;q=0.3')).toBe('application/rdf+xml');
  });

  it('ignores media type parameters, including quoted ones with separators', () => {
    expect(
      negotiateRdfFormat('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted,x;y";q=0.9, text/turtle;q=0.1'),
    ).toBe('application/ld+json');
  });

  it('drops ranges with a malformed q-value', () => {
    expect(negotiateRdfFormat('text/turtle;q=2, application/n-triples;q=0.5')).toBe('application/n-triples');
    expect(negotiateRdfFormat('text/turtle;q=abc')).toBeNull();
  });

  it('returns null when nothing we serve is acceptable', () => {
    expect(negotiateRdfFormat('text/html')).toBeNull();
    expect(negotiateRdfFormat('text/html, application/xhtml+xml;q=0.9')).toBeNull();
  });

  it('lets ?format= override the Accept header', () => {
    expect(negotiateRdfFormat(undefined, 'ttl')).toBe('text/turtle');
    expect(negotiateRdfFormat('text/turtle', 'jsonld')).toBe('application/ld+json');
    expect(negotiateRdfFormat('text/turtle', 'RDF')).toBe('application/rdf+xml');
    expect(negotiateRdfFormat('application/rdf+xml', 'nt')).toBe('application/n-triples');
    expect(negotiateRdfFormat(undefined, 'csv')).toBeNull();
    expect(negotiateRdfFormat(undefined, '__proto__')).toBeNull();
    expect(negotiateRdfFormat('application/ld+json', '')).toBe('application/ld+json');
  });
});

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

  it('does not fetch remote JSON-LD contexts', async () => {
    const document = '{"@context": "https://example.org/context.jsonld", "@id": "https://a.example/s", "title": "x"}';
    await expect(parse(document, 'application/ld+json')).rejects.toMatchObject({
      details: { code: 'loading remote context failed', cause: { message: expect.stringMatching(/not loaded/) } },
    });
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

async function writeAll(writer: RdfStreamWriter, quads: ReturnType<typeof manyDatasets>): Promise<void> {
  for (const q of quads) await writer.write(q);
  await writer.end();
}

describe('streaming writers', () => {
  it('streams Turtle while honouring back-pressure', async () => {
    const quads = manyDatasets(500);
    const { sink, text, drains } = slowSink(256);
    await writeAll(createTurtleStreamWriter(sink, prefixes), quads);
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(drains()).toBeGreaterThan(10);
    expect(text()).toContain('@prefix dcat:');
    expect(isomorphic(await parse(text(), 'text/turtle'), quads)).toBe(true);
  });

  it('streams N-Triples while honouring back-pressure', async () => {
    const quads = manyDatasets(500);
    const { sink, text, drains } = slowSink(256);
    await writeAll(createNTriplesStreamWriter(sink), quads);
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(drains()).toBeGreaterThan(10);
    expect(text().trim().split('\n')).toHaveLength(quads.length);
    expect(isomorphic(await parse(text(), 'application/n-triples'), quads)).toBe(true);
  });

  it('fails instead of hanging when the client goes away mid-export', async () => {
    const sink = new Writable({ highWaterMark: 1, write() {} });
    const writer = createNTriplesStreamWriter(sink);
    const [first] = manyDatasets(1);
    const pending = writer.write(first!);
    sink.destroy();
    await expect(pending).rejects.toThrow(/closed before the export finished/);
  });
});
