import { discloseCohort } from '../../datasets/cohort-disclosure.js';
import type { Dataset } from '../../datasets/dataset.entity.js';
import { type CatalogueIris, webIri } from '../iris.js';
import { schemaOrgDataset, type SchemaOrgMarkup } from '../profiles/schema-org/schema-org.writer.js';
import { type RdfFormat, rdfFormats } from '../rdf/formats.js';
import { formatParameter } from './content-negotiation.js';

/** One typed link (RFC 8288), as a Link header or a `<link>` element states it. */
export interface TypedLink {
  href: string;
  rel: string;
  type?: string;
}

/** What a dataset's landing page tells clients that run no JavaScript, in its head and its Link header. */
export interface LandingPageDescription {
  canonical: string;
  /** The dataset's DCAT document in each format content negotiation offers. */
  documents: { href: string; type: RdfFormat }[];
  /** Its name and description are the page's title and description too. */
  schemaOrg: SchemaOrgMarkup;
  /** FAIR Signposting (signposting.org/FAIR): cite-as, type, describedby, license. */
  signposts: TypedLink[];
}

/** A DOI, bare or as doi: or a doi.org IRI. */
const DOI = /^(?:doi:|https?:\/\/(?:dx\.)?doi\.org\/)?(10\.\d{4,9}\/\S+)$/i;

/**
 * The landing page of a dataset the public may read at its address (catalogue-source findLandingDataset).
 * Counts of people are disclosed as to anonymous GraphQL callers, since the page answers everyone alike.
 */
export function describeLandingPage(dataset: Dataset, iris: CatalogueIris, smallCountThreshold: number): LandingPageDescription {
  const canonical = iris.landingPage(dataset.identifier);
  const cohort = dataset.cohort ? discloseCohort(dataset.cohort, { kind: 'DISCLOSED', threshold: smallCountThreshold }) : null;
  const schemaOrg = schemaOrgDataset(
    {
      identifier: dataset.identifier,
      title: dataset.title,
      description: dataset.description,
      keywords: dataset.keywords,
      accessRights: dataset.accessRights,
      status: dataset.status,
      withdrawalReason: dataset.withdrawalReason,
      modified: dataset.modified.toISOString(),
      issued: dataset.issued?.toISOString(),
      releaseVersion: dataset.releaseVersion,
      publisher: dataset.publisher,
      dataHolders: dataset.dataHolders.getItems(),
      cohort,
      wasGeneratedBy: dataset.wasGeneratedBy,
      publications: dataset.publications.getItems(),
    },
    canonical,
    iris.dataset(dataset.identifier),
  );
  const documents = rdfFormats.map((type) => ({ href: `${iris.datasetPage(dataset.identifier)}?format=${formatParameter[type]}`, type }));
  const licenses = new Set(dataset.distributions.getItems().map((distribution) => webIri(distribution.license)).filter((license) => license !== null));
  return {
    canonical,
    documents,
    schemaOrg,
    signposts: [
      { href: citeAs(dataset, iris), rel: 'cite-as' },
      { href: 'https://schema.org/Dataset', rel: 'type' },
      { href: 'https://schema.org/AboutPage', rel: 'type' },
      ...documents.map((document) => ({ ...document, rel: 'describedby' })),
      ...[...licenses].map((license) => ({ href: license, rel: 'license' })),
    ],
  };
}

/** The persistent identifier to cite: a DOI the dataset states, else its DCAT IRI (its identifier when that is an IRI). */
function citeAs(dataset: Dataset, iris: CatalogueIris): string {
  const doi = dataset.otherIdentifiers.map((identifier) => DOI.exec(identifier.trim())?.[1]).find((found) => found !== undefined);
  return doi ? `https://doi.org/${doi}` : iris.dataset(dataset.identifier);
}

/** The landing page a dataset's DCAT document describes (Signposting's describes, from the metadata back). */
export function describesLink(iris: CatalogueIris, identifier: string): TypedLink {
  return { href: iris.landingPage(identifier), rel: 'describes' };
}

/**
 * A Link header's value. Targets are IRIs and may hold characters no header may carry: those are
 * percent-encoded (as UTF-8), which names the same resource.
 */
export function linkHeader(links: readonly TypedLink[]): string {
  return links
    .map(({ href, rel, type }) => `<${href.replace(/[^\x21-\x7e]|[<>]/gu, (char) => encodeURIComponent(char))}>; rel="${rel}"${type ? `; type="${type}"` : ''}`)
    .join(', ');
}
