import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fromGlobalId } from '../core/global-id.js';
import type { Problems } from '../core/problems.js';

/**
 * Finds a record by either of the ids clients hold: its Relay global id or its public identifier.
 * Reports NOT_FOUND against `field` when it does not exist.
 */
export async function findByRef<T extends { id: string; identifier: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  ref: string,
): Promise<T | null> {
  const cache = caches.get(em);
  const key = `${entity.name} ${ref}`;
  if (cache?.has(key)) return cache.get(key) as T | null;
  const global = fromGlobalId(ref);
  const found =
    global && global.type === entity.name
      ? await em.findOne(entity, { id: global.id } as never)
      : await em.findOne(entity, { identifier: ref } as never);
  if (cache && found) cache.set(key, found);
  return found;
}

/**
 * Bulk writes (import, harvest) name the same publishers and access bodies thousands of times: while a
 * cache is on for an entity manager, each reference is looked up once, and records created in the same
 * unit of work are found before they are flushed. Clear it whenever the entity manager is cleared.
 */
const caches = new WeakMap<EntityManager, Map<string, object | null>>();

export function cacheReferences(em: EntityManager): void {
  caches.set(em, new Map());
}

export function clearReferenceCache(em: EntityManager): void {
  caches.get(em)?.clear();
}

/** Makes a record created in this unit of work findable by its identifier before it is flushed. */
export function rememberReference(em: EntityManager, record: { identifier: string; constructor: { name: string } }): void {
  caches.get(em)?.set(`${record.constructor.name} ${record.identifier}`, record);
}

export async function resolveRef<T extends { id: string; identifier: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  ref: string,
  field: string,
  problems: Problems,
): Promise<T | null> {
  const found = await findByRef(em, entity, ref);
  if (!found) problems.add(field, `no ${entity.name} with id or identifier "${ref}"`, 'NOT_FOUND');
  return found;
}

export async function resolveRefs<T extends { id: string; identifier: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  refs: readonly string[],
  field: string,
  problems: Problems,
): Promise<T[]> {
  const found: T[] = [];
  for (const [index, ref] of refs.entries()) {
    const item = await resolveRef(em, entity, ref, `${field}[${index}]`, problems);
    if (item) found.push(item);
  }
  return found;
}
