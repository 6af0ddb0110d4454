import { describe, expect, it } from 'vitest';
import { namesRdf, negotiateRdfFormat, prefersPage } from '../../../src/dcat/http/content-negotiation.js';

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

  it('gives a format the client names before one it only admits through a wildcard of the same weight', () => {
    // The default Accept header of common HTTP libraries (axios, Angular's HttpClient) asks for JSON.
    expect(negotiateRdfFormat('application/json, text/plain, */*')).toBe('application/ld+json');
    expect(negotiateRdfFormat('application/n-triples, */*')).toBe('application/n-triples');
    expect(negotiateRdfFormat('text/*, application/rdf+xml')).toBe('application/rdf+xml');
    expect(negotiateRdfFormat('application/*, text/turtle')).toBe('text/turtle');
  });

  it('serves RDF/XML to clients asking for XML, but lets wildcards stand for canonical media types only', () => {
    expect(negotiateRdfFormat('application/xml')).toBe('application/rdf+xml');
    expect(negotiateRdfFormat('text/xml')).toBe('application/rdf+xml');
    expect(negotiateRdfFormat('text/*')).toBe('text/turtle');
    expect(negotiateRdfFormat('text/*;q=0, */*;q=0.5')).toBe('application/ld+json');
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

describe('prefersPage', () => {
  const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';

  it('gives browsers the web page', () => {
    expect(prefersPage(browser)).toBe(true);
    expect(prefersPage('text/html')).toBe(true);
    expect(prefersPage('application/xhtml+xml, text/turtle;q=0.5')).toBe(true);
  });

  it('keeps RDF for harvesters, wildcards, ties and an explicit format', () => {
    expect(prefersPage(undefined)).toBe(false);
    expect(prefersPage('*/*')).toBe(false);
    expect(prefersPage('text/turtle')).toBe(false);
    expect(prefersPage('text/turtle, text/html')).toBe(false);
    expect(prefersPage('text/html;q=0.5, application/ld+json')).toBe(false);
    expect(prefersPage('text/*')).toBe(false);
    expect(prefersPage(browser, 'ttl')).toBe(false);
  });
});

describe('namesRdf', () => {
  it('is true for clients that name an RDF format or give ?format=', () => {
    expect(namesRdf('text/turtle')).toBe(true);
    expect(namesRdf('application/ld+json;q=0.9, */*;q=0.1')).toBe(true);
    expect(namesRdf('text/html;q=0.5, application/n-triples')).toBe(true);
    expect(namesRdf('text/html', 'ttl')).toBe(true);
  });

  it('is false for browsers, wildcards, no preference, formats refused with q=0, and XML or JSON in general', () => {
    expect(namesRdf('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(false);
    expect(namesRdf('*/*')).toBe(false);
    expect(namesRdf('text/*')).toBe(false);
    expect(namesRdf(undefined)).toBe(false);
    expect(namesRdf('text/turtle;q=0, */*')).toBe(false);
    expect(namesRdf('application/json')).toBe(false);
  });
});
