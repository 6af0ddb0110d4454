import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { nTriplesVocabularyIri, nTriplesTerm } from './n-triples.js';
import { Utf8Text } from './utf8-text.js';

const { quad } = DataFactory;

/** Where a description's triples go: a Graph of terms for a document, a TextGraph for an export. */
export interface Triples {
  add(subject: RDF.Quad_Subject, predicate: RDF.NamedNode, object: RDF.Quad_Object): void;
}

/** A node's statements, keyed by their predicate and object in N-Triples (each triple once). */
interface SubjectStatements {
  readonly subject: RDF.Quad_Subject;
  readonly statements: Map<string, readonly [RDF.NamedNode, RDF.Quad_Object]>;
}

/** The key of a subject: a blank node and an IRI may share a value; they are different subjects. */
export const subjectKey = (subject: RDF.Quad_Subject): string => (subject.termType === 'NamedNode' ? subject.value : `_:${subject.value}`);

/**
 * The triples of one document, each once, grouped by subject in the order subjects first appear (so Turtle
 * writes each node as one block): what the DCAT pages and documents serialise.
 */
export class Graph implements Triples {
  private readonly bySubject = new Map<string, SubjectStatements>();

  add(subject: RDF.Quad_Subject, predicate: RDF.NamedNode, object: RDF.Quad_Object): void {
    const key = subjectKey(subject);
    let node = this.bySubject.get(key);
    if (!node) {
      node = { subject, statements: new Map() };
      this.bySubject.set(key, node);
    }
    const statement = `${nTriplesVocabularyIri(predicate.value)} ${nTriplesTerm(object)}`;
    if (!node.statements.has(statement)) node.statements.set(statement, [predicate, object]);
  }

  get quads(): RDF.Quad[] {
    const quads: RDF.Quad[] = [];
    for (const { subject, statements } of this.bySubject.values()) {
      for (const [predicate, object] of statements.values()) quads.push(quad(subject, predicate, object));
    }
    return quads;
  }
}

/** How a TextGraph writes terms into its text: the syntax of one RDF format (N-Triples, Turtle). */
export interface TermSyntax {
  subject(term: RDF.Quad_Subject, text: Utf8Text): void;
  predicate(term: RDF.NamedNode, text: Utf8Text): void;
  object(term: RDF.Quad_Object, text: Utf8Text): void;
}

/** A subject of a TextGraph and its statements, which are linked in the order first stated. */
export interface TextNode {
  /** The subject as subjectKey gives it. */
  readonly key: string;
  /** The subject's text: bytes `subjectStart` to `subjectEnd` of the graph's text. */
  readonly subjectStart: number;
  readonly subjectEnd: number;
  /** The first and last of its statements, -1 while it has none. */
  first: number;
  last: number;
}

/**
 * The triples of one document as text in one syntax, each once, grouped by subject in the order subjects
 * first appear: what an export writes. Each statement ("predicate object") is kept as UTF-8 in one buffer
 * and indexed by typed arrays, outside the JavaScript heap: a batch of an export holds its thousands of
 * statements until its text is written, and as strings in sets they were most of what every garbage
 * collection had to copy. The same triple gives the same text, so a triple stated twice is kept once.
 */
export class TextGraph implements Triples {
  /** Every subject's and statement's text. */
  readonly text = new Utf8Text();
  private readonly nodes: TextNode[] = [];
  private readonly nodeOf = new Map<string, TextNode>();
  // A description states one node's properties one after the other.
  private lastSubject: RDF.Quad_Subject | null = null;
  private lastNode: TextNode | null = null;

  // Statement k: its text is bytes start[k] to end[k], the predicate's ending at split[k]; owner[k] is its
  // node's subjectStart (unique per node), next[k] the node's following statement or -1.
  private count = 0;
  private start = new Int32Array(1024);
  private split = new Int32Array(1024);
  private end = new Int32Array(1024);
  private owner = new Int32Array(1024);
  private next = new Int32Array(1024);
  /** Open addressing: statement k + 1 in the slot of its hash (or the next free one), 0 in a free slot. */
  private slots = new Int32Array(2048);

  constructor(private readonly syntax: TermSyntax) {}

  add(subject: RDF.Quad_Subject, predicate: RDF.NamedNode, object: RDF.Quad_Object): void {
    const node = subject === this.lastSubject && this.lastNode ? this.lastNode : this.nodeFor(subject);
    const text = this.text;
    const start = text.length;
    this.syntax.predicate(predicate, text);
    const split = text.length;
    text.addByte(SPACE);
    this.syntax.object(object, text);
    const end = text.length;
    const mask = this.slots.length - 1;
    let slot = text.hash(start, end, node.subjectStart) & mask;
    for (let found = this.slots[slot]!; found !== 0; found = this.slots[slot]!) {
      const k = found - 1;
      if (this.owner[k] === node.subjectStart && this.end[k]! - this.start[k]! === end - start && text.same(this.start[k]!, start, end - start)) {
        text.length = start;
        return;
      }
      slot = (slot + 1) & mask;
    }
    const k = this.count++;
    if (k === this.start.length) this.growStatements();
    this.start[k] = start;
    this.split[k] = split;
    this.end[k] = end;
    this.owner[k] = node.subjectStart;
    this.next[k] = -1;
    this.slots[slot] = k + 1;
    if (node.last === -1) node.first = k;
    else this.next[node.last] = k;
    node.last = k;
    if (2 * this.count > this.slots.length) this.rehash();
  }

  /** Each subject with its statements, in the order subjects first appeared. */
  forEachNode(visit: (node: TextNode) => void): void {
    this.nodes.forEach(visit);
  }

  /** Empties the graph, keeping its memory for the next batch. */
  clear(): void {
    this.text.length = 0;
    this.nodes.length = 0;
    this.nodeOf.clear();
    this.lastSubject = null;
    this.lastNode = null;
    this.count = 0;
    this.slots.fill(0);
  }

  /** Statement `k`'s text is bytes `start(k)` to `end(k)`; its object's starts at `split(k) + 1`. */
  statementStart(k: number): number {
    return this.start[k]!;
  }

  statementSplit(k: number): number {
    return this.split[k]!;
  }

  statementEnd(k: number): number {
    return this.end[k]!;
  }

  /** A node's subject as written; an IRI written as an object is the same text. */
  subjectText(node: TextNode): string {
    return this.text.bytes.toString('utf8', node.subjectStart, node.subjectEnd);
  }

  /** Statement `k`'s object as written, or null for a literal (which no subject's text can be). */
  objectText(k: number): string | null {
    const start = this.split[k]! + 1;
    return this.text.bytes[start] === QUOTE ? null : this.text.bytes.toString('utf8', start, this.end[k]!);
  }

  /** The statement after `k` of the same subject, or -1. */
  nextStatement(k: number): number {
    return this.next[k]!;
  }

  private nodeFor(subject: RDF.Quad_Subject): TextNode {
    const key = subjectKey(subject);
    let node = this.nodeOf.get(key);
    if (!node) {
      const subjectStart = this.text.length;
      this.syntax.subject(subject, this.text);
      node = { key, subjectStart, subjectEnd: this.text.length, first: -1, last: -1 };
      this.nodes.push(node);
      this.nodeOf.set(key, node);
    }
    this.lastSubject = subject;
    this.lastNode = node;
    return node;
  }

  private growStatements(): void {
    const grown = (column: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const larger = new Int32Array(2 * column.length);
      larger.set(column);
      return larger;
    };
    this.start = grown(this.start);
    this.split = grown(this.split);
    this.end = grown(this.end);
    this.owner = grown(this.owner);
    this.next = grown(this.next);
  }

  private rehash(): void {
    this.slots = new Int32Array(2 * this.slots.length);
    const mask = this.slots.length - 1;
    for (let k = 0; k < this.count; k++) {
      let slot = this.text.hash(this.start[k]!, this.end[k]!, this.owner[k]!) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = k + 1;
    }
  }
}

const SPACE = 0x20;
const QUOTE = 0x22;
