import type { RequestContext } from '../graphql/kit/context.js';
import { INDIVIDUALS_ROUNDING_BASE, individualsInView, roundIndividuals, type IndividualsView } from '../search/engine.js';

/**
 * Disclosure control on counts of people. Counts of datasets are public metadata and always exact; counts of
 * individuals (cohort sizes and their sums) are exact for signed-in callers, and for anonymous callers each
 * cohort size is rounded half up to a multiple of INDIVIDUALS_ROUNDING_BASE and suppressed when the rounded
 * size is below SMALL_COUNT_THRESHOLD. Searches filter, bucket and sum those disclosed sizes only (see
 * IndividualsView), so combining totals, buckets and filters reveals no more than each disclosed size.
 */

export function individualsView(ctx: RequestContext): IndividualsView {
  return ctx.policy.isAuthenticated ? { kind: 'EXACT' } : { kind: 'DISCLOSED', threshold: ctx.settings.smallCountThreshold };
}

export interface DisclosedCount {
  /** Null when suppressed. */
  value: number | null;
  /** As shown to this caller: "1250", "<5". */
  display: string;
}

/** A sum of disclosed sizes: suppressed below the threshold for anonymous callers. */
export function discloseSum(sum: number, view: IndividualsView): DisclosedCount {
  if (view.kind === 'DISCLOSED' && sum < view.threshold) return { value: null, display: `<${view.threshold}` };
  return { value: sum, display: String(sum) };
}

/** One cohort's size as the caller may see it. */
export function discloseCohortSize(count: number | null | undefined, view: IndividualsView): number | null {
  if (count == null) return null;
  return individualsInView({ individuals: count, individualsRounded: roundIndividuals(count) }, view);
}

export { INDIVIDUALS_ROUNDING_BASE };
