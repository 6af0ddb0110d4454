import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { selectedFields, selectsField } from '../graphql/kit/selection.js';
import { LANGUAGE_ARGUMENT_DESCRIPTION, LocalizedText, localizedFor, localizedTexts } from '../graphql/kit/localized-text.js';
import { listInEveryLanguage, textInEveryLanguage } from '../records/translations.js';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { findAtAddress } from '../records/references.js';
import { lifecycleResolver } from '../graphql/kit/lifecycle-resolver.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study } from '../studies/study.entity.js';
import { Dataset } from './dataset.entity.js';
import { DatasetInput, DatasetPatch } from './dataset.inputs.js';
import { individualsView, searchDatasets } from './dataset-search.queries.js';
import { datasetRules } from './dataset.rules.js';
import { DatasetFilter, DatasetSearchResult, DatasetSort } from './dataset.types.js';
import { Distribution } from './distribution.entity.js';
import { CohortDescriptor } from './cohort.js';
import { discloseCohort } from './cohort-disclosure.js';

@ArgsType()
class DatasetSearchArgs {
  @Field(() => String, { nullable: true, description: 'Full-text query; typo tolerant and accent-insensitive.' })
  query?: string | null;

  @Field(() => DatasetFilter, { nullable: true })
  filter?: DatasetFilter | null;

  @Field(() => DatasetSort, { nullable: true, defaultValue: DatasetSort.RELEVANCE })
  sort?: DatasetSort | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 20,
    description: 'Datasets per page. 0 gives the totals and facets alone: hasNextPage then says whether any dataset matches, and endCursor is null (the first page is asked for without after).',
  })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

export const DatasetLifecycleResolver = lifecycleResolver({
  entity: Dataset,
  payloadField: 'dataset',
  input: DatasetInput,
  patch: DatasetPatch,
  rules: datasetRules,
});

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => Dataset, { nullable: true, description: 'A dataset by Relay id or public identifier. A withdrawn dataset stays readable here, with its status and withdrawalReason (its IRI answers 410 Gone with a tombstone); it leaves every listing and search.' })
  async dataset(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Dataset | null> {
    return findAtAddress(ctx.em, ctx.policy, Dataset, id);
  }

  @Query(() => DatasetSearchResult, { description: 'Full-text, faceted discovery of datasets.' })
  datasets(@Args(() => DatasetSearchArgs) args: DatasetSearchArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<DatasetSearchResult> {
    // Facet counts and totals cost the engine the most; compute them only when asked for.
    const withTotals = ['totalCount', 'individuals', 'displayIndividuals'].some((field) => selectsField(info, field));
    return searchDatasets(ctx, { ...args, withFacets: selectsField(info, 'facets'), withTotals }, selectedFields(info, ['edges', 'node']));
  }

  @FieldResolver(() => String, { description: 'The title in the language asked for (see language).' })
  title(
    @Root() dataset: Dataset,
    @Arg('language', () => String, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: string | null,
    @Ctx() ctx: RequestContext,
  ): string {
    return localizedFor(ctx, language, textInEveryLanguage(dataset, 'title'), dataset.language) ?? dataset.title;
  }

  @FieldResolver(() => String, { description: 'The description in the language asked for (see language); empty when there is none.' })
  description(
    @Root() dataset: Dataset,
    @Arg('language', () => String, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: string | null,
    @Ctx() ctx: RequestContext,
  ): string {
    return localizedFor(ctx, language, textInEveryLanguage(dataset, 'description'), dataset.language) ?? '';
  }

  @FieldResolver(() => [String], { description: 'The keywords in the language asked for (see language).' })
  keywords(
    @Root() dataset: Dataset,
    @Arg('language', () => String, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: string | null,
    @Ctx() ctx: RequestContext,
  ): string[] {
    return localizedFor(ctx, language, listInEveryLanguage(dataset, 'keywords'), dataset.language) ?? [];
  }

  @FieldResolver(() => [LocalizedText], { description: 'The title in every language it is given in, the dataset\'s own language first.' })
  titleTranslations(@Root() dataset: Dataset): LocalizedText[] {
    return localizedTexts(textInEveryLanguage(dataset, 'title'));
  }

  @FieldResolver(() => [LocalizedText], { description: 'The description in every language it is given in, the dataset\'s own language first.' })
  descriptionTranslations(@Root() dataset: Dataset): LocalizedText[] {
    return localizedTexts(textInEveryLanguage(dataset, 'description'));
  }

  @FieldResolver(() => [LocalizedText], { description: 'Every keyword with its language, the dataset\'s own language first.' })
  keywordTranslations(@Root() dataset: Dataset): LocalizedText[] {
    return localizedTexts(listInEveryLanguage(dataset, 'keywords'));
  }

  @FieldResolver(() => Organisation, { nullable: true })
  async publisher(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<Organisation | null> {
    return ctx.loaders.organisation.load(dataset.publisher.id);
  }

  @FieldResolver(() => [Organisation], { description: 'Controllers holding the data (usually regions).' })
  async dataHolders(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<Organisation[]> {
    return ctx.loaders.dataHoldersByDataset.load(dataset.id);
  }

  @FieldResolver(() => Organisation, { nullable: true })
  async ownerOrganisation(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<Organisation | null> {
    return dataset.ownerOrganisationId ? ctx.loaders.organisation.load(dataset.ownerOrganisationId) : null;
  }

  @FieldResolver(() => [Organisation])
  async contributors(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<Organisation[]> {
    return ctx.loaders.contributorsByDataset.load(dataset.id);
  }

  @FieldResolver(() => Study, { nullable: true, description: 'The study that produced the data (prov:wasGeneratedBy).' })
  async wasGeneratedBy(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<Study | null> {
    return dataset.wasGeneratedBy ? ctx.loaders.study.load(dataset.wasGeneratedBy.id) : null;
  }

  @FieldResolver(() => DataAccessBody, { nullable: true, description: 'EHDS health data access body (healthdcatap:hdab).' })
  async hdab(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<DataAccessBody | null> {
    return dataset.hdab ? ctx.loaders.accessBody.load(dataset.hdab.id) : null;
  }

  @FieldResolver(() => CohortDescriptor, {
    nullable: true,
    description:
      'Anonymous callers see the counts of people and of their data (numberOfUniqueIndividuals, numberOfRecords, numberOfSamples, numberOfFamilies, sexDistribution) rounded and suppressed like the search sums (README, "Counts of datasets and of people").',
  })
  cohort(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): CohortDescriptor | null {
    return dataset.cohort ? discloseCohort(dataset.cohort, individualsView(ctx)) : null;
  }

  @FieldResolver(() => [Distribution])
  distributions(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<Distribution[]> {
    return ctx.loaders.distributionsByDataset.load(dataset.id);
  }

  @FieldResolver(() => [Publication])
  async publications(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<Publication[]> {
    return ctx.loaders.publicationsByDataset.load(dataset.id);
  }
}
