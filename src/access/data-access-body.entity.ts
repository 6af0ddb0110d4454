import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DEFAULT_RECORD_LANGUAGE } from '../core/languages.js';
import { CatalogueRecord, Node } from '../records/record.js';
import type { Translations } from '../records/translations.js';
import { Organisation } from '../organisations/organisation.entity.js';

export enum DataAccessBodyKind {
  DAC = 'DAC',
  REGIONAL_DISCLOSURE_FUNCTION = 'REGIONAL_DISCLOSURE_FUNCTION',
  BIOBANK = 'BIOBANK',
  HDAB = 'HDAB',
  ETHICS_AUTHORITY = 'ETHICS_AUTHORITY',
}
registerEnumType(DataAccessBodyKind, { name: 'DataAccessBodyKind' });

export enum DataAccessBodyOperationalStatus {
  ACTIVE = 'ACTIVE',
  PLANNED = 'PLANNED',
}
registerEnumType(DataAccessBodyOperationalStatus, {
  name: 'DataAccessBodyOperationalStatus',
  description: 'Whether the body already decides on requests (an EHDS HDAB may still be PLANNED).',
});

/** A body that decides on access: a DAC, a region's disclosure function, a biobank, an HDAB or the ethics authority. */
@ObjectType({ implements: [Node, CatalogueRecord] })
@Entity({ tableName: 'data_access_body' })
export class DataAccessBody extends CatalogueRecord {
  /** In the record's own language; GraphQL serves name in the language asked for. */
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { description: 'Language of the record\'s own texts (sv or en); other languages are in the *Translations fields.' })
  @Property({ type: 'text', default: 'en' })
  language: string = DEFAULT_RECORD_LANGUAGE;

  /** Texts in languages other than `language`, by language (see records/translations.ts). */
  @Property({ type: 'json', default: '{}' })
  translations: Translations = {};

  @Field(() => DataAccessBodyKind)
  @Enum({ items: () => DataAccessBodyKind, nativeEnumName: 'data_access_body_kind' })
  kind!: DataAccessBodyKind;

  @ManyToOne({ entity: () => Organisation, nullable: true, deleteRule: 'restrict' })
  operatedBy?: Organisation | null;

  @ManyToOne({ entity: () => Organisation, nullable: true, deleteRule: 'restrict' })
  hostedBy?: Organisation | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  applicationUrl?: string | null;

  @Field(() => String, { description: 'ISO 3166 code of the jurisdiction, e.g. SE.' })
  @Property({ type: 'text' })
  jurisdiction: string = 'SE';

  @Field(() => DataAccessBodyOperationalStatus)
  @Enum({ items: () => DataAccessBodyOperationalStatus, nativeEnumName: 'data_access_body_operational_status' })
  operationalStatus: DataAccessBodyOperationalStatus = DataAccessBodyOperationalStatus.ACTIVE;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;
}
