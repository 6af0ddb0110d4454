import type { estypes } from '@elastic/elasticsearch';
import { textsInAllLanguages, type DatasetSearchDocument } from '../engine.js';
import { TEXT_FIELDS, VALUE_FACETS, foldToAscii } from '../query-model.js';

/**
 * The dataset index: settings, mapping and the document shape stored in it.
 *
 * It uses only what the core Elasticsearch server ships (the test cluster is the integ-test-zip distribution,
 * without the analysis-common module): the `standard` analyzer, keyword fields, and the built-in `lowercase`
 * normalizer. Accent-insensitivity therefore comes from `*Folded` fields that are folded to ASCII here, in
 * TypeScript (the query model's foldToAscii), with the query words folded the same way; the original texts are kept in _source only.
 * Typo tolerance is fuzzy matching at query time (fuzziness AUTO), which needs no analysis plugins.
 *
 * Languages: the folded fields hold the texts of every language the dataset has (Swedish and English), so a
 * word is found in whichever language it is written, exactly or with a typo; there is no stemming on a core-only
 * node. A full production cluster (with the analysis-common module) can also stem each language with the
 * built-in `swedish` and `english` analyzers: with `languageAnalyzers` (ELASTICSEARCH_LANGUAGE_ANALYZERS=true)
 * the index gets a `stemmed.sv` / `stemmed.en` object per language, analysed by those, and queries match them
 * too (README, "Languages"). A `synonym_graph` filter for disease vocabularies could be added the same way.
 */

/** A document as stored: the search document plus the fields derived for matching and sorting. */
/** The per-language texts are indexed through the folded (and stemmed) fields, not stored as they are. */
export interface IndexedDataset extends Omit<DatasetSearchDocument, 'texts'> {
  /**
   * Lower-cased title for case-insensitive sorting. Core does have the built-in `lowercase` normalizer, but
   * Lucene lower-cases a few characters differently from JavaScript; computing the key here makes it
   * byte-identical to the PostgreSQL engine's sort key.
   */
  titleSort: string;
  /** The folded texts of every language. */
  titleFolded: string[];
  keywordsFolded: string[];
  /** Disease and phenotype labels. */
  labelsFolded: string[];
  publisherNameFolded: string[];
  descriptionFolded: string[];
  /** Each language's texts as written, for its language analyzer; only with languageAnalyzers. */
  stemmed?: Record<string, StemmedTexts>;
  /**
   * The rounded cohort size again, as a nested object: a nested sort filters it by the request's threshold, so
   * the disclosed view's size sort takes a suppressed size for none without a script (see sortFor).
   */
  disclosableSize?: { rounded: number };
}

/** One language's texts, analysed by that language's analyzer. */
export interface StemmedTexts {
  title: string;
  keywords: string[];
  publisherName: string | null;
  description: string;
}

/** The built-in analyzer of each content language (in the analysis-common module). */
export const LANGUAGE_ANALYZERS: Record<string, string> = { sv: 'swedish', en: 'english' };

const unique = (values: string[]): string[] => [...new Set(values)];

/** The values of each list facet's field, without repeats (a bucket counts a dataset once). */
function listFacetValues(doc: DatasetSearchDocument): Partial<IndexedDataset> {
  return Object.fromEntries(
    VALUE_FACETS.filter((facet) => facet.multiValued).map((facet) => [facet.document, unique(doc[facet.document])]),
  );
}

export function toIndexedDataset(doc: DatasetSearchDocument, languageAnalyzers = false): IndexedDataset {
  const all = textsInAllLanguages(doc);
  const { texts: _indexedBelow, ...fields } = doc;
  return {
    ...fields,
    ...listFacetValues(doc),
    diseaseIds: unique(doc.diseaseIds),
    titleSort: doc.title.toLowerCase(),
    titleFolded: all.titles.map(foldToAscii),
    keywordsFolded: all.keywords.map(foldToAscii),
    labelsFolded: [...doc.diseaseLabels, ...doc.phenotypeLabels].map(foldToAscii),
    publisherNameFolded: all.publisherNames.map(foldToAscii),
    descriptionFolded: all.descriptions.map(foldToAscii),
    ...(languageAnalyzers ? { stemmed: stemmedTexts(doc) } : {}),
    ...(doc.individualsRounded === null ? {} : { disclosableSize: { rounded: doc.individualsRounded } }),
  };
}

function stemmedTexts(doc: DatasetSearchDocument): Record<string, StemmedTexts> {
  const texts = doc.texts.filter((t) => t.language in LANGUAGE_ANALYZERS);
  return Object.fromEntries(
    texts.map((t) => [t.language, { title: t.title, keywords: t.keywords, publisherName: t.publisherName, description: t.description }]),
  );
}

export const DATASET_INDEX_SETTINGS: estypes.IndicesIndexSettings = {
  // One shard keeps terms-aggregation counts exact and bucket order deterministic; a national catalogue
  // (hundreds of thousands of datasets) fits comfortably in one shard.
  number_of_shards: 1,
  // No replica on a single node, one as soon as a second node joins.
  auto_expand_replicas: '0-1',
};

const keyword: estypes.MappingProperty = { type: 'keyword' };
/** Kept in _source for reindexing and inspection; matching uses the folded copy. */
const sourceOnlyText: estypes.MappingProperty = { type: 'text', index: false };
/** Relevance uses constant per-field weights, so length norms are not needed. */
const matchedText: estypes.MappingProperty = { type: 'text', analyzer: 'standard', norms: false };

/** The texts of each language, with that language's analyzer (needs the analysis-common module). */
function stemmedMapping(): estypes.MappingProperty {
  const analysed = (analyzer: string): estypes.MappingProperty => ({ type: 'text', analyzer, norms: false });
  return {
    properties: Object.fromEntries(
      Object.entries(LANGUAGE_ANALYZERS).map(([language, analyzer]) => [
        language,
        { properties: Object.fromEntries(STEMMED_FIELDS.map((field) => [field, analysed(analyzer)])) },
      ]),
    ),
  };
}

/** Fields of StemmedTexts: the text fields held per language, weighted like their folded fields. */
export const STEMMED_FIELDS = TEXT_FIELDS.filter((field) => field.perLanguage).map((field) => field.field as keyof StemmedTexts);

export function datasetIndexMappings(languageAnalyzers: boolean): estypes.MappingTypeMapping {
  if (!languageAnalyzers) return DATASET_INDEX_MAPPINGS;
  return { ...DATASET_INDEX_MAPPINGS, properties: { ...DATASET_INDEX_MAPPINGS.properties, stemmed: stemmedMapping() } };
}

export const DATASET_INDEX_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    identifier: keyword,
    status: keyword,
    ownerOrganisationId: keyword,
    title: sourceOnlyText,
    titleSort: keyword,
    titleFolded: matchedText,
    description: sourceOnlyText,
    descriptionFolded: matchedText,
    keywords: sourceOnlyText,
    keywordsFolded: matchedText,
    publisherName: sourceOnlyText,
    publisherNameFolded: matchedText,
    diseaseIds: keyword,
    diseaseLabels: sourceOnlyText,
    phenotypeLabels: sourceOnlyText,
    labelsFolded: matchedText,
    consentKey: keyword,
    individuals: { type: 'long' },
    individualsRounded: { type: 'long' },
    disclosableSize: { type: 'nested', properties: { rounded: { type: 'long' } } },
    issued: { type: 'date' },
    modified: { type: 'date' },
    // Facet values are matched and aggregated as keywords.
    ...Object.fromEntries(VALUE_FACETS.map((facet) => [facet.document, keyword])),
  },
};
