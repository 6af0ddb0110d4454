import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';

/** A data factory whose labelled blank nodes are scoped to one document. */
export function documentScopedFactory(): RDF.DataFactory<RDF.Quad> {
  const byLabel = new Map<string, RDF.BlankNode>();
  return {
    ...DataFactory,
    blankNode(label?: string): RDF.BlankNode {
      if (label === undefined) return DataFactory.blankNode();
      let node = byLabel.get(label);
      if (!node) {
        node = DataFactory.blankNode();
        byLabel.set(label, node);
      }
      return node;
    },
  };
}
