import { Arg, Ctx, Field, FieldResolver, InputType, Int, Query, Resolver, Root } from 'type-graphql';
import { lifecycleResolver } from '../graphql/kit/lifecycle-resolver.js';
import { ConnectionType } from '../graphql/kit/connection.js';
import { keysetPage, type Connection } from '../records/pagination.js';
import { RecordStatus } from '../records/record.js';
import { DiagnosticArea } from '../records/terms.js';
import { Dataset } from '../datasets/dataset.entity.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study, StudyProgress, StudyType } from './study.entity.js';
import { StudyInput, StudyPatch } from './study.inputs.js';
import { studyRules } from './study.rules.js';

const StudyConnection = ConnectionType(Study, 'Study');

export const StudyLifecycleResolver = lifecycleResolver({ entity: Study, payloadField: 'study', input: StudyInput, patch: StudyPatch, rules: studyRules });

@InputType()
export class StudyFilter {
  @Field(() => [DiagnosticArea], { nullable: true })
  diagnosticArea?: DiagnosticArea[] | null;

  @Field(() => [StudyType], { nullable: true })
  studyType?: StudyType[] | null;

  @Field(() => [StudyProgress], { nullable: true })
  progress?: StudyProgress[] | null;

  @Field(() => [RecordStatus], { nullable: true })
  status?: RecordStatus[] | null;
}

@Resolver(() => Study)
export class StudyResolver {
  @Query(() => StudyConnection, { description: 'Studies by title; query matches title, acronym and description.' })
  async studies(
    @Arg('query', () => String, { nullable: true }) query: string | null,
    @Arg('filter', () => StudyFilter, { nullable: true }) filter: StudyFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<Study>> {
    const conditions: Record<string, unknown>[] = [ctx.policy.readableFilter()];
    if (query?.trim()) {
      const like = `%${query.trim().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      conditions.push({ $or: [{ title: { $ilike: like } }, { acronym: { $ilike: like } }, { description: { $ilike: like } }] });
    }
    if (filter?.diagnosticArea?.length) conditions.push({ diagnosticArea: { $in: filter.diagnosticArea } });
    if (filter?.studyType?.length) conditions.push({ studyType: { $in: filter.studyType } });
    if (filter?.progress?.length) conditions.push({ progress: { $in: filter.progress } });
    if (filter?.status?.length) conditions.push({ status: { $in: filter.status } });
    return keysetPage(ctx.em, Study, conditions, 'title', { first, after, defaultSize: 20 });
  }

  @FieldResolver(() => [Dataset], { description: 'Datasets the study produced.' })
  async outputs(@Root() study: Study, @Ctx() ctx: RequestContext): Promise<Dataset[]> {
    return ctx.loaders.datasetsByStudy.load(study.id);
  }

  @FieldResolver(() => [Organisation])
  async funders(@Root() study: Study, @Ctx() ctx: RequestContext): Promise<Organisation[]> {
    return ctx.loaders.fundersByStudy.load(study.id);
  }

  @FieldResolver(() => [Organisation])
  async participatingOrganisations(@Root() study: Study, @Ctx() ctx: RequestContext): Promise<Organisation[]> {
    return ctx.loaders.participantsByStudy.load(study.id);
  }

  @FieldResolver(() => [Publication])
  async publications(@Root() study: Study, @Ctx() ctx: RequestContext): Promise<Publication[]> {
    return ctx.loaders.publicationsByStudy.load(study.id);
  }
}
