import { DataFactory } from 'n3';
import { dct, hydra, rdf, xsd } from '../namespaces.js';
import type { Triples } from '../rdf/graph.js';

const { namedNode, literal } = DataFactory;

export const DEFAULT_PAGE_SIZE = 50;
/**
 * Most datasets one listing page holds: each may hold LIST_LIMITS.distributions (500) distributions, so a full
 * page states at most 50,000 of them, the most one GraphQL request may ask for (graphql/limits.ts).
 */
export const MAX_PAGE_SIZE = 100;

/**
 * On every listing page: up to when the listing is complete (catalogue-source.ts listingCompleteUpTo). A harvester
 * that asks its next run's modifiedSince from the smallest it was given misses no change committed late.
 */
export const COMPLETE_UP_TO = 'Gdcat-Complete-Up-To';

const CURSOR_PREFIX = 'after:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque cursor of the page that follows the dataset with this id. */
export function cursorAfter(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id).toString('base64url');
}

/** The dataset id a cursor continues after; null when the text is not a cursor this server issued. */
export function idOfCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  return UUID.test(id) ? id : null;
}

export interface CollectionPage {
  /** IRI of the whole collection (the listing without paging parameters). */
  collection: string;
  totalItems: number;
  /** URL of this page, of the first page, and of the next one when there is more. */
  self: string;
  first: string;
  next: string | null;
  /** The listing's address without parameters, which the advertised search template expands. */
  listing: string;
}

/** The listing's query parameters, advertised so harvesters can tell it supports incremental harvests. */
const SEARCH_VARIABLES: [string, string | null][] = [
  ['modifiedSince', dct('modified').value],
  ['includeWithdrawn', null],
  ['pageSize', null],
];

/**
 * States the Hydra paging of a listing: the collection's size and a PartialCollectionView with its first
 * and next pages, so a harvester walks the pages by following hydra:next. Pages are keyset pages (a cursor,
 * not a page number), so there is no "last" or "previous" to link to. A search template advertises the
 * listing's parameters (modifiedSince for incremental harvests).
 */
export function describePage(graph: Triples, page: CollectionPage): void {
  const collection = namedNode(page.collection);
  const view = namedNode(page.self);
  graph.add(collection, rdf('type'), hydra('Collection'));
  graph.add(collection, hydra('totalItems'), literal(String(page.totalItems), xsd('nonNegativeInteger')));
  graph.add(collection, hydra('view'), view);
  graph.add(view, rdf('type'), hydra('PartialCollectionView'));
  graph.add(view, hydra('first'), namedNode(page.first));
  if (page.next) graph.add(view, hydra('next'), namedNode(page.next));
  const search = namedNode(`${page.listing}#search`);
  graph.add(collection, hydra('search'), search);
  graph.add(search, rdf('type'), hydra('IriTemplate'));
  graph.add(search, hydra('template'), literal(`${page.listing}{?${SEARCH_VARIABLES.map(([name]) => name).join(',')}}`));
  graph.add(search, hydra('variableRepresentation'), hydra('BasicRepresentation'));
  for (const [name, property] of SEARCH_VARIABLES) {
    const mapping = namedNode(`${page.listing}#search-${name}`);
    graph.add(search, hydra('mapping'), mapping);
    graph.add(mapping, rdf('type'), hydra('IriTemplateMapping'));
    graph.add(mapping, hydra('variable'), literal(name));
    graph.add(mapping, hydra('required'), literal('false', xsd('boolean')));
    if (property) graph.add(mapping, hydra('property'), namedNode(property));
  }
}

/** `base` with the given query parameters, in the order given, leaving out absent ones. */
export function withQuery(base: string, parameters: [string, string | number | undefined][]): string {
  const query = new URLSearchParams();
  for (const [name, value] of parameters) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}
