import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { fromGlobalId } from '../core/global-id.js';
import { findAtAddress } from '../records/references.js';
import { Node } from '../records/record.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { HealthEconomicEvaluation } from '../economics/health-economic-evaluation.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { Study } from '../studies/study.entity.js';
import type { RequestContext } from './kit/context.js';

const NODE_TYPES = { Dataset, Study, Organisation, DataAccessBody, HealthEconomicEvaluation, Publication } as const;

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any record by its Relay global id (a withdrawn record too, as dataset(id) explains).' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Node | null> {
    const decoded = fromGlobalId(id);
    // Own keys only: a type such as "__proto__" or "constructor" names no record kind.
    const entity = decoded && Object.hasOwn(NODE_TYPES, decoded.type) ? NODE_TYPES[decoded.type as keyof typeof NODE_TYPES] : null;
    if (!decoded || !entity) return null;
    return (await findAtAddress(ctx.em, ctx.policy, entity as typeof Dataset, id)) as unknown as Node | null;
  }
}
