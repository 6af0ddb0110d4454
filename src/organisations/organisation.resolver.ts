import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType } from '../graphql/kit/connection.js';
import { LANGUAGE_ARGUMENT_DESCRIPTION, LocalizedText, localizedTexts, nameFor } from '../graphql/kit/localized-text.js';
import { textInEveryLanguage } from '../records/translations.js';
import { keysetPage, type Connection } from '../records/pagination.js';
import { lifecycleResolver } from '../graphql/kit/lifecycle-resolver.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { Organisation } from './organisation.entity.js';
import { OrganisationInput, OrganisationPatch } from './organisation.inputs.js';
import { organisationRules } from './organisation.rules.js';

const OrganisationConnection = ConnectionType(Organisation, 'Organisation');

export const OrganisationLifecycleResolver = lifecycleResolver({
  entity: Organisation,
  payloadField: 'organisation',
  input: OrganisationInput,
  patch: OrganisationPatch,
  rules: organisationRules,
});

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => OrganisationConnection, { description: 'Organisations, by name.' })
  async organisations(
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<Organisation>> {
    return keysetPage(ctx.em, Organisation, [ctx.policy.readableFilter()], 'name', { first, after, defaultSize: 50 });
  }

  @FieldResolver(() => String, { description: 'The name in the language asked for (see language).' })
  name(
    @Root() record: Organisation,
    @Arg('language', () => String, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: string | null,
    @Ctx() ctx: RequestContext,
  ): string {
    return nameFor(ctx, record, language);
  }

  @FieldResolver(() => [LocalizedText], { description: 'The name in every language it is given in, the record\'s own language first.' })
  nameTranslations(@Root() record: Organisation): LocalizedText[] {
    return localizedTexts(textInEveryLanguage(record, 'name'));
  }

  @FieldResolver(() => Organisation, { nullable: true })
  async parent(@Root() organisation: Organisation, @Ctx() ctx: RequestContext): Promise<Organisation | null> {
    if (!organisation.parent) return null;
    return ctx.loaders.organisation.load(organisation.parent.id);
  }
}
