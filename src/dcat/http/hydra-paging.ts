import { DataFactory } from 'n3';
import type { Graph } from '../rdf/graph.js';
import { hydra, rdf, xsd } from '../namespaces.js';

const { namedNode, literal } = DataFactory;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface Paging {
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface CollectionPage extends Paging {
  /** IRI of the whole collection (the listing without paging parameters). */
  collection: string;
  totalItems: number;
  /** URL of a page of the collection. */
  pageUrl(page: number): string;
}

/** The number of pages; an empty collection still has one (empty) page. */
export function lastPageOf(totalItems: number, pageSize: number): number {
  return Math.max(1, Math.ceil(totalItems / pageSize));
}

/**
 * States the Hydra paging of a listing: the collection's size and a PartialCollectionView with first, last,
 * and (where they exist) previous and next pages, so a harvester walks the pages by following links.
 */
export function describePage(graph: Graph, page: CollectionPage): void {
  const collection = namedNode(page.collection);
  const view = namedNode(page.pageUrl(page.page));
  const last = lastPageOf(page.totalItems, page.pageSize);
  graph.add(collection, rdf('type'), hydra('Collection'));
  graph.add(collection, hydra('totalItems'), literal(String(page.totalItems), xsd('nonNegativeInteger')));
  graph.add(collection, hydra('view'), view);
  graph.add(view, rdf('type'), hydra('PartialCollectionView'));
  graph.add(view, hydra('first'), namedNode(page.pageUrl(1)));
  graph.add(view, hydra('last'), namedNode(page.pageUrl(last)));
  if (page.page > 1) graph.add(view, hydra('previous'), namedNode(page.pageUrl(Math.min(page.page - 1, last))));
  if (page.page < last) graph.add(view, hydra('next'), namedNode(page.pageUrl(page.page + 1)));
}

/** `base` with the given query parameters, in the order given, leaving out absent ones. */
export function withQuery(base: string, parameters: [string, string | number | undefined][]): string {
  const query = new URLSearchParams();
  for (const [name, value] of parameters) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}
