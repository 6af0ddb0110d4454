import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CatalogueRecord, Node } from '../records/record.js';

export enum PublicationRelation {
  DESCRIBES = 'DESCRIBES',
  USES = 'USES',
  CITES = 'CITES',
  PROTOCOL = 'PROTOCOL',
}
registerEnumType(PublicationRelation, { name: 'PublicationRelation' });

/** A scholarly article that describes, uses or cites catalogue records (dct:isReferencedBy). */
@ObjectType({ implements: [Node, CatalogueRecord] })
@Entity({ tableName: 'publication' })
export class Publication extends CatalogueRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true, unique: true })
  doi?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  pmid?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  authorsShort?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  journal?: string | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  year?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  volumePages?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  url?: string | null;

  @Field(() => PublicationRelation, { nullable: true })
  @Enum({ items: () => PublicationRelation, nativeEnumName: 'publication_relation', nullable: true })
  relationType?: PublicationRelation | null;
}
