import { Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, InterfaceType, Int, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../core/global-id.js';

export enum RecordStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(RecordStatus, {
  name: 'RecordStatus',
  description: 'Lifecycle of every catalogue record: DRAFT -> PUBLISHED -> WITHDRAWN.',
});

export enum ProvenanceSource {
  MANUAL = 'MANUAL',
  HARVESTED = 'HARVESTED',
  IMPORTED = 'IMPORTED',
}
registerEnumType(ProvenanceSource, { name: 'ProvenanceSource', description: 'How a record entered the catalogue.' });

@InterfaceType({ description: 'An object with a globally unique, opaque id (Relay).' })
export abstract class Node {
  @Field(() => ID, { name: 'id' })
  nodeId!: string;
}

/**
 * Columns every catalogue record shares: a stable public identifier, an optimistic-lock version, the
 * lifecycle status, issued/modified dates, the owning organisation (whose data managers may edit it) and
 * provenance. Organisations own themselves.
 */
@InterfaceType({ implements: Node, description: 'Fields shared by every catalogue record.' })
export abstract class CatalogueRecord implements Node {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID, { name: 'id' })
  get nodeId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }

  /** Stable public identifier (an IRI or URN); never reused. */
  @Field(() => String, { description: 'Stable public identifier (IRI or URN).' })
  @Property({ type: 'text', unique: true })
  identifier!: string;

  /** Incremented on every change; updates must name the version they edited. */
  @Field(() => Int, { description: 'Incremented on every change; pass it as expectedVersion when updating.' })
  @Property({ type: 'integer', version: true })
  version: number = 1;

  @Field(() => RecordStatus)
  @Enum({ items: () => RecordStatus, nativeEnumName: 'record_status' })
  status: RecordStatus = RecordStatus.DRAFT;

  @Field(() => Date, { nullable: true, description: 'When the record was first published.' })
  @Property({ type: 'datetime', nullable: true })
  issued?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  modified: Date = new Date();

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  withdrawalReason?: string | null;

  /**
   * Organisation whose data managers may edit the record. Kept as a plain column (its foreign key is declared
   * in the migration) because a relation here would make the base class and Organisation import each other.
   */
  @Property({ type: 'uuid', nullable: true })
  ownerOrganisationId?: string | null;

  @Field(() => ProvenanceSource)
  @Enum({ items: () => ProvenanceSource, nativeEnumName: 'provenance_source' })
  provenanceSource: ProvenanceSource = ProvenanceSource.MANUAL;

  @Field(() => String, { nullable: true, description: 'Catalogue the record was harvested or imported from.' })
  @Property({ type: 'text', nullable: true })
  harvestedFrom?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  harvestedAt?: Date | null;

  /**
   * Fingerprint of the imported or harvested description this record was last written from; an equal
   * fingerprint on the next run means nothing changed at the source. Any other edit clears it.
   */
  @Property({ type: 'text', nullable: true })
  sourceFingerprint?: string | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
