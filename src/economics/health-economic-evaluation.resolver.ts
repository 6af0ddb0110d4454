import { Arg, Ctx, Field, FieldResolver, InputType, Int, Query, Resolver, Root } from 'type-graphql';
import { Problems } from '../core/problems.js';
import { checkCountryCode, checkCurrency } from '../core/validation.js';
import { findReadable } from '../records/references.js';
import { lifecycleResolver } from '../graphql/kit/lifecycle-resolver.js';
import { ConnectionType } from '../graphql/kit/connection.js';
import { keysetPage, type Connection } from '../records/pagination.js';
import { Dataset } from '../datasets/dataset.entity.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { Publication } from '../publications/publication.entity.js';
import { Study } from '../studies/study.entity.js';
import { EvaluationPerspective, EvaluationType, HealthEconomicEvaluation, HealthEconomicResult, MonetaryAmount } from './health-economic-evaluation.entity.js';
import { HealthEconomicEvaluationInput, HealthEconomicEvaluationPatch } from './health-economic-evaluation.inputs.js';
import { currencyOfUnit, healthEconomicEvaluationRules } from './health-economic-evaluation.rules.js';

const HealthEconomicEvaluationConnection = ConnectionType(HealthEconomicEvaluation, 'HealthEconomicEvaluation');

export const HealthEconomicEvaluationLifecycleResolver = lifecycleResolver({
  entity: HealthEconomicEvaluation,
  payloadField: 'healthEconomicEvaluation',
  input: HealthEconomicEvaluationInput,
  patch: HealthEconomicEvaluationPatch,
  rules: healthEconomicEvaluationRules,
});

@InputType()
export class HealthEconomicFilter {
  @Field(() => [EvaluationType], { nullable: true })
  evaluationType?: EvaluationType[] | null;

  @Field(() => [EvaluationPerspective], { nullable: true })
  perspective?: EvaluationPerspective[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 3166 countries of the setting.' })
  country?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 4217 currencies of the figures.' })
  currency?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Evaluations attached to this dataset (id or identifier).' })
  dataset?: string | null;
}

/**
 * The filter as query conditions. Codes that are no ISO code and datasets the caller cannot find are refused,
 * naming the field, as the datasets filter does: matching them would answer an empty page that hides the typo.
 */
async function filterConditions(ctx: RequestContext, filter: HealthEconomicFilter): Promise<Record<string, unknown>[]> {
  const problems = new Problems();
  const conditions: Record<string, unknown>[] = [];
  if (filter.evaluationType?.length) conditions.push({ evaluationType: { $in: filter.evaluationType } });
  if (filter.perspective?.length) conditions.push({ perspective: { $in: filter.perspective } });
  if (filter.country?.length) {
    conditions.push({ country: { $in: filter.country.map((code, i) => checkCountryCode(problems, `filter.country[${i}]`, code)) } });
  }
  if (filter.currency?.length) {
    conditions.push({ currency: { $in: filter.currency.map((code, i) => checkCurrency(problems, `filter.currency[${i}]`, code)) } });
  }
  if (filter.dataset) {
    // Unknown and unreadable answer alike, so the filter is no oracle for drafts.
    const dataset = await findReadable(ctx.em, ctx.policy, Dataset, filter.dataset);
    if (!dataset) problems.add('filter.dataset', `no Dataset "${filter.dataset}"`, 'NOT_FOUND');
    conditions.push({ evaluatedDatasets: { $in: dataset ? [dataset.id] : [] } });
  }
  problems.throwIfAny();
  return conditions;
}

@Resolver(() => HealthEconomicEvaluation)
export class HealthEconomicEvaluationResolver {
  @Query(() => HealthEconomicEvaluationConnection, { description: 'Health-economic evaluations (CHEERS 2022), by title.' })
  async healthEconomicEvaluations(
    @Arg('filter', () => HealthEconomicFilter, { nullable: true }) filter: HealthEconomicFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<HealthEconomicEvaluation>> {
    const conditions = [ctx.policy.readableFilter(), ...(filter ? await filterConditions(ctx, filter) : [])];
    return keysetPage(ctx.em, HealthEconomicEvaluation, conditions, 'title', { first, after, defaultSize: 20 });
  }

  @FieldResolver(() => [HealthEconomicResult], { description: 'Reported figures (CHEERS 22-24).' })
  results(@Root() evaluation: HealthEconomicEvaluation, @Ctx() ctx: RequestContext): Promise<HealthEconomicResult[]> {
    return ctx.loaders.resultsByEvaluation.load(evaluation.id);
  }

  @FieldResolver(() => MonetaryAmount, { nullable: true, description: 'Willingness-to-pay threshold used, with currency and price year.' })
  willingnessToPay(@Root() evaluation: HealthEconomicEvaluation): MonetaryAmount | null {
    if (evaluation.willingnessToPayAmount == null) return null;
    const unit = evaluation.willingnessToPayUnit ?? evaluation.currency;
    return {
      amount: evaluation.willingnessToPayAmount,
      currency: currencyOfUnit(unit) ?? evaluation.currency,
      priceYear: evaluation.priceYear ?? null,
      priceYearNotReported: evaluation.priceYear == null,
      per: unit.includes('/') ? unit.split('/')[1] : null,
    };
  }

  @FieldResolver(() => Publication, { nullable: true })
  async publication(@Root() evaluation: HealthEconomicEvaluation, @Ctx() ctx: RequestContext): Promise<Publication | null> {
    if (!evaluation.publication) return null;
    return ctx.loaders.publication.load(evaluation.publication.id);
  }

  @FieldResolver(() => [Dataset])
  async evaluatedDatasets(@Root() evaluation: HealthEconomicEvaluation, @Ctx() ctx: RequestContext): Promise<Dataset[]> {
    return ctx.loaders.datasetsByEvaluation.load(evaluation.id);
  }

  @FieldResolver(() => [Study])
  async evaluatedStudies(@Root() evaluation: HealthEconomicEvaluation, @Ctx() ctx: RequestContext): Promise<Study[]> {
    return ctx.loaders.studiesByEvaluation.load(evaluation.id);
  }
}

@Resolver(() => HealthEconomicResult)
export class HealthEconomicResultResolver {
  @FieldResolver(() => MonetaryAmount, { nullable: true, description: 'The value as money, when the figure is monetary.' })
  amount(@Root() result: HealthEconomicResult): MonetaryAmount | null {
    if (!result.currency || result.value == null) return null;
    return {
      amount: result.value,
      currency: result.currency,
      priceYear: result.priceYear ?? null,
      priceYearNotReported: result.priceYearNotReported,
      per: result.unit?.includes('/') ? result.unit.split('/')[1] : null,
    };
  }
}

@Resolver(() => Dataset)
export class DatasetEconomicsResolver {
  @FieldResolver(() => [HealthEconomicEvaluation], { description: 'Health-economic evidence about this dataset.' })
  async healthEconomicEvaluations(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<HealthEconomicEvaluation[]> {
    return ctx.loaders.evaluationsByDataset.load(dataset.id);
  }
}
