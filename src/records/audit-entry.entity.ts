import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** One mutation in the append-only audit log (a database trigger rejects UPDATE and DELETE). */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['entityType', 'entityId'] })
export class AuditEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'datetime' })
  at: Date = new Date();

  @Property({ type: 'text' })
  actor!: string;

  @Property({ type: 'text' })
  actorRole!: string;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  entityType!: string;

  @Property({ type: 'uuid' })
  entityId!: string;

  @Property({ type: 'json', nullable: true })
  before?: unknown;

  @Property({ type: 'json', nullable: true })
  after?: unknown;
}
