import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { RecordRules } from '../records/record-service.js';
import type { Problems } from '../core/problems.js';
import { checkCountryCode, checkCurrency, checkText } from '../core/validation.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study } from '../studies/study.entity.js';
import { EvaluationType, HealthEconomicEvaluation, HealthEconomicResult } from './health-economic-evaluation.entity.js';
import type { HealthEconomicResultInput, HealthEconomicEvaluationPatch, HealthEconomicEvaluationInput } from './health-economic-evaluation.inputs.js';

const FULL_EVALUATIONS = new Set([EvaluationType.CEA, EvaluationType.CUA, EvaluationType.CBA, EvaluationType.CMA]);
const TIME_HORIZON = /^(LIFETIME|P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?)$/;

/** The currency a published unit starts with (USD, USD/QALY), if any. */
export function currencyOfUnit(unit: string | null | undefined): string | null {
  const match = /^([A-Z]{3})(\/|$)/.exec(unit ?? '');
  return match ? match[1] : null;
}

export const healthEconomicEvaluationRules: RecordRules<HealthEconomicEvaluation, HealthEconomicEvaluationInput, HealthEconomicEvaluationPatch> = {
  entity: HealthEconomicEvaluation,
  async build(em, input, problems, refs) {
    if (!input.title?.trim()) problems.add('input.title', 'is required', 'REQUIRED');
    if (!input.evaluationType) problems.add('input.evaluationType', 'is required', 'REQUIRED');
    if (!input.currency) problems.add('input.currency', 'is required: every monetary figure needs its currency (CHEERS 15)', 'REQUIRED');
    const owner = await refs.claim(Organisation, input.ownerOrganisation, 'input.ownerOrganisation', problems);
    const evaluation = Object.assign(new HealthEconomicEvaluation(), {
      identifier: input.identifier?.trim() || `urn:gdcat:health-economic-evaluation:${randomUUID()}`,
      title: input.title?.trim() ?? '',
      evaluationType: input.evaluationType ?? EvaluationType.COST_ANALYSIS,
      currency: input.currency ?? 'SEK',
    });
    evaluation.ownerOrganisationId = owner?.id ?? null;
    await healthEconomicEvaluationRules.apply(em, evaluation, input, problems, refs);
    return evaluation;
  },
  async apply(em, evaluation, patch, problems, refs) {
    const copy = ['decisionProblem', 'analysisPlanUrl', 'population', 'setting', 'intervention', 'utilityInstrument', 'costingMethod', 'subgroups', 'funding', 'conflictsOfInterest', 'note', 'willingnessToPayUnit'] as const;
    for (const key of copy) if (patch[key] !== undefined) evaluation[key] = patch[key] ?? null;
    if (patch.title !== undefined) {
      if (!patch.title?.trim()) problems.add('input.title', 'cannot be empty', 'REQUIRED');
      else evaluation.title = checkText(problems, 'input.title', patch.title, 500);
    }
    if (patch.evaluationType) evaluation.evaluationType = patch.evaluationType;
    if (patch.country !== undefined) evaluation.country = checkCountryCode(problems, 'input.country', patch.country);
    if (patch.comparators != null) evaluation.comparators = patch.comparators;
    if (patch.perspective !== undefined) evaluation.perspective = patch.perspective;
    if (patch.timeHorizon !== undefined) {
      if (patch.timeHorizon != null && !TIME_HORIZON.test(patch.timeHorizon)) {
        problems.add('input.timeHorizon', 'must be an ISO 8601 duration such as P2Y, or LIFETIME');
      }
      evaluation.timeHorizon = patch.timeHorizon;
    }
    for (const key of ['discountRateCosts', 'discountRateOutcomes'] as const) {
      const rate = patch[key];
      if (rate === undefined) continue;
      if (rate != null && (rate < 0 || rate > 100)) problems.add(`input.${key}`, 'is a percentage per year between 0 and 100');
      // No guideline discounts by a tenth of a percent or less; such a rate is a fraction meant as 3 % (0.03).
      else if (rate != null && rate > 0 && rate <= 0.1) problems.add(`input.${key}`, `is a percentage per year: write 3 for 3 % (${rate} looks like a fraction)`);
      evaluation[key] = rate;
    }
    if (patch.outcomeMeasures != null) evaluation.outcomeMeasures = patch.outcomeMeasures;
    if (patch.currency !== undefined) {
      if (!patch.currency) problems.add('input.currency', 'cannot be removed: every monetary figure needs its currency', 'REQUIRED');
      else evaluation.currency = checkCurrency(problems, 'input.currency', patch.currency) ?? evaluation.currency;
    }
    if (patch.priceYear !== undefined) {
      checkPriceYear(problems, 'input.priceYear', patch.priceYear);
      evaluation.priceYear = patch.priceYear;
    }
    if (patch.priceYearNote !== undefined) evaluation.priceYearNote = patch.priceYearNote?.trim() || null;
    if (evaluation.priceYear == null && !evaluation.priceYearNote) {
      problems.add('input.priceYear', 'is required (CHEERS 15); if the source does not report it, say so in priceYearNote', 'REQUIRED');
    }
    if (patch.modelTypes != null) evaluation.modelTypes = patch.modelTypes;
    if (patch.modelAvailable !== undefined) evaluation.modelAvailable = patch.modelAvailable;
    if (patch.sensitivityAnalyses != null) evaluation.sensitivityAnalyses = patch.sensitivityAnalyses;
    if (patch.engagementDescribed !== undefined) evaluation.engagementDescribed = patch.engagementDescribed;
    if (patch.cheersCompliant !== undefined) evaluation.cheersCompliant = patch.cheersCompliant;
    if (patch.willingnessToPayAmount !== undefined) {
      const amount = patch.willingnessToPayAmount;
      if (amount != null && !(typeof amount === 'number' && Number.isFinite(amount) && amount > 0)) {
        problems.add('input.willingnessToPayAmount', 'must be a positive number (the threshold, in willingnessToPayUnit)');
      }
      evaluation.willingnessToPayAmount = amount;
    }
    if (patch.publication !== undefined) {
      evaluation.publication = patch.publication ? await refs.link(Publication, patch.publication, 'input.publication', problems) : null;
    }
    if (patch.evaluatedDatasets != null) evaluation.evaluatedDatasets.set(await refs.claims(Dataset, patch.evaluatedDatasets, 'input.evaluatedDatasets', problems));
    if (patch.evaluatedStudies != null) evaluation.evaluatedStudies.set(await refs.links(Study, patch.evaluatedStudies, 'input.evaluatedStudies', problems));
    if (patch.results != null) setResults(em, evaluation, patch.results, problems);
  },
  async checkPublishable(em, evaluation, problems) {
    if (FULL_EVALUATIONS.has(evaluation.evaluationType) && !evaluation.perspective) {
      problems.add('perspective', `a full economic evaluation (${evaluation.evaluationType}) must state its perspective (CHEERS 8)`, 'REQUIRED');
    }
    if (!evaluation.publication && (await em.count(HealthEconomicResult, { evaluation }))) {
      problems.add('publication', 'published figures need the publication they come from', 'REQUIRED');
    }
  },
};

function checkPriceYear(problems: Problems, field: string, year: number | null | undefined): void {
  if (year != null && (year < 1950 || year > 2100)) problems.add(field, 'is not a plausible price year (1950 to 2100)');
}

function setResults(em: EntityManager, evaluation: HealthEconomicEvaluation, inputs: HealthEconomicResultInput[], problems: Problems): void {
  const results = inputs.map((input, position) => {
    const field = `input.results[${position}]`;
    if (!input.measure?.trim()) problems.add(`${field}.measure`, 'is required', 'REQUIRED');
    const hasRange = input.rangeLow != null && input.rangeHigh != null;
    if (input.value == null && !hasRange && !input.statement?.trim()) {
      problems.add(`${field}.value`, 'give a value, a range (rangeLow and rangeHigh) or a statement', 'REQUIRED');
    }
    if (hasRange && input.rangeLow! > input.rangeHigh!) problems.add(`${field}.rangeLow`, 'is above rangeHigh');
    const unitCurrency = currencyOfUnit(input.unit);
    const currency = checkCurrency(problems, `${field}.currency`, input.currency) ?? unitCurrency;
    if (input.currency && unitCurrency && input.currency !== unitCurrency) {
      problems.add(`${field}.currency`, `${input.currency} contradicts the unit ${input.unit}`);
    }
    checkPriceYear(problems, `${field}.priceYear`, input.priceYear);
    const priceYear = currency ? (input.priceYear ?? evaluation.priceYear ?? null) : null;
    if (input.ci95Low != null && input.ci95High != null && input.ci95Low > input.ci95High) {
      problems.add(`${field}.ci95Low`, 'is above ci95High');
    }
    if (input.pValue != null && (input.pValue < 0 || input.pValue > 1)) problems.add(`${field}.pValue`, 'must be between 0 and 1');
    return Object.assign(new HealthEconomicResult(), {
      evaluation,
      position,
      measure: input.measure?.trim() ?? '',
      value: input.value ?? null,
      rangeLow: input.rangeLow ?? null,
      rangeHigh: input.rangeHigh ?? null,
      statement: input.statement?.trim() || null,
      unit: input.unit ?? null,
      currency,
      priceYear,
      priceYearNotReported: !!currency && priceYear == null,
      ci95Low: input.ci95Low ?? null,
      ci95High: input.ci95High ?? null,
      pValue: input.pValue ?? null,
      comparator: input.comparator ?? null,
      comparatorValue: input.comparatorValue ?? null,
      note: input.note ?? null,
    });
  });
  evaluation.results.set(results);
}
