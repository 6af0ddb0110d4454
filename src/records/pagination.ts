import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UserInputProblem } from '../core/problems.js';
import { isUuid } from '../core/validation.js';

export const MAX_PAGE_SIZE = 100;

/** Where a page sits in its listing (the Relay PageInfo fields). */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  totalCount: number;
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Validates `first` against the page-size cap. */
export function pageSize(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw UserInputProblem.of('first', `must be an integer between 0 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * Keyset cursors: the listing they were issued by, the row's sort key (a text) and its id, opaque to clients.
 * The listing is named so that a cursor passed to another listing is refused rather than read as a position in it.
 */
export function encodeCursor(listing: string, key: string, id: string): string {
  return Buffer.from(JSON.stringify([listing, key, id]), 'utf8').toString('base64url');
}

/**
 * Reads a cursor of `listing` back. Its key must pass `isKey` (the listing's sort column takes that kind of
 * value only: anything else reached PostgreSQL as a wrongly typed comparison, an internal error).
 */
export function decodeCursor(cursor: string, listing: string, isKey: (key: unknown) => key is string = isText): { key: string; id: string } {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  const [issuer, key, id] = Array.isArray(values) && values.length === 3 ? (values as unknown[]) : [];
  if (typeof issuer !== 'string' || !isKey(key) || !isUuid(id)) throw UserInputProblem.of('after', 'is not a cursor returned by this API');
  if (issuer !== listing) throw UserInputProblem.of('after', `is a cursor of another listing, not of ${listing} records`);
  return { key, id };
}

/** A text PostgreSQL can compare (NUL is no character of a PostgreSQL text). */
function isText(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\0');
}

export function toConnection<T>(
  rows: T[],
  size: number,
  totalCount: number,
  cursorOf: (row: T) => string,
): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    totalCount,
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * One page of a listing ordered by a text column then id, with keyset cursors: the shared implementation
 * behind organisations, accessBodies, studies and healthEconomicEvaluations.
 */
export async function keysetPage<T extends { id: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  conditions: Record<string, unknown>[],
  sortField: keyof T & string,
  options: { first: number | null | undefined; after: string | null | undefined; defaultSize: number },
): Promise<Connection<T>> {
  const size = pageSize(options.first, options.defaultSize);
  const totalCount = await em.count(entity, { $and: conditions } as never);
  const page = [...conditions];
  if (options.after) {
    const { key, id } = decodeCursor(options.after, entity.name);
    page.push({ $or: [{ [sortField]: { $gt: key } }, { [sortField]: key, id: { $gt: id } }] });
  }
  const rows = await em.find(entity, { $and: page } as never, { orderBy: { [sortField]: 'asc', id: 'asc' } as never, limit: size + 1 });
  return toConnection(rows, size, totalCount, (row) => encodeCursor(entity.name, row[sortField] as string, row.id));
}
