import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { CatalogueRecord, Node } from '../records/record.js';

export enum OrganisationType {
  REGION = 'REGION',
  UNIVERSITY = 'UNIVERSITY',
  GMC = 'GMC',
  PROGRAMME = 'PROGRAMME',
  BIOBANK = 'BIOBANK',
  AUTHORITY = 'AUTHORITY',
  INFRASTRUCTURE = 'INFRASTRUCTURE',
  FUNDER = 'FUNDER',
  COMPANY = 'COMPANY',
}
registerEnumType(OrganisationType, { name: 'OrganisationType' });

/** A region, university, GMC, biobank, authority or other agent that holds, publishes or funds data. */
@ObjectType({ implements: [Node, CatalogueRecord] })
@Entity({ tableName: 'organisation' })
export class Organisation extends CatalogueRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => OrganisationType)
  @Enum({ items: () => OrganisationType, nativeEnumName: 'organisation_type' })
  type!: OrganisationType;

  @Field(() => String, { nullable: true, description: 'ADMS publisher type IRI (dct:type).' })
  @Property({ type: 'text', nullable: true })
  publisherType?: string | null;

  @Field(() => [String], { description: 'Roles in the programme, e.g. DATA_HOLDER, CONTROLLER, FUNDER.' })
  @Property({ type: 'text[]' })
  roles: string[] = [];

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  homepage?: string | null;

  @Field(() => String, { nullable: true, description: 'Swedish organisation number (adms:identifier).' })
  @Property({ type: 'text', nullable: true })
  orgNumber?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  contactEmail?: string | null;

  @ManyToOne({ entity: () => Organisation, nullable: true, deleteRule: 'restrict' })
  parent?: Organisation | null;
}
