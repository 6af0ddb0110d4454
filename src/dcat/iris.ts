import { hasAddressScheme } from '../core/validation.js';

/**
 * Deterministic IRIs for everything the catalogue publishes. A record whose public identifier is already an
 * http(s) IRI keeps it; every other record gets one under `${baseUrl}/dcat/`. Nodes that describe part of a
 * record (its contact point, provenance, consent scope...) hang off the record's own path with a fragment,
 * so the same record always yields the same graph, in every page, document and export.
 */
export class CatalogueIris {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** The catalogue; dereferencing it gives the first page of the harvest listing. */
  catalog(): string {
    return `${this.baseUrl}/dcat/catalog`;
  }

  dataset(identifier: string): string {
    return isHttpIri(identifier) ? identifier : this.datasetPage(identifier);
  }

  /** Where one dataset is served (GET /dcat/datasets/:id), whatever its IRI. */
  datasetPage(identifier: string): string {
    return this.local('datasets', identifier);
  }

  /** The dataset's landing page in the web catalogue, for people (and Signposting's describes). */
  landingPage(identifier: string): string {
    return `${this.baseUrl}/datasets/${encodeURIComponent(identifier)}`;
  }

  distribution(id: string): string {
    return this.local('distributions', id);
  }

  organisation(identifier: string): string {
    return isHttpIri(identifier) ? identifier : this.local('organisations', identifier);
  }

  accessBody(identifier: string): string {
    return isHttpIri(identifier) ? identifier : this.local('access-bodies', identifier);
  }

  study(identifier: string): string {
    return isHttpIri(identifier) ? identifier : this.local('studies', identifier);
  }

  evaluation(identifier: string): string {
    return isHttpIri(identifier) ? identifier : this.local('evaluations', identifier);
  }

  publication(identifier: string): string {
    return isHttpIri(identifier) ? identifier : this.local('publications', identifier);
  }

  /** A node describing part of a record, e.g. `part('datasets', id, 'contact')`. Always in our namespace. */
  part(kind: 'datasets' | 'distributions' | 'organisations' | 'access-bodies', identifier: string, fragment: string): string {
    return `${this.local(kind, identifier)}#${fragment}`;
  }

  fdp(): string {
    return `${this.baseUrl}/fdp`;
  }

  private local(kind: string, identifier: string): string {
    return `${this.baseUrl}/dcat/${kind}/${encodeURIComponent(identifier)}`;
  }
}

export function isHttpIri(value: string): boolean {
  return /^https?:\/\/[^\s<>"{}|\\^`]+$/.test(value);
}

/**
 * A stored URL as an IRI we can write: kept as stored when it already is one, percent-encoded when it only
 * needs escaping (e.g. a space), null when it is not an absolute http(s) URL at all.
 */
export function webIri(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  if (isHttpIri(text)) return text;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A stored address of any scheme the record rules take (core/validation.ts: ftp, mailto and urn besides
 * http(s)) as an IRI we can write, escaped where an IRI may not hold a character as stored (a space in a
 * mailto: or urn: IRI); null when it is no such address. For what the data manager states as an address
 * (where access is requested, a file to download), whose range is any resource: an access request by
 * e-mail, or files on FTP as genomics archives serve them, are stated as given.
 */
export function addressIri(value: string | null | undefined): string | null {
  const web = webIri(value);
  if (web) return web;
  const text = value?.trim();
  if (!text || !URL.canParse(text)) return null;
  const url = new URL(text);
  return hasAddressScheme(url) ? url.href.replace(/[\u0000-\u0020<>"{}|\\^`]/g, (character) => encodeURIComponent(character)) : null;
}

export function mailtoIri(email: string | null | undefined): string | null {
  const text = email?.trim();
  return text && /^[^\s@]+@[^\s@]+$/.test(text) ? `mailto:${encodeURI(text)}` : null;
}
