import type { DatasetPageQuery } from './graphql/generated/graphql';

type Dataset = NonNullable<DatasetPageQuery['dataset']>;

/**
 * schema.org Dataset markup for general dataset search engines. A withdrawn dataset keeps its page and says
 * so (creativeWorkStatus, the reason in the description), so links to it do not break and nobody is sent to request it.
 */
export function schemaOrgDataset(dataset: Dataset, pageUrl: string, rdfUrl: string): Record<string, unknown> {
  const withdrawn = dataset.status === 'WITHDRAWN';
  const markup: Record<string, unknown> = {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    '@id': rdfUrl,
    url: pageUrl,
    name: dataset.title,
    description: withdrawn && dataset.withdrawalReason ? `${dataset.description}\n\nWithdrawn: ${dataset.withdrawalReason}` : dataset.description,
    identifier: dataset.identifier,
    keywords: dataset.keywords,
    conditionsOfAccess: dataset.accessRights,
    creativeWorkStatus: withdrawn ? 'Withdrawn' : 'Published',
    dateModified: dataset.modified,
    sameAs: rdfUrl,
    includedInDataCatalog: { '@type': 'DataCatalog', name: 'gdcat', url: new URL('/', pageUrl).href },
  };
  if (dataset.issued) markup.datePublished = dataset.issued;
  if (dataset.releaseVersion) markup.version = dataset.releaseVersion;
  if (dataset.publisher) markup.publisher = { '@type': 'Organization', name: dataset.publisher.name, url: dataset.publisher.homepage ?? undefined };
  if (dataset.dataHolders.length) markup.creator = dataset.dataHolders.map((holder) => ({ '@type': 'Organization', name: holder.name }));
  const diseases = dataset.cohort?.diseases ?? [];
  if (diseases.length) {
    markup.about = diseases.map((disease) => ({ '@type': 'DefinedTerm', name: disease.label ?? disease.iri, termCode: disease.iri }));
  }
  if (dataset.cohort?.numberOfUniqueIndividuals) {
    markup.variableMeasured = { '@type': 'PropertyValue', name: 'unique individuals', value: dataset.cohort.numberOfUniqueIndividuals };
  }
  if (dataset.wasGeneratedBy) markup.isBasedOn = { '@type': 'ResearchProject', name: dataset.wasGeneratedBy.title };
  if (dataset.publications.length) {
    markup.citation = dataset.publications.map((publication) => (publication.doi ? `https://doi.org/${publication.doi}` : publication.title));
  }
  return markup;
}
