import { execute } from './client';
import { DiseaseSuggestions } from './queries';

/**
 * Names of disease codes (MONDO:0018874 -> acute myeloid leukemia) for consent restrictions and chosen
 * diseases: those answers already carried (suggestions, facet buckets, a cohort's diseases), else asked of
 * the vocabulary once per code and page.
 */
class DiseaseNames {
  #names = $state<Record<string, string>>({});
  #asked = new Set<string>();

  learn(terms: { id: string; label: string | null | undefined }[]): void {
    for (const { id, label } of terms) if (label && !(id in this.#names)) this.#names[id] = label;
  }

  /** The code's name; the code itself until it is known, and for a code the vocabulary lacks (ICD-10, Orphanet). */
  nameOf(code: string): string {
    const name = this.#names[code];
    if (name === undefined && !this.#asked.has(code)) {
      this.#asked.add(code);
      execute(DiseaseSuggestions, { query: code, first: 8 }).then(
        ({ diseaseTerms }) => {
          this.#names[code] = diseaseTerms.find((term) => term.id === code)?.label ?? code;
        },
        // A failed question is asked again by the next page that needs the name.
        () => this.#asked.delete(code),
      );
    }
    return name ?? code;
  }
}

export const diseaseNames = new DiseaseNames();
