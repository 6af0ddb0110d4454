import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';

const { quad } = DataFactory;

/**
 * The quads of one document, each triple once, grouped by subject in the order subjects first appear (so
 * Turtle writes each node as one block).
 */
export class Graph {
  private readonly bySubject = new Map<string, RDF.Quad[]>();
  private readonly keys = new Set<string>();

  add(subject: RDF.Quad_Subject, predicate: RDF.NamedNode, object: RDF.Quad_Object): void {
    const key = `${subject.value}\u0000${predicate.value}\u0000${termKey(object)}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const statements = this.bySubject.get(subject.value);
    if (statements) statements.push(quad(subject, predicate, object));
    else this.bySubject.set(subject.value, [quad(subject, predicate, object)]);
  }

  get quads(): RDF.Quad[] {
    return [...this.bySubject.values()].flat();
  }
}

function termKey(term: RDF.Quad_Object): string {
  return term.termType === 'Literal' ? `"${term.value}"@${term.language}^^${term.datatype.value}` : `<${term.value}>`;
}
