import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';

/*
 * The terms the catalogue's descriptions are made of: RDF/JS terms that hold their value, language and
 * datatype as plain fields. (n3's terms keep one id string, e.g. `"text"@en`, built for every literal and
 * parsed again, with new strings and a new datatype node, for every value, language or datatype read; an
 * export writes millions of them.) They work with every RDF/JS consumer: n3's writer and store, JSON-LD,
 * RDF/XML and the SHACL validator.
 */

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

class NamedNodeTerm implements RDF.NamedNode {
  readonly termType = 'NamedNode';

  constructor(readonly value: string) {}

  equals(other: RDF.Term | null | undefined): boolean {
    return !!other && other.termType === 'NamedNode' && other.value === this.value;
  }
}

class LiteralTerm implements RDF.Literal {
  readonly termType = 'Literal';

  constructor(
    readonly value: string,
    readonly language: string,
    readonly datatype: RDF.NamedNode,
  ) {}

  equals(other: RDF.Term | null | undefined): boolean {
    return (
      !!other && other.termType === 'Literal' && other.value === this.value && other.language === this.language
      && other.datatype.equals(this.datatype)
    );
  }
}

const xsdString = new NamedNodeTerm(XSD_STRING);
const rdfLangString = new NamedNodeTerm(RDF_LANG_STRING);

export function namedNode(iri: string): RDF.NamedNode {
  return new NamedNodeTerm(iri);
}

/**
 * A plain string, a language-tagged string (the tag in lower case, as n3 writes it: RDF compares tags
 * case-insensitively) or a typed literal.
 */
export function literal(value: string, languageOrDatatype?: string | RDF.NamedNode): RDF.Literal {
  if (typeof languageOrDatatype === 'string') return new LiteralTerm(value, languageOrDatatype.toLowerCase(), rdfLangString);
  return new LiteralTerm(value, '', languageOrDatatype ?? xsdString);
}

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
