import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { DescriptionParts } from '../../src/dcat/description-parts.js';
import { TextGraph } from '../../src/dcat/rdf/graph.js';
import { nTriplesSyntax } from '../../src/dcat/rdf/n-triples.js';

const { namedNode, literal } = DataFactory;
const CATALOG = 'http://gdcat.test/dcat/catalog';
const DATASET = (n: number) => `http://gdcat.test/dcat/datasets/d${n}`;
const ORG = 'http://gdcat.test/dcat/organisations/region';
const TERM = 'http://purl.obolibrary.org/obo/MONDO_0005233';
const p = (name: string) => namedNode(`http://example.org/${name}`);

/** Two datasets naming one organisation (with its record and contact point) and one term, as a batch's graph. */
function batchGraph(extra?: (graph: TextGraph) => void): TextGraph {
  const graph = new TextGraph(nTriplesSyntax);
  const add = (s: string, predicate: string, o: string) => graph.add(namedNode(s), p(predicate), o.startsWith('http') ? namedNode(o) : literal(o));
  for (const n of [1, 2]) {
    add(DATASET(n), 'publisher', ORG);
    add(`${DATASET(n)}#record`, 'primaryTopic', DATASET(n));
    add(CATALOG, 'record', `${DATASET(n)}#record`);
  }
  add(DATASET(1), 'theme', TERM);
  add(ORG, 'name', 'Region');
  add(ORG, 'contactPoint', `${ORG}#contact`);
  add(`${ORG}#contact`, 'email', 'mailto:region@example.org');
  add(`${ORG}#record`, 'primaryTopic', ORG);
  add(TERM, 'label', 'lung cancer');
  extra?.(graph);
  return graph;
}

const owner = (subject: string) => (subject.startsWith(DATASET(1)) ? 'd1' : subject.startsWith(DATASET(2)) ? 'd2' : undefined);
const keys = (nodes: Iterable<{ key: string }>) => [...nodes].map((node) => node.key).sort();

describe('DescriptionParts: a batch of descriptions taken apart by dataset', () => {
  it("gives each dataset its own nodes, the catalogue's statement about it, and every shared node it leads to", () => {
    const parts = new DescriptionParts(batchGraph(), owner, CATALOG);
    expect(keys(parts.own.get('d1')!)).toEqual([DATASET(1), `${DATASET(1)}#record`]);
    expect(parts.catalogStatements.get('d1')!.size).toBe(1);
    expect(parts.catalogStatements.get('d2')!.size).toBe(1);
    // The organisation's contact point through the organisation, its record by its name.
    expect(keys(parts.reachedFrom('d1'))).toEqual([TERM, ORG, `${ORG}#contact`, `${ORG}#record`].sort());
    expect(keys(parts.reachedFrom('d2'))).toEqual([ORG, `${ORG}#contact`, `${ORG}#record`].sort());
    expect(() => parts.checkWhole()).not.toThrow();
  });

  it('refuses a graph it would lose statements of: a shared node about a dataset, one no dataset leads to, a catalogue statement about none', () => {
    const aboutDataset = new DescriptionParts(batchGraph((graph) => graph.add(namedNode(ORG), p('publishes'), namedNode(DATASET(1)))), owner, CATALOG);
    for (const n of [1, 2]) aboutDataset.reachedFrom(`d${n}`);
    expect(() => aboutDataset.checkWhole()).toThrow(`${ORG}: it states something about a dataset`);

    const stray = new DescriptionParts(batchGraph((graph) => graph.add(namedNode('http://example.org/stray'), p('label'), literal('stray'))), owner, CATALOG);
    for (const n of [1, 2]) stray.reachedFrom(`d${n}`);
    expect(() => stray.checkWhole()).toThrow('http://example.org/stray: no dataset leads to it');

    expect(() => new DescriptionParts(batchGraph((graph) => graph.add(namedNode(CATALOG), p('title'), literal('Catalogue'))), owner, CATALOG)).toThrow(
      `${CATALOG}: it states something about no dataset`,
    );
  });
});
