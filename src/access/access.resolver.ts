import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { lifecycleResolver } from '../graphql/kit/lifecycle-resolver.js';
import { ConnectionType } from '../graphql/kit/connection.js';
import { LANGUAGE_ARGUMENT_DESCRIPTION, LocalizedText, localizedTexts, nameFor } from '../graphql/kit/localized-text.js';
import { textInEveryLanguage } from '../records/translations.js';
import { keysetPage, type Connection } from '../records/pagination.js';
import { Dataset } from '../datasets/dataset.entity.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { AccessRoute, AccessRouteStep } from './access-route.entity.js';
import { DataAccessBody } from './data-access-body.entity.js';
import { DataAccessBodyInput, DataAccessBodyPatch } from './data-access-body.inputs.js';
import { dataAccessBodyRules } from './data-access-body.rules.js';
import { AccessContact, accessContacts, whoToAsk } from './who-to-ask.js';

const DataAccessBodyConnection = ConnectionType(DataAccessBody, 'DataAccessBody');

export const DataAccessBodyLifecycleResolver = lifecycleResolver({
  entity: DataAccessBody,
  payloadField: 'dataAccessBody',
  input: DataAccessBodyInput,
  patch: DataAccessBodyPatch,
  rules: dataAccessBodyRules,
});

async function readableBody(ctx: RequestContext, id: string | undefined): Promise<DataAccessBody | null> {
  if (!id) return null;
  return ctx.loaders.accessBody.load(id);
}

@Resolver(() => DataAccessBody)
export class DataAccessBodyResolver {
  @Query(() => DataAccessBodyConnection, { description: 'DACs, disclosure functions, biobanks, HDABs and ethics authorities.' })
  async accessBodies(
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<DataAccessBody>> {
    return keysetPage(ctx.em, DataAccessBody, [ctx.policy.readableFilter()], 'name', { first, after, defaultSize: 50 });
  }

  @FieldResolver(() => String, { description: 'The name in the language asked for (see language).' })
  name(
    @Root() record: DataAccessBody,
    @Arg('language', () => String, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: string | null,
    @Ctx() ctx: RequestContext,
  ): string {
    return nameFor(ctx, record, language);
  }

  @FieldResolver(() => [LocalizedText], { description: 'The name in every language it is given in, the record\'s own language first.' })
  nameTranslations(@Root() record: DataAccessBody): LocalizedText[] {
    return localizedTexts(textInEveryLanguage(record, 'name'));
  }

  @FieldResolver(() => Organisation, { nullable: true })
  async operatedBy(@Root() body: DataAccessBody, @Ctx() ctx: RequestContext): Promise<Organisation | null> {
    if (!body.operatedBy) return null;
    return ctx.loaders.organisation.load(body.operatedBy.id);
  }
}

@Resolver(() => AccessRoute)
export class AccessRouteResolver {
  @FieldResolver(() => DataAccessBody, { nullable: true, description: 'The body to contact first.' })
  accessBody(@Root() route: AccessRoute, @Ctx() ctx: RequestContext): Promise<DataAccessBody | null> {
    return readableBody(ctx, route.accessBody?.id);
  }

  @FieldResolver(() => [AccessRouteStep], { description: 'Steps in the order they must be taken.' })
  steps(@Root() route: AccessRoute, @Ctx() ctx: RequestContext): Promise<AccessRouteStep[]> {
    return ctx.loaders.stepsByRoute.load(route.id);
  }
}

@Resolver(() => AccessRouteStep)
export class AccessRouteStepResolver {
  @FieldResolver(() => DataAccessBody, { nullable: true, description: 'The body responsible for this step.' })
  body(@Root() step: AccessRouteStep, @Ctx() ctx: RequestContext): Promise<DataAccessBody | null> {
    return readableBody(ctx, step.body?.id);
  }
}

@Resolver(() => Dataset)
export class DatasetAccessResolver {
  @FieldResolver(() => AccessRoute, { nullable: true, description: 'How to request access: ordered steps and bodies.' })
  async accessRoute(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<AccessRoute | null> {
    return (await ctx.loaders.accessRouteByDataset.load(dataset.id))[0] ?? null;
  }

  @FieldResolver(() => [DataAccessBody], {
    description:
      'The bodies-only view of accessContacts, each body once in the same order (kept for existing clients): a holding organisation without a registered body does not appear here; use accessContacts to see it.',
  })
  whoToAsk(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<DataAccessBody[]> {
    return whoToAsk(ctx, dataset);
  }

  @FieldResolver(() => [AccessContact], {
    description:
      'Everyone to contact, in a stable order: the route steps first (in their order), then every organisation holding part of the data (by name), each with the body it registered or none (hasRegisteredBody false).',
  })
  accessContacts(@Root() dataset: Dataset, @Ctx() ctx: RequestContext): Promise<AccessContact[]> {
    return accessContacts(ctx, dataset);
  }
}
