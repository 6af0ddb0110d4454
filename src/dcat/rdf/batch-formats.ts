import type * as RDF from '@rdfjs/types';
import { type TermSyntax, TextGraph, type TextNode } from './graph.js';
import { nTriplesIri, nTriplesSyntax, rememberedIris, writeIri, writeLiteral } from './n-triples.js';
import { type Utf8Text, encodeChunk } from './utf8-text.js';

/*
 * Whole-catalogue exports, a batch at a time. Kept out of serialize.ts, whose JSON-LD and RDF/XML writers
 * would load their libraries into every export thread (jsonld alone adds about 9 MiB to a thread's heap).
 */

/**
 * How an export writes one RDF format: the document's header, then each batch of its triples described into
 * a TextGraph in the format's syntax and encoded as one chunk of UTF-8 (no quads, no general-purpose
 * writer and no document-sized string in between: an export writes millions of triples).
 */
export interface RdfBatchFormat {
  /** What the document starts with (Turtle's prefixes). */
  readonly header: string;
  /** The format's graph, emptied, for the next batch's triples (one batch is described at a time). */
  graph(): TextGraph;
  /**
   * A batch's text as a chunk of its own: of every node, or of `nodes` (in that order), each with the statements
   * `keep` keeps, if given (a node left with none is left out).
   */
  encode(graph: TextGraph, nodes?: readonly TextNode[], keep?: (statement: number) => boolean): Buffer<ArrayBuffer>;
}

export function nTriplesBatches(): RdfBatchFormat {
  const graph = new TextGraph(nTriplesSyntax);
  return {
    header: '',
    graph: () => (graph.clear(), graph),
    encode: (graph, nodes, keep) => encodeChunk((out) => {
      const text = graph.text;
      forEach(graph, nodes, (node) => {
        for (let k = node.first; k !== -1; k = graph.nextStatement(k)) {
          if (keep && !keep(k)) continue;
          out.addBytes(text, node.subjectStart, node.subjectEnd);
          out.addByte(SPACE);
          out.addBytes(text, graph.statementStart(k), graph.statementEnd(k));
          out.addAscii(' .\n');
        }
      });
    }),
  };
}

function forEach(graph: TextGraph, nodes: readonly TextNode[] | undefined, visit: (node: TextNode) => void): void {
  if (nodes) nodes.forEach(visit);
  else graph.forEachNode(visit);
}

/** Turtle: a block per subject, prefixed names where a prefix fits, `a` for rdf:type, objects of one predicate listed with commas. */
export function turtleBatches(prefixes: Record<string, string>): RdfBatchFormat {
  const graph = new TextGraph(new TurtleSyntax(prefixes));
  return {
    header: Object.entries(prefixes).map(([prefix, namespace]) => `@prefix ${prefix}: ${nTriplesIri(namespace)}.\n`).join('') + '\n',
    graph: () => (graph.clear(), graph),
    encode: (graph, nodes, keep) => encodeChunk((out) => {
      const text = graph.text;
      const predicateLength = (k: number): number => graph.statementSplit(k) - graph.statementStart(k);
      forEach(graph, nodes, (node) => {
        let previous = -1;
        for (let k = node.first; k !== -1; k = graph.nextStatement(k)) {
          if (keep && !keep(k)) continue;
          const length = predicateLength(k);
          if (previous === -1) {
            out.addBytes(text, node.subjectStart, node.subjectEnd);
            out.addByte(SPACE);
            out.addBytes(text, graph.statementStart(k), graph.statementEnd(k));
          } else if (predicateLength(previous) === length && text.same(graph.statementStart(previous), graph.statementStart(k), length)) {
            // The object after a comma: the statement's text from the space before its object.
            out.addByte(COMMA);
            out.addBytes(text, graph.statementSplit(k), graph.statementEnd(k));
          } else {
            out.addAscii(';\n    ');
            out.addBytes(text, graph.statementStart(k), graph.statementEnd(k));
          }
          previous = k;
        }
        if (previous !== -1) out.addAscii('.\n');
      });
    }),
  };
}

const COMMA = 0x2c;
const SPACE = 0x20;

/** Turtle terms: prefixed names where a prefix fits, `a` for rdf:type. */
class TurtleSyntax implements TermSyntax {
  /** Prefix by namespace; our namespaces all end in / or #, so a name's namespace is found by one cut. */
  private readonly prefixOf: Map<string, string>;

  /** Predicates and datatypes, which recur in every block. */
  private readonly vocabularyIri = rememberedIris((iri) => {
    const cut = localNameStart(iri);
    const prefix = this.prefixFor(iri, cut);
    return prefix === undefined ? nTriplesIri(iri) : `${prefix}:${iri.slice(cut)}`;
  });

  constructor(prefixes: Record<string, string>) {
    this.prefixOf = new Map(Object.entries(prefixes).map(([prefix, namespace]) => [namespace, prefix]));
  }

  subject(term: RDF.Quad_Subject, text: Utf8Text): void {
    if (term.termType === 'NamedNode') this.writeIri(term.value, text);
    else nTriplesSyntax.subject(term, text);
  }

  predicate(term: RDF.NamedNode, text: Utf8Text): void {
    text.add(term.value === RDF_TYPE ? 'a' : this.vocabularyIri(term.value));
  }

  object(term: RDF.Quad_Object, text: Utf8Text): void {
    switch (term.termType) {
      case 'NamedNode':
        return this.writeIri(term.value, text);
      case 'Literal':
        return writeLiteral(term, text, this.vocabularyIri);
      default:
        return nTriplesSyntax.object(term, text);
    }
  }

  private writeIri(iri: string, text: Utf8Text): void {
    const cut = localNameStart(iri);
    const prefix = this.prefixFor(iri, cut);
    if (prefix === undefined) return writeIri(iri, text);
    text.add(prefix);
    text.addByte(COLON);
    text.add(iri.slice(cut));
  }

  /** The prefix `iri` is written with (its local name starting at `cut`), or undefined for a full IRI. */
  private prefixFor(iri: string, cut: number): string | undefined {
    const prefix = cut > 0 ? this.prefixOf.get(iri.slice(0, cut)) : undefined;
    return prefix !== undefined && LOCAL_NAME.test(iri.slice(cut)) ? prefix : undefined;
  }
}

const localNameStart = (iri: string): number => Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1;
const COLON = 0x3a;

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
// A subset of Turtle's PN_LOCAL that needs no escaping (no dots, no percent signs, no colons).
const LOCAL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

