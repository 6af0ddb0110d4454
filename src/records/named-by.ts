import type { EntityManager } from '@mikro-orm/postgresql';
import type { Problems } from '../core/problems.js';
import type { AccessPolicy } from './access-policy.js';
import type { RecordStatus } from './record.js';

/** A record naming another, as a refusal lists it: what it is, and what the access policy needs to decide who may read it. */
export interface NamingRecord {
  kind: string;
  identifier: string;
  /** null for what is not a record (a harvest source): its organisation's data managers read it. */
  status: RecordStatus | null;
  ownerOrganisationId: string | null;
}

/**
 * The records naming one record, in order: `selects` each give (kind, identifier, status, ownerOrganisationId) and
 * take the named record's id as their one parameter.
 */
export async function recordsNaming(em: EntityManager, selects: readonly string[], id: string): Promise<NamingRecord[]> {
  if (selects.length === 0) return [];
  const sql = `${selects.join(' union ')} order by 1, 2`;
  return em.getConnection().execute<NamingRecord[]>(sql, selects.map(() => id), 'all', em.getTransactionContext());
}

/**
 * Refuses to withdraw or delete a record while others name it: the public views leave a record that is not published
 * out of every record naming it, which would change what those records say (and their owners may be other
 * organisations). The refusal lists a few of them, so the caller knows what to change first; records the caller may
 * not read (another organisation's drafts) are only counted, so the refusal never tells their identifiers.
 */
export function refuseRemovalWhileNamed(problems: Problems, naming: readonly NamingRecord[], how: string, policy: AccessPolicy): void {
  if (naming.length === 0) return;
  const readable = naming.filter(({ status, ownerOrganisationId }) =>
    status === null ? policy.ownsOrganisation(ownerOrganisationId) : policy.canReadAtAddress({ status, ownerOrganisationId }),
  );
  const hidden = naming.length - readable.length;
  const listed = readable.slice(0, 3).map(({ kind, identifier }) => `${kind} "${identifier}"`);
  if (readable.length > 3) listed.push(`${readable.length - 3} more`);
  if (hidden > 0) listed.push(`${hidden} ${hidden === 1 ? 'record' : 'records'} of other organisations you may not read`);
  const shown = listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}` : listed[0];
  problems.add('id', `${shown} ${how}; withdraw them or name another record in them first`, 'INVALID_TRANSITION');
}
