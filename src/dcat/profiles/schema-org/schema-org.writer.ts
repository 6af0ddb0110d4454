/*
 * schema.org Dataset markup for general dataset search engines: the one builder both the server (in the head
 * of a landing page it answers, for clients that run no JavaScript) and the web catalogue (in the page it
 * renders) use. It imports nothing, so the browser bundle takes it as it is.
 */

/** What the markup says of a dataset: fields the web page reads through GraphQL and the server reads from the record. */
export interface SchemaOrgDatasetFacts {
  identifier: string;
  title: string;
  description: string;
  keywords: readonly string[];
  accessRights: string;
  status: string;
  withdrawalReason?: string | null;
  /** ISO 8601 date-times, as GraphQL writes them. */
  modified: string;
  issued?: string | null;
  releaseVersion?: string | null;
  publisher?: { name: string; homepage?: string | null } | null;
  dataHolders: readonly { name: string }[];
  cohort?: { diseases: readonly { iri: string; label?: string | null }[]; numberOfUniqueIndividuals?: number | null } | null;
  wasGeneratedBy?: { title: string } | null;
  publications: readonly { doi?: string | null; title: string }[];
}

/** The markup; its description is also the one a landing page's head states. */
export type SchemaOrgMarkup = Record<string, unknown> & { name: string; description: string };

/**
 * A withdrawn dataset keeps its page and says so (creativeWorkStatus, the reason in the description), so
 * links to it do not break and nobody is sent to request it.
 */
export function schemaOrgDataset(dataset: SchemaOrgDatasetFacts, pageUrl: string, rdfUrl: string): SchemaOrgMarkup {
  const withdrawn = dataset.status === 'WITHDRAWN';
  const markup: SchemaOrgMarkup = {
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

/**
 * The markup as the text of a `<script type="application/ld+json">`: every `<` escaped, so no text of the
 * dataset (a title with `</script>` or `<!--`) can end the script or start markup.
 */
export function schemaOrgScriptText(markup: SchemaOrgMarkup): string {
  return JSON.stringify(markup).replace(/</g, '\\u003c');
}
