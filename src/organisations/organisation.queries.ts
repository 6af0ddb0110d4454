import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../records/viewer.js';
import { Organisation } from './organisation.entity.js';

/** Internal ids of the organisations a data manager's token names (by public identifier). */
export async function actingOrganisationIds(em: EntityManager, viewer: Viewer): Promise<string[]> {
  if (viewer.role !== 'data_manager' || viewer.organisationIdentifiers.length === 0) return [];
  // A plain read: every request of a data manager makes it, and partial entities would only add to each flush.
  const table = em.getMetadata(Organisation).tableName;
  const rows = await em.getConnection().execute<{ id: string }[]>(`select id from "${table}" where identifier in (?)`, [viewer.organisationIdentifiers], 'all', em.getTransactionContext());
  return rows.map((row) => row.id);
}
