import { Collection } from '@mikro-orm/core';
import { Entity, Enum, ManyToMany, ManyToOne, OneToMany, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { DEFAULT_RECORD_LANGUAGE } from '../core/languages.js';
import { CatalogueRecord, Node } from '../records/record.js';
import type { Translations } from '../records/translations.js';
import { DiagnosticArea } from '../records/terms.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study } from '../studies/study.entity.js';
import { CohortDescriptor } from './cohort.js';
import { Distribution } from './distribution.entity.js';
import { SourceDescription } from './source-description.js';

/** The EU access-right for sensitive data: access only through a request to an access body. */
export const NON_PUBLIC_ACCESS = 'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC';

/** A genomic dataset held by a region, university or biobank (dcat:Dataset). */
@ObjectType({ implements: [Node, CatalogueRecord] })
@Entity({ tableName: 'dataset' })
export class Dataset extends CatalogueRecord {
  /** In the record's own language; GraphQL serves title, description and keywords in the language asked for. */
  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text' })
  description: string = '';

  @Property({ type: 'text[]' })
  keywords: string[] = [];

  @Field(() => String, { description: 'Language of the record\'s own texts (sv or en); other languages are in the *Translations fields.' })
  @Property({ type: 'text', default: 'en' })
  language: string = DEFAULT_RECORD_LANGUAGE;

  /** Texts in languages other than `language`, by language (see records/translations.ts). */
  @Property({ type: 'json', default: '{}' })
  translations: Translations = {};

  @Field(() => DiagnosticArea, { nullable: true })
  @Enum({ items: () => DiagnosticArea, nativeEnumName: 'diagnostic_area', nullable: true })
  diagnosticArea?: DiagnosticArea | null;

  @Field(() => String, { description: 'EU data theme IRI (dcat:theme).' })
  @Property({ type: 'text' })
  theme: string = 'http://publications.europa.eu/resource/authority/data-theme/HEAL';

  @Field(() => String, { description: 'EU access-right IRI (dct:accessRights).' })
  @Property({ type: 'text' })
  accessRights: string = NON_PUBLIC_ACCESS;

  @Field(() => [String], { description: 'Other identifiers, e.g. EGA/FEGA accessions (adms:identifier).' })
  @Property({ type: 'text[]' })
  otherIdentifiers: string[] = [];

  @Field(() => String, { nullable: true, description: 'Release of the data itself (dcat:version), e.g. 1.0.0.' })
  @Property({ type: 'text', nullable: true })
  releaseVersion?: string | null;

  @ManyToOne({ entity: () => Organisation, deleteRule: 'restrict' })
  publisher!: Organisation;

  /** Controllers holding the data; a national dataset may be held by several regions. */
  @ManyToMany({ entity: () => Organisation, pivotTable: 'dataset_data_holder' })
  dataHolders = new Collection<Organisation>(this);

  @ManyToMany({ entity: () => Organisation, pivotTable: 'dataset_contributor' })
  contributors = new Collection<Organisation>(this);

  @ManyToOne({ entity: () => Study, nullable: true, deleteRule: 'set null' })
  wasGeneratedBy?: Study | null;

  @ManyToOne({ entity: () => DataAccessBody, nullable: true, deleteRule: 'restrict' })
  hdab?: DataAccessBody | null;

  @Field(() => CohortDescriptor, { nullable: true })
  @Property({ type: 'json', nullable: true })
  cohort?: CohortDescriptor | null;

  @OneToMany({ entity: () => Distribution, mappedBy: 'dataset', orphanRemoval: true })
  distributions = new Collection<Distribution>(this);

  @ManyToMany({ entity: () => Publication, pivotTable: 'dataset_publication' })
  publications = new Collection<Publication>(this);

  /**
   * When anything the dataset's published description says last changed, its related records included
   * (publisher, holders, access bodies, study, evaluations...). Kept by database triggers (see the migration
   * 20261130080000), never set here; harvesters see it as dct:modified and filter on it with modifiedSince.
   */
  @Property({ type: 'datetime', nullable: true })
  metadataModified?: Date | null;

  @Field(() => SourceDescription, { nullable: true, description: 'For a harvested dataset: what its source states that the record has no field for.' })
  @Property({ type: 'json', nullable: true })
  sourceDescription?: SourceDescription | null;

  get isNonPublic(): boolean {
    return this.accessRights === NON_PUBLIC_ACCESS;
  }
}
