import { execute } from './client';
import type { DuoTermsQuery } from './graphql/generated/graphql';
import { label } from './i18n.svelte';
import { DuoTerms } from './queries';

export type DuoTerm = DuoTermsQuery['duoTerms'][number];

/** The pinned DUO release as the API serves it, loaded once per page. */
class DuoVocabulary {
  terms = $state<DuoTerm[]>([]);
  #loading: Promise<void> | null = null;

  /** Resolves once the terms are here; a failed load is forgotten, so the next page asks again. */
  load(): Promise<void> {
    this.#loading ??= execute(DuoTerms, {}).then(
      (data) => {
        this.terms = data.duoTerms;
      },
      (problem: unknown) => {
        this.#loading = null;
        throw problem;
      },
    );
    return this.#loading;
  }

  find(code: string): DuoTerm | undefined {
    const wanted = code.trim().toUpperCase();
    return this.terms.find((term) => term.code === wanted || term.shorthand?.toUpperCase() === wanted);
  }
}

export const duo = new DuoVocabulary();

/** A DUO term in plain words in the interface language, with its shorthand and CURIE for the expert. */
export function duoName(code: string): string {
  const term = duo.find(code);
  if (!term) return code;
  const plain = term.shorthand ? label('Duo', term.shorthand) : term.label;
  return plain === term.shorthand ? term.label : plain;
}

export function duoCodeText(code: string): string {
  const term = duo.find(code);
  return term?.shorthand ? `${term.shorthand}, ${term.code}` : code;
}
