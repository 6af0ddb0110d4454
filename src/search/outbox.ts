import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxEvent } from './outbox-event.entity.js';

/** Queues datasets for (re)indexing; call inside the transaction that changed them. */
export function enqueueDatasetIndexing(em: EntityManager, datasetIds: Iterable<string>): void {
  for (const aggregateId of new Set(datasetIds)) {
    // A plain instance, not em.create: a bulk import makes one per dataset, and the factory's hydration costs more.
    em.persist(Object.assign(new OutboxEvent(), { aggregateType: 'Dataset', aggregateId }));
  }
}
