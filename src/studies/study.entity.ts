import { Collection } from '@mikro-orm/core';
import { Entity, Enum, ManyToMany, Property } from '@mikro-orm/decorators/legacy';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CatalogueRecord, Node } from '../records/record.js';
import { DiagnosticArea, OntologyTerm } from '../records/terms.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';

export enum StudyType {
  NATIONAL_IMPLEMENTATION = 'NATIONAL_IMPLEMENTATION',
  VALIDATION = 'VALIDATION',
  CLINICAL_ROUTINE = 'CLINICAL_ROUTINE',
  RESEARCH = 'RESEARCH',
  PILOT = 'PILOT',
}
registerEnumType(StudyType, { name: 'StudyType' });

export enum StudyProgress {
  PLANNED = 'PLANNED',
  RECRUITING = 'RECRUITING',
  ONGOING = 'ONGOING',
  COMPLETED = 'COMPLETED',
}
registerEnumType(StudyProgress, { name: 'StudyProgress', description: 'Where the study itself stands (not the record).' });

@ObjectType('EthicsApproval')
@InputType('EthicsApprovalInput')
export class EthicsApproval {
  @Field(() => String, { nullable: true, description: 'Identifier of the approving authority (organisation).' })
  authority?: string | null;

  @Field(() => String, { description: 'Decision reference (Dnr).' })
  reference!: string;

  @Field(() => String, { nullable: true, description: 'Decision date (ISO 8601; year or full date).' })
  date?: string | null;
}

@ObjectType('StudySize')
@InputType('StudySizeInput')
export class StudySize {
  @Field(() => Int)
  value!: number;

  @Field(() => String, { description: 'e.g. patients, patients/year.' })
  unit!: string;
}

/** A study or project that produced datasets (prov:Activity). */
@ObjectType({ implements: [Node, CatalogueRecord] })
@Entity({ tableName: 'study' })
export class Study extends CatalogueRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  acronym?: string | null;

  @Field(() => String)
  @Property({ type: 'text' })
  description: string = '';

  @Field(() => StudyType)
  @Enum({ items: () => StudyType, nativeEnumName: 'study_type' })
  studyType!: StudyType;

  @Field(() => DiagnosticArea, { nullable: true })
  @Enum({ items: () => DiagnosticArea, nativeEnumName: 'diagnostic_area', nullable: true })
  diagnosticArea?: DiagnosticArea | null;

  @Field(() => StudyProgress)
  @Enum({ items: () => StudyProgress, nativeEnumName: 'study_progress' })
  progress: StudyProgress = StudyProgress.PLANNED;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  startDate?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  endDate?: string | null;

  @Field(() => StudySize, { nullable: true })
  @Property({ type: 'json', nullable: true })
  plannedSize?: StudySize | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  actualSize?: number | null;

  @Field(() => [EthicsApproval])
  @Property({ type: 'json' })
  ethicsApprovals: EthicsApproval[] = [];

  @Field(() => [OntologyTerm])
  @Property({ type: 'json' })
  healthConditions: OntologyTerm[] = [];

  @Field(() => String, { nullable: true, description: 'Trial registration, e.g. ClinicalTrials.gov id.' })
  @Property({ type: 'text', nullable: true })
  registration?: string | null;

  @ManyToMany({ entity: () => Organisation, pivotTable: 'study_funder' })
  funders = new Collection<Organisation>(this);

  @ManyToMany({ entity: () => Organisation, pivotTable: 'study_participant' })
  participatingOrganisations = new Collection<Organisation>(this);

  @ManyToMany({ entity: () => Publication, pivotTable: 'study_publication' })
  publications = new Collection<Publication>(this);
}
