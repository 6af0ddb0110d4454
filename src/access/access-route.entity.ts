import type { Rel } from '@mikro-orm/core';
import { Collection, DeferMode } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Dataset } from '../datasets/dataset.entity.js';
import { DataAccessBody } from './data-access-body.entity.js';

export enum AccessMode {
  SECURE_PROCESSING_ENVIRONMENT = 'SECURE_PROCESSING_ENVIRONMENT',
  CONTROLLED_DOWNLOAD = 'CONTROLLED_DOWNLOAD',
  FEDERATED_QUERY = 'FEDERATED_QUERY',
  AGGREGATE_ONLY = 'AGGREGATE_ONLY',
  OPEN = 'OPEN',
}
registerEnumType(AccessMode, { name: 'AccessMode' });

export enum AccessRequirement {
  ETHICS_APPROVAL = 'ETHICS_APPROVAL',
  DAC_REVIEW = 'DAC_REVIEW',
  CONTROLLER_DISCLOSURE_DECISION = 'CONTROLLER_DISCLOSURE_DECISION',
  BIOBANK_DECISION = 'BIOBANK_DECISION',
  DATA_TRANSFER_AGREEMENT = 'DATA_TRANSFER_AGREEMENT',
  JOINT_CONTROLLER_AGREEMENT = 'JOINT_CONTROLLER_AGREEMENT',
  HDAB_PERMIT = 'HDAB_PERMIT',
  DPA = 'DPA',
}
registerEnumType(AccessRequirement, { name: 'AccessRequirement' });

/** How to request access to a dataset: ordered steps, each decided by a body. */
@ObjectType()
@Entity({ tableName: 'access_route' })
export class AccessRoute {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @OneToOne({ entity: () => Dataset, owner: true, unique: true, deleteRule: 'cascade' })
  dataset!: Rel<Dataset>;

  /** The body to contact first (usually the DAC or disclosure function of the holder). */
  @ManyToOne({ entity: () => DataAccessBody, nullable: true, deleteRule: 'restrict' })
  accessBody?: DataAccessBody | null;

  @Field(() => AccessMode)
  @Enum({ items: () => AccessMode, nativeEnumName: 'access_mode' })
  accessMode!: AccessMode;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  applicationUrl?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  contactEmail?: string | null;

  @Field(() => Int, { nullable: true, description: 'Typical days from complete application to decision.' })
  @Property({ type: 'integer', nullable: true })
  expectedTurnaroundDays?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  fees?: string | null;

  @Field(() => [String], { description: 'Languages applications are accepted in (sv, en).' })
  @Property({ type: 'text[]' })
  languages: string[] = [];

  @OneToMany({ entity: () => AccessRouteStep, mappedBy: 'route', orphanRemoval: true, orderBy: { position: 'asc' } })
  steps = new Collection<AccessRouteStep>(this);
}

@ObjectType()
@Entity({ tableName: 'access_route_step' })
@Unique({ properties: ['route', 'position'], deferMode: DeferMode.INITIALLY_DEFERRED })
export class AccessRouteStep {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => AccessRoute, deleteRule: 'cascade' })
  route!: AccessRoute;

  @Field(() => Int, { name: 'order', description: '1-based position in the route.' })
  @Property({ type: 'integer' })
  position!: number;

  @Field(() => AccessRequirement)
  @Enum({ items: () => AccessRequirement, nativeEnumName: 'access_requirement' })
  requirement!: AccessRequirement;

  @ManyToOne({ entity: () => DataAccessBody, nullable: true, deleteRule: 'restrict' })
  body?: DataAccessBody | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;
}
