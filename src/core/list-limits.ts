import { CONTENT_LANGUAGES } from './languages.js';
import type { Problem } from './problems.js';

const KEYWORDS_PER_LANGUAGE = 100;
/** Room for the rules to name every wrong entry of a text's translations (rarely more than a few). */
const TRANSLATIONS = 10;

/**
 * Most items each list a record holds may have, by the name of the field holding it (the same name in every
 * record kind, in GraphQL inputs, import files and harvested records). Generous for real catalogues, yet
 * bounded so that one record, and a page of records (the query cost counts these sizes: graphql/limits.ts,
 * /dcat page sizes: dcat/http/hydra-paging.ts), stays small. README, "Security model", lists them.
 */
export const LIST_LIMITS: Readonly<Record<string, number>> = {
  // A whole-genome release split per chromosome (25) times its kinds of file (VCF, index, checksum, CRAM per
  // region) comes to a few hundred; per-sample files belong in the data, not in the catalogue record.
  distributions: 500,
  formats: 20,
  // Routes seen in practice take two to five steps (ethics approval, DAC, disclosure review, agreement, HDAB permit).
  steps: 20,
  languages: 20,
  // Accessions of the same data in EGA, dbGaP, biobank registers and earlier DOIs: a handful.
  otherIdentifiers: 50,
  keywords: KEYWORDS_PER_LANGUAGE,
  keywordTranslations: KEYWORDS_PER_LANGUAGE * CONTENT_LANGUAGES.length,
  // One per content language, which the rules check item by item (naming the language given twice or unknown).
  titleTranslations: TRANSLATIONS,
  descriptionTranslations: TRANSLATIONS,
  nameTranslations: TRANSLATIONS,
  // The seven regions, their biobanks and university hospitals, with room for national collaborations.
  dataHolders: 50,
  contributors: 100,
  funders: 50,
  participatingOrganisations: 100,
  publications: 200,
  // A rare-disease programme codes hundreds of diagnoses, and its phenotypes in HPO.
  diseases: 500,
  phenotypes: 500,
  healthConditions: 500,
  sampleTypes: 20,
  variantTypes: 20,
  assays: 20,
  // DUO has about twenty modifiers, each given once.
  duoModifiers: 30,
  diseaseRestrictions: 100,
  legalBases: 20,
  nationalLegalBasis: 20,
  ethicsApprovals: 50,
  roles: 20,
  comparators: 20,
  outcomeMeasures: 50,
  modelTypes: 20,
  sensitivityAnalyses: 50,
  results: 200,
  evaluatedDatasets: 100,
  evaluatedStudies: 100,
  // What a harvested dataset's source states beyond the record's fields (datasets/source-description.ts).
  themes: 50,
  spatial: 50,
};

/** Most items of a list a record holds whose field is not named in LIST_LIMITS: every list is bounded. */
export const DEFAULT_LIST_LIMIT = 100;

export function listLimitOf(name: string): number {
  return Object.hasOwn(LIST_LIMITS, name) ? LIST_LIMITS[name]! : DEFAULT_LIST_LIMIT;
}

/**
 * Every list in a record's input (at any depth) longer than its field allows (LIST_LIMITS), named by its path
 * under `path`. The items of an oversized list are not looked into: one problem each, not one per item.
 */
export function listSizeProblems(value: unknown, path: string): Problem[] {
  const problems: Problem[] = [];
  collectListSizeProblems(value, path ? [path] : [], path, problems);
  return problems;
}

/** The walk of listSizeProblems; the path is kept as its parts and joined only for a problem (nearly every list is fine). */
function collectListSizeProblems(value: unknown, path: string[], name: string, problems: Problem[]): void {
  if (Array.isArray(value)) {
    const limit = listLimitOf(name);
    if (value.length > limit) {
      problems.push({ field: path.join(''), message: `at most ${limit} items; got ${value.length}`, code: 'INVALID' });
      return;
    }
    for (let index = 0; index < value.length; index++) {
      if (value[index] === null || typeof value[index] !== 'object') continue;
      path.push(`[${index}]`);
      collectListSizeProblems(value[index], path, name, problems);
      path.pop();
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = (value as Record<string, unknown>)[key];
      if (item === null || typeof item !== 'object') continue;
      path.push(path.length > 0 ? `.${key}` : key);
      collectListSizeProblems(item, path, key, problems);
      path.pop();
    }
  }
}
