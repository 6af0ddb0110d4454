import { Collection } from '@mikro-orm/core';
import { Check, Entity, Enum, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CatalogueRecord, Node } from '../records/record.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study } from '../studies/study.entity.js';

export enum EvaluationType {
  CEA = 'CEA',
  CUA = 'CUA',
  CBA = 'CBA',
  CMA = 'CMA',
  COST_ANALYSIS = 'COST_ANALYSIS',
  MICRO_COSTING = 'MICRO_COSTING',
  BUDGET_IMPACT = 'BUDGET_IMPACT',
  COST_CONSEQUENCE = 'COST_CONSEQUENCE',
  YIELD_ONLY = 'YIELD_ONLY',
}
registerEnumType(EvaluationType, { name: 'EvaluationType' });

/** CHEERS 2022 item 8. */
export enum EvaluationPerspective {
  HEALTHCARE_PAYER = 'HEALTHCARE_PAYER',
  HEALTHCARE_SYSTEM = 'HEALTHCARE_SYSTEM',
  SOCIETAL = 'SOCIETAL',
  HOSPITAL = 'HOSPITAL',
  PATIENT = 'PATIENT',
}
registerEnumType(EvaluationPerspective, { name: 'EvaluationPerspective' });

/** CHEERS 2022 item 16. */
export enum EconomicModelType {
  NONE_TRIAL_OR_COHORT = 'NONE_TRIAL_OR_COHORT',
  DECISION_TREE = 'DECISION_TREE',
  MARKOV = 'MARKOV',
  MICROSIMULATION = 'MICROSIMULATION',
  DES = 'DES',
  PARTITIONED_SURVIVAL = 'PARTITIONED_SURVIVAL',
  BUDGET_IMPACT = 'BUDGET_IMPACT',
}
registerEnumType(EconomicModelType, { name: 'EconomicModelType' });

/** A monetary amount always travels with its currency and price year (CHEERS item 15). */
@ObjectType()
export class MonetaryAmount {
  @Field(() => Float)
  amount!: number;

  @Field(() => String, { description: 'ISO 4217 currency code.' })
  currency!: string;

  @Field(() => Int, { nullable: true, description: 'Price year; null only when the source does not report it.' })
  priceYear?: number | null;

  @Field(() => Boolean, { description: 'True when the source publication does not state the price year.' })
  priceYearNotReported!: boolean;

  @Field(() => String, { nullable: true, description: 'Unit after the currency, e.g. QALY in USD/QALY.' })
  per?: string | null;
}

/** A health-economic evaluation described with the CHEERS 2022 items, attached to studies or datasets. */
@ObjectType({ implements: [Node, CatalogueRecord] })
@Entity({ tableName: 'health_economic_evaluation' })
@Check({ name: 'hee_price_year_known_or_not_reported', expression: 'price_year is not null or price_year_note is not null' })
@Check({ name: 'hee_discount_rates_range', expression: '(discount_rate_costs is null or discount_rate_costs between 0 and 100) and (discount_rate_outcomes is null or discount_rate_outcomes between 0 and 100)' })
export class HealthEconomicEvaluation extends CatalogueRecord {
  @Field(() => String, { description: 'CHEERS 1' })
  @Property({ type: 'text' })
  title!: string;

  @Field(() => EvaluationType)
  @Enum({ items: () => EvaluationType, nativeEnumName: 'evaluation_type' })
  evaluationType!: EvaluationType;

  @Field(() => String, { nullable: true, description: 'CHEERS 3: decision problem / objectives.' })
  @Property({ type: 'text', nullable: true })
  decisionProblem?: string | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 4: health economic analysis plan.' })
  @Property({ type: 'text', nullable: true })
  analysisPlanUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 5' })
  @Property({ type: 'text', nullable: true })
  population?: string | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 6: ISO 3166 country.' })
  @Property({ type: 'text', nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 6' })
  @Property({ type: 'text', nullable: true })
  setting?: string | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 7' })
  @Property({ type: 'text', nullable: true })
  intervention?: string | null;

  @Field(() => [String], { description: 'CHEERS 7' })
  @Property({ type: 'text[]' })
  comparators: string[] = [];

  @Field(() => EvaluationPerspective, { nullable: true, description: 'CHEERS 8' })
  @Enum({ items: () => EvaluationPerspective, nativeEnumName: 'evaluation_perspective', nullable: true })
  perspective?: EvaluationPerspective | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 9: ISO 8601 duration or LIFETIME.' })
  @Property({ type: 'text', nullable: true })
  timeHorizon?: string | null;

  @Field(() => Float, { nullable: true, description: 'CHEERS 10: percent per year.' })
  @Property({ type: 'double', nullable: true })
  discountRateCosts?: number | null;

  @Field(() => Float, { nullable: true, description: 'CHEERS 10: percent per year.' })
  @Property({ type: 'double', nullable: true })
  discountRateOutcomes?: number | null;

  @Field(() => [String], { description: 'CHEERS 11-13: DIAGNOSTIC_YIELD, QALY, LYG, DALY...' })
  @Property({ type: 'text[]' })
  outcomeMeasures: string[] = [];

  @Field(() => String, { nullable: true, description: 'CHEERS 12-13: e.g. EQ-5D.' })
  @Property({ type: 'text', nullable: true })
  utilityInstrument?: string | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 14: MICRO_COSTING, TARIFF, REGISTER.' })
  @Property({ type: 'text', nullable: true })
  costingMethod?: string | null;

  @Field(() => String, { description: 'CHEERS 15: ISO 4217 currency of the reported figures.' })
  @Property({ type: 'text' })
  currency!: string;

  @Field(() => Int, { nullable: true, description: 'CHEERS 15: price year of the reported figures.' })
  @Property({ type: 'integer', nullable: true })
  priceYear?: number | null;

  @Field(() => String, { nullable: true, description: 'Why the price year is missing, or how prices were converted.' })
  @Property({ type: 'text', nullable: true })
  priceYearNote?: string | null;

  @Field(() => [EconomicModelType], { description: 'CHEERS 16' })
  @Property({ type: 'text[]' })
  modelTypes: EconomicModelType[] = [];

  @Field(() => Boolean, { nullable: true, description: 'CHEERS 16: model available to others.' })
  @Property({ type: 'boolean', nullable: true })
  modelAvailable?: boolean | null;

  @Field(() => [String], { description: 'CHEERS 20: DSA, PSA, VOI, THRESHOLD...' })
  @Property({ type: 'text[]' })
  sensitivityAnalyses: string[] = [];

  @Field(() => String, { nullable: true, description: 'CHEERS 18' })
  @Property({ type: 'text', nullable: true })
  subgroups?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'CHEERS 21, 25' })
  @Property({ type: 'boolean', nullable: true })
  engagementDescribed?: boolean | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 27' })
  @Property({ type: 'text', nullable: true })
  funding?: string | null;

  @Field(() => String, { nullable: true, description: 'CHEERS 28' })
  @Property({ type: 'text', nullable: true })
  conflictsOfInterest?: string | null;

  @Field(() => Boolean, { nullable: true })
  @Property({ type: 'boolean', nullable: true })
  cheersCompliant?: boolean | null;

  @Property({ type: 'double', nullable: true })
  willingnessToPayAmount?: number | null;

  @Property({ type: 'text', nullable: true })
  willingnessToPayUnit?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @ManyToOne({ entity: () => Publication, nullable: true, deleteRule: 'restrict' })
  publication?: Publication | null;

  @ManyToMany({ entity: () => Dataset, pivotTable: 'evaluation_dataset' })
  evaluatedDatasets = new Collection<Dataset>(this);

  @ManyToMany({ entity: () => Study, pivotTable: 'evaluation_study' })
  evaluatedStudies = new Collection<Study>(this);

  @OneToMany({ entity: () => HealthEconomicResult, mappedBy: 'evaluation', orphanRemoval: true, orderBy: { position: 'asc' } })
  results = new Collection<HealthEconomicResult>(this);
}

/** One reported figure (CHEERS 22-24). Monetary figures carry currency and price year. */
@ObjectType()
@Entity({ tableName: 'health_economic_result' })
@Check({ name: 'her_has_a_value', expression: 'value is not null or (range_low is not null and range_high is not null) or statement is not null' })
@Check({
  name: 'her_monetary_has_price_year',
  expression: 'currency is null or price_year is not null or price_year_not_reported',
})
export class HealthEconomicResult {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => HealthEconomicEvaluation, deleteRule: 'cascade' })
  evaluation!: HealthEconomicEvaluation;

  @Property({ type: 'integer' })
  position: number = 0;

  @Field(() => String, { description: 'e.g. ICER, DIAGNOSTIC_YIELD, MEAN_COST_DIFFERENCE_PER_PATIENT.' })
  @Property({ type: 'text' })
  measure!: string;

  @Field(() => Float, { nullable: true, description: 'Point estimate; null for a range or a qualitative finding.' })
  @Property({ type: 'double', nullable: true })
  value?: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower end when the source reports a range.' })
  @Property({ type: 'double', nullable: true })
  rangeLow?: number | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  rangeHigh?: number | null;

  @Field(() => String, { nullable: true, description: 'A finding the source states in words (e.g. a threshold condition).' })
  @Property({ type: 'text', nullable: true })
  statement?: string | null;

  @Field(() => String, { nullable: true, description: 'As published, e.g. USD/QALY, proportion, QALY.' })
  @Property({ type: 'text', nullable: true })
  unit?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 code when the figure is monetary.' })
  @Property({ type: 'text', nullable: true })
  currency?: string | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  priceYear?: number | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  priceYearNotReported: boolean = false;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  ci95Low?: number | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  ci95High?: number | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  pValue?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comparator?: string | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  comparatorValue?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;
}
