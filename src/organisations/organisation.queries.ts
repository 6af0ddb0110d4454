import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../records/viewer.js';
import { Organisation } from './organisation.entity.js';

/** Internal ids of the organisations a data manager's token names (by public identifier). */
export async function actingOrganisationIds(em: EntityManager, viewer: Viewer): Promise<string[]> {
  if (viewer.role !== 'data_manager') return [];
  const orgs = await em.find(Organisation, { identifier: { $in: viewer.organisationIdentifiers } }, { fields: ['id'] });
  return orgs.map((o) => o.id);
}
