import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessRoute } from '../access/access-route.entity.js';
import { ConsentScope } from '../consent/consent-scope.entity.js';
import { findDuoTerm } from '../consent/duo-vocabulary.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { ancestorsOf, labelOf, normaliseDiseaseId } from '../ontology/disease-hierarchy.js';
import { OrganisationType } from '../organisations/organisation.entity.js';
import { AccessPolicy } from '../records/access-policy.js';
import { roundIndividuals } from '../datasets/cohort-disclosure.js';
import { listInEveryLanguage, textInEveryLanguage, type LocalizedValue } from '../records/translations.js';
import type { DatasetSearchDocument, LanguageTexts } from './engine.js';

/** Builds the search projection of the given datasets with a fixed number of queries. */
export async function buildSearchDocuments(em: EntityManager, datasetIds: string[]): Promise<DatasetSearchDocument[]> {
  if (datasetIds.length === 0) return [];
  const datasets = await em.find(Dataset, { id: { $in: datasetIds } }, { populate: ['publisher', 'dataHolders'] });
  const consents = await em.find(ConsentScope, { dataset: { $in: datasetIds } });
  const routes = await em.find(AccessRoute, { dataset: { $in: datasetIds } }, { populate: ['steps'] });
  const consentOf = new Map(consents.map((c) => [c.dataset.id, c]));
  const routeOf = new Map(routes.map((r) => [r.dataset.id, r]));
  return datasets.map((dataset) => toDocument(dataset, consentOf.get(dataset.id), routeOf.get(dataset.id)));
}

export function toDocument(dataset: Dataset, consent?: ConsentScope, route?: AccessRoute): DatasetSearchDocument {
  const cohort = dataset.cohort;
  const diseaseIds = [...new Set((cohort?.diseases ?? []).map((d) => normaliseDiseaseId(d.iri)))];
  const diseaseAncestorIds = [...new Set(diseaseIds.flatMap((id) => ancestorsOf(id)))];
  const diseaseLabels = [
    ...(cohort?.diseases ?? []).map((d) => d.label ?? ''),
    ...diseaseAncestorIds.map((id) => labelOf(id) ?? ''),
  ];
  const accessBodyIds = new Set<string>();
  if (route?.accessBody) accessBodyIds.add(route.accessBody.id);
  for (const step of route?.steps.getItems() ?? []) if (step.body) accessBodyIds.add(step.body.id);
  return {
    id: dataset.id,
    identifier: dataset.identifier,
    status: dataset.status,
    ownerOrganisationId: dataset.ownerOrganisationId ?? dataset.publisher.id,
    title: dataset.title,
    description: dataset.description,
    keywords: dataset.keywords,
    publisherId: dataset.publisher.id,
    // The index answers every caller alike, so its text carries only what the public may read; the
    // publisher's afterChange re-indexes its datasets when it is published or renamed.
    publisherName: AccessPolicy.PUBLIC.canRead(dataset.publisher) ? dataset.publisher.name : null,
    texts: languageTexts(dataset),
    diagnosticArea: dataset.diagnosticArea ?? null,
    assays: cohort?.sequencing?.assays ?? [],
    diseaseIds,
    diseaseAncestorIds,
    diseaseLabels: [...new Set(diseaseLabels.filter(Boolean))],
    phenotypeLabels: (cohort?.phenotypes ?? []).map((p) => p.label ?? '').filter(Boolean),
    duoPermission: consent ? (findDuoTerm(consent.duoPermission)?.shorthand ?? consent.duoPermission) : null,
    consentKey: consent?.consentKey ?? null,
    accessMode: route?.accessMode ?? null,
    accessBodyIds: [...accessBodyIds],
    holdingRegionIds: dataset.dataHolders.getItems().filter((o) => o.type === OrganisationType.REGION).map((o) => o.id),
    genomeBuild: cohort?.genomeBuild?.name ?? null,
    individuals: cohort?.numberOfUniqueIndividuals ?? null,
    individualsRounded: roundIndividuals(cohort?.numberOfUniqueIndividuals ?? null),
    issued: dataset.issued?.toISOString() ?? null,
    modified: dataset.modified.toISOString(),
  };
}

/** The dataset's and its (publicly readable) publisher's texts by language, the dataset's own language first. */
function languageTexts(dataset: Dataset): LanguageTexts[] {
  const titles = textInEveryLanguage(dataset, 'title');
  const descriptions = textInEveryLanguage(dataset, 'description');
  const keywords = listInEveryLanguage(dataset, 'keywords');
  const names = AccessPolicy.PUBLIC.canRead(dataset.publisher) ? textInEveryLanguage(dataset.publisher, 'name') : [];
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
