import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { nTriplesVocabularyIri, nTriplesTerm } from './n-triples.js';

const { quad } = DataFactory;

/** A node's statements, keyed by their predicate and object in N-Triples (each triple once). */
export interface SubjectStatements {
  readonly subject: RDF.Quad_Subject;
  readonly statements: Map<string, readonly [RDF.NamedNode, RDF.Quad_Object]>;
}

/**
 * The triples of one document, each once, grouped by subject in the order subjects first appear (so Turtle
 * writes each node as one block). A triple's key is its N-Triples text, which a streamed export writes as
 * it is instead of building quads and handing them to a general-purpose writer.
 */
export class Graph {
  private readonly bySubject = new Map<string, SubjectStatements>();

  add(subject: RDF.Quad_Subject, predicate: RDF.NamedNode, object: RDF.Quad_Object): void {
    // A blank node and an IRI may share a value; they are different subjects.
    const subjectKey = subject.termType === 'NamedNode' ? subject.value : `_:${subject.value}`;
    let node = this.bySubject.get(subjectKey);
    if (!node) {
      node = { subject, statements: new Map() };
      this.bySubject.set(subjectKey, node);
    }
    const key = `${nTriplesVocabularyIri(predicate.value)} ${nTriplesTerm(object)}`;
    if (!node.statements.has(key)) node.statements.set(key, [predicate, object]);
  }

  /** Each subject with its statements, in the order subjects first appeared. */
  subjects(): IterableIterator<SubjectStatements> {
    return this.bySubject.values();
  }

  get quads(): RDF.Quad[] {
    const quads: RDF.Quad[] = [];
    for (const { subject, statements } of this.bySubject.values()) {
      for (const [predicate, object] of statements.values()) quads.push(quad(subject, predicate, object));
    }
    return quads;
  }
}
