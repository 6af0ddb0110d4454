import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DEFAULT_RECORD_LANGUAGE } from '../core/languages.js';
import { CatalogueRecord, Node } from '../records/record.js';
import type { Translations } from '../records/translations.js';

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
  /** In the record's own language; GraphQL serves name in the language asked for. */
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { description: 'Language of the record\'s own texts (sv or en); other languages are in the *Translations fields.' })
  @Property({ type: 'text', default: 'en' })
  language: string = DEFAULT_RECORD_LANGUAGE;

  /** Texts in languages other than `language`, by language (see records/translations.ts). */
  @Property({ type: 'json', default: '{}' })
  translations: Translations = {};

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
