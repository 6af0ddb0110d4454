import type * as RDF from '@rdfjs/types';
import { rdf } from '../namespaces.js';

const key = (term: RDF.Term) => (term.termType === 'BlankNode' ? `_:${term.value}` : term.value);

/**
 * A parsed RDF document indexed by subject and predicate, for readers. It remembers which statements were
 * read, so what no reader understood can be counted instead of silently dropped.
 */
export class QuadIndex {
  private readonly bySubject = new Map<string, Map<string, RDF.Term[]>>();
  private readonly read = new Set<string>();
  /** Subjects by predicate and object, built for a predicate the first time a reader asks for it. */
  private readonly byObject = new Map<string, Map<string, RDF.Quad_Subject[]>>();

  constructor(readonly quads: readonly RDF.Quad[]) {
    for (const quad of quads) {
      const subject = key(quad.subject);
      let predicates = this.bySubject.get(subject);
      if (!predicates) this.bySubject.set(subject, (predicates = new Map()));
      const objects = predicates.get(quad.predicate.value);
      if (objects) objects.push(quad.object);
      else predicates.set(quad.predicate.value, [quad.object]);
    }
  }

  objects(subject: RDF.Term, predicate: RDF.NamedNode): RDF.Term[] {
    this.read.add(`${key(subject)}\u0000${predicate.value}`);
    return this.bySubject.get(key(subject))?.get(predicate.value) ?? [];
  }

  object(subject: RDF.Term, predicate: RDF.NamedNode): RDF.Term | null {
    return this.objects(subject, predicate)[0] ?? null;
  }

  /** The subjects that point at `object` with the predicate, in document order. */
  subjects(predicate: RDF.NamedNode, object: RDF.Term): RDF.Quad_Subject[] {
    let subjects = this.byObject.get(predicate.value);
    if (!subjects) {
      this.byObject.set(predicate.value, (subjects = new Map()));
      for (const quad of this.quads) {
        if (!quad.predicate.equals(predicate)) continue;
        const pointing = subjects.get(key(quad.object));
        if (pointing) pointing.push(quad.subject);
        else subjects.set(key(quad.object), [quad.subject]);
      }
    }
    return subjects.get(key(object)) ?? [];
  }

  /** The IRIs (named nodes) the subject points at with the predicate. */
  iris(subject: RDF.Term, predicate: RDF.NamedNode): string[] {
    return this.objects(subject, predicate).filter((term) => term.termType === 'NamedNode').map((term) => term.value);
  }

  iri(subject: RDF.Term, predicate: RDF.NamedNode): string | null {
    return this.iris(subject, predicate)[0] ?? null;
  }

  /**
   * A web address the subject points at: an IRI, or a literal holding an absolute http(s) URL (many catalogues
   * state dcat:accessURL and dcat:downloadURL as xsd:anyURI or plain literals).
   */
  url(subject: RDF.Term, predicate: RDF.NamedNode): string | null {
    const terms = this.objects(subject, predicate);
    const named = terms.find((term) => term.termType === 'NamedNode');
    if (named) return named.value;
    const stated = terms.filter((term) => term.termType === 'Literal').map((term) => term.value.trim());
    return stated.find((text) => /^https?:\/\/\S+$/i.test(text) && URL.canParse(text)) ?? null;
  }

  /** Literal values; with several languages, English (or untagged) ones first, so a reader taking one takes those. */
  literals(subject: RDF.Term, predicate: RDF.NamedNode): string[] {
    const literals = this.objects(subject, predicate).filter((term): term is RDF.Literal => term.termType === 'Literal');
    const rank = (literal: RDF.Literal) => (literal.language === '' ? 0 : literal.language.startsWith('en') ? 1 : 2);
    return [...literals].sort((a, b) => rank(a) - rank(b)).map((literal) => literal.value);
  }

  literal(subject: RDF.Term, predicate: RDF.NamedNode): string | null {
    return this.literals(subject, predicate)[0] ?? null;
  }

  integer(subject: RDF.Term, predicate: RDF.NamedNode): number | null {
    const text = this.literal(subject, predicate);
    return text != null && /^-?\d+$/.test(text.trim()) ? Number(text) : null;
  }

  number(subject: RDF.Term, predicate: RDF.NamedNode): number | null {
    const text = this.literal(subject, predicate);
    const value = text == null ? NaN : Number(text);
    return Number.isFinite(value) ? value : null;
  }

  hasType(subject: RDF.Term, type: RDF.NamedNode): boolean {
    return this.objects(subject, rdf('type')).some((term) => term.equals(type));
  }

  /** Every subject typed `type`, in document order. */
  subjectsOfType(type: RDF.NamedNode): RDF.Quad_Subject[] {
    const seen = new Set<string>();
    const subjects: RDF.Quad_Subject[] = [];
    for (const quad of this.quads) {
      if (quad.predicate.equals(rdf('type')) && quad.object.equals(type) && !seen.has(key(quad.subject))) {
        seen.add(key(quad.subject));
        subjects.push(quad.subject);
      }
    }
    return subjects;
  }

  /** Every statement about `subject`, as its predicate and object (read from the index, not the whole document). */
  *statements(subject: RDF.Term): Generator<[string, RDF.Term]> {
    for (const [predicate, objects] of this.bySubject.get(key(subject)) ?? []) for (const object of objects) yield [predicate, object];
  }

  /** Whether the document states anything about `subject` (or only points at it). */
  describes(subject: RDF.Term): boolean {
    return this.bySubject.has(key(subject));
  }

  /** Predicates stated about `subject` that no reader asked for. */
  unreadPredicates(subject: RDF.Term): string[] {
    const predicates = this.bySubject.get(key(subject));
    return predicates ? [...predicates.keys()].filter((predicate) => !this.read.has(`${key(subject)}\u0000${predicate}`)) : [];
  }
}
