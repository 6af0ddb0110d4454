import type { EntityManager } from '@mikro-orm/postgresql';
import { findDuoTerm } from '../consent/duo-vocabulary.js';
import { roundIndividuals } from '../datasets/cohort-disclosure.js';
import { ancestorsOf, labelOf, normaliseDiseaseId } from '../ontology/disease-hierarchy.js';
import { AccessPolicy } from '../records/access-policy.js';
import { listInEveryLanguage, textInEveryLanguage, type LocalizedValue, type TranslatedRecord } from '../records/translations.js';
import { readDocumentRows, type DocumentRow } from './document-rows.js';
import type { DatasetSearchDocument, LanguageTexts } from './engine.js';

/**
 * Builds the search projection of the given datasets: one SQL statement for the batch (document-rows.ts),
 * then a pure mapping. Datasets that no longer exist get no document. Runs in `em`'s transaction, if any.
 */
export async function buildSearchDocuments(em: EntityManager, datasetIds: string[]): Promise<DatasetSearchDocument[]> {
  return (await readDocumentRows(em.getConnection(), datasetIds, em.getTransactionContext())).map(toDocument);
}

/** What a cohort's disease adds to a document: its catalogue id, and its ancestors (itself first) with their labels. */
interface DiseaseFacts {
  id: string;
  ancestorIds: readonly string[];
  /** Parallel to ancestorIds; '' where the vocabulary has no label. */
  ancestorLabels: readonly string[];
}

/**
 * Derived once per value instead of once per document (normalising and labelling ancestors, and matching DUO
 * codes, were most of the mapping's time): the vocabularies are fixed while the process runs and a catalogue
 * names few distinct diseases and permissions. Bounded, for a catalogue with unusually many distinct codes.
 */
const diseaseFacts = new Map<string, DiseaseFacts>();
const duoShorthands = new Map<string, string>();
const KEPT = 20_000;

function remembered<V>(cache: Map<string, V>, key: string, derive: (key: string) => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = derive(key);
    if (cache.size >= KEPT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

function deriveDiseaseFacts(iri: string): DiseaseFacts {
  const id = normaliseDiseaseId(iri);
  const ancestorIds = ancestorsOf(id);
  return { id, ancestorIds, ancestorLabels: ancestorIds.map((ancestor) => labelOf(ancestor) ?? '') };
}

/** The disease fields of a document: ids, ancestor ids and labels (the cohort's own first), each once. */
function diseaseFields(diseases: { iri: string; label?: string | null }[]) {
  const ids = new Set<string>();
  const ancestorIds = new Set<string>();
  const labels = new Set<string>();
  for (const disease of diseases) if (disease.label) labels.add(disease.label);
  for (const disease of diseases) {
    const facts = remembered(diseaseFacts, disease.iri, deriveDiseaseFacts);
    ids.add(facts.id);
    facts.ancestorIds.forEach((ancestor, i) => {
      if (ancestorIds.has(ancestor)) return;
      ancestorIds.add(ancestor);
      if (facts.ancestorLabels[i]) labels.add(facts.ancestorLabels[i]);
    });
  }
  return { diseaseIds: [...ids], diseaseAncestorIds: [...ancestorIds], diseaseLabels: [...labels] };
}

const duoShorthand = (permission: string) => findDuoTerm(permission)?.shorthand ?? permission;

export function toDocument(row: DocumentRow): DatasetSearchDocument {
  const publisher = {
    status: row.publisher_status,
    ownerOrganisationId: row.publisher_owner_organisation_id,
    name: row.publisher_name,
    language: row.publisher_language,
    translations: row.publisher_translations ?? {},
  };
  // The index answers every caller alike, so its text carries only what the public may read; the
  // publisher's afterChange re-indexes its datasets when it is published or renamed.
  const publicPublisher = AccessPolicy.PUBLIC.canRead(publisher) ? publisher : null;
  return {
    id: row.id,
    identifier: row.identifier,
    status: row.status,
    ownerOrganisationId: row.owner_organisation_id ?? row.publisher_id,
    title: row.title,
    description: row.description,
    keywords: row.keywords,
    publisherId: row.publisher_id,
    publisherName: publicPublisher?.name ?? null,
    texts: languageTexts(
      { language: row.language, translations: row.translations ?? {}, title: row.title, description: row.description, keywords: row.keywords },
      publicPublisher,
    ),
    diagnosticArea: row.diagnostic_area ?? null,
    assays: row.assays ?? [],
    ...diseaseFields(row.diseases ?? []),
    phenotypeLabels: (row.phenotypes ?? []).map((p) => p.label ?? '').filter(Boolean),
    duoPermission: row.duo_permission === null ? null : remembered(duoShorthands, row.duo_permission, duoShorthand),
    consentKey: row.consent_key ?? null,
    accessMode: row.access_mode ?? null,
    // The route's own body first, then its steps' bodies in step order, each once.
    accessBodyIds: [...new Set(row.access_body_id === null ? row.step_body_ids : [row.access_body_id, ...row.step_body_ids])],
    holdingRegionIds: row.holding_region_ids,
    genomeBuild: row.genome_build ?? null,
    individuals: row.individuals ?? null,
    individualsRounded: roundIndividuals(row.individuals ?? null),
    issued: row.issued === null ? null : new Date(row.issued).toISOString(),
    modified: new Date(row.modified).toISOString(),
  };
}

interface DatasetTexts extends TranslatedRecord {
  title: string;
  description: string;
  keywords: string[];
}

/** The dataset's and its (publicly readable) publisher's texts by language, the dataset's own language first. */
function languageTexts(dataset: DatasetTexts, publisher: (TranslatedRecord & { name: string }) | null): LanguageTexts[] {
  const titles = textInEveryLanguage(dataset, 'title');
  const descriptions = textInEveryLanguage(dataset, 'description');
  const keywords = listInEveryLanguage(dataset, 'keywords');
  const names = publisher ? textInEveryLanguage(publisher, 'name') : [];
  const languages = [...new Set([dataset.language, ...[titles, descriptions, keywords, names].flat().map((v) => v.language)])];
  const inLanguage = <V>(values: LocalizedValue<V>[], language: string) => values.find((v) => v.language === language)?.value;
  return languages.map((language) => ({
    language,
    title: inLanguage(titles, language) ?? '',
    description: inLanguage(descriptions, language) ?? '',
    keywords: inLanguage(keywords, language) ?? [],
    publisherName: inLanguage(names, language) ?? null,
  }));
}
