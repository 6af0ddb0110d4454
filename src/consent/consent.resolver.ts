import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Problems } from '../core/problems.js';
import { Dataset } from '../datasets/dataset.entity.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { ConsentScope } from './consent-scope.entity.js';
import { toResearchPurpose } from './consent-matching.js';
import { DuoTerm, ResearchPurposeInput, UseAssessment } from './consent.types.js';
import { duoTerms } from './duo-vocabulary.js';
import { assessUse, assessment } from './use-assessment.js';

@Resolver(() => Dataset)
export class DatasetConsentResolver {
  @FieldResolver(() => ConsentScope, { nullable: true, description: 'What the consent allows, in DUO terms.' })
  async consent(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<ConsentScope | null> {
    return (await ctx.loaders.consentByDataset.load(dataset.id))[0] ?? null;
  }

  @FieldResolver(() => UseAssessment, { description: "Whether the purpose is allowed by this dataset's consent, with conditions and reasons." })
  async useAssessment(
    @Root() dataset: Dataset,
    @Arg('purpose', () => ResearchPurposeInput) purpose: ResearchPurposeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<UseAssessment> {
    const problems = new Problems();
    const researchPurpose = toResearchPurpose(purpose, 'purpose', problems);
    problems.throwIfAny();
    const consent = (await ctx.loaders.consentByDataset.load(dataset.id))[0];
    if (!consent) {
      const notStated = 'No consent scope is recorded for this dataset, so no use can be confirmed without a review.';
      return assessment([{ code: 'gdcat:no-consent-scope', shorthand: 'NONE', description: notStated, outcome: 'NEEDS_REVIEW' }], []);
    }
    return assessUse(
      { permission: consent.duoPermission, modifiers: consent.duoModifiers, diseaseRestrictions: consent.diseaseRestrictions },
      researchPurpose,
    );
  }
}

@Resolver()
export class DuoTermResolver {
  @Query(() => [DuoTerm], { description: 'The DUO terms of the pinned release, obsolete ones flagged.' })
  duoTerms(): DuoTerm[] {
    return duoTerms().map((t) => ({ ...t, shorthand: t.shorthand ?? null, definition: t.definition ?? null }));
  }
}
