import type * as RDF from '@rdfjs/types';
import type { TermSyntax } from './graph.js';
import type { Utf8Text } from './utf8-text.js';

/*
 * Terms as N-Triples / Turtle text (RDF 1.1 N-Triples, sections 2.3-2.4): what the streamed export writes,
 * term by term, without building quads for a general-purpose writer.
 */

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

// IRIREF excludes these; they are written as \u escapes (UCHAR), which every reader decodes back.
const IRI_ESCAPED = /[\u0000-\u0020<>"{}|^`\\]/;
const IRI_ESCAPED_ALL = /[\u0000-\u0020<>"{}|^`\\]/g;
// STRING_LITERAL_QUOTE excludes ", \, line feed and carriage return; other control characters are escaped for readability.
const STRING_ESCAPED = /[\u0000-\u001f"\\\u007f]/;
const STRING_ESCAPED_ALL = /[\u0000-\u001f"\\\u007f]/g;
const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

const uchar = (character: string): string => `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

export function nTriplesIri(iri: string): string {
  return IRI_ESCAPED.test(iri) ? `<${iri.replace(IRI_ESCAPED_ALL, uchar)}>` : `<${iri}>`;
}

/**
 * `text(iri)`, remembered for up to `limit` IRIs: predicates and datatypes come from a few vocabularies and
 * recur in every triple, so the export looks their text up instead of checking each character again.
 */
export function rememberedIris(text: (iri: string) => string, limit = 4096): (iri: string) => string {
  const known = new Map<string, string>();
  return (iri) => {
    let written = known.get(iri);
    if (written === undefined) {
      written = text(iri);
      if (known.size < limit) known.set(iri, written);
    }
    return written;
  };
}

/** A predicate's or datatype's N-Triples text. */
export const nTriplesVocabularyIri = rememberedIris(nTriplesIri);

/** A string in double quotes, escaped. */
export function quotedString(value: string): string {
  return STRING_ESCAPED.test(value) ? `"${value.replace(STRING_ESCAPED_ALL, (c) => SHORT_ESCAPES[c] ?? uchar(c))}"` : `"${value}"`;
}

/** A literal with its language tag or datatype (none for xsd:string), the datatype written by `iri`. */
export function literalText(literal: RDF.Literal, iri: (iri: string) => string): string {
  return quotedString(literal.value) + literalSuffix(literal, iri);
}

/** What follows a literal's quoted value: its language tag, or its datatype (none for xsd:string) written by `iri`. */
function literalSuffix(literal: RDF.Literal, iri: (iri: string) => string): string {
  if (literal.language) return `@${literal.language}`;
  const datatype = literal.datatype.value;
  return datatype === XSD_STRING ? '' : `^^${iri(datatype)}`;
}

export function nTriplesTerm(term: RDF.Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return nTriplesIri(term.value);
    case 'BlankNode':
      return `_:${term.value}`;
    case 'Literal':
      return literalText(term, nTriplesVocabularyIri);
    default:
      throw new Error(`Cannot write a ${term.termType} as an RDF term`);
  }
}

// An export writes terms straight into its text, piece by piece: a term's text made as one string first
// (`<${iri}>`) is a string of pieces that has to be copied flat before it can be encoded, for every term.

/** An IRI in angle brackets, escaped, into `text`. */
export function writeIri(iri: string, text: Utf8Text): void {
  if (IRI_ESCAPED.test(iri)) return text.add(nTriplesIri(iri));
  text.addByte(LESS_THAN);
  text.add(iri);
  text.addByte(GREATER_THAN);
}

/** A literal with its language tag or datatype (none for xsd:string) into `text`, the datatype written by `iri`. */
export function writeLiteral(literal: RDF.Literal, text: Utf8Text, iri: (iri: string) => string): void {
  const value = literal.value;
  if (STRING_ESCAPED.test(value)) text.add(quotedString(value));
  else {
    text.addByte(QUOTE);
    text.add(value);
    text.addByte(QUOTE);
  }
  text.add(literalSuffix(literal, iri));
}

function writeTerm(term: RDF.Term, text: Utf8Text): void {
  switch (term.termType) {
    case 'NamedNode':
      return writeIri(term.value, text);
    case 'BlankNode':
      text.add('_:');
      return text.add(term.value);
    case 'Literal':
      return writeLiteral(term, text, nTriplesVocabularyIri);
    default:
      throw new Error(`Cannot write a ${term.termType} as an RDF term`);
  }
}

const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const QUOTE = 0x22;

/** N-Triples terms, for a TextGraph an export writes as N-Triples. */
export const nTriplesSyntax: TermSyntax = {
  subject: writeTerm,
  predicate: (term, text) => text.add(nTriplesVocabularyIri(term.value)),
  object: writeTerm,
};
