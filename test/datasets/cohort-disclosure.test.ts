import { describe, expect, it } from 'vitest';
import type { CohortDescriptor } from '../../src/datasets/cohort.js';
import { discloseCohort, type IndividualsView } from '../../src/datasets/cohort-disclosure.js';

const ANONYMOUS: IndividualsView = { kind: 'DISCLOSED', threshold: 5 };

const cohort = (counts: Partial<CohortDescriptor>): CohortDescriptor =>
  ({ minTypicalAge: 3, maxTypicalAge: 81, diseases: [], phenotypes: [], sampleTypes: [], variantTypes: [], ...counts }) as CohortDescriptor;

describe('discloseCohort', () => {
  it('rounds every count of people and suppresses small ones, leaving ages as they are', () => {
    const disclosed = discloseCohort(
      cohort({ numberOfUniqueIndividuals: 1234, numberOfRecords: 3, numberOfSamples: 1236, numberOfFamilies: 417, sexDistribution: { female: 604, male: 626, otherOrUnknown: 4 } }),
      ANONYMOUS,
    );
    expect(disclosed).toMatchObject({
      numberOfUniqueIndividuals: 1230,
      numberOfRecords: null,
      numberOfSamples: 1240,
      numberOfFamilies: 420,
      sexDistribution: { female: 600, male: 630, otherOrUnknown: null },
      minTypicalAge: 3,
      maxTypicalAge: 81,
    });
  });

  it('discloses a sex distribution whose rounded parts add up to more than the rounded cohort as unknown', () => {
    // 15 + 15 of 30 round to 20 + 20, more than 30: a cohort no catalogue accepts (a harvesting node would refuse it).
    const disclosed = discloseCohort(cohort({ numberOfUniqueIndividuals: 30, sexDistribution: { female: 15, male: 15, otherOrUnknown: 0 } }), ANONYMOUS);
    expect(disclosed.numberOfUniqueIndividuals).toBe(30);
    expect(disclosed.sexDistribution).toBeNull();
    // Parts that still fit are kept, and so are parts of a cohort of unstated size.
    expect(discloseCohort(cohort({ numberOfUniqueIndividuals: 30, sexDistribution: { female: 14, male: 16 } }), ANONYMOUS).sexDistribution)
      .toEqual({ female: 10, male: 20, otherOrUnknown: null });
    expect(discloseCohort(cohort({ sexDistribution: { female: 15, male: 15 } }), ANONYMOUS).sexDistribution)
      .toEqual({ female: 20, male: 20, otherOrUnknown: null });
  });

  it('leaves the cohort exact for callers who may see it so', () => {
    const exact = cohort({ numberOfUniqueIndividuals: 30, sexDistribution: { female: 15, male: 15, otherOrUnknown: 0 } });
    expect(discloseCohort(exact, { kind: 'EXACT' })).toBe(exact);
  });
});
