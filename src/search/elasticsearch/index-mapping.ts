import type { estypes } from '@elastic/elasticsearch';
import type { DatasetSearchDocument } from '../engine.js';

/**
 * The dataset index: settings, mapping and the document shape stored in it.
 *
 * It uses only what the core Elasticsearch server ships (the test cluster is the integ-test-zip distribution,
 * without the analysis-common module): the `standard` analyzer, keyword fields, and the built-in `lowercase`
 * normalizer. Accent-insensitivity therefore comes from `*Folded` fields that are folded to ASCII here, in
 * TypeScript (foldToAscii), with the query folded the same way; the original texts are kept in _source only.
 * Typo tolerance is fuzzy matching at query time (fuzziness AUTO), which needs no analysis plugins.
 *
 * A full production cluster could additionally define an analyzer with the `asciifolding` filter, language
 * stemmers (e.g. `swedish`, `english`) and a `synonym_graph` filter for disease vocabularies, applied to extra
 * sub-fields. The folded fields keep working there unchanged, so the same mapping runs on both.
 */

/** A document as stored: the search document plus the fields derived for matching and sorting. */
export interface IndexedDataset extends DatasetSearchDocument {
  /**
   * Lower-cased title for case-insensitive sorting. Core does have the built-in `lowercase` normalizer, but
   * Lucene lower-cases a few characters differently from JavaScript; computing the key here makes it
   * byte-identical to the PostgreSQL engine's sort key.
   */
  titleSort: string;
  titleFolded: string;
  keywordsFolded: string[];
  /** Disease and phenotype labels. */
  labelsFolded: string[];
  publisherNameFolded: string | null;
  descriptionFolded: string;
}

/** Letters that Unicode canonical decomposition does not split into base letter + mark. */
const UNDECOMPOSABLE: Record<string, string> = {
  ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ß: 'ss', ð: 'd', Ð: 'D', þ: 'th', Þ: 'TH', đ: 'd', Đ: 'D',
  ł: 'l', Ł: 'L', ı: 'i',
};

/** Folds accented Latin letters to ASCII ('Skåne' → 'Skane', 'Örebro' → 'Orebro', 'Ærø' → 'AEro'). */
export function foldToAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[øØæÆœŒßðÐþÞđĐłŁı]/g, (letter) => UNDECOMPOSABLE[letter] ?? letter);
}

const unique = (values: string[]): string[] => [...new Set(values)];

export function toIndexedDataset(doc: DatasetSearchDocument): IndexedDataset {
  return {
    ...doc,
    assays: unique(doc.assays),
    diseaseIds: unique(doc.diseaseIds),
    diseaseAncestorIds: unique(doc.diseaseAncestorIds),
    accessBodyIds: unique(doc.accessBodyIds),
    holdingRegionIds: unique(doc.holdingRegionIds),
    titleSort: doc.title.toLowerCase(),
    titleFolded: foldToAscii(doc.title),
    keywordsFolded: doc.keywords.map(foldToAscii),
    labelsFolded: [...doc.diseaseLabels, ...doc.phenotypeLabels].map(foldToAscii),
    publisherNameFolded: doc.publisherName === null ? null : foldToAscii(doc.publisherName),
    descriptionFolded: foldToAscii(doc.description),
  };
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
    publisherId: keyword,
    publisherName: sourceOnlyText,
    publisherNameFolded: matchedText,
    diagnosticArea: keyword,
    assays: keyword,
    diseaseIds: keyword,
    diseaseAncestorIds: keyword,
    diseaseLabels: sourceOnlyText,
    phenotypeLabels: sourceOnlyText,
    labelsFolded: matchedText,
    duoPermission: keyword,
    consentKey: keyword,
    accessMode: keyword,
    accessBodyIds: keyword,
    holdingRegionIds: keyword,
    genomeBuild: keyword,
    individuals: { type: 'long' },
    individualsRounded: { type: 'long' },
    issued: { type: 'date' },
    modified: { type: 'date' },
  },
};
