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
  const global = fromGlobalId(ref);
  if (global && global.type === entity.name) return em.findOne(entity, { id: global.id } as never);
  return em.findOne(entity, { identifier: ref } as never);
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
