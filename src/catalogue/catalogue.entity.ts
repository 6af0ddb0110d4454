import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Organisation } from '../organisations/organisation.entity.js';

/** The catalogue itself (dcat:Catalog), the root that harvesters start from. */
@Entity({ tableName: 'catalogue' })
export class Catalogue {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  identifier!: string;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text' })
  description: string = '';

  @ManyToOne({ entity: () => Organisation, nullable: true, deleteRule: 'restrict' })
  publisher?: Organisation | null;

  @Property({ type: 'text[]' })
  languages: string[] = [];

  @Property({ type: 'text', nullable: true })
  spatial?: string | null;

  @Property({ type: 'text[]' })
  themeTaxonomies: string[] = [];

  @Property({ type: 'text', nullable: true })
  homepage?: string | null;

  @Property({ type: 'datetime' })
  issued: Date = new Date();

  @Property({ type: 'datetime' })
  modified: Date = new Date();
}
