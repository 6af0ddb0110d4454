import { OptionalProps, PrimaryKeyProp } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../core/global-id.js';
import { Node } from '../records/record.js';
import { HarvestSource, HarvestSourceKind } from './harvest-source.entity.js';

export enum HarvestMode {
  /** Every dataset the source lists; what it no longer lists is withdrawn here. */
  FULL = 'FULL',
  /** Only what changed at the source since the last run (a source that supports modifiedSince). */
  INCREMENTAL = 'INCREMENTAL',
}
registerEnumType(HarvestMode, { name: 'HarvestMode' });

export enum HarvestOutcome {
  /** Every record the source gave was read and written (or left unchanged). */
  SUCCEEDED = 'SUCCEEDED',
  /** Some records failed; the others were written. */
  PARTIAL = 'PARTIAL',
  /** The source could not be read: nothing was written. */
  FAILED = 'FAILED',
}
registerEnumType(HarvestOutcome, { name: 'HarvestOutcome' });

@ObjectType({ description: 'A problem with one harvested record, or with the source as a whole.' })
export class HarvestError {
  @Field(() => String, { nullable: true, description: 'Identifier of the record at fault; null for a problem with the source or a page.' })
  identifier!: string | null;

  @Field(() => String, { nullable: true, description: 'The record or page at the source.' })
  iri!: string | null;

  @Field(() => String, { nullable: true })
  field!: string | null;

  @Field(() => String)
  message!: string;

  @Field(() => String)
  code!: string;
}

@ObjectType({ description: 'How often a property no profile reads occurred in a run.' })
export class UnknownPropertyCount {
  @Field(() => String)
  property!: string;

  @Field(() => Int)
  count!: number;
}

/** One harvest of one source: what it did, what went wrong, how long it took. */
@ObjectType({ implements: Node })
@Entity({ tableName: 'harvest_run' })
export class HarvestRun implements Node {
  [OptionalProps]?: 'nodeId' | 'documents' | 'created' | 'updated' | 'unchanged' | 'withdrawn' | 'failed' | 'errors' | 'warnings' | 'unknownProperties';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID, { name: 'id' })
  get nodeId(): string {
    return toGlobalId(HarvestRun.name, this.id);
  }

  @Field(() => HarvestSource, { nullable: true, description: 'Null for a one-off harvest of a URL (`gdcat harvest --url`).' })
  @ManyToOne({ entity: () => HarvestSource, nullable: true, deleteRule: 'cascade' })
  source?: HarvestSource | null;

  @Field(() => String)
  @Property({ type: 'text' })
  url!: string;

  @Field(() => HarvestSourceKind)
  @Enum({ items: () => HarvestSourceKind, nativeEnumName: 'harvest_source_kind' })
  kind!: HarvestSourceKind;

  @Field(() => HarvestMode)
  @Enum({ items: () => HarvestMode, nativeEnumName: 'harvest_mode' })
  mode!: HarvestMode;

  @Field(() => HarvestOutcome)
  @Enum({ items: () => HarvestOutcome, nativeEnumName: 'harvest_outcome' })
  outcome!: HarvestOutcome;

  @Field(() => String, { description: 'Who ran it: system:harvest (scheduled or CLI).' })
  @Property({ type: 'text' })
  actor!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  finishedAt!: Date;

  @Field(() => Int)
  @Property({ type: 'integer' })
  durationMs!: number;

  @Field(() => Int, { description: 'Documents fetched from the source (pages, datasets).' })
  @Property({ type: 'integer' })
  documents: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  created: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  updated: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  unchanged: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  withdrawn: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  failed: number = 0;

  @Field(() => [HarvestError])
  @Property({ type: 'json' })
  errors: HarvestError[] = [];

  @Field(() => [HarvestError], {
    description: 'What the harvested datasets lack that publishing here would ask for (DCAT-AP 3, HealthDCAT-AP NON_PUBLIC), and what was filled from the source\'s own statements to keep the DCAT output valid. Warnings never keep a record out.',
  })
  @Property({ type: 'json' })
  warnings: HarvestError[] = [];

  @Field(() => [UnknownPropertyCount], { description: 'Properties of harvested datasets no profile reads: kept out, counted here.' })
  @Property({ type: 'json' })
  unknownProperties: UnknownPropertyCount[] = [];
}

/** Which source a harvested dataset came from, and its IRI there; one source per dataset identifier. */
@Entity({ tableName: 'harvested_dataset' })
export class HarvestedDataset {
  @PrimaryKey({ type: 'text' })
  identifier!: string;

  @ManyToOne({ entity: () => HarvestSource, nullable: true, deleteRule: 'cascade' })
  source?: HarvestSource | null;

  /** The start URL of a one-off harvest (no registered source). */
  @Property({ type: 'text' })
  sourceUrl!: string;

  @Property({ type: 'text' })
  sourceIri!: string;
}


/**
 * Which source brought a harvested record of another kind than a dataset (an organisation, access body,
 * publication, study or evaluation): only that source rewrites it. A source states any IRI it likes, so the IRI
 * a record was read from says nothing about which source may speak for it.
 */
@Entity({ tableName: 'harvested_record' })
export class HarvestedRecord {
  [PrimaryKeyProp]?: ['kind', 'identifier'];

  /** The record's entity name (Organisation, DataAccessBody, Publication, Study, HealthEconomicEvaluation). */
  @PrimaryKey({ type: 'text' })
  kind!: string;

  @PrimaryKey({ type: 'text' })
  identifier!: string;

  @ManyToOne({ entity: () => HarvestSource, nullable: true, deleteRule: 'cascade' })
  source?: HarvestSource | null;

  /** The start URL of a one-off harvest (no registered source). */
  @Property({ type: 'text' })
  sourceUrl!: string;
}
