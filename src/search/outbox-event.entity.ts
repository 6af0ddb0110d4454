import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A pending change to propagate to the search engine, written in the same transaction as the change itself,
 * so a search-engine outage can delay but never lose it. The batch that indexes it deletes it and records
 * itself in outbox_settled (indexing-failures.ts), so the outbox holds only pending events.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ name: 'outbox_event_due', properties: ['availableAt', 'id'] })
export class OutboxEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'text' })
  aggregateType!: string;

  @Property({ type: 'uuid' })
  aggregateId!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  availableAt: Date = new Date();

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;
}
