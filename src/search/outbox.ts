import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxEvent } from './outbox-event.entity.js';

/** Queues datasets for (re)indexing; call inside the transaction that changed them. */
export function enqueueDatasetIndexing(em: EntityManager, datasetIds: Iterable<string>): void {
  for (const aggregateId of new Set(datasetIds)) {
    em.persist(em.create(OutboxEvent, { aggregateType: 'Dataset', aggregateId, createdAt: new Date(), availableAt: new Date(), attempts: 0 }));
  }
}
