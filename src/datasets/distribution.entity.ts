import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { BigIntType, type Rel } from '@mikro-orm/core';
import { Dataset } from './dataset.entity.js';

@ObjectType('DistributionFormat')
@InputType('DistributionFormatInput')
export class DistributionFormat {
  @Field(() => String, { description: 'e.g. CRAM, VCF.' })
  label!: string;

  @Field(() => String, { nullable: true, description: 'EDAM format IRI.' })
  edam?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA media type of files in this format, e.g. text/tab-separated-values.' })
  mediaType?: string | null;
}

/** One way to get at a dataset's files (dcat:Distribution); for controlled data the access URL is a request page. */
@ObjectType()
@Entity({ tableName: 'distribution' })
export class Distribution {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Dataset, deleteRule: 'cascade' })
  dataset!: Rel<Dataset>;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  accessUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'Never set for sensitive data.' })
  @Property({ type: 'text', nullable: true })
  downloadUrl?: string | null;

  @Field(() => [DistributionFormat])
  @Property({ type: 'json' })
  formats: DistributionFormat[] = [];

  @Field(() => String, { nullable: true, description: 'IANA media type (type/subtype) of the distribution as a whole.' })
  @Property({ type: 'text', nullable: true })
  mediaType?: string | null;

  @Field(() => String, { nullable: true, description: 'Size in bytes (as a string: it may exceed 2^53), at most 2^63-1.' })
  // Read back as a string: the ORM's default for bigint is a JS BigInt, which neither GraphQL nor JSON can write.
  @Property({ type: new BigIntType('string'), nullable: true })
  byteSize?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  license?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  accessMode?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. NGP region storage area, FEGA Sweden.' })
  @Property({ type: 'text', nullable: true })
  hostingLocation?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. crypt4gh.' })
  @Property({ type: 'text', nullable: true })
  encryption?: string | null;

  @Property({ type: 'integer' })
  position: number = 0;
}
