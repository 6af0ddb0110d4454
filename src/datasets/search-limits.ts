import { SEARCH_TEXT_MAX_BYTES, SEARCH_TERM_MAX_BYTES } from '../config.js';
import type { Problems } from '../core/problems.js';
import { normaliseDiseaseId } from '../ontology/disease-hierarchy.js';
import type { Dataset } from './dataset.entity.js';
import type { DatasetInput, DatasetPatch } from './dataset.inputs.js';

/**
 * Refuses, when a dataset is saved, values the search engines could not index (src/config.ts explains the
 * limits): accepted input never reaches an engine's limit, so indexing never has to set a dataset aside for
 * its content. Only the fields given in this input are checked, so an old record does not block unrelated
 * edits.
 */
export function checkSearchLimits(problems: Problems, input: DatasetPatch | DatasetInput, dataset: Dataset): void {
  const term = (field: string, value: string | null | undefined) => {
    const bytes = Buffer.byteLength(value ?? '', 'utf8');
    if (bytes > SEARCH_TERM_MAX_BYTES) {
      problems.add(field, `is ${bytes} bytes long; search can index at most ${SEARCH_TERM_MAX_BYTES} bytes (UTF-8) here`);
    }
  };
  if ('identifier' in input && input.identifier != null) term('input.identifier', dataset.identifier);
  // Titles are also a sort key, one term.
  if (input.title != null) term('input.title', dataset.title);
  input.cohort?.diseases?.forEach((disease, i) => term(`input.cohort.diseases[${i}].iri`, normaliseDiseaseId(disease.iri)));
  if (input.cohort?.genomeBuild) term('input.cohort.genomeBuild.name', input.cohort.genomeBuild.name);

  const cohort = dataset.cohort;
  const texts = [
    dataset.title,
    dataset.description,
    ...dataset.keywords,
    ...(cohort?.diseases ?? []).map((d) => d.label ?? ''),
    ...(cohort?.phenotypes ?? []).map((p) => p.label ?? ''),
  ];
  const textBytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text ?? '', 'utf8'), 0);
  if (textBytes > SEARCH_TEXT_MAX_BYTES) {
    problems.add('input', `title, description, keywords and disease and phenotype labels come to ${textBytes} bytes; search can index at most ${SEARCH_TEXT_MAX_BYTES} bytes (UTF-8) of text per dataset`);
  }
}
