import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../common/pagination.js';
import { lifecycleResolver } from '../common/lifecycle-resolver.js';
import type { RequestContext } from '../http/context.js';
import { Organisation } from './organisation.entity.js';
import { OrganisationInput, OrganisationPatch, organisationRules } from './organisation.service.js';

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
    const size = pageSize(first, 50);
    const where: Record<string, unknown> = { ...ctx.policy.readableFilter() };
    const totalCount = await ctx.em.count(Organisation, where);
    if (after) {
      const [name, id] = decodeCursor(after, 2);
      where.$and = [{ $or: [{ name: { $gt: name } }, { name, id: { $gt: id } }] }];
    }
    const rows = await ctx.em.find(Organisation, where, { orderBy: { name: 'asc', id: 'asc' }, limit: size + 1 });
    return toConnection(rows, size, totalCount, (o) => encodeCursor([o.name, o.id]));
  }

  @FieldResolver(() => Organisation, { nullable: true })
  async parent(@Root() organisation: Organisation, @Ctx() ctx: RequestContext): Promise<Organisation | null> {
    if (!organisation.parent) return null;
    const parent = await ctx.loaders.organisation.load(organisation.parent.id);
    return parent && ctx.policy.canRead(parent) ? parent : null;
  }
}
