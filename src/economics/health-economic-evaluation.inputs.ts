import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { EconomicModelType, EvaluationPerspective, EvaluationType } from './health-economic-evaluation.entity.js';

@InputType()
export class HealthEconomicResultInput {
  @Field(() => String)
  measure!: string;

  @Field(() => Float, { nullable: true, description: 'Point estimate; give rangeLow/rangeHigh or statement instead when the source does.' })
  value?: number | null;

  @Field(() => Float, { nullable: true })
  rangeLow?: number | null;

  @Field(() => Float, { nullable: true })
  rangeHigh?: number | null;

  @Field(() => String, { nullable: true })
  statement?: string | null;

  @Field(() => String, { nullable: true, description: 'As published, e.g. USD/QALY; a leading ISO 4217 code marks a monetary figure.' })
  unit?: string | null;

  @Field(() => String, { nullable: true, description: 'Defaults to the currency in the unit, else the evaluation currency for monetary units.' })
  currency?: string | null;

  @Field(() => Int, { nullable: true, description: 'Defaults to the evaluation price year.' })
  priceYear?: number | null;

  @Field(() => Float, { nullable: true })
  ci95Low?: number | null;

  @Field(() => Float, { nullable: true })
  ci95High?: number | null;

  @Field(() => Float, { nullable: true })
  pValue?: number | null;

  @Field(() => String, { nullable: true })
  comparator?: string | null;

  @Field(() => Float, { nullable: true })
  comparatorValue?: number | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType()
export class HealthEconomicEvaluationPatch {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => EvaluationType, { nullable: true })
  evaluationType?: EvaluationType | null;

  @Field(() => String, { nullable: true })
  decisionProblem?: string | null;

  @Field(() => String, { nullable: true })
  analysisPlanUrl?: string | null;

  @Field(() => String, { nullable: true })
  population?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true })
  setting?: string | null;

  @Field(() => String, { nullable: true })
  intervention?: string | null;

  @Field(() => [String], { nullable: true })
  comparators?: string[] | null;

  @Field(() => EvaluationPerspective, { nullable: true })
  perspective?: EvaluationPerspective | null;

  @Field(() => String, { nullable: true, description: 'ISO 8601 duration (P2Y) or LIFETIME.' })
  timeHorizon?: string | null;

  @Field(() => Float, { nullable: true, description: 'CHEERS 10: percent per year, 0 to 100 (3 for 3 %).' })
  discountRateCosts?: number | null;

  @Field(() => Float, { nullable: true, description: 'CHEERS 10: percent per year, 0 to 100 (3 for 3 %).' })
  discountRateOutcomes?: number | null;

  @Field(() => [String], { nullable: true })
  outcomeMeasures?: string[] | null;

  @Field(() => String, { nullable: true })
  utilityInstrument?: string | null;

  @Field(() => String, { nullable: true })
  costingMethod?: string | null;

  @Field(() => String, { nullable: true })
  currency?: string | null;

  @Field(() => Int, { nullable: true })
  priceYear?: number | null;

  @Field(() => String, { nullable: true, description: 'Required when the source does not report the price year.' })
  priceYearNote?: string | null;

  @Field(() => [EconomicModelType], { nullable: true })
  modelTypes?: EconomicModelType[] | null;

  @Field(() => Boolean, { nullable: true })
  modelAvailable?: boolean | null;

  @Field(() => [String], { nullable: true })
  sensitivityAnalyses?: string[] | null;

  @Field(() => String, { nullable: true })
  subgroups?: string | null;

  @Field(() => Boolean, { nullable: true })
  engagementDescribed?: boolean | null;

  @Field(() => String, { nullable: true })
  funding?: string | null;

  @Field(() => String, { nullable: true })
  conflictsOfInterest?: string | null;

  @Field(() => Boolean, { nullable: true })
  cheersCompliant?: boolean | null;

  @Field(() => Float, { nullable: true, description: 'Willingness-to-pay threshold used, in willingnessToPayUnit.' })
  willingnessToPayAmount?: number | null;

  @Field(() => String, { nullable: true, description: 'As published, e.g. EUR/QALY; a leading ISO 4217 code is its currency, else the evaluation currency.' })
  willingnessToPayUnit?: string | null;

  @Field(() => ID, { nullable: true })
  publication?: string | null;

  @Field(() => [ID], { nullable: true })
  evaluatedDatasets?: string[] | null;

  @Field(() => [ID], { nullable: true })
  evaluatedStudies?: string[] | null;

  @Field(() => [HealthEconomicResultInput], { nullable: true, description: 'Replaces all results.' })
  results?: HealthEconomicResultInput[] | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType()
export class HealthEconomicEvaluationInput extends HealthEconomicEvaluationPatch {
  @Field(() => String, { nullable: true })
  identifier?: string | null;

  @Field(() => ID, { description: 'Owning organisation (id or identifier).' })
  ownerOrganisation!: string;
}
