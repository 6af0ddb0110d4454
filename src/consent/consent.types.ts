import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';

export enum PrimaryPurpose {
  GENERAL_RESEARCH = 'GENERAL_RESEARCH',
  HEALTH_MEDICAL_BIOMEDICAL = 'HEALTH_MEDICAL_BIOMEDICAL',
  DISEASE_SPECIFIC = 'DISEASE_SPECIFIC',
  POPULATION_ORIGINS_ANCESTRY = 'POPULATION_ORIGINS_ANCESTRY',
}
registerEnumType(PrimaryPurpose, {
  name: 'PrimaryPurpose',
  description:
    'The main aim of the intended use, one per branch of the DUO permission hierarchy. Methods development and clinical care are flags, because DUO treats them as modifiers (NMDS, CC).',
});

/** What a researcher intends to do with the data, in the terms DUO permissions and modifiers talk about. */
@InputType()
export class ResearchPurposeInput {
  @Field(() => PrimaryPurpose)
  primaryPurpose!: PrimaryPurpose;

  @Field(() => [String], { nullable: true, description: 'Diseases studied (MONDO IRIs or CURIEs).' })
  diseases?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'The use is commercial.' })
  commercial?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'The requester is a for-profit organisation.' })
  forProfitOrganisation?: boolean | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country where the data will be used.' })
  country?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Includes development of methods, algorithms or software.' })
  methodsDevelopment?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Includes population origins or ancestry research.' })
  ancestryResearch?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Research that is not genetic (e.g. only phenotype data).' })
  nonGeneticResearch?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Use in clinical care of patients.' })
  clinicalCare?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Free text research type, matched against RS restrictions.' })
  researchType?: string | null;

  @Field(() => String, { nullable: true })
  requesterId?: string | null;

  @Field(() => String, { nullable: true })
  institutionId?: string | null;

  @Field(() => String, { nullable: true })
  projectId?: string | null;
}

@ObjectType()
export class UseCondition {
  @Field(() => String, { description: 'DUO CURIE of the term that sets the condition.' })
  code!: string;

  @Field(() => String)
  shorthand!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String, { nullable: true })
  value?: string | null;
}

export enum UseOutcome {
  PERMITTED = 'PERMITTED',
  NOT_PERMITTED = 'NOT_PERMITTED',
  NEEDS_REVIEW = 'NEEDS_REVIEW',
}
registerEnumType(UseOutcome, {
  name: 'UseOutcome',
  description:
    'PERMITTED: no term of the consent rules the use out. NOT_PERMITTED: at least one does. NEEDS_REVIEW: nothing rules it out, but the answer depends on something the catalogue does not understand (a disease code outside the shipped MONDO, no consent stated), so a data access body must decide.',
});

@ObjectType()
export class UseReason {
  @Field(() => String, { description: 'CURIE of the term the reason is about (a DUO term, or gdcat:no-consent-scope).' })
  code!: string;

  @Field(() => String)
  shorthand!: string;

  @Field(() => String, { description: 'Every cause found for this term, including which code was not understood.' })
  description!: string;

  @Field(() => UseOutcome, { description: 'NOT_PERMITTED when this term rules the use out, NEEDS_REVIEW when it cannot be decided.' })
  outcome!: 'NOT_PERMITTED' | 'NEEDS_REVIEW';
}

@ObjectType({ description: "Whether a research purpose is allowed by a dataset's consent, and why." })
export class UseAssessment {
  @Field(() => UseOutcome)
  outcome!: 'PERMITTED' | 'NOT_PERMITTED' | 'NEEDS_REVIEW';

  @Field(() => Boolean, { description: 'outcome is PERMITTED (kept for existing clients).' })
  permitted!: boolean;

  @Field(() => [UseCondition], { description: 'What the user must accept; only for a PERMITTED answer (publish, ethics approval, moratorium...).' })
  conditions!: UseCondition[];

  @Field(() => [UseCondition], { description: 'What the user would have to accept if the use were allowed, whatever the outcome (e.g. after a review).' })
  conditionsIfPermitted!: UseCondition[];

  @Field(() => [UseReason], { description: 'One per term: why the use is not permitted or needs review; empty when permitted.' })
  reasons!: UseReason[];
}

@ObjectType()
export class DuoTerm {
  @Field(() => String, { description: 'CURIE, e.g. DUO:0000042.' })
  code!: string;

  @Field(() => String)
  iri!: string;

  @Field(() => String, { nullable: true })
  shorthand!: string | null;

  @Field(() => String)
  label!: string;

  @Field(() => String, { nullable: true })
  definition!: string | null;

  @Field(() => String, { description: 'PERMISSION, MODIFIER or OTHER.' })
  kind!: string;

  @Field(() => Boolean)
  obsolete!: boolean;
}
