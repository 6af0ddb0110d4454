import { readFile } from 'node:fs/promises';
import { test } from 'vitest';
import { parse, serialize } from '../../src/dcat/rdf-formats.js';
import { validate } from '../../src/dcat/shacl.js';
import { prefixes } from '../../src/dcat/namespaces.js';

test('smoke', async () => {
  const text = await readFile('data/standards/dcat-ap/examples/example-bee-population.ttl', 'utf8');
  const quads = await parse(text, 'text/turtle');
  for (const f of ['text/turtle', 'application/ld+json', 'application/rdf+xml', 'application/n-triples'] as const) {
    console.log(await serialize(quads, f, prefixes));
  }
  console.log(JSON.stringify(await validate(quads, 'dcat-ap-3'), null, 1));
  console.log(JSON.stringify(await validate(quads, 'healthdcat-ap'), null, 1));
});
