import DataLoader from 'dataloader';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Dataset } from '../datasets/dataset.entity.js';
import { type HarvestedDataset, HarvestRun } from '../harvest/harvest-run.entity.js';
import { HarvestSource, HarvestSourceKind } from '../harvest/harvest-source.entity.js';
import { createHarvestSource, type HarvestSourceInput as SourceInput, type HarvestSourcePatch as SourcePatch, updateHarvestSource } from '../harvest/harvest-source.rules.js';
import { harvestRunsPage, harvestOfDatasets, harvestSourcesPage } from '../harvest/harvest.queries.js';
import { ConnectionType } from './kit/connection.js';
import type { RequestContext } from './kit/context.js';
import { runMutation } from './kit/mutation.js';
import { UserError } from './kit/user-error.js';

@InputType({ description: 'Changes to a harvest source; fields left out stay as they are.' })
class HarvestSourcePatch implements SourcePatch {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'Where harvesting starts: a DCAT-AP catalogue listing (e.g. https://region.example/dcat/catalog) or a FAIR Data Point.' })
  url?: string | null;

  @Field(() => HarvestSourceKind, { nullable: true })
  kind?: HarvestSourceKind | null;

  @Field(() => ID, { nullable: true, description: 'The organisation the source speaks for (id or identifier).' })
  organisation?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 8601 duration between scheduled runs, at least PT1M (e.g. PT6H, P1D).' })
  schedule?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether `gdcat serve` runs it on its schedule.' })
  enabled?: boolean | null;
}

@InputType()
class HarvestSourceInput extends HarvestSourcePatch implements SourceInput {
  @Field(() => String)
  identifier!: string;

  @Field(() => String)
  declare title: string;

  @Field(() => String)
  declare url: string;

  @Field(() => HarvestSourceKind)
  declare kind: HarvestSourceKind;

  @Field(() => ID)
  declare organisation: string;

  @Field(() => String)
  declare schedule: string;
}

@ObjectType()
class HarvestSourcePayload {
  @Field(() => HarvestSource, { nullable: true })
  harvestSource!: HarvestSource | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
class HarvestSourceConnection extends ConnectionType(HarvestSource, 'HarvestSource') {}

@ObjectType()
class HarvestRunConnection extends ConnectionType(HarvestRun, 'HarvestRun') {}

/** Harvest sources (admins register them) and their runs. */
@Resolver()
export class HarvestResolver {
  @Query(() => HarvestSourceConnection, { description: 'Catalogues harvested into this one: all for admins, their organisations\' for data managers.' })
  harvestSources(
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<HarvestSourceConnection> {
    return harvestSourcesPage(ctx.em, ctx.policy, { first, after });
  }

  @Query(() => HarvestRunConnection, { description: 'Harvest runs, newest first, of the sources the caller may see; of one source when `source` is given.' })
  harvestRuns(
    @Arg('source', () => ID, { nullable: true, description: 'Id or identifier of a harvest source.' }) source: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<HarvestRunConnection> {
    return harvestRunsPage(ctx.em, ctx.policy, source, { first, after });
  }

  @Mutation(() => HarvestSourcePayload, { description: 'Registers a catalogue to harvest (admins).' })
  async createHarvestSource(@Arg('input', () => HarvestSourceInput) input: HarvestSourceInput, @Ctx() ctx: RequestContext): Promise<HarvestSourcePayload> {
    const { result, userErrors } = await runMutation(ctx, (em) => createHarvestSource(em, ctx.policy, input, ctx.harvestPrivateNetworks));
    return { harvestSource: result, userErrors };
  }

  @Mutation(() => HarvestSourcePayload, { description: 'Changes a harvest source (admins), naming the version edited.' })
  async updateHarvestSource(
    @Arg('id', () => ID, { description: 'Id or identifier.' }) id: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('input', () => HarvestSourcePatch) input: HarvestSourcePatch,
    @Ctx() ctx: RequestContext,
  ): Promise<HarvestSourcePayload> {
    const { result, userErrors } = await runMutation(ctx, (em) => updateHarvestSource(em, ctx.policy, id, expectedVersion, input, ctx.harvestPrivateNetworks));
    return { harvestSource: result, userErrors };
  }
}

// One lookup per request for all the datasets a response shows.
const harvestLoaders = new WeakMap<RequestContext, DataLoader<string, HarvestedDataset | null>>();

function harvestOf(dataset: Dataset, ctx: RequestContext): Promise<HarvestedDataset | null> {
  let loader = harvestLoaders.get(ctx);
  if (!loader) harvestLoaders.set(ctx, (loader = new DataLoader((identifiers: readonly string[]) => harvestOfDatasets(ctx.em, ctx.policy, identifiers))));
  return loader.load(dataset.identifier);
}

/** Where a harvested dataset came from (with provenanceSource, harvestedFrom and harvestedAt). */
@Resolver(() => Dataset)
export class DatasetHarvestResolver {
  @FieldResolver(() => HarvestSource, {
    nullable: true,
    description: 'The harvest source the dataset came from (null unless harvested from a registered source, and for callers who may not see the source: admins and its organisation\'s data managers see it); harvestedFrom is its IRI there, harvestedAt when it was last written from it.',
  })
  async harvestSource(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<HarvestSource | null> {
    return (await harvestOf(dataset, ctx))?.source ?? null;
  }
}
