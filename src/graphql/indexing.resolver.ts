import { GraphQLError } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { UserInputProblem } from '../core/problems.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { listFailures, retryFailures, type IndexingFailure } from '../search/indexing-failures.js';
import type { RequestContext } from './kit/context.js';
import { UserError } from './kit/user-error.js';

const MAX_LISTED = 500;

@ObjectType('IndexingFailure', {
  description:
    'A dataset the search engine refused to index, set aside with its reason so it holds up nothing else. It is indexed again, and leaves this list, when the dataset is saved again, on retryIndexing, or on a reindex.',
})
class IndexingFailureType implements IndexingFailure {
  @Field(() => ID, { description: 'Internal id of the dataset.' })
  datasetId!: string;

  @Field(() => String)
  identifier!: string;

  @Field(() => String, { description: 'postgres or elasticsearch.' })
  engine!: string;

  @Field(() => String, { description: "The engine's reason." })
  error!: string;

  @Field(() => Date)
  firstFailedAt!: Date;

  @Field(() => Date)
  failedAt!: Date;

  @Field(() => Int, { description: 'Times the engine refused it.' })
  attempts!: number;
}

@ObjectType()
class RetryIndexingPayload {
  @Field(() => Int, { description: 'Datasets queued for indexing.' })
  queued!: number;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

function signedIn(ctx: RequestContext): void {
  if (!ctx.policy.isAuthenticated) {
    throw new GraphQLError('sign in to see indexing failures', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

@Resolver(() => IndexingFailureType)
export class IndexingResolver {
  @Query(() => [IndexingFailureType], {
    description: 'Datasets the search engine refused to index, most recent first: every one for admins, their organisations\' for data managers.',
  })
  async indexingFailures(@Arg('first', () => Int, { defaultValue: 50, description: `At most ${MAX_LISTED}.` }) first: number, @Ctx() ctx: RequestContext): Promise<IndexingFailure[]> {
    signedIn(ctx);
    if (!Number.isInteger(first) || first < 0 || first > MAX_LISTED) throw UserInputProblem.of('first', `must be an integer between 0 and ${MAX_LISTED}`);
    return listFailures(ctx.em.getConnection(), first, ctx.policy.searchVisibility());
  }

  @FieldResolver(() => Dataset, { nullable: true })
  dataset(@Root() failure: IndexingFailure, @Ctx() ctx: RequestContext): Promise<Dataset | null> {
    return ctx.loaders.dataset.load(failure.datasetId);
  }

  @Mutation(() => RetryIndexingPayload, {
    description: 'Admins: queues every set-aside dataset for indexing again (after the engine was changed to accept them).',
  })
  async retryIndexing(@Ctx() ctx: RequestContext): Promise<RetryIndexingPayload> {
    signedIn(ctx);
    if (!ctx.policy.isAdmin) return { queued: 0, userErrors: [{ field: null, message: 'only admins retry indexing', code: 'FORBIDDEN' }] };
    const queued = await retryFailures(ctx.em.getConnection(), null);
    if (queued > 0) ctx.afterWrite();
    return { queued, userErrors: [] };
  }
}
