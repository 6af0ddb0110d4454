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

export function toDocument(row: DocumentRow): DatasetSearchDocument {
  const diseases = row.diseases ?? [];
  const diseaseIds = [...new Set(diseases.map((d) => normaliseDiseaseId(d.iri)))];
  const diseaseAncestorIds = [...new Set(diseaseIds.flatMap((id) => ancestorsOf(id)))];
  const diseaseLabels = [...diseases.map((d) => d.label ?? ''), ...diseaseAncestorIds.map((id) => labelOf(id) ?? '')];
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
    diseaseIds,
    diseaseAncestorIds,
    diseaseLabels: [...new Set(diseaseLabels.filter(Boolean))],
    phenotypeLabels: (row.phenotypes ?? []).map((p) => p.label ?? '').filter(Boolean),
    duoPermission: row.duo_permission === null ? null : (findDuoTerm(row.duo_permission)?.shorthand ?? row.duo_permission),
    consentKey: row.consent_key ?? null,
    accessMode: row.access_mode ?? null,
    accessBodyIds: row.access_body_ids,
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
