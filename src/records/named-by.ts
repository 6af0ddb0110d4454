import type { EntityManager } from '@mikro-orm/postgresql';
import type { Problems } from '../core/problems.js';

/** A record naming another, as a refusal lists it. */
export interface NamingRecord {
  kind: string;
  identifier: string;
}

/**
 * The records naming one record, in order: `selects` each give (kind, identifier) and take the named record's id as
 * their one parameter.
 */
export async function recordsNaming(em: EntityManager, selects: readonly string[], id: string): Promise<NamingRecord[]> {
  if (selects.length === 0) return [];
  const sql = `${selects.join(' union ')} order by 1, 2`;
  return em.getConnection().execute<NamingRecord[]>(sql, selects.map(() => id), 'all', em.getTransactionContext());
}

/**
 * Refuses to withdraw or delete a record while others name it: the public views leave a record that is not published
 * out of every record naming it, which would change what those records say (and their owners may be other
 * organisations). The refusal lists a few of them, so the caller knows what to change first.
 */
export function refuseRemovalWhileNamed(problems: Problems, naming: readonly NamingRecord[], how: string): void {
  if (naming.length === 0) return;
  const shown = naming.slice(0, 3).map(({ kind, identifier }) => `${kind} "${identifier}"`).join(', ');
  const more = naming.length > 3 ? ` and ${naming.length - 3} more` : '';
  problems.add('id', `${shown}${more} ${how}; withdraw them or name another record in them first`, 'INVALID_TRANSITION');
}
