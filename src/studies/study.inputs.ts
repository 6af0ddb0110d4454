import { Field, ID, InputType, Int } from 'type-graphql';
import { DiagnosticArea, OntologyTerm } from '../records/terms.js';
import { EthicsApproval, StudyProgress, StudySize, StudyType } from './study.entity.js';

@InputType()
export class StudyPatch {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  acronym?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => StudyType, { nullable: true })
  studyType?: StudyType | null;

  @Field(() => DiagnosticArea, { nullable: true })
  diagnosticArea?: DiagnosticArea | null;

  @Field(() => StudyProgress, { nullable: true })
  progress?: StudyProgress | null;

  @Field(() => String, { nullable: true, description: 'ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD).' })
  startDate?: string | null;

  @Field(() => String, { nullable: true })
  endDate?: string | null;

  @Field(() => StudySize, { nullable: true })
  plannedSize?: StudySize | null;

  @Field(() => Int, { nullable: true })
  actualSize?: number | null;

  @Field(() => [EthicsApproval], { nullable: true })
  ethicsApprovals?: EthicsApproval[] | null;

  @Field(() => [OntologyTerm], { nullable: true })
  healthConditions?: OntologyTerm[] | null;

  @Field(() => String, { nullable: true })
  registration?: string | null;

  @Field(() => [ID], { nullable: true })
  funders?: string[] | null;

  @Field(() => [ID], { nullable: true })
  participatingOrganisations?: string[] | null;

  @Field(() => [ID], { nullable: true })
  publications?: string[] | null;
}

@InputType()
export class StudyInput extends StudyPatch {
  @Field(() => String, { nullable: true })
  identifier?: string | null;

  @Field(() => ID, { description: 'Owning organisation (id or identifier).' })
  ownerOrganisation!: string;
}
