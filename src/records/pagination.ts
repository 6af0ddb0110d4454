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

/** Keyset cursors over (sort key, id), opaque to clients. */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number | null)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // The last value is the row's id; the sort keys before it are plain values, as encodeCursor wrote them.
    const wellFormed =
      Array.isArray(values) &&
      values.length === arity &&
      isUuid(values.at(-1)) &&
      values.slice(0, -1).every((value) => value === null || typeof value === 'number' || (typeof value === 'string' && !value.includes('\0')));
    if (wellFormed) return values as (string | number | null)[];
  } catch {
    // reported below
  }
  throw UserInputProblem.of('after', 'is not a cursor returned by this API');
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
    const [value, id] = decodeCursor(options.after, 2);
    page.push({ $or: [{ [sortField]: { $gt: value } }, { [sortField]: value, id: { $gt: id } }] });
  }
  const rows = await em.find(entity, { $and: page } as never, { orderBy: { [sortField]: 'asc', id: 'asc' } as never, limit: size + 1 });
  return toConnection(rows, size, totalCount, (row) => encodeCursor([row[sortField] as string, row.id]));
}
