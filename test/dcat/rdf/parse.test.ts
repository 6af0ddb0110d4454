import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/dcat/rdf/parse.js';
import { PARSE_SLICE_CHARS } from '../../../src/dcat/rdf/slices.js';
import type { RdfFormat } from '../../../src/dcat/rdf/formats.js';

const BASE = 'https://region.example.se/catalog';

/** A document of about three slices, its `count` statements' objects, and one literal holding 🧬 at a slice's end. */
function turtle(count: number): string {
  const lines = ['@prefix dct: <http://purl.org/dc/terms/> .'];
  for (let i = 0; i < count; i++) lines.push(`<#ds-${i}> dct:title "Dataset number ${i} of a large regional catalogue" .`);
  return lines.join('\n');
}

/** The same statements as RDF/XML. */
function rdfXml(count: number): string {
  const lines = ['<?xml version="1.0"?>', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">'];
  for (let i = 0; i < count; i++) lines.push(`<rdf:Description rdf:about="#ds-${i}"><dct:title>Dataset number ${i} of a large regional catalogue</dct:title></rdf:Description>`);
  lines.push('</rdf:RDF>');
  return lines.join('\n');
}

/**
 * Puts a character outside the BMP (two UTF-16 units) across the end of the first slice, inside a title: blank
 * space after the first line moves a title onto the slice's end, and its 11th character becomes 🧬.
 */
function withSplitCharacter(text: string): string {
  const at = text.lastIndexOf('Dataset number', PARSE_SLICE_CHARS - 11);
  const shift = PARSE_SLICE_CHARS - 1 - (at + 10);
  const lineEnd = text.indexOf('\n');
  const shifted = text.slice(0, lineEnd) + ' '.repeat(shift) + text.slice(lineEnd);
  const split = PARSE_SLICE_CHARS - 1;
  expect(shifted.slice(split - 10, split)).toBe('Dataset nu');
  return shifted.slice(0, split) + '🧬' + shifted.slice(split + 2);
}

describe('parse', () => {
  const documents: [RdfFormat, (count: number) => string][] = [['text/turtle', turtle], ['application/rdf+xml', rdfXml]];

  it.each(documents)('reads a large %s document a slice at a time, letting other work run between slices', async (format, write) => {
    const count = 12_000;
    const text = write(count);
    expect(text.length).toBeGreaterThan(2 * PARSE_SLICE_CHARS);
    let settled = false;
    const parsing = parse(text, format, BASE).then((quads) => ((settled = true), quads));
    // Another request's turn: it comes while the document is still being read, not after all of it.
    await setImmediate();
    expect(settled).toBe(false);
    const quads = await parsing;
    expect(quads).toHaveLength(count);
    expect(quads[count - 1]!.subject.value).toBe(`${BASE}#ds-${count - 1}`);
  });

  it.each(documents)('keeps a character the slicing splits whole, in %s', async (format, write) => {
    const text = withSplitCharacter(write(12_000));
    expect(text.charCodeAt(PARSE_SLICE_CHARS - 1)).toBe('🧬'.charCodeAt(0));
    const quads = await parse(text, format, BASE);
    const titles = quads.map((quad) => quad.object.value).filter((value) => value.includes('🧬'));
    expect(titles).toHaveLength(1);
    expect(titles[0]!.includes('\uFFFD')).toBe(false);
  });

  it('rejects a document whose error lies past the first slice, with the parser\'s message', async () => {
    const text = `${turtle(12_000)}\n<#broken> dct:title "no end .`;
    await expect(parse(text, 'text/turtle', BASE)).rejects.toThrow(/line 12002/);
    const xml = rdfXml(12_000).replace('</rdf:RDF>', '<rdf:Description rdf:about="#broken"></rdf:RDF>');
    await expect(parse(xml, 'application/rdf+xml', BASE)).rejects.toThrow();
  });
});
