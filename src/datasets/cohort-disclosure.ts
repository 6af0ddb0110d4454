import type { CohortDescriptor } from './cohort.js';

/**
 * Disclosure control on counts of people. Counts of datasets are public metadata and always exact; counts of
 * individuals (cohort sizes and their sums) are exact for signed-in callers, and for anonymous callers each
 * cohort size is rounded half up to a multiple of INDIVIDUALS_ROUNDING_BASE and suppressed when the rounded
 * size is below SMALL_COUNT_THRESHOLD. Searches filter, bucket, sort and sum those disclosed sizes only (see
 * IndividualsView), so combining totals, buckets and filters reveals no more than each disclosed size.
 * Pure: the search engines apply the same rule.
 */

/** Rounding base of cohort sizes shown to callers without exact access (see roundIndividuals). */
export const INDIVIDUALS_ROUNDING_BASE = 10;

/** Rounds half up to a multiple of INDIVIDUALS_ROUNDING_BASE: 4 -> 0, 5 -> 10, 1249 -> 1250. */
export function roundIndividuals(count: number | null): number | null {
  return count === null ? null : Math.round(count / INDIVIDUALS_ROUNDING_BASE) * INDIVIDUALS_ROUNDING_BASE;
}

/**
 * Which cohort sizes searches work with. EXACT: the recorded sizes. DISCLOSED: each size rounded by
 * roundIndividuals, and a rounded size below `threshold` counts as unknown (it passes no size filter, falls
 * in no range bucket, adds nothing to a sum and sorts with the unknown sizes). Filters, range buckets, sums
 * and the size sort then see only disclosed values, so no combination of requests reveals more than each
 * dataset's disclosed size.
 */
export type IndividualsView = { kind: 'EXACT' } | { kind: 'DISCLOSED'; threshold: number };

/** The size of one cohort as a view discloses it: what the engines filter, bucket and sum. */
export function individualsInView(doc: { individuals: number | null; individualsRounded: number | null }, view: IndividualsView): number | null {
  if (view.kind === 'EXACT') return doc.individuals;
  return doc.individualsRounded === null || doc.individualsRounded < view.threshold ? null : doc.individualsRounded;
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

/** One cohort's count of people as the caller may see it. */
function discloseCohortSize(count: number | null | undefined, view: IndividualsView): number | null {
  if (count == null) return null;
  return individualsInView({ individuals: count, individualsRounded: roundIndividuals(count) }, view);
}

/**
 * A cohort as the caller may see it. Every count in it is of people or of their data (a sample or a record is a
 * person's), so each is disclosed like a cohort size (discloseCohortSize); ages and the rest are not counts.
 * Parts rounded one by one can add up to more than the rounded whole (15 + 15 of 30 -> 20 + 20 > 30), which a
 * cohort may not (a harvesting node refuses it), so such a sex distribution is disclosed as unknown.
 */
export function discloseCohort(cohort: CohortDescriptor, view: IndividualsView): CohortDescriptor {
  if (view.kind === 'EXACT') return cohort;
  const disclose = (count: number | null | undefined) => discloseCohortSize(count, view);
  const individuals = disclose(cohort.numberOfUniqueIndividuals);
  const sex = cohort.sexDistribution;
  const parts = sex ? { female: disclose(sex.female), male: disclose(sex.male), otherOrUnknown: disclose(sex.otherOrUnknown) } : null;
  const partsTotal = parts ? (parts.female ?? 0) + (parts.male ?? 0) + (parts.otherOrUnknown ?? 0) : 0;
  return {
    ...cohort,
    numberOfUniqueIndividuals: individuals,
    numberOfRecords: disclose(cohort.numberOfRecords),
    numberOfSamples: disclose(cohort.numberOfSamples),
    numberOfFamilies: disclose(cohort.numberOfFamilies),
    sexDistribution: individuals !== null && partsTotal > individuals ? null : parts,
  };
}
