import type * as RDF from '@rdfjs/types';
import type { DataAccessBody } from '../../../access/data-access-body.entity.js';
import type { Catalogue } from '../../../catalogue/catalogue.entity.js';
import { ProvenanceSource, RecordStatus } from '../../../records/record.js';
import { DiagnosticArea } from '../../../records/terms.js';
import { Assay } from '../../../datasets/cohort.js';
import type { Dataset } from '../../../datasets/dataset.entity.js';
import type { Distribution, DistributionFormat } from '../../../datasets/distribution.entity.js';
import type { Organisation } from '../../../organisations/organisation.entity.js';
import type { Publication } from '../../../publications/publication.entity.js';
import { metadataModifiedOf } from '../../catalogue-source.js';
import { isMediaType } from '../../../core/validation.js';
import { addressIri, webIri } from '../../iris.js';
import { adms, dcat, dct, foaf, prov, rdf, rdfs, xsd } from '../../namespaces.js';
import { dateTime, english, inEachLanguage } from '../../rdf/literals.js';
import { literal, namedNode } from '../../rdf/terms.js';
import { listInEveryLanguage, type LocalizedValue, textInEveryLanguage } from '../../../records/translations.js';
import { admsStatus, attributionRole, dataThemeScheme, euFileType, euLanguage, ianaMediaTypes } from '../../vocabularies.js';
import { bodyContact, datasetContact, organisationContact } from '../contacts.js';
import type { CatalogueDescriber } from '../describer.js';
import type { Add, ProfileWriter } from '../profile.js';

/**
 * DCAT-AP 3 core: what every DCAT-AP harvester reads (catalogue, datasets, distributions, agents, contact
 * points, lifecycle and provenance), with the ranges the DCAT-AP 3.0.1 shapes check.
 */
export const dcatApWriter: ProfileWriter = {
  name: 'DCAT-AP 3',

  catalog(describer, add, catalogue) {
    add(rdf('type'), dcat('Catalog'));
    add(dct('identifier'), literal(catalogue.identifier));
    add(dct('title'), literal(catalogue.title));
    add(dct('description'), literal(catalogue.description));
    if (catalogue.publisher) add(dct('publisher'), describer.organisation(catalogue.publisher));
    for (const code of catalogue.languages) {
      const language = euLanguage(code);
      if (language) add(dct('language'), describer.typed(language, dct('LinguisticSystem')));
    }
    const spatial = spatialOf(describer, catalogue);
    if (spatial) add(dct('spatial'), spatial);
    for (const taxonomy of catalogue.themeTaxonomies) {
      const iri = webIri(taxonomy);
      if (iri) add(dcat('themeTaxonomy'), describer.conceptScheme(iri));
    }
    const homepage = webIri(catalogue.homepage);
    if (homepage) add(foaf('homepage'), describer.typed(homepage, foaf('Document')));
    add(dct('issued'), dateTime(catalogue.issued));
    add(dct('modified'), dateTime(describer.context.catalogueModified));
  },

  dataset(describer, add, record) {
    const { dataset, accessRoute } = record;
    const { iris } = describer;
    add(rdf('type'), dcat('Dataset'));
    // What its catalogue record's foaf:primaryTopic ranges over; the shapes check the class without inference.
    add(rdf('type'), dcat('Resource'));
    add(dct('identifier'), literal(dataset.identifier));
    describeTexts(dataset, add);
    for (const keyword of keywordsOf(dataset)) add(dcat('keyword'), keyword);
    // A harvested dataset keeps every theme its source states; the record's own is the first of them.
    for (const stated of new Set([dataset.theme, ...(dataset.sourceDescription?.themes ?? [])])) {
      const theme = webIri(stated);
      if (theme) add(dcat('theme'), describer.concept(theme, theme.startsWith(`${dataThemeScheme.iri}/`) ? dataThemeScheme.iri : null));
    }
    const accessRights = webIri(dataset.accessRights);
    if (accessRights) add(dct('accessRights'), describer.rightsStatement(accessRights));

    // Null when the public may not read the publisher (catalogue-source.ts).
    if (dataset.publisher) add(dct('publisher'), describer.organisation(dataset.publisher));
    const contact = datasetContact(describer.context, dataset, accessRoute);
    if (contact) add(dcat('contactPoint'), describer.contactPoint(contact));
    for (const holder of dataset.dataHolders) {
      add(prov('qualifiedAttribution'), attribution(describer, dataset, holder, attributionRole.custodian, 'custodian'));
    }
    for (const contributor of dataset.contributors) {
      add(prov('qualifiedAttribution'), attribution(describer, dataset, contributor, attributionRole.contributor, 'contributor'));
    }

    describeLifecycle(describer, dataset, add);
    describeCatalogRecord(describer, dataset);
    if (dataset.releaseVersion) add(dcat('version'), literal(dataset.releaseVersion));
    for (const [index, other] of dataset.otherIdentifiers.entries()) {
      add(adms('identifier'), describer.identifier(iris.part('datasets', dataset.identifier, `identifier-${index + 1}`), other));
    }
    describeCoverage(describer, dataset, add);
    add(dct('provenance'), provenance(describer, dataset));
    const source = dataset.provenanceSource === ProvenanceSource.MANUAL ? null : webIri(dataset.harvestedFrom);
    if (source) add(prov('wasDerivedFrom'), namedNode(source));
    // The records described are the public's views (catalogue-source.ts): a study or publication the public may
    // not read is absent from them already.
    if (dataset.wasGeneratedBy) add(prov('wasGeneratedBy'), describer.study(dataset.wasGeneratedBy));
    for (const publication of dataset.publications) {
      const reference = publicationNode(describer, publication);
      if (reference) add(dct('isReferencedBy'), reference);
    }

    for (const distribution of sortedDistributions(dataset)) {
      add(dcat('distribution'), describer.distribution(record, distribution));
      for (const format of distribution.formats) {
        const standard = formatStandard(describer, format);
        if (standard) add(dct('conformsTo'), standard);
      }
    }
  },

  distribution(describer, add, record, distribution) {
    const route = record.accessRoute;
    add(rdf('type'), dcat('Distribution'));
    add(dct('identifier'), literal(distribution.id));
    // Written with the dataset, in its language.
    add(dct('title'), literal(distribution.title, ownTextLanguage(record.dataset)));
    // Sensitive data is never one click away, whatever an older record holds.
    const downloadUrl = record.dataset.isNonPublic ? null : addressIri(distribution.downloadUrl);
    if (downloadUrl) add(dcat('downloadURL'), namedNode(downloadUrl));
    // DCAT-AP wants an access URL on every distribution. A file offered for download with no access URL of its
    // own states its download URL again, as DCAT-AP advises when only a download URL exists (the reader maps it
    // back); for controlled data it is where access is requested.
    const accessUrl =
      addressIri(distribution.accessUrl) ?? downloadUrl ?? addressIri(route?.applicationUrl) ?? addressIri(route?.accessBody?.applicationUrl);
    if (accessUrl) add(dcat('accessURL'), namedNode(accessUrl));
    // DCAT-AP allows one dct:format, from the EU file-type table; EDAM formats are standards the files conform to.
    const fileType = distribution.formats.map((format) => euFileType(format.label)).find((type) => type !== null);
    if (fileType) {
      add(dct('format'), describer.once(fileType.iri, (describe) => {
        describe(rdf('type'), dct('MediaTypeOrExtent'));
        describe(rdfs('label'), literal(fileType.label));
      }));
    }
    for (const format of distribution.formats) {
      const standard = formatStandard(describer, format);
      if (standard) add(dct('conformsTo'), standard);
    }
    const mediaType = mediaTypeOf(distribution);
    if (mediaType) add(dcat('mediaType'), describer.typed(`${ianaMediaTypes}${mediaType}`, dct('MediaType')));
    if (distribution.byteSize && /^\d+$/.test(distribution.byteSize)) {
      add(dcat('byteSize'), literal(distribution.byteSize, xsd('nonNegativeInteger')));
    }
    const license = webIri(distribution.license);
    if (license) add(dct('license'), describer.typed(license, dct('LicenseDocument')));
  },

  organisation(describer, add, organisation) {
    add(rdf('type'), foaf('Agent'));
    add(rdf('type'), foaf('Organization'));
    for (const name of inEachLanguage(textInEveryLanguage(organisation, 'name'))) add(foaf('name'), name);
    const publisherType = webIri(organisation.publisherType);
    if (publisherType) add(dct('type'), describer.concept(publisherType));
    const homepage = webIri(organisation.homepage);
    if (homepage) add(foaf('homepage'), describer.typed(homepage, foaf('Document')));
    if (organisation.orgNumber) {
      const iri = describer.iris.part('organisations', organisation.identifier, 'organisation-number');
      add(adms('identifier'), describer.identifier(iri, organisation.orgNumber));
    }
    const contact = organisationContact(describer.context, organisation);
    if (contact) add(dcat('contactPoint'), describer.contactPoint(contact));
    describeAgentRecord(describer, 'organisations', organisation, describer.iris.organisation(organisation.identifier));
  },

  accessBody(describer, add, body) {
    add(rdf('type'), foaf('Agent'));
    add(rdf('type'), foaf('Organization'));
    for (const name of inEachLanguage(textInEveryLanguage(body, 'name'))) add(foaf('name'), name);
    const contact = bodyContact(describer.context, body);
    if (contact) add(dcat('contactPoint'), describer.contactPoint(contact));
    describeAgentRecord(describer, 'access-bodies', body, describer.iris.accessBody(body.identifier));
  },

  study(_describer, add, study) {
    add(rdf('type'), prov('Activity'));
    add(dct('identifier'), literal(study.identifier));
    add(dct('title'), literal(study.title));
    if (study.description) add(dct('description'), literal(study.description));
  },
};

export const diagnosticAreaKeyword: Record<DiagnosticArea, string> = {
  [DiagnosticArea.RARE_DISEASES]: 'rare diseases',
  [DiagnosticArea.HEREDITARY_CANCER]: 'hereditary cancer',
  [DiagnosticArea.SOLID_TUMOURS]: 'solid tumours',
  [DiagnosticArea.HAEMATOLOGICAL_MALIGNANCIES]: 'haematological malignancies',
  [DiagnosticArea.CHILDHOOD_CANCER]: 'childhood cancer',
  [DiagnosticArea.INFECTIOUS_DISEASES]: 'infectious diseases',
  [DiagnosticArea.PHARMACOGENOMICS]: 'pharmacogenomics',
  [DiagnosticArea.COMPLEX_DISEASES]: 'complex diseases',
};

export const assayKeyword: Record<Assay, string> = {
  [Assay.WGS]: 'whole-genome sequencing',
  [Assay.WES]: 'whole-exome sequencing',
  [Assay.PANEL]: 'gene panel sequencing',
  [Assay.WTS]: 'whole-transcriptome sequencing',
  [Assay.LONG_READ_WGS]: 'long-read whole-genome sequencing',
  [Assay.PATHOGEN_WGS]: 'pathogen whole-genome sequencing',
  [Assay.METAGENOMICS]: 'metagenomics',
  [Assay.ARRAY]: 'genotyping array',
};

/**
 * Title and description in every language they are given in. A dataset without a description in any
 * language states none, so validators see that one is missing.
 */
function describeTexts(dataset: Dataset, add: Add): void {
  for (const title of inEachLanguage(asStated(dataset, textInEveryLanguage(dataset, 'title')))) add(dct('title'), title);
  for (const description of inEachLanguage(asStated(dataset, textInEveryLanguage(dataset, 'description')))) {
    if (description.value.trim()) add(dct('description'), description);
  }
}

/** The language a dataset's own texts are tagged with: a harvested one's source language when that is another. */
function ownTextLanguage(dataset: Dataset): string {
  return dataset.sourceDescription?.language ?? dataset.language;
}

/** Texts with the record's own language tagged as its source tagged them (see ownTextLanguage). */
function asStated<V>(dataset: Dataset, values: LocalizedValue<V>[]): LocalizedValue<V>[] {
  const own = ownTextLanguage(dataset);
  return own === dataset.language ? values : values.map((value) => (value.language === dataset.language ? { ...value, language: own } : value));
}

/**
 * The dataset's own keywords in each language, then the (English) words for its diagnostic area and assays:
 * harvesters search on keywords, and HealthDCAT-AP requires at least one.
 */
function keywordsOf(dataset: Dataset): RDF.Literal[] {
  const own = asStated(dataset, listInEveryLanguage(dataset, 'keywords')).flatMap(({ language, value }) => value.map((keyword) => literal(keyword.trim(), language)));
  const derived: string[] = [];
  if (dataset.diagnosticArea) derived.push(diagnosticAreaKeyword[dataset.diagnosticArea]);
  for (const assay of dataset.cohort?.sequencing?.assays ?? []) derived.push(assayKeyword[assay]);
  return [...own, ...derived.map(english)].filter((keyword) => keyword.value !== '');
}

function sortedDistributions(dataset: Dataset): Distribution[] {
  return [...dataset.distributions].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
}

function spatialOf(describer: CatalogueDescriber, catalogue: Catalogue): RDF.NamedNode | null {
  const iri = webIri(catalogue.spatial);
  return iri ? describer.typed(iri, dct('Location')) : null;
}

/**
 * Where and when the data is from. A harvested dataset covers what its source states (nothing when it
 * states nothing); the catalogue's own datasets cover the catalogue's country.
 */
function describeCoverage(describer: CatalogueDescriber, dataset: Dataset, add: Add): void {
  const stated = dataset.sourceDescription;
  if (!stated) {
    const spatial = spatialOf(describer, describer.context.catalogue);
    if (spatial) add(dct('spatial'), spatial);
    return;
  }
  for (const place of stated.spatial) {
    const iri = webIri(place);
    if (iri) add(dct('spatial'), describer.typed(iri, dct('Location')));
  }
  const start = temporalLiteral(stated.temporalStart);
  const end = temporalLiteral(stated.temporalEnd);
  if (!start && !end) return;
  const iri = describer.iris.part('datasets', dataset.identifier, 'temporal');
  const state = describer.about(iri);
  state(rdf('type'), dct('PeriodOfTime'));
  if (start) state(dcat('startDate'), start);
  if (end) state(dcat('endDate'), end);
  add(dct('temporal'), namedNode(iri));
}

// The lexical forms of the date types DCAT-AP allows for a period's start and end, with an optional time zone.
const TEMPORAL_TYPES: [RegExp, string][] = [
  [/^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/, 'dateTime'],
  [/^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/, 'date'],
  [/^-?\d{4,}-\d{2}(Z|[+-]\d{2}:\d{2})?$/, 'gYearMonth'],
  [/^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$/, 'gYear'],
];

/** A date as its source wrote it, typed as DCAT-AP allows (xsd:date, dateTime, gYear or gYearMonth); null for anything else. */
function temporalLiteral(value: string | null | undefined): RDF.Literal | null {
  const text = value?.trim() ?? '';
  const type = TEMPORAL_TYPES.find(([pattern]) => pattern.test(text))?.[1];
  return type ? literal(text, xsd(type)) : null;
}

function describeLifecycle(describer: CatalogueDescriber, dataset: Dataset, add: Add): void {
  const withdrawn = dataset.status === RecordStatus.WITHDRAWN;
  const status = withdrawn ? admsStatus.withdrawn : admsStatus.completed;
  add(adms('status'), describer.concept(status.iri, admsStatus.scheme, status.label));
  if (dataset.issued) add(dct('issued'), dateTime(dataset.issued));
  add(dct('modified'), dateTime(metadataModifiedOf(dataset)));
  if (!withdrawn) return;
  // Withdrawal is the last change to a withdrawn record, so its modification time is when it ended.
  add(prov('invalidatedAtTime'), dateTime(dataset.modified));
  // DCAT-AP's note on what changed from the previous version; harvesters map it (CKAN: version_notes).
  if (dataset.withdrawalReason) add(adms('versionNotes'), literal(dataset.withdrawalReason));
}

/**
 * The record of a record of the catalogue (`…#record`: the metadata, not what it is about). Its dct:language
 * is the language the record is written in, its own (`language`); the texts' other languages are
 * translations. RDF gives tagged texts no order, so this is how a harvester, a gdcat one included, tells a
 * Swedish record with an English translation from the reverse. (The described thing's own dct:language would
 * be something else: the language of a dataset's data.)
 */
function describeRecord(describer: CatalogueDescriber, record: string, topic: string, type: RDF.NamedNode, language: string): Add {
  const state = describer.about(record);
  state(rdf('type'), type);
  state(foaf('primaryTopic'), namedNode(topic));
  const linguisticSystem = euLanguage(language);
  if (linguisticSystem) state(dct('language'), describer.typed(linguisticSystem, dct('LinguisticSystem')));
  return state;
}

/** The catalogue's record of the dataset: DCAT-AP's catalogue record, listed by the catalogue. */
function describeCatalogRecord(describer: CatalogueDescriber, dataset: Dataset): void {
  const record = describer.iris.part('datasets', dataset.identifier, 'record');
  const state = describeRecord(describer, record, describer.iris.dataset(dataset.identifier), dcat('CatalogRecord'), ownTextLanguage(dataset));
  state(dct('modified'), dateTime(metadataModifiedOf(dataset)));
  describer.graph.add(namedNode(describer.iris.catalog()), dcat('record'), namedNode(record));
}

/**
 * The record of an organisation or access body, so that its own language survives harvesting as a dataset's
 * does. DCAT-AP's catalogue record is for catalogued resources only (the shapes want its foaf:primaryTopic
 * a catalogue, dataset, data service or dataset series), so this one is a foaf:Document (the domain of
 * foaf:primaryTopic), and the catalogue does not list it (dcat:record ranges over catalogue records).
 */
function describeAgentRecord(describer: CatalogueDescriber, kind: 'organisations' | 'access-bodies', agent: Organisation | DataAccessBody, topic: string): void {
  describeRecord(describer, describer.iris.part(kind, agent.identifier, 'record'), topic, foaf('Document'), agent.language);
}

/**
 * What a withdrawn dataset's IRI still says (with 410 Gone): that it existed, what it was called, that it is
 * withdrawn, when and why. Nothing that would let anyone treat it as current.
 */
export function describeTombstone(describer: CatalogueDescriber, dataset: Dataset): RDF.NamedNode {
  return describer.once(describer.iris.dataset(dataset.identifier), (add) => {
    add(rdf('type'), dcat('Dataset'));
    add(dct('identifier'), literal(dataset.identifier));
    describeTexts(dataset, add);
    describeLifecycle(describer, dataset, add);
  });
}

function provenance(describer: CatalogueDescriber, dataset: Dataset): RDF.NamedNode {
  const iri = describer.iris.part('datasets', dataset.identifier, 'provenance');
  const harvestedAt = dataset.harvestedAt ? ` on ${dataset.harvestedAt.toISOString().slice(0, 10)}` : '';
  const from = dataset.harvestedFrom ? ` from ${dataset.harvestedFrom}` : '';
  const origin =
    dataset.provenanceSource === ProvenanceSource.HARVESTED ? `Harvested${from}${harvestedAt}.`
    : dataset.provenanceSource === ProvenanceSource.IMPORTED ? `Imported into the catalogue${from}${harvestedAt}.`
    : 'Registered in the catalogue by a data manager of the publishing organisation.';
  const counts = dataset.cohort?.countsSource ? ` Counts: ${dataset.cohort.countsSource}` : '';
  const state = describer.about(iri);
  state(rdf('type'), dct('ProvenanceStatement'));
  state(rdfs('label'), literal(origin + counts));
  return namedNode(iri);
}

function publicationNode(describer: CatalogueDescriber, publication: Publication): RDF.NamedNode | null {
  const iri = publication.doi ? `https://doi.org/${encodeURI(publication.doi.trim())}` : webIri(publication.url);
  if (!iri) return null;
  return describer.once(iri, (add) => {
    add(dct('title'), literal(publication.title));
  });
}

function attribution(
  describer: CatalogueDescriber,
  dataset: Dataset,
  organisation: Dataset['publisher'],
  role: string,
  roleName: string,
): RDF.NamedNode {
  const iri = describer.iris.part('datasets', dataset.identifier, `${roleName}-${encodeURIComponent(organisation.identifier)}`);
  const state = describer.about(iri);
  state(rdf('type'), prov('Attribution'));
  state(prov('agent'), describer.organisation(organisation));
  state(dcat('hadRole'), namedNode(role));
  return namedNode(iri);
}

function formatStandard(describer: CatalogueDescriber, format: DistributionFormat): RDF.NamedNode | null {
  const edam = webIri(format.edam);
  if (!edam) return null;
  const state = describer.about(edam);
  state(rdf('type'), dct('Standard'));
  state(rdfs('label'), literal(format.label));
  return namedNode(edam);
}

/**
 * DCAT-AP allows one dcat:mediaType per distribution: its own, else the one its formats agree on (a file of TSV
 * states text/tab-separated-values on its format). Stored values from before they were checked are left out
 * unless they are media types.
 */
function mediaTypeOf(distribution: Distribution): string | null {
  const ofFormats = new Set(distribution.formats.flatMap((format) => (format.mediaType ? [format.mediaType.toLowerCase()] : [])));
  const mediaType = distribution.mediaType ?? (ofFormats.size === 1 ? [...ofFormats][0]! : null);
  return mediaType && isMediaType(mediaType) ? mediaType : null;
}
