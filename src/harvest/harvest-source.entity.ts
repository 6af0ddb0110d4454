import { OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../core/global-id.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Node } from '../records/record.js';

export enum HarvestSourceKind {
  /** A DCAT-AP / HealthDCAT-AP catalogue: a listing followed by hydra:next (a gdcat's /dcat/catalog). */
  DCAT_AP = 'DCAT_AP',
  /** A FAIR Data Point: the repository, its catalogs and their datasets, followed by ldp:contains. */
  FDP = 'FDP',
}
registerEnumType(HarvestSourceKind, { name: 'HarvestSourceKind' });

/**
 * A catalogue this one harvests (a regional node, another national catalogue, a FAIR Data Point), the
 * organisation it speaks for, and when to harvest it. Registered by admins.
 */
@ObjectType({ implements: Node, description: 'A catalogue harvested into this one, on a schedule.' })
@Entity({ tableName: 'harvest_source' })
export class HarvestSource implements Node {
  [OptionalProps]?: 'nodeId' | 'enabled' | 'version' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID, { name: 'id' })
  get nodeId(): string {
    return toGlobalId(HarvestSource.name, this.id);
  }

  @Field(() => String, { description: 'Stable identifier, used by `gdcat harvest --source`.' })
  @Property({ type: 'text', unique: true })
  identifier!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String, { description: 'Where harvesting starts: the DCAT catalogue listing, or the FAIR Data Point.' })
  @Property({ type: 'text' })
  url!: string;

  @Field(() => HarvestSourceKind)
  @Enum({ items: () => HarvestSourceKind, nativeEnumName: 'harvest_source_kind' })
  kind!: HarvestSourceKind;

  @Field(() => Organisation, { description: 'The organisation the source speaks for; it owns what the source publishes unless a record names its owner.' })
  @ManyToOne({ entity: () => Organisation, deleteRule: 'restrict' })
  organisation!: Organisation;

  @Field(() => String, { description: 'How often `gdcat serve` harvests it: an ISO 8601 duration such as PT6H or P1D.' })
  @Property({ type: 'text' })
  schedule!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Field(() => Int)
  @Property({ type: 'integer', version: true })
  version: number = 1;

  /** Start of the last run that finished; the next incremental run asks for what changed since. */
  @Field(() => Date, { nullable: true, description: 'When the last run that completed started; the next incremental run asks the source for what changed since.' })
  @Property({ type: 'datetime', nullable: true })
  harvestedUpTo?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastRunAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
